import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../git/exec';
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
  // Many spec versions differ only below the preamble or in comments: evaluate each preamble once.
  const byPreamble = new Map<string, SpecVersion | null>();
  for (const [key, text] of texts) {
    const preamble = preambleKey(text);
    if (byPreamble.has(preamble)) {
      out.set(key, byPreamble.get(preamble)!);
      continue;
    }
    const r = evaluatePreamble(text);
    const value = r.ok ? r.value : await rpmspecVersion(text, signal);
    // A spec only rpm could read may depend on more than its preamble: don't share that answer.
    if (r.ok) byPreamble.set(preamble, value);
    out.set(key, value);
  }
  return out;
}

/** The lines that decide Name/Epoch/Version/Release: up to the first section, comments left out. */
function preambleKey(text: string): string {
  const end = text.search(/^%(prep|build|install|check|files|changelog|description|package)\b/m);
  return (end < 0 ? text : text.slice(0, end))
    .split('\n')
    .filter((l) => !/^\s*(#|$)/.test(l))
    .join('\n');
}

/** Release and changelog for a spec file or dist-git directory, exactly as rpmautospec computes them. */
export class NoSpecError extends Error {}

/** The spec of a dist-git directory: `<dir>.spec`, else the only `*.spec` in it. */
async function findSpec(path: string): Promise<string> {
  const isDir = (await stat(path)).isDirectory();
  const specPath = specFileFor(path, isDir);
  if (!isDir) return specPath;
  try {
    await stat(specPath);
    return specPath;
  } catch {
    const specs = (await readdir(path)).filter((f) => f.endsWith('.spec'));
    if (specs.length === 1) return join(path, specs[0]);
    throw new NoSpecError(specs.length ? `${path} holds several spec files (${specs.join(', ')}); name one` : `no spec file in ${path}`);
  }
}

/** rpm's %packager, the author of "Uncommitted changes" outside a git repository. */
async function packager(): Promise<{ name: string; email: string }> {
  try {
    const out = (await run('rpm', ['--eval', '%{?packager}'])).stdout.toString().trim();
    const m = /^(.*?)\s*<([^>]*)>$/.exec(out);
    if (m) return { name: m[1], email: m[2] };
  } catch {
    /* rpm not installed */
  }
  return { name: 'John Doe', email: 'packager@example.com' };
}

export async function autospecFor(path: string, options: LoadOptions = {}): Promise<Autospec> {
  const specPath = await findSpec(path);
  const history = await loadHistory(specPath, options);
  if (history.workSpec === null && !history.head) throw new NoSpecError(`cannot read ${specPath}: no such file`);
  if (!history.top) history.signature = await packager();
  const texts = new Map<string, string>();
  for (const c of history.commits.values()) if (c.specBlob && !texts.has(c.specBlob)) texts.set(c.specBlob, history.blobs.get(c.specBlob) ?? '');
  if (history.workSpec !== null) texts.set(`worktree:${history.workSpec}`, history.workSpec);
  options.onProgress?.(`evaluating ${texts.size} spec versions`);
  const specs = await evaluateSpecs(texts, options.signal);
  const result = computeAutospec(history, (blob) => specs.get(blob) ?? null);
  return { history, result, specs };
}
