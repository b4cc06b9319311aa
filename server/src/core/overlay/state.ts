import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * What the previous resolution gave each component (`.gitoverlay/resolved.json`): a new NEVR that
 * does not sort above it would never reach machines that installed the old build.
 */

export interface ResolvedEntry {
  nevr: string;
  /** `[epoch:]version-release`, what compareEVR reads. */
  evr: string;
  upstream: string | null;
  distgit: string | null;
}

export interface ResolvedState {
  version: 1;
  components: Record<string, ResolvedEntry>;
}

/** The previous state; a missing or unreadable file is an empty one (the first resolution). */
export async function readState(path: string): Promise<ResolvedState> {
  try {
    const v = JSON.parse(await readFile(path, 'utf8')) as Partial<ResolvedState>;
    if (v && v.version === 1 && typeof v.components === 'object' && v.components !== null) return { version: 1, components: v.components };
  } catch {
    /* first run, or a file someone broke: start over */
  }
  return { version: 1, components: {} };
}

/** Written beside and renamed: a reader never sees half a file. */
export async function writeState(path: string, state: ResolvedState): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(tmp, JSON.stringify(state, null, 2) + '\n');
    await rename(tmp, path);
  } finally {
    await rm(tmp, { force: true });
  }
}
