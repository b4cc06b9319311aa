import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { BuildResult } from './types';

/**
 * What the last build of a document did, kept beside it (`.gitoverlay/last-build.json` for an
 * overlay, `last-build.<file>.json` for a module), written by every build, the CLI's, the tasks' and
 * the editor's: the Builds view of any window shows the repository as it is.
 */
export function recordLastBuild(path: string, result: BuildResult, module: boolean): void {
  try {
    const dir = join(dirname(resolve(path)), '.gitoverlay');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, module ? `last-build.${basename(path)}.json` : 'last-build.json'), JSON.stringify({ overlay: resolve(path), ...result }, null, 2) + '\n');
  } catch {
    /* a read-only checkout still builds */
  }
}
