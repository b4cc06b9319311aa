// The analysis worker: parses and checks huge documents off the server's main thread, and answers the
// document requests on them (completion, hover, symbols...) from its own analysis. One job at a time;
// the main thread queues, drops superseded jobs and terminates this worker to cancel a running one.
import { parentPort } from 'node:worker_threads';
import { WorkspaceIndex, type FileEntries } from '../core/index/workspace';
import type { CheckOptions } from '../core/check/check';
import { readModuleParsed, streamsOfDocument, type LoadedFile, type ModuleStream } from '../core/buildroot/index';
import { buildrequireSites, type BuildrequireSites } from '../core/buildroot/diagnostics';
import { fsPath } from './documents';
import { parseYaml } from '../core/yaml/parse';
import { AnalysisCache } from './documents';
import { answerFeature, type FeatureMethod } from './features';
import { toLspDiagnostic } from './convert';

export interface WorkerJob {
  job: number;
  uri: string;
  version: number;
  /** Sent when the worker does not have this version yet. */
  text?: string;
  options: CheckOptions;
  /** The main thread's workspace index, when it changed since the last job. */
  index?: [string, FileEntries][];
  method: 'analyze' | 'index' | FeatureMethod;
  params?: unknown;
}

export type WorkerReply = { job: number; ok: true; value: unknown } | { job: number; ok: false; error: string };

export interface AnalyzeValue {
  family: import('../core/kinds/detect').FileFamily;
  diagnostics: ReturnType<typeof toLspDiagnostic>[];
  entries: FileEntries;
  /** The module streams and defaults for the buildroot index (module documents only). */
  modules?: LoadedFile;
  /** Its buildrequires and what they resolve from (module documents without syntax errors only). */
  buildrequires?: { where: BuildrequireSites; subject: ModuleStream[] };
}

const cache = new AnalysisCache();
const texts = new Map<string, { version: number; text: string }>();
const index = new WorkspaceIndex();

function run(m: WorkerJob): unknown {
  if (m.index) index.import(m.index);
  if (JSON.stringify(cache.options) !== JSON.stringify(m.options)) {
    cache.options = m.options;
    cache.clear();
  }
  if (m.method === 'index') {
    // A file that is not open: read for the indexes, not kept.
    const parsed = parseYaml(m.text ?? '');
    return { entries: WorkspaceIndex.entriesOf(m.uri, parsed), modules: readModuleParsed(parsed, fsPath(m.uri)) };
  }
  if (m.text !== undefined) texts.set(m.uri, { version: m.version, text: m.text });
  const held = texts.get(m.uri);
  if (!held || held.version !== m.version) throw new Error(`the analysis worker has no text for version ${m.version} of ${m.uri}`);
  const a = cache.get({ uri: m.uri, version: m.version, getText: () => held.text });
  if (m.method === 'analyze') {
    const value: AnalyzeValue = {
      family: a.result.family,
      diagnostics: a.result.diagnostics.map(toLspDiagnostic),
      entries: WorkspaceIndex.entriesOf(m.uri, a.parsed),
      modules: a.result.family === 'modulemd' ? readModuleParsed(a.parsed, fsPath(m.uri)) : undefined,
    };
    if (a.result.family === 'modulemd' && !a.parsed.syntax.some((d) => d.severity === 'error')) {
      const where = buildrequireSites(a.parsed);
      if (where.sites.length) value.buildrequires = { where, subject: a.parsed.documents.flatMap((d) => streamsOfDocument(d, fsPath(m.uri))) };
    }
    return value;
  }
  return answerFeature(m.method, a, m.params as never, index);
}

parentPort?.on('message', (m: WorkerJob | { forget: string }) => {
  if ('forget' in m) {
    cache.delete(m.forget);
    texts.delete(m.forget);
    return;
  }
  let reply: WorkerReply;
  try {
    reply = { job: m.job, ok: true, value: run(m) };
  } catch (err) {
    reply = { job: m.job, ok: false, error: (err as Error).stack ?? String(err) };
  }
  parentPort!.postMessage(reply);
});
