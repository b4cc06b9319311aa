import { stat } from 'node:fs/promises';
import { evaluatePreamble, type SpecVersion } from '../spec/preamble';
import { rpmspecVersion } from '../spec/rpmspec';
import { computeAutospec, type AutospecResult } from './compute';
import { loadHistory, specFileFor, type History, type LoadOptions } from './history';

export interface Autospec {
  history: History;
  result: AutospecResult;
  /** Evaluated spec per blob (and `worktree:` text), null when unparseable. */
  specs: Map<string, SpecVersion | null>;
}

/** Evaluates every distinct spec once: the preamble evaluator, else rpm itself when it is installed. */
export async function evaluateSpecs(texts: Map<string, string>, signal?: AbortSignal): Promise<Map<string, SpecVersion | null>> {
  const out = new Map<string, SpecVersion | null>();
  for (const [key, text] of texts) {
    const r = evaluatePreamble(text);
    if (r.ok) out.set(key, r.value);
    else out.set(key, await rpmspecVersion(text, signal));
  }
  return out;
}

/** Release and changelog for a spec file or dist-git directory, exactly as rpmautospec computes them. */
export async function autospecFor(path: string, options: LoadOptions = {}): Promise<Autospec> {
  const isDir = (await stat(path)).isDirectory();
  const specPath = specFileFor(path, isDir);
  const history = await loadHistory(specPath, options);
  const texts = new Map<string, string>();
  for (const c of history.commits.values()) if (c.specBlob && !texts.has(c.specBlob)) texts.set(c.specBlob, history.blobs.get(c.specBlob) ?? '');
  if (history.workSpec !== null) texts.set(`worktree:${history.workSpec}`, history.workSpec);
  options.onProgress?.(`evaluating ${texts.size} spec versions`);
  const specs = await evaluateSpecs(texts, options.signal);
  const result = computeAutospec(history, (blob) => specs.get(blob) ?? null);
  return { history, result, specs };
}
