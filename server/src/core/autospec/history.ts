import { readFile, realpath } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { git, gitStream, ProcessError } from '../git/exec';
import { BlobStore, LogReader, subtree, writeTree } from './log-readers';

/** One commit as rpmautospec sees it. */
export interface Commit {
  id: string;
  parents: string[];
  tree: string;
  /**
   * When the spec is in a subdirectory: the tree of that directory, read for merges and their
   * parents (rpmautospec follows the parent whose tree is the merge's, and its repository is the
   * spec's directory). Undefined otherwise: `tree` is that directory's tree.
   */
  dirTree?: string | null;
  authorName: string;
  authorEmail: string;
  /** Committer time, seconds since the epoch (changelog dates use it, in UTC). */
  committerTime: number;
  message: string;
  /** Blob id of the spec file in this commit's tree, null when absent. */
  specBlob: string | null;
  /** Blob id of the `changelog` file beside the spec, null when absent. */
  changelogBlob: string | null;
}

export interface History {
  /** Directory of the spec (the dist-git directory). */
  dir: string;
  specPath: string;
  /** Repository top, or null when `dir` is not in a git repository. */
  top: string | null;
  head: string | null;
  commits: Map<string, Commit>;
  /** Commit ids with every child before its parents. */
  order: string[];
  /** Contents of the spec and changelog blobs read so far (`fetch` reads more). */
  blobs: Map<string, string>;
  /** Reads these blobs into `blobs`, through one `git cat-file --batch` kept for the walk. */
  fetch(ids: readonly string[]): Promise<void>;
  /** Resolves once every blob the log's reading started to read ahead is in `blobs`. */
  readAhead(): Promise<void>;
  /** Writes a commit's dist-git directory (the spec's) into `dir`, as rpmautospec checks it out. */
  checkout(commit: string, dir: string): Promise<void>;
  /** Ends that process. */
  close(): void;
  /** Work tree differs from HEAD (tracked files). */
  dirty: boolean;
  /** The spec as it is in the work tree (null if missing). */
  workSpec: string | null;
  /** Who "Uncommitted changes" are by (git's default signature). */
  signature: { name: string; email: string };
}

