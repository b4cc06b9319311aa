import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { git } from '../git/exec';

/**
 * The change that broke a compose, when one component changed since the last good one: the commits
 * of its dist-git (then upstream) between the good build's and the bad build's, read from the build's
 * mirrors. One commit is the culprit; several are listed, newest first.
 */

export interface Commits {
  upstream: string | null;
  distgit: string | null;
}

export interface Culprit {
  component: string;
  /** Which repository the commits are in. */
  where: 'dist-git' | 'upstream';
  /** The mirror they were read from. */
  mirror: string;
  commits: { id: string; subject: string }[];
  /** The one commit: the range's only one, or the first bad one a bisect found. */
  commit: { id: string; subject: string } | null;
  /** Builds a commit bisect made and tested (0: the range held one commit). */
  bisected: number;
}

const HEX = /^[0-9a-f]{40}$/;

/** The mirror (a bare repository somewhere under `mirrors`: their paths follow the URLs) that holds `commit`. */
async function mirrorWith(dir: string, commit: string, depth = 0): Promise<string | null> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return null;
  }
  if (entries.some((e) => e.name === 'HEAD' && e.isFile()) && entries.some((e) => e.name === 'objects' && e.isDirectory())) {
    const has = await git(['cat-file', '-e', `${commit}^{commit}`], { cwd: dir, okCodes: [1, 128] }).catch(() => null);
    return has?.code === 0 ? dir : null;
  }
  if (depth >= 12) return null;
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const found = await mirrorWith(join(dir, e.name), commit, depth + 1);
    if (found) return found;
  }
  return null;
}

export async function findCulprit(mirrors: string, component: string, good: Commits | undefined, bad: Commits | undefined): Promise<Culprit | null> {
  if (!good || !bad) return null;
  for (const where of ['distgit', 'upstream'] as const) {
    const from = good[where];
    const to = bad[where];
    if (!from || !to || from === to || !HEX.test(from) || !HEX.test(to)) continue;
    const mirror = await mirrorWith(mirrors, to);
    if (!mirror) continue;
    const out = await git(['log', '-z', '--format=%H%x00%s', '--end-of-options', `${from}..${to}`, '--'], { cwd: mirror, okCodes: [128] });
    const parts = out.stdout.toString().split('\0').filter(Boolean);
    const commits: { id: string; subject: string }[] = [];
    for (let i = 0; i + 1 < parts.length; i += 2) commits.push({ id: parts[i].trim(), subject: parts[i + 1] });
    if (!commits.length) continue;
    return { component, where: where === 'distgit' ? 'dist-git' : 'upstream', mirror, commits, commit: commits.length === 1 ? commits[0] : null, bisected: 0 };
  }
  return null;
}
