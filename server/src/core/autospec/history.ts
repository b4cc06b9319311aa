import { readFile, realpath } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { git, gitPipeline, ProcessError } from '../git/exec';

/** One commit as rpmautospec sees it. */
export interface Commit {
  id: string;
  parents: string[];
  tree: string;
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
  /** Commit ids with every child before its parents (`git log --topo-order`). */
  order: string[];
  /** Contents of every distinct spec and changelog blob the commits refer to. */
  blobs: Map<string, string>;
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

function parseBatch(out: Buffer): Map<string, string> {
  const blobs = new Map<string, string>();
  let pos = 0;
  while (pos < out.length) {
    const nl = out.indexOf(10, pos);
    if (nl < 0) break;
    const header = out.toString('utf8', pos, nl);
    const [id, type, size] = header.split(' ');
    if (type === 'missing' || size === undefined) {
      pos = nl + 1;
      continue;
    }
    const n = Number(size);
    blobs.set(id, out.toString('utf8', nl + 1, nl + 1 + n));
    pos = nl + 1 + n + 1;
  }
  return blobs;
}

/**
 * Reads the whole history reachable from HEAD with three git processes: one `git log`, one
 * `cat-file --batch-check` (spec and changelog blob of every tree) and one `cat-file --batch`
 * (the distinct blobs). No process per commit.
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
    dirty: true,
    workSpec,
    signature: { name: 'Unknown User', email: 'please-configure-git-user@example.com' },
  };
  let top: string;
  try {
    top = (await git(['rev-parse', '--show-toplevel'], { cwd: dir, signal })).stdout.toString().trim();
  } catch (err) {
    if (err instanceof ProcessError && err.code !== null) return empty;
    throw err;
  }
  // git answers with the real path: a directory reached through a symlink must be compared as one too.
  const rel = relative(top, await realpath(dir).catch(() => dir)).split('\\').join('/');
  const inRepo = (name: string): string => (rel ? `${rel}/${name}` : name);
  const specName = inRepo(basename(specPath));
  const changelogName = inRepo('changelog');
  // Independent questions run side by side with the history walk.
  if (options.rev !== undefined && (options.rev.startsWith('-') || options.rev === '')) throw new Error(`refusing revision '${options.rev}'`);
  const headP = git(['rev-parse', '--verify', '-q', '--end-of-options', `${options.rev ?? 'HEAD'}^{commit}`], { cwd: top, signal, okCodes: [1] });
  const signatureP = defaultSignature(top, signal);
  const dirtyP = git(['diff', '--quiet', 'HEAD', '--'], { cwd: top, signal, okCodes: [1, 128] });
  const head = (await headP).stdout.toString().trim() || null;
  const signature = await signatureP;
  if (!head) {
    await dirtyP.catch(() => undefined);
    return { ...empty, top, signature };
  }

  onProgress?.('reading commits and trees');
  // git log streams into cat-file --batch-check: the spec and changelog blob of every new tree.
  const trees: string[] = [];
  const seenTrees = new Set<string>();
  let carry = '';
  let field = 0;
  const piped = await gitPipeline(
    ['log', '--topo-order', '-z', '--format=%H%x00%P%x00%T%x00%an%x00%ae%x00%ct%x00%B', head, '--'],
    ['cat-file', '--batch-check=%(objectname) %(objecttype)'],
    { cwd: top, signal },
    (chunk, write) => {
      // Only the tree field is needed while streaming: every 7th NUL-separated field, offset 2.
      const parts = (carry + chunk.toString('latin1')).split('\0');
      carry = parts.pop()!;
      for (const part of parts) {
        if (field % 7 === 2 && !seenTrees.has(part)) {
          seenTrees.add(part);
          trees.push(part);
          write(`${part}:${specName}\n${part}:${changelogName}\n`);
        }
        field++;
      }
    },
  );
  const fields = piped.producer.toString('utf8').split('\0');
  const commits = new Map<string, Commit>();
  const order: string[] = [];
  for (let i = 0; i + 6 < fields.length; i += 7) {
    const id = fields[i].replace(/^\n/, '');
    if (!id) continue;
    order.push(id);
    commits.set(id, {
      id,
      parents: fields[i + 1] ? fields[i + 1].split(' ') : [],
      tree: fields[i + 2],
      authorName: fields[i + 3],
      authorEmail: fields[i + 4],
      committerTime: Number(fields[i + 5]),
      message: fields[i + 6],
      specBlob: null,
      changelogBlob: null,
    });
  }
  const answers = piped.consumer.toString().split('\n');
  const specOf = new Map<string, string | null>();
  const changelogOf = new Map<string, string | null>();
  trees.forEach((t, k) => {
    const blob = (line: string | undefined): string | null => {
      const [id, type] = (line ?? '').split(' ');
      return type === 'blob' ? id : null;
    };
    specOf.set(t, blob(answers[2 * k]));
    changelogOf.set(t, blob(answers[2 * k + 1]));
  });
  for (const c of commits.values()) {
    c.specBlob = specOf.get(c.tree) ?? null;
    c.changelogBlob = changelogOf.get(c.tree) ?? null;
  }

  const wanted = [...new Set([...specOf.values(), ...changelogOf.values()].filter((b): b is string => b !== null))];
  onProgress?.(`reading ${wanted.length} spec and changelog versions`);
  const batch = wanted.length ? await git(['cat-file', '--batch'], { cwd: top, signal, input: wanted.join('\n') + '\n' }) : null;
  const blobs = batch ? parseBatch(batch.stdout) : new Map<string, string>();

  const diff = await dirtyP;
  if (options.rev !== undefined) {
    // A pinned commit: its own spec, no work tree.
    const spec = commits.get(head)?.specBlob;
    return { dir, specPath, top, head, commits, order, blobs, dirty: false, workSpec: spec ? (blobs.get(spec) ?? null) : null, signature };
  }
  return { dir, specPath, top, head, commits, order, blobs, dirty: diff.code !== 0, workSpec, signature };
}

async function defaultSignature(top: string, signal?: AbortSignal): Promise<{ name: string; email: string }> {
  const get = async (key: string): Promise<string> =>
    (await git(['config', '--get', key], { cwd: top, signal, okCodes: [1] })).stdout.toString().trim();
  return { name: (await get('user.name')) || 'Unknown User', email: (await get('user.email')) || 'please-configure-git-user@example.com' };
}
