import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { autospecFor, type Autospec } from '../autospec/run';
import { sharedClone } from './mirror';

/**
 * rpmautospec's release number and changelog at a pinned commit of a mirror. autospecFor wants a
 * repository with a work tree, so a `clone --shared --no-checkout` borrows the mirror's objects;
 * with `rev` it walks from that commit and never reads the work tree, but it does look for the spec
 * file there, so the pinned text is written in place.
 */
export async function autospecAt(mirrorDir: string, commit: string, specPath: string, specText: string, signal?: AbortSignal): Promise<Autospec> {
  const tmp = await mkdtemp(join(tmpdir(), 'gitoverlay-resolve-'));
  try {
    const top = join(tmp, 'repo');
    await sharedClone(mirrorDir, top, signal);
    const file = join(top, ...specPath.split('/'));
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, specText);
    return await autospecFor(file, { rev: commit, signal });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
