import { appendFile, mkdir, readFile, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { git } from './exec';

/**
 * Keeps what a build writes beside an overlay (the repository and its `.new`/`.old`/`.partial`/`.work`
 * siblings, the mirrors under `.gitoverlay/`) out of `git status`: each directory inside the work tree
 * is listed in the repository's own `.git/info/exclude` (local to this clone, never committed), once.
 * Outside a git work tree: nothing to do. Returns the patterns added.
 */
export async function excludeFromGit(dir: string, directories: readonly string[], signal?: AbortSignal): Promise<string[]> {
  let top: string;
  let excludeFile: string;
  try {
    top = (await git(['rev-parse', '--show-toplevel'], { cwd: dir, signal })).stdout.toString().trim();
    const path = (await git(['rev-parse', '--git-path', 'info/exclude'], { cwd: dir, signal })).stdout.toString().trim();
    excludeFile = isAbsolute(path) ? path : resolve(dir, path);
  } catch {
    return [];
  }
  const realTop = await realpath(top).catch(() => top);
  const patterns: string[] = [];
  for (const d of directories) {
    // The directory may not exist yet: its parent's real path places it.
    const parent = await realpath(dirname(d)).catch(() => dirname(d));
    const rel = relative(realTop, resolve(parent, basename(d))).split('\\').join('/');
    if (!rel || rel.startsWith('..') || isAbsolute(rel)) continue;
    patterns.push(`/${rel}/`);
  }
  const existing = new Set((await readFile(excludeFile, 'utf8').catch(() => '')).split('\n').map((l) => l.trim()));
  const added = [...new Set(patterns)].filter((p) => !existing.has(p));
  if (added.length === 0) return [];
  await mkdir(dirname(excludeFile), { recursive: true });
  const before = await readFile(excludeFile, 'utf8').catch(() => '');
  await appendFile(excludeFile, `${before && !before.endsWith('\n') ? '\n' : ''}# gitoverlay build output\n${added.join('\n')}\n`);
  return added;
}
