import { readFile, rename, writeFile } from 'node:fs/promises';

/**
 * What a Copr run has submitted, kept beside the output (`<out>.copr.json`) and rewritten after every
 * submission: re-running `gitoverlay build` after a crash, a kill or a lost network continues the
 * same remote run (same build ids) instead of submitting twice. A run whose components changed
 * (other cache keys) starts afresh.
 */
export interface CoprRunState {
  version: 1;
  url: string;
  owner: string;
  project: string;
  /** When the run started (seconds): builds submitted since then may be ours (see `adopt`). */
  started: number;
  /** Cache key per component submitted in this run. */
  keys: Record<string, string>;
  /** Per round (its chroots joined by ','): the build id of each component. */
  rounds: Record<string, Record<string, number>>;
}

export function runStateFile(out: string): string {
  return `${out}.copr.json`;
}

/** The recorded run, when it is the same run (same Copr, project and components); else null. */
export async function readRunState(file: string, url: string, owner: string, project: string, keys: Record<string, string>): Promise<CoprRunState | null> {
  try {
    const s = JSON.parse(await readFile(file, 'utf8')) as CoprRunState;
    if (s.version !== 1 || s.url !== url || s.owner !== owner || s.project !== project) return null;
    const same = Object.keys(keys).length === Object.keys(s.keys).length && Object.entries(keys).every(([k, v]) => s.keys[k] === v);
    return same ? s : null;
  } catch {
    return null;
  }
}

/** Written whole to a new file and renamed over the old: never half a state. */
export async function writeRunState(file: string, state: CoprRunState): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(state, null, 2) + '\n');
  await rename(tmp, file);
}
