import { StringDecoder } from 'node:string_decoder';
import type { Commit } from './history';

/** `:100644 100644 <old> <new> M` of a raw diff: the new blob, null when the file is deleted. */
export function rawEntry(token: string): { blob: string | null } | null {
  const m = /^\n?:\d{6} \d{6} [0-9a-f]+ ([0-9a-f]+) [A-Z]/.exec(token);
  if (!m) return null;
  return { blob: /^0+$/.test(m[1]) ? null : m[1] };
}

type Changes = { spec?: string | null; changelog?: string | null };

/**
 * Reads `git log -z --raw --format=<7 fields>` as it streams: 7 NUL-separated fields per commit,
 * then any `:meta` / path pairs of its diff (limited to the spec and the changelog). Each blob the
 * diff names goes to `onBlob` at once, so it can be fetched while git goes on.
 */
export class LogReader {
  readonly commits = new Map<string, Commit>();
  /** In git's order (by date: it streams from the first commit, where --topo-order walks all first). */
  private readonly order: string[] = [];
  private readonly changes = new Map<string, Changes>();
  private readonly decoder = new StringDecoder('utf8');
  private carry = '';
  private fields: string[] = [];
  private entry: { blob: string | null } | null = null;

  constructor(
    private readonly specName: string,
    private readonly changelogName: string,
    private readonly onBlob: (blob: string, kind: 'spec' | 'changelog') => void,
  ) {}

  push(chunk: Buffer): void {
    const parts = (this.carry + this.decoder.write(chunk)).split('\0');
    this.carry = parts.pop()!;
    for (const part of parts) this.token(part);
  }

  private token(t: string): void {
    if (this.entry) {
      // The path of the raw entry just read.
      const kind = t === this.specName ? 'spec' : t === this.changelogName ? 'changelog' : null;
      if (kind) {
        this.changes.get(this.order[this.order.length - 1])![kind] = this.entry.blob;
        if (this.entry.blob) this.onBlob(this.entry.blob, kind);
      }
      this.entry = null;
      return;
    }
    if (this.fields.length === 0 && this.order.length) {
      // After a commit's fields: a raw entry of its diff, or the next commit's id.
      const e = rawEntry(t);
      if (e) {
        this.entry = e;
        return;
      }
    }
    this.fields.push(this.fields.length === 0 ? t.replace(/^\n/, '') : t);
    if (this.fields.length < 7) return;
    const [id, parents, tree, authorName, authorEmail, time, message] = this.fields;
    this.fields = [];
    this.order.push(id);
    this.changes.set(id, {});
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
    if (rest) for (const part of rest.split('\0')) this.token(part);
    const parentsFirst = topologicalOrder(this.commits, head);
    for (const id of parentsFirst) {
      const c = this.commits.get(id)!;
      const own = this.changes.get(c.id)!;
      const first = c.parents.length ? this.commits.get(c.parents[0]) : undefined;
      c.specBlob = own.spec !== undefined ? own.spec : (first?.specBlob ?? null);
      c.changelogBlob = own.changelog !== undefined ? own.changelog : (first?.changelogBlob ?? null);
    }
    return { commits: this.commits, order: parentsFirst.reverse() };
  }
}

/** Every commit reachable from `head` after all its parents (depth first, no recursion). */
export function topologicalOrder(commits: Map<string, Commit>, head: string): string[] {
  const out: string[] = [];
  const state = new Map<string, 1 | 2>(); // 1: parents being visited, 2: done
  const stack: string[] = [head];
  while (stack.length) {
    const id = stack[stack.length - 1];
    const c = commits.get(id);
    if (!c || state.get(id) === 2) {
      stack.pop();
      continue;
    }
    if (state.get(id) === 1) {
      state.set(id, 2);
      out.push(id);
      stack.pop();
      continue;
    }
    state.set(id, 1);
    for (let i = c.parents.length - 1; i >= 0; i--) if (!state.has(c.parents[i])) stack.push(c.parents[i]);
  }
  return out;
}

/** Reads `git cat-file --batch` output as it streams: each complete object goes to `onBlob`. */
export class BatchReader {
  private pending: Buffer[] = [];
  readonly blobs = new Map<string, string>();
  constructor(private readonly onBlob: (id: string, text: string) => void) {}

  push(chunk: Buffer): void {
    this.pending.push(chunk);
    let buf = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    let pos = 0;
    for (;;) {
      const nl = buf.indexOf(10, pos);
      if (nl < 0) break;
      const [id, type, size] = buf.toString('latin1', pos, nl).split(' ');
      if (type === 'missing' || size === undefined) {
        pos = nl + 1;
        continue;
      }
      const end = nl + 1 + Number(size);
      if (end + 1 > buf.length) break;
      const text = buf.toString('utf8', nl + 1, end);
      this.blobs.set(id, text);
      this.onBlob(id, text);
      pos = end + 1;
    }
    buf = buf.subarray(pos);
    this.pending = buf.length ? [buf] : [];
  }
}
