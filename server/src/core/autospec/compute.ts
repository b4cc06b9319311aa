import { DEFAULT_FLAGS, type AutoreleaseFlags, type SpecVersion } from '../spec/preamble';
import { changelogItems, magicComments } from './commit-message';
import type { Commit, History } from './history';
import { wrap } from './textwrap';

/** A generated changelog entry, or the verbatim content of the `changelog` file. */
export type ChangelogEntry =
  | { kind: 'generated'; time: number; author: string; epochVersion: string | null; release: string; items: string[]; commit: string | null }
  | { kind: 'verbatim'; text: string; commit: string };

export interface CommitRelease {
  epochVersion: string | null;
  releaseNumber: number;
  flags: AutoreleaseFlags;
  release: string;
}

export interface AutospecResult {
  epochVersion: string | null;
  releaseNumber: number;
  /** The complete release without dist: `[0.]N[.extraver][.snapinfo]`. */
  release: string;
  flags: AutoreleaseFlags;
  changelog: ChangelogEntry[];
  /** Release of every commit (for previews of older builds and NEVR collision checks). */
  commits: Map<string, CommitRelease>;
}

/** `[0.]<N + base - 1>[.extraver][.snapinfo]`, as %autorelease expands without %{?dist}. */
export function completeRelease(n: number, flags: AutoreleaseFlags): string {
  return `${flags.prerelease ? '0.' : ''}${n + flags.base - 1}${flags.extraver ? `.${flags.extraver}` : ''}${flags.snapinfo ? `.${flags.snapinfo}` : ''}`;
}

export interface ComputeMemo {
  releases: Map<string, CommitRelease>;
  items: Map<string, string[]>;
}

/** The evaluated spec of a blob as found in a commit (rpm may read the commit's other files too). */
export type SpecLookup = (blob: string, commit?: string) => SpecVersion | null;

/**
 * rpmautospec 0.8.5's release numbers and changelog, from a loaded history. `specOf` gives the
 * evaluated spec of a blob (null when it cannot be parsed: its epoch-version is unknown).
 */
