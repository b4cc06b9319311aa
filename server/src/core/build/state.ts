import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isObject } from '../check/context';
import type { ChrootResult } from './types';

/**
 * What a repository remembers between runs and who may write it: `buildstate.json` (each
 * component's cache key, NEVR, files) and the `<out>.lock` that allows one build at a time.
 */

export interface StateEntry {
  key: string;
  nevr: string;
  files: string[];
  pendingArches: string[];
  /** The commits it was built from. */
  commits?: { upstream: string | null; distgit: string | null };
  /** Remote builds (Copr) per chroot. */
  chroots?: Record<string, ChrootResult>;
}
export interface BuildState {
  version: 1;
  dist: string;
  components: Record<string, StateEntry>;
}

export const STATE = 'buildstate.json';

/** The state file of repository `dir`, null when it has none (or not one this version reads). */
export async function readState(dir: string): Promise<BuildState | null> {
  try {
    const s = JSON.parse(await readFile(join(dir, STATE), 'utf8')) as BuildState;
    return s && s.version === 1 && isObject(s.components) ? s : null;
  } catch {
    return null;
  }
}

/** One build per repository at a time: `<out>.lock` holds the builder's pid (a dead one's lock is taken over). */
export async function takeLock(out: string): Promise<{ release: () => Promise<void> }> {
  const path = `${out}.lock`;
  await mkdir(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, `${process.pid}\n`, { flag: 'wx' });
      return { release: () => rm(path, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      let alive = false;
      try {
        if (pid > 0) process.kill(pid, 0);
        alive = pid > 0;
      } catch {
        alive = false;
      }
      if (alive) throw new Error(`another build (pid ${pid}) is writing ${out} (${path})`);
      await rm(path, { force: true });
    }
  }
  throw new Error(`cannot lock ${path}`);
}
