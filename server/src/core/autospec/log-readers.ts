import type { ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { spawnGit } from '../git/exec';
import type { Commit } from './history';

/** `:100644 100644 <old> <new> M` of a raw diff: the new blob, null when the file is deleted. */
function rawEntry(token: string): { blob: string | null } | null {
  const m = /^:\d{6} \d{6} [0-9a-f]+ ([0-9a-f]+) [A-Z]/.exec(token);
  if (!m) return null;
  return { blob: /^0+$/.test(m[1]) ? null : m[1] };
}

type Changes = { spec?: string | null; changelog?: string | null };

const endsIn = (path: string, name: string): boolean => path === name || path.endsWith(`/${name}`);
const NL = 10;
const COLON = 58;

/**
 * Reads `git log -z --raw --format=<7 fields>` as it streams: 7 NUL-separated fields per commit,
 * then any `:meta` / path pairs of its diff (limited to the spec and the changelog).
 */
export class LogReader {
  readonly commits = new Map<string, Commit>();
  /** In git's order (by date: it streams from the first commit, where --topo-order walks all first). */
  private readonly order: string[] = [];
  private readonly changes: Changes[] = [];
  private readonly decoder = new StringDecoder('utf8');
  private carry = '';
  private fields: string[] = [];
  private entry: { blob: string | null } | null = null;

  constructor(
    /** File names (in the spec's directory) of the spec and the changelog. */
    private readonly specName: string,
    private readonly changelogName: string,
    /** Each blob a diff names, as soon as it is read (to start reading its content early). */
    private readonly onBlob?: (blob: string, kind: 'spec' | 'changelog') => void,
  ) {}

  push(chunk: Buffer): void {
    const text = this.carry + this.decoder.write(chunk);
    let pos = 0;
    for (let nul = text.indexOf('\0'); nul >= 0; nul = text.indexOf('\0', pos)) {
      this.token(text.slice(pos, nul));
      pos = nul + 1;
    }
    this.carry = text.slice(pos);
  }

  private token(t: string): void {
    if (this.entry) {
      // The path of the raw entry just read.
      // Paths are the repository's; the log's pathspec admits only these two files of one directory.
      const kind = endsIn(t, this.specName) ? 'spec' : endsIn(t, this.changelogName) ? 'changelog' : null;
      if (kind) {
        this.changes[this.changes.length - 1][kind] = this.entry.blob;
        if (this.entry.blob) this.onBlob?.(this.entry.blob, kind);
      }
      this.entry = null;
      return;
    }
    const n = this.fields.length;
    // A token after the body starts on a new line: a raw entry of the diff, or the next commit's id.
    if (n === 0 && t.charCodeAt(0) === NL) t = t.slice(1);
    if (n === 0 && this.order.length && t.charCodeAt(0) === COLON) {
      const e = rawEntry(t);
      if (e) {
        this.entry = e;
        return;
      }
    }
    this.fields.push(t);
    if (n < 6) return;
    const [id, parents, tree, authorName, authorEmail, time, message] = this.fields;
    this.fields = [];
    this.order.push(id);
    this.changes.push({});
    this.commits.set(id, {
      id,
      parents: parents ? parents.split(' ') : [],
      tree,
      authorName,
      authorEmail,
      committerTime: Number(time),
      message,
      specBlob: null,
      changelogBlob: null,
    });
  }

  /**
   * Ends the stream and gives each commit its spec and changelog blob: the diff's new blob where it
   * changes them, otherwise its first parent's (merges are diffed against their first parent).
   */
  finish(head: string): { commits: Map<string, Commit>; order: string[] } {
    const rest = this.carry + this.decoder.end();
    if (rest) this.token(rest);
    const order = this.order;
    const index = new Map<string, number>();
    for (let i = 0; i < order.length; i++) index.set(order[i], i);
    const commits = order.map((id) => this.commits.get(id)!);
    // Parents by position (-1: not in the log), looked up once.
    const parents = commits.map((c) => c.parents.map((p) => index.get(p) ?? -1));
    const top = index.get(head);
    const parentsFirst = top === undefined ? [] : topologicalOrder(parents, top);
    for (const i of parentsFirst) {
      const c = commits[i];
      const own = this.changes[i];
      const first = parents[i].length && parents[i][0] >= 0 ? commits[parents[i][0]] : undefined;
      c.specBlob = own.spec !== undefined ? own.spec : (first?.specBlob ?? null);
      c.changelogBlob = own.changelog !== undefined ? own.changelog : (first?.changelogBlob ?? null);
    }
    return { commits: this.commits, order: parentsFirst.reverse().map((i) => order[i]) };
  }
}

/** Every commit reachable from `head` after all its parents (depth first, no recursion), by position. */
function topologicalOrder(parents: readonly number[][], head: number): number[] {
  const out: number[] = [];
  const state = new Uint8Array(parents.length); // 1: parents being visited, 2: done
  const stack: number[] = [head];
  while (stack.length) {
    const i = stack[stack.length - 1];
    if (state[i] === 2) {
      stack.pop();
      continue;
    }
    if (state[i] === 1) {
      state[i] = 2;
      out.push(i);
      stack.pop();
      continue;
    }
    state[i] = 1;
    const ps = parents[i];
    for (let k = ps.length - 1; k >= 0; k--) if (ps[k] >= 0 && state[ps[k]] === 0) stack.push(ps[k]);
  }
  return out;
}

/**
 * Blob contents on demand from one long-lived `git cat-file --batch` process: `fetch` writes the ids
 * not read yet and resolves once every one is in `blobs` (a missing object counts as read, absent).
 */
export class BlobStore {
  readonly blobs = new Map<string, string>();
  private child: ChildProcess | null = null;
  private pending: Buffer[] = [];
  /** Ids asked for and not answered yet, in the order asked. */
  private readonly waiting: string[] = [];
  private readonly waiters = new Map<string, (() => void)[]>();
  private failure: Error | null = null;
  /** Read ahead, while `git log` still runs: ids in the order seen, bytes read so far. */
  private readonly ahead: string[] = [];
  private bytes = 0;
  private closed = false;

  constructor(
    private readonly cwd: string,
    private readonly signal?: AbortSignal,
    /** How many bytes `prefetch` may read in all (a small history is read whole at once). */
    private readonly budget = 4 << 20,
  ) {}

  /** Reads `id` ahead of need, while the budget lasts (at most 64 objects in flight). */
  prefetch(id: string): void {
    if (this.blobs.has(id) || this.waiters.has(id) || this.bytes >= this.budget) return;
    this.ahead.push(id);
    this.pump();
  }

  private pump(): void {
    while (this.ahead.length && this.waiting.length < 64 && this.bytes < this.budget && !this.closed && !this.failure) {
      const id = this.ahead.shift()!;
      if (!this.blobs.has(id) && !this.waiters.has(id)) void this.fetch([id]).catch(() => undefined);
    }
  }

  /** Objects read as bytes (trees, files of a checkout), by id. */
  readonly objects = new Map<string, { type: string; data: Buffer }>();
  private readonly asBytes = new Set<string>();

  /** Reads objects as bytes (a tree, any file), through the same process. */
  async readObjects(ids: readonly string[]): Promise<Map<string, { type: string; data: Buffer } | null>> {
    for (const id of ids) if (!this.objects.has(id)) this.asBytes.add(id);
    await this.fetch(ids.filter((id) => !this.objects.has(id)), true);
    return new Map(ids.map((id) => [id, this.objects.get(id) ?? null]));
  }

  fetch(ids: readonly string[], bytes = false): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => (bytes ? !this.objects.has(id) : !this.blobs.has(id)));
    if (!missing.length) return Promise.resolve();
    if (this.failure) return Promise.reject(this.failure);
    const child = this.start();
    const promises: Promise<void>[] = [];
    const fresh: string[] = [];
    for (const id of missing) {
      let list = this.waiters.get(id);
      if (!list) {
        list = [];
        this.waiters.set(id, list);
        fresh.push(id);
        this.waiting.push(id);
      }
      promises.push(new Promise<void>((resolve) => list!.push(resolve)));
    }
    if (fresh.length) (child.stdin as Writable).write(fresh.join('\n') + '\n');
    return Promise.all(promises).then(() => {
      if (this.failure) throw this.failure;
    });
  }

  /**
   * Resolves once what is being read ahead is read, and what waits its turn as far as the budget
   * allows (not the rest: a history of large specs names far more than the budget as it streams).
   */
  async drain(): Promise<void> {
    while (this.waiting.length && !this.closed) await this.fetch([...this.waiting]);
  }

  close(): void {
    this.closed = true;
    this.ahead.length = 0;
    this.child?.stdin?.end();
    this.child = null;
  }

  private start(): ChildProcess {
    if (this.child) return this.child;
    const child = spawnGit(['cat-file', '--batch'], { cwd: this.cwd, signal: this.signal });
    child.stdout!.on('data', (chunk: Buffer) => this.read(chunk));
    (child.stdin as Writable).on('error', () => undefined);
    const fail = (e: Error): void => {
      this.failure ??= e;
      for (const id of this.waiting.splice(0)) this.answer(id);
    };
    child.on('error', fail);
    child.on('close', (code) => {
      if (this.waiting.length) fail(new Error(`git cat-file exited (${code}) with ${this.waiting.length} objects unread`));
    });
    this.child = child;
    return child;
  }

  private answer(id: string): void {
    for (const resolve of this.waiters.get(id) ?? []) resolve();
    this.waiters.delete(id);
  }

  private read(chunk: Buffer): void {
    this.pending.push(chunk);
    let buf = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    let pos = 0;
    for (;;) {
      const nl = buf.indexOf(10, pos);
      if (nl < 0) break;
      const [, type, size] = buf.toString('latin1', pos, nl).split(' ');
      const id = this.waiting[0];
      if (type === 'missing' || size === undefined) {
        pos = nl + 1;
      } else {
        const end = nl + 1 + Number(size);
        if (end + 1 > buf.length) break;
        if (this.asBytes.delete(id)) this.objects.set(id, { type, data: Buffer.from(buf.subarray(nl + 1, end)) });
        else this.blobs.set(id, buf.toString('utf8', nl + 1, end));
        this.bytes += end - nl - 1;
        pos = end + 1;
      }
      this.waiting.shift();
      this.answer(id);
    }
    buf = buf.subarray(pos);
    this.pending = buf.length ? [buf] : [];
    this.pump();
  }
}