export function computeAutospec(
  history: History,
  specOf: SpecLookup,
  now: () => number = () => Math.floor(Date.now() / 1000),
  options: {
    /** Every commit's release, not only those the outputs need (as rpmautospec, which walks no further). */
    all?: boolean;
    /** A blob's text (the `changelog` file), undefined when not read yet. */
    textOf?: (blob: string) => string | undefined;
    /**
     * Kept across calls on the same history while more versions become known: releases that no
     * unknown version went into, and each commit's changelog items.
     */
    memo?: ComputeMemo;
    /** A version not known yet (its `epochVersion` marks it): what depends on it is not kept. */
    isPending?: (spec: SpecVersion) => boolean;
    /** false: the release alone (rpmautospec calculate-release walks no changelog); the changelog is then []. */
    changelog?: boolean;
  } = {},
): AutospecResult {
  const memo = options.memo;
  const releases = new Map<string, CommitRelease>(memo?.releases);
  const tainted = new Set<string>();
  const isPending = options.isPending ?? (() => false);
  const magic = new Map<string, ReturnType<typeof magicComments>>();
  const log = (c: Commit): ReturnType<typeof magicComments> => {
    let l = magic.get(c.id);
    if (!l) {
      l = magicComments(c.message);
      magic.set(c.id, l);
    }
    return l;
  };
  const itemsOf = (c: Commit): string[] => {
    let items = memo?.items.get(c.id);
    if (!items) {
      items = changelogItems(c.message);
      memo?.items.set(c.id, items);
    }
    return items;
  };
  // Each commit's version is asked for as itself and as every child's parent: looked up once.
  const versions = new Map<string, SpecVersion | null>();
  const evOf = (c: Commit): SpecVersion | null => {
    let v = versions.get(c.id);
    if (v === undefined) versions.set(c.id, (v = c.specBlob ? specOf(c.specBlob, c.id) : null));
    return v;
  };
  // A changed [epoch:]version restarts the count; an unknown one matches anything.
  const counts = (ev: string | null, parentEv: string | null): boolean => ev === null || parentEv === null || parentEv === ev;
  /** The release of `id`, computing those of the parents it counts from first (no recursion). */
  const releaseOf = (id: string): CommitRelease => {
    const stack = [id];
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (releases.has(top)) {
        stack.pop();
        continue;
      }
      const c = history.commits.get(top)!;
      const spec = evOf(c);
      const ev = spec?.epochVersion ?? null;
      let unsure = spec !== null && isPending(spec);
      const from: Commit[] = [];
      for (const pid of c.parents) {
        const p = history.commits.get(pid);
        if (!p) continue;
        const ps = evOf(p);
        if (ps !== null && isPending(ps)) unsure = true;
        if (counts(ev, ps?.epochVersion ?? null)) from.push(p);
      }
      let waits = false;
      for (const p of from) {
        if (releases.has(p.id)) continue;
        stack.push(p.id);
        waits = true;
      }
      if (waits) continue;
      let n = 0;
      for (const p of from) {
        n = Math.max(n, releases.get(p.id)!.releaseNumber);
        if (tainted.has(p.id)) unsure = true;
      }
      if (c.specBlob) n += 1;
      const bump = log(c).bumpRelease;
      if (bump !== null) n = Math.max(n, bump);
      const flags = spec?.flags ?? DEFAULT_FLAGS;
      const r = { epochVersion: ev, releaseNumber: n, flags, release: completeRelease(n, flags) };
      releases.set(top, r);
      if (unsure) tainted.add(top);
      else memo?.releases.set(top, r);
      stack.pop();
    }
    return releases.get(id)!;
  };
  if (options.all) for (const id of [...history.order].reverse()) releaseOf(id);

  const changelog: ChangelogEntry[] = [];
  let top: CommitRelease;
  const headRelease = history.head ? releaseOf(history.head) : undefined;
  if (history.dirty || !history.head) {
    // Uncommitted changes: one more (virtual) commit on top of HEAD.
    const spec = history.workSpec !== null ? specOfText(history, specOf) : null;
    const ev = spec?.epochVersion ?? null;
    const flags = spec?.flags ?? DEFAULT_FLAGS;
    const n = headRelease && (ev === null || headRelease.epochVersion === null || headRelease.epochVersion === ev) ? headRelease.releaseNumber + 1 : 1;
    top = { epochVersion: ev, releaseNumber: n, flags, release: completeRelease(n, flags) };
    if (options.changelog !== false) {
      changelog.push({
        kind: 'generated',
        time: now(),
        author: `${history.signature.name} <${history.signature.email}>`,
        epochVersion: ev,
        release: top.release,
        items: ['Uncommitted changes'],
        commit: null,
      });
    }
  } else top = headRelease!;

  // Walk down from HEAD along the parent each commit's changelog continues from.
  let c = history.head && options.changelog !== false ? history.commits.get(history.head) : undefined;
  let removedAbove = false;
  while (c) {
    const parents: Commit[] = [];
    for (const id of c.parents) {
      const p = history.commits.get(id);
      if (p) parents.push(p);
    }
    const changed = parents.length === 0 ? c.changelogBlob !== null : parents.every((p) => p.changelogBlob !== c!.changelogBlob);
    let follow: Commit | undefined;
    let unresolvable = false;
    if (parents.length === 1) follow = parents[0];
    else if (parents.length > 1) {
      // rpmautospec's repository is the spec's directory: compare that directory's trees.
      const dirTree = (x: Commit): string | null => (x.dirTree !== undefined ? x.dirTree : x.tree);
      follow = parents.find((p) => dirTree(p) === dirTree(c!));
      unresolvable = !follow && !changed;
    }
    const entry = (items: string[]): ChangelogEntry => {
      const r = releaseOf(c!.id);
      return {
        kind: 'generated',
        time: c!.committerTime,
        author: `${c!.authorName} <${c!.authorEmail}>`,
        epochVersion: r.epochVersion,
        release: r.release,
        items,
        commit: c!.id,
      };
    };
    if (unresolvable) {
      changelog.push(entry(['RPMAUTOSPEC: unresolvable merge']));
      break;
    }
    if (changed && c.changelogBlob !== null) {
      // The changelog file replaces everything older, unless a newer commit removed it: then its
      // content is dropped, and older history with it.
      if (!removedAbove) changelog.push({ kind: 'verbatim', text: (options.textOf ?? ((b) => history.blobs.get(b)))(c.changelogBlob) ?? '', commit: c.id });
      break;
    }
    if (changed) removedAbove = true;
    if (parents.length <= 1 && c.specBlob !== null && !log(c).skipChangelog) changelog.push(entry(itemsOf(c)));
    c = follow;
  }

  return {
    epochVersion: top.epochVersion,
    releaseNumber: top.releaseNumber,
    release: top.release,
    flags: top.flags,
    changelog,
    commits: releases,
  };
}

function specOfText(history: History, specOf: SpecLookup): SpecVersion | null {
  // The work-tree spec is looked up like a blob, keyed by its text.
  return specOf(`worktree:${history.workSpec}`);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `%a %b %d %Y` in UTC and the C locale, whatever the machine's locale. */
export function changelogDate(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, '0')} ${d.getUTCFullYear()}`;
}

export function formatEntry(e: ChangelogEntry): string {
  if (e.kind === 'verbatim') return e.text;
  const evr = e.epochVersion === null ? '' : ` - ${e.epochVersion}${e.release ? `-${e.release}` : ''}`;
  const lines = [`* ${changelogDate(e.time)} ${e.author}${evr}`];
  for (const item of e.items) lines.push(...wrap(item, 75, '- ', '  '));
  return lines.join('\n');
}

/** What `rpmautospec generate-changelog` prints. */
export function changelogText(entries: readonly ChangelogEntry[]): string {
  return entries.map(formatEntry).join('\n\n') + '\n';
}
