import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, relative, resolve } from 'node:path';
import { git } from '../git/exec';
import { autospecAtHead, producedNEVRs, type ProducedNEVR } from './nevr';

/** A commit a packager may want to revert: one that changed the spec (or the overlay file). */
export interface RevertCandidate {
  id: string;
  subject: string;
  author: string;
  /** Author date, ISO 8601 with offset. */
  date: string;
  /** What that commit built as (null for an overlay file, or an unreadable spec). */
  nevr: ProducedNEVR | null;
}

function isOverlay(path: string): boolean {
  const b = basename(path);
  return b === 'overlay.yml' || b.endsWith('.overlay.yml');
}

/**
 * The commits reachable from HEAD that changed the spec of a dist-git directory (PATH: the spec, the
 * directory, or an overlay.yml), newest first, each with the NEVR it produced.
 */
export async function revertCandidates(path: string, options: { limit?: number } = {}): Promise<RevertCandidate[]> {
  const abs = resolve(path);
  let file: string;
  let nevrs: Map<string, ProducedNEVR> | null = null;
  if (isOverlay(abs)) {
    file = abs;
  } else {
    const a = await autospecAtHead(abs);
    file = a.history.specPath;
    nevrs = producedNEVRs(a);
  }
  const cwd = (await stat(abs)).isDirectory() ? abs : dirname(abs);
  const top = (await git(['rev-parse', '--show-toplevel'], { cwd })).stdout.toString().trim();
  const args = ['log', '-z', '--format=%H%x00%s%x00%an <%ae>%x00%aI'];
  if (options.limit !== undefined) args.push(`-n${options.limit}`);
  args.push('HEAD', '--', relative(top, await realpath(file).catch(() => file))); // git's top is a real path
  const out = (await git(args, { cwd: top })).stdout.toString();
  const fields = out.split('\0');
  const result: RevertCandidate[] = [];
  for (let i = 0; i + 3 < fields.length; i += 4) {
    const id = fields[i].replace(/^\n/, '');
    result.push({ id, subject: fields[i + 1], author: fields[i + 2], date: fields[i + 3], nevr: nevrs?.get(id) ?? null });
  }
  return result;
}