/**
 * Writes the tree `treeId` into `dir` as rpmautospec checks a commit out (regular files with their
 * mode, symlinks as symlinks, subdirectories; submodules skipped), reading every object through the
 * store's one cat-file process: no git process per checkout.
 */
export async function writeTree(store: BlobStore, treeId: string, dir: string): Promise<void> {
  const tree = (await store.readObjects([treeId])).get(treeId);
  if (!tree || tree.type !== 'tree') return;
  const entries = parseTree(tree.data, treeId.length / 2);
  await mkdir(dir, { recursive: true });
  const objects = await store.readObjects(entries.filter((e) => e.mode !== '160000').map((e) => e.id));
  for (const e of entries) {
    const target = join(dir, e.name);
    if (e.mode === '40000') await writeTree(store, e.id, target);
    else if (e.mode === '120000') await symlink(objects.get(e.id)?.data.toString() ?? '', target).catch(() => undefined);
    else if (e.mode !== '160000') {
      await writeFile(target, objects.get(e.id)?.data ?? Buffer.alloc(0));
      await chmod(target, e.mode === '100755' ? 0o755 : 0o644);
    }
  }
}

/** A git tree object's entries: `<mode> <name>\0<id bytes>`. */
function parseTree(data: Buffer, idBytes: number): { mode: string; name: string; id: string }[] {
  const out: { mode: string; name: string; id: string }[] = [];
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(32, pos);
    const nul = data.indexOf(0, space);
    out.push({ mode: data.toString('latin1', pos, space), name: data.toString('utf8', space + 1, nul), id: data.toString('hex', nul + 1, nul + 1 + idBytes) });
    pos = nul + 1 + idBytes;
  }
  return out;
}

/** The id of the tree at `path` (a/b/c) under `treeId`, null when there is none. */
export async function subtree(store: BlobStore, treeId: string, path: string): Promise<string | null> {
  let id: string | null = treeId;
  for (const part of path ? path.split('/') : []) {
    const tree = (await store.readObjects([id!])).get(id!);
    if (!tree || tree.type !== 'tree') return null;
    id = parseTree(tree.data, id!.length / 2).find((e) => e.name === part && e.mode === '40000')?.id ?? null;
    if (id === null) return null;
  }
  return id;
}