export interface LoadOptions {
  /** Walk from this commit instead of HEAD (and ignore the work tree): e.g. a pinned dist-git commit. */
  rev?: string;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

/** Resolves PATH (a spec file or a dist-git directory) to the spec file rpmautospec would use. */
export function specFileFor(path: string, isDirectory: boolean): string {
  const abs = resolve(path);
  return isDirectory ? join(abs, `${basename(abs)}.spec`) : abs;
}

/**
 * Reads the whole history reachable from HEAD with one `git log`; blob contents come later, on
 * demand, from one `cat-file --batch` process (`fetch`). No process per commit.
 */
export async function loadHistory(specPath: string, options: LoadOptions = {}): Promise<History> {
  const dir = dirname(specPath);
  const { signal, onProgress } = options;
  let workSpec: string | null = null;
  try {
    workSpec = await readFile(specPath, 'utf8');
  } catch {
    workSpec = null;
  }
  const empty: History = {
    dir,
    specPath,
    top: null,
    head: null,
    commits: new Map(),
    order: [],
    blobs: new Map(),
    fetch: async () => undefined,
    readAhead: async () => undefined,
    checkout: async () => undefined,
    close: () => undefined,
    dirty: true,
    workSpec,
    signature: { name: 'Unknown User', email: 'please-configure-git-user@example.com' },
  };
  // Independent questions run side by side with the history walk, which starts first: it is the long
  // part, and it needs no answer from the others (its pathspec is relative to the spec's directory).
  if (options.rev !== undefined && (options.rev.startsWith('-') || options.rev === '')) throw new Error(`refusing revision '${options.rev}'`);
  const rev = options.rev ?? 'HEAD';
  onProgress?.('reading commits');
  // One `git log` names every commit and, through a raw diff limited to the spec and changelog
  // (--sparse --full-history keeps every commit listed), each commit where either changes: no lookup
  // per tree or commit.
  // Contents are read ahead as the log names them, up to a budget: a small history is read whole
  // while git still walks it; a large one only as far as its walk goes.
  const store = new BlobStore(dir, signal);
  const log = new LogReader(basename(specPath), 'changelog', (blob) => {
    store.prefetch(blob);
  });
  const logP = gitStream(
    [
      'log', '-z', '--no-show-signature', '--format=%H%x00%P%x00%T%x00%an%x00%ae%x00%ct%x00%B',
      '--raw', '--no-abbrev', '--no-renames', '--root', '--diff-merges=first-parent', '--sparse', '--full-history',
      '--end-of-options', rev, '--', `:(literal)${basename(specPath)}`, ':(literal)changelog',
    ],
    { cwd: dir, signal },
    (chunk) => log.push(chunk),
  );
  // One rev-parse: the repository's top and the commit (exit 1: no such commit, e.g. an unborn HEAD;
  // 128: not a repository).
  const whereP = git(['rev-parse', '--show-toplevel', '--verify', '-q', '--end-of-options', `${rev}^{commit}`], { cwd: dir, signal, okCodes: [1] });
  const signatureP = defaultSignature(dir, signal);
  const dirtyP = git(['diff', '--quiet', 'HEAD', '--'], { cwd: dir, signal, okCodes: [1, 128] });
  // Failures surface where they are awaited (an unborn HEAD fails the log: no history then).
  for (const p of [logP, whereP, signatureP, dirtyP] as Promise<unknown>[]) p.catch(() => undefined);
  let where: string[];
  try {
    where = (await whereP).stdout.toString().trim().split('\n');
  } catch (err) {
    if (err instanceof ProcessError && err.code !== null) {
      store.close();
      return empty;
    }
    throw err;
  }
  const top = where[0];
  // git answers with the real path: a directory reached through a symlink must be compared as one too.
  const rel = relative(top, await realpath(dir).catch(() => dir)).split('\\').join('/');
  const head = where[1] || null;
  if (!head) {
    await logP.catch(() => undefined);
    store.close();
    await dirtyP.catch(() => undefined);
    return { ...empty, top, signature: await signatureP };
  }
  await logP;
  const signature = await signatureP;
  const { commits, order } = log.finish(head);
  if (rel) await readDirTrees(top, rel, commits, signal);
  const blobs = store.blobs;
  const fetch = (ids: readonly string[]): Promise<void> => store.fetch(ids);
  const readAhead = (): Promise<void> => store.drain();
  const close = (): void => store.close();
  const checkout = async (commit: string, target: string): Promise<void> => {
    const c = commits.get(commit);
    const tree = c ? await subtree(store, c.tree, rel) : null;
    if (tree) await writeTree(store, tree, target);
  };

  const diff = await dirtyP;
  if (options.rev !== undefined) {
    // A pinned commit: its own spec, no work tree.
    const spec = commits.get(head)?.specBlob;
    if (spec) await fetch([spec]);
    return { dir, specPath, top, head, commits, order, blobs, fetch, readAhead, checkout, close, dirty: false, workSpec: spec ? (blobs.get(spec) ?? null) : null, signature };
  }
  return { dir, specPath, top, head, commits, order, blobs, fetch, readAhead, checkout, close, dirty: diff.code !== 0, workSpec, signature };
}

/** Fills `dirTree` of every merge and its parents with one `cat-file --batch-check`. */
async function readDirTrees(top: string, rel: string, commits: Map<string, Commit>, signal?: AbortSignal): Promise<void> {
  const wanted = new Set<string>();
  for (const c of commits.values()) {
    if (c.parents.length < 2) continue;
    wanted.add(c.id);
    for (const p of c.parents) if (commits.has(p)) wanted.add(p);
  }
  if (!wanted.size) return;
  const ids = [...wanted];
  const out = await git(['cat-file', '--batch-check=%(objectname) %(objecttype)'], { cwd: top, signal, input: ids.map((id) => `${id}:${rel}\n`).join('') });
  const lines = out.stdout.toString().split('\n');
  ids.forEach((id, k) => {
    const [tree, type] = (lines[k] ?? '').split(' ');
    commits.get(id)!.dirTree = type === 'tree' ? tree : null;
  });
}

/** user.name and user.email as `git config --get` reads them (the last value wins), in one process. */
async function defaultSignature(cwd: string, signal?: AbortSignal): Promise<{ name: string; email: string }> {
  const out = (await git(['config', '-z', '--get-regexp', '^user\\.(name|email)$'], { cwd, signal, okCodes: [1] })).stdout.toString();
  const values: Record<string, string> = {};
  for (const item of out.split('\0')) {
    const nl = item.indexOf('\n');
    if (nl > 0) values[item.slice(0, nl)] = item.slice(nl + 1);
  }
  return { name: values['user.name'] || 'Unknown User', email: values['user.email'] || 'please-configure-git-user@example.com' };
}
