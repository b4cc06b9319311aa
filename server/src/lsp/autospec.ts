import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import type { Connection } from 'vscode-languageserver/node';
import { changelogText } from '../core/autospec/compute';
import { processSpec } from '../core/autospec/process';
import { autospecFor, unparseableMessage, type Autospec } from '../core/autospec/run';
import { git } from '../core/git/exec';
import type { Trust } from './trust';

/**
 * Release and changelog of a spec's dist-git history for the editor: one walk per (HEAD, work tree)
 * state, with progress and cancellation, refused in an untrusted workspace.
 */
export class AutospecService {
  private readonly cache = new Map<string, { key: string; value: Autospec; full: boolean }>();
  private readonly running = new Map<string, Promise<Autospec>>();
  /** rpmautospec's default: an unparseable current spec is an error, not a release computed without it. */
  errorOnUnparseable = true;
  /** Called when a walk finishes (the spec's diagnostics depend on it). */
  onComputed: (specPath: string) => void = () => undefined;

  constructor(
    private readonly connection: Connection,
    private readonly trust: Trust,
  ) {}

  /** The error rpmautospec gives for this spec's last walk, when the current spec could not be parsed. */
  unparseable(specPath: string): string | null {
    const u = this.cache.get(specPath)?.value.unparseable;
    if (!u || !this.errorOnUnparseable) return null;
    return `${unparseableMessage(u)} (${u.where})${u.detail ? `: ${u.detail.split('\n').find((l) => l.trim()) ?? ''}` : ''}`;
  }

  /** The walk, refused as rpmautospec refuses it when the current spec cannot be parsed. */
  private async usable(specPath: string): Promise<Autospec> {
    const a = await this.get(specPath);
    const error = this.unparseable(specPath);
    if (error) throw new Error(error);
    return a;
  }

  private async stateKey(specPath: string, text: string | undefined): Promise<string> {
    const cwd = dirname(specPath);
    const head = await git(['rev-parse', '-q', '--verify', 'HEAD'], { cwd, okCodes: [1, 128] }).then(
      (r) => r.stdout.toString().trim(),
      () => '',
    );
    const status = head
      ? await git(['status', '--porcelain', '--untracked-files=no', '--', '.'], { cwd }).then(
          (r) => r.stdout.toString(),
          () => '',
        )
      : '';
    return createHash('sha1').update(`${head}\0${status}\0${text ?? ''}`).digest('hex');
  }

  /**
   * The walk for a spec, from the cache when HEAD and the work tree are unchanged. `full: false` (the
   * lens): the release alone, as rpmautospec calculate-release walks it; a full walk serves it too.
   */
  async get(specPath: string, text?: string, full = true): Promise<Autospec> {
    if (!this.trust.trusted) throw new UntrustedError();
    const key = await this.stateKey(specPath, text);
    const hit = this.cache.get(specPath);
    if (hit && hit.key === key && (hit.full || !full)) return hit.value;
    const id = `${specPath}\0${full}`;
    const pending = this.running.get(id) ?? (full ? undefined : this.running.get(`${specPath}\0true`));
    if (pending) return pending;
    const work = this.walk(specPath, full).then(
      (value) => {
        const now = this.cache.get(specPath);
        if (!(now && now.key === key && now.full && !full)) this.cache.set(specPath, { key, value, full });
        this.running.delete(id);
        this.onComputed(specPath);
        return value;
      },
      (err) => {
        this.running.delete(id);
        throw err;
      },
    );
    this.running.set(id, work);
    return work;
  }

  private async walk(specPath: string, full: boolean): Promise<Autospec> {
    const abort = new AbortController();
    let progress: Awaited<ReturnType<Connection['window']['createWorkDoneProgress']>> | undefined;
    // A history walk on a big repository shows progress and can be cancelled from the notification.
    const timer = setTimeout(() => {
      void this.connection.window.createWorkDoneProgress().then(
        (p) => {
          progress = p;
          p.begin('gitoverlay: reading git history', undefined, specPath, true);
          p.token.onCancellationRequested(() => abort.abort());
        },
        () => undefined,
      );
    }, 300);
    try {
      return await autospecFor(specPath, { signal: abort.signal, onProgress: (m) => progress?.report(m), changelog: full });
    } finally {
      clearTimeout(timer);
      progress?.done();
    }
  }

  invalidate(): void {
    this.cache.clear();
  }

  async changelog(specPath: string): Promise<string> {
    return changelogText((await this.usable(specPath)).result.changelog);
  }

  /** The generated spec: the editor's current text processed with the history's release and changelog. */
  async spec(specPath: string, text: string): Promise<string> {
    return processSpec(text, (await this.usable(specPath)).result);
  }
}

/** Why something was refused in an untrusted workspace: the programs it would run, and what trust enables. */
export class UntrustedError extends Error {
  constructor(enables = 'compute releases and changelogs', programs = 'git') {
    super(`This workspace is not trusted: gitoverlay does not run ${programs} here. Trust the workspace to ${enables}.`);
  }
}
