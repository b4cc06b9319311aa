import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { LSPErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver/node';
import type { CheckOptions } from '../core/check/check';
import type { FileEntries, WorkspaceIndex } from '../core/index/workspace';
import type { LoadedFile } from '../core/buildroot/index';
import type { AnalyzeValue, WorkerJob, WorkerReply } from './analysis-worker';
import type { FeatureMethod, FeatureParams } from './features';

/**
 * Documents this large (in characters) are parsed and checked in the analysis worker: parsing 10 MB
 * takes seconds, and the main thread must keep answering for the other documents meanwhile. Below it
 * a check takes well under a second (even through the error-tolerant parser) and keeps the buildrequires
 * checks, which need the main thread's module index.
 */
export const BIG_DOCUMENT = 2 << 20;

interface Job {
  uri: string;
  /** A file's text read from disk (no version to check against the editor's). */
  text?: string;
  version: number;
  method: WorkerJob['method'];
  params?: unknown;
  token?: CancellationToken;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** Answered when a job's document changed before the job ran (the client asks again). */
export function contentModified(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.ContentModified, 'the document changed');
}

export const SUPERSEDED = Symbol('superseded');

/**
 * The main thread's side of the analysis worker: one job at a time, a superseded job dropped from the
 * queue, a running one cancelled by terminating the worker (parsing cannot be interrupted otherwise).
 */
export class BigDocuments {
  private worker?: Worker;
  private running?: Job & { id: number };
  private readonly queue: Job[] = [];
  /** uri -> version of the text the current worker holds. */
  private readonly held = new Map<string, number>();
  private indexGeneration = -1;
  private nextId = 1;
  /** Workers started (the first, and one after each cancellation or failure). */
  starts = 0;

  constructor(
    private readonly current: (uri: string) => { version: number; text: string } | undefined,
    private readonly index: WorkspaceIndex,
    private readonly options: () => CheckOptions,
    private readonly log: (message: string) => void,
    private readonly script = join(__dirname, 'analysis-worker.js'),
  ) {}

  /** Diagnostics (and index entries) of this version; SUPERSEDED when a newer version came first. */
  analyze(uri: string, version: number): Promise<AnalyzeValue | typeof SUPERSEDED> {
    this.supersede(uri, version);
    return this.enqueue({ uri, version, method: 'analyze' }) as Promise<AnalyzeValue | typeof SUPERSEDED>;
  }

  request<M extends FeatureMethod>(method: M, uri: string, version: number, params: FeatureParams[M], token?: CancellationToken): Promise<unknown> {
    return this.enqueue({ uri, version, method, params, token });
  }

  /** The index entries and modules of a huge file that is not open (read during the workspace scan). */
  readFile(uri: string, text: string): Promise<{ entries: FileEntries; modules: LoadedFile } | typeof SUPERSEDED> {
    return this.enqueue({ uri, version: -1, text, method: 'index' }) as Promise<{ entries: FileEntries; modules: LoadedFile } | typeof SUPERSEDED>;
  }

  /** The document is small now: the worker's copy (if any) is let go. */
  release(uri: string): void {
    if (this.held.has(uri) || this.queue.some((j) => j.uri === uri) || this.running?.uri === uri) this.forget(uri);
  }

  /** The document was closed: its jobs are dropped and the worker forgets its text. */
  forget(uri: string): void {
    this.supersede(uri, Number.POSITIVE_INFINITY);
    if (this.held.delete(uri)) this.worker?.postMessage({ forget: uri });
  }

  /** Settings changed: every analysis is redone (the texts are sent again). */
  reset(): void {
    this.stop();
    this.pump();
  }

  dispose(): void {
    for (const job of this.queue.splice(0)) job.resolve(SUPERSEDED);
    this.stop();
  }

  private enqueue(job: Omit<Job, 'resolve' | 'reject'>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...job, resolve, reject });
      this.pump();
    });
  }

  /** Drops the queued jobs of older versions of `uri`, and cancels the running one. */
  private supersede(uri: string, version: number): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const job = this.queue[i];
      if (job.uri === uri && job.version < version) {
        this.queue.splice(i, 1);
        settleStale(job);
      }
    }
    const r = this.running;
    if (r && r.uri === uri && r.version < version) {
      this.running = undefined;
      settleStale(r);
      this.stop();
      this.pump();
    }
  }

  private stop(): void {
    const w = this.worker;
    this.worker = undefined;
    this.held.clear();
    this.indexGeneration = -1;
    if (this.running) {
      // A job still running on a stopped worker: the client asks again.
      settleStale(this.running);
      this.running = undefined;
    }
    if (w) {
      w.removeAllListeners();
      w.on('error', () => undefined);
      void w.terminate();
    }
  }

  private spawn(): Worker {
    const w = new Worker(this.script);
    this.starts++;
    w.on('message', (reply: WorkerReply) => {
      if (w !== this.worker || !this.running || reply.job !== this.running.id) return;
      const job = this.running;
      this.running = undefined;
      if (reply.ok) job.resolve(reply.value);
      else {
        this.log(`gitoverlay: analysis of ${job.uri} failed: ${reply.error}`);
        job.reject(new ResponseError(-32603, `gitoverlay: ${reply.error.split('\n')[0]}`));
      }
      this.pump();
    });
    const failed = (why: string): void => {
      if (w !== this.worker) return;
      this.log(`gitoverlay: the analysis worker stopped: ${why}`);
      const job = this.running;
      this.running = undefined;
      this.worker = undefined;
      this.held.clear();
      this.indexGeneration = -1;
      job?.reject(new ResponseError(-32603, `gitoverlay: the analysis of ${job.uri} stopped: ${why}`));
      this.pump();
    };
    w.on('error', (err) => failed(err.message));
    w.on('exit', (code) => failed(`exit code ${code}`));
    return w;
  }

  private pump(): void {
    while (!this.running && this.queue.length) {
      const job = this.queue.shift()!;
      if (job.token?.isCancellationRequested) {
        job.reject(new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled'));
        continue;
      }
      const doc = job.text !== undefined ? { version: job.version, text: job.text } : this.current(job.uri);
      if (!doc || doc.version !== job.version) {
        settleStale(job);
        continue;
      }
      this.worker ??= this.spawn();
      const message: WorkerJob = { job: this.nextId++, uri: job.uri, version: job.version, options: this.options(), method: job.method, params: job.params };
      if (job.text !== undefined) message.text = job.text;
      else if (this.held.get(job.uri) !== job.version) {
        message.text = doc.text;
        this.held.set(job.uri, job.version);
      }
      if (job.method !== 'analyze' && this.index.generation !== this.indexGeneration) {
        message.index = this.index.export();
        this.indexGeneration = this.index.generation;
      }
      this.running = { ...job, id: message.job };
      this.worker.postMessage(message);
    }
  }
}

function settleStale(job: Job): void {
  if (job.method === 'analyze' || job.method === 'index') job.resolve(SUPERSEDED);
  else job.reject(contentModified());
}
