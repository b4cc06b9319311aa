import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, sep } from 'node:path';
import { git, run } from '../git/exec';
import { abridgedSpec, type PreambleResult, type SpecVersion } from '../spec/preamble';
import type { Macro } from '../spec/macros';
import { startRpmParsers } from '../spec/rpm-python';
import { rpmautospecQuery } from '../spec/rpmspec';
import { systemMacros } from '../spec/system-macros';
import { computeAutospec, type AutospecResult, type ComputeMemo } from './compute';
import { loadHistory, specFileFor, type History, type LoadOptions } from './history';
import { filesIn, readSpec, SpecEvaluations, specAlone, vouched } from './spec-evaluations';

export interface Autospec {
  history: History;
  result: AutospecResult;
  /** Evaluated spec per blob (and `worktree:` text), null when unparseable. */
  specs: Map<string, SpecVersion | null>;
  /** The current spec cannot be parsed (rpmautospec: "Couldn’t parse spec file X.spec"), else null. */
  unparseable: Unparseable | null;
}

export interface Unparseable {
  /** `<name>.spec`. */
  spec: string;
  /** `the work tree` or `commit <id>`. */
  where: string;
  /** rpm's messages, when rpm was asked. */
  detail: string | null;
}

/** rpmautospec's message for an unparseable current spec (note U+2019). */
export function unparseableMessage(u: Unparseable): string {
  return `Couldn\u2019t parse spec file ${u.spec}`;
}

/** A spec version to evaluate: its text, and where rpm reads it from. */
export interface SpecInput {
  text: string;
  /** `<name>.spec`. */
  fileName: string;
  /** The work tree's dist-git directory (the work-tree spec); absent for a commit's spec. */
  sourcedir?: string;
  /** Writes a commit's whole tree into a directory (rpmautospec's last attempt). */
  checkoutTree?: (dir: string) => Promise<void>;
}

/** How many rpm processes run at once. */
const RPM_CONCURRENCY = 4;

/**
 * Evaluates every distinct spec version as rpmautospec 0.8.5 does. The preamble evaluator answers
 * alone when it can vouch that rpm reads the lines before `%prep` the same way; otherwise rpm decides,
 * in rpmautospec's order (`rpmautospecQuery`): the lines before `%prep`, the whole spec, then both with
 * the commit's tree checked out. A version none of them parses is null (unparseable). Without rpm the
 * evaluator's answer stands (null when it cannot evaluate). `errors` gets rpm's messages for the
 * unparseable ones.
 */
export async function evaluateSpecs(
  inputs: Map<string, SpecInput | string>,
  signal?: AbortSignal,
  errors?: Map<string, string>,
  /** Gets the keys whose spec alone parsed in neither way, so that the commit's tree was used. */
  usedTree?: Set<string>,
  /** The evaluator's answers already computed (while the history was read), by key. */
  evaluated?: Map<string, PreambleResult>,
  /** rpm's macros on this machine (`systemMacros()`), which the evaluator starts from. */
  system?: ReadonlyMap<string, Macro>,
  /** Keys whose failure must come with rpm's own message (the current spec); others may be decided here. */
  needsMessage: (key: string) => boolean = () => true,
): Promise<Map<string, SpecVersion | null>> {
  const out = new Map<string, SpecVersion | null>();
  // The lines before %prep decide when they parse: evaluate each such text once.
  const byAbridged = new Map<string, SpecVersion>();
  const forRpm: [string, SpecInput, SpecVersion | null][] = [];
  for (const [key, raw] of inputs) {
    const input = typeof raw === 'string' ? { text: raw, fileName: 'query.spec' } : raw;
    const r = evaluated?.get(key) ?? readSpec(input.text, system, input.sourcedir !== undefined ? filesIn(input.sourcedir) : specAlone(input.fileName));
    if (!r.ok && r.certain && (r.rpmMessage !== undefined || !needsMessage(key))) {
      // rpm fails it in every attempt: unparseable, as rpm would say after trying the tree too.
      out.set(key, null);
      if (r.rpmMessage !== undefined) errors?.set(key, r.rpmMessage);
      if (input.checkoutTree && input.sourcedir === undefined) usedTree?.add(key);
      continue;
    }
    const sure = vouched(r) ?? (await withTree(input, r, system));
    if (sure) {
      out.set(key, sure);
      // Read with the commit's tree, as rpmautospec's third attempt: the version is that commit's.
      if (!vouched(r)) usedTree?.add(key);
      continue;
    }
    forRpm.push([key, input, r.ok ? r.value : null]);
  }
  const pending = new Map<string, Promise<void>>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < forRpm.length) {
      const [key, input, own] = forRpm[next++];
      const abridged = input.sourcedir === undefined ? `${input.fileName}\0${abridgedSpec(input.text)}` : null;
      // Wait for a version with the same lines before %prep: when those parse, so does this one.
      const earlier = abridged !== null ? pending.get(abridged) : undefined;
      let done!: () => void;
      const mine = new Promise<void>((res) => (done = res));
      if (abridged !== null && !earlier) pending.set(abridged, mine);
      try {
        if (earlier) await earlier;
        const shared = abridged !== null ? byAbridged.get(abridged) : undefined;
        if (shared) {
          out.set(key, shared);
          continue;
        }
        const answer = await rpmautospecQuery({ ...input, signal });
        if (answer === undefined) {
          out.set(key, own);
          continue;
        }
        out.set(key, answer.value);
        if (input.checkoutTree && input.sourcedir === undefined && (answer.attempt === null || answer.attempt.startsWith('tree-'))) usedTree?.add(key);
        if (answer.attempt === 'abridged' && abridged !== null) byAbridged.set(abridged, answer.value!);
        if (answer.value === null && answer.detail !== undefined) errors?.set(key, answer.detail);
      } finally {
        done();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(RPM_CONCURRENCY, forRpm.length) }, worker));
  return out;
}

/**
 * rpmautospec's tree attempts, evaluated: a commit's spec that certainly fails alone because its
 * Version reads a file of the tree (`%(cat meson.version)`) is read again with that tree checked out.
 */
async function withTree(input: SpecInput, alone: PreambleResult, system?: ReadonlyMap<string, Macro>): Promise<SpecVersion | undefined> {
  if (!input.checkoutTree || input.sourcedir !== undefined || alone.ok || !alone.evaluable || !/^illegal Version/.test(alone.reason) || !input.text.includes('%(cat ')) return undefined;
  const dir = await mkdtemp(join(tmpdir(), 'gitoverlay-tree-'));
  try {
    await input.checkoutTree(dir);
    return vouched(readSpec(input.text, system, filesIn(dir)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Release and changelog for a spec file or dist-git directory, exactly as rpmautospec computes them. */
export class NoSpecError extends Error {}

/** The spec of a dist-git directory: `<dir>.spec`, else the only `*.spec` in it. */
async function findSpec(path: string): Promise<string> {
  const isDir = (await stat(path)).isDirectory();
  const specPath = specFileFor(path, isDir);
  if (!isDir) return specPath;
  try {
    await stat(specPath);
    return specPath;
  } catch {
    const specs = (await readdir(path)).filter((f) => f.endsWith('.spec'));
    if (specs.length === 1) return join(path, specs[0]);
    throw new NoSpecError(specs.length ? `${path} holds several spec files (${specs.join(', ')}); name one` : `no spec file in ${path}`);
  }
}

/** rpm's %packager, the author of "Uncommitted changes" outside a git repository. */
async function packager(): Promise<{ name: string; email: string }> {
  try {
    const out = (await run('rpm', ['--eval', '%{?packager}'])).stdout.toString().trim();
    const m = /^(.*?)\s*<([^>]*)>$/.exec(out);
    if (m) return { name: m[1], email: m[2] };
  } catch {
    /* rpm not installed */
  }
  return { name: 'John Doe', email: 'packager@example.com' };
}

/** Writes the dist-git directory of a commit (its whole tree there) into `dir`, as rpmautospec checks it out. */
function treeWriter(history: History, commit: string): (dir: string) => Promise<void> {
  return (dir) => history.checkout(commit, dir);
}

export interface AutospecOptions extends LoadOptions {
  /** Every commit's release (a revert's NEVR collision check), not only what the outputs need. */
  all?: boolean;
  /** false: the release alone, as `rpmautospec calculate-release` (no changelog walk, fewer versions read). */
  changelog?: boolean;
}

export async function autospecFor(path: string, options: AutospecOptions = {}): Promise<Autospec> {
  const specPath = await findSpec(path);
  const systemP = systemMacros();
  // The spec on disk is (nearly always) the current version: when the evaluator cannot vouch for it,
  // rpm will be asked, so its parsers load now, beside git.
  void systemP
    .then(async (m) => {
      const r = readSpec(await readFile(specPath, 'utf8'), m, filesIn(dirname(specPath)));
      if (!vouched(r)) startRpmParsers();
    })
    .catch(() => undefined);
  // Spec versions are evaluated when the walk reaches them, not as git log names them: a short walk
  // needs few of those read ahead (measured: systemd's release 160 ms this way, 260 ms evaluating
  // everything read ahead). Evaluating them while git still walks the log gained nothing on two
  // cores (10,000 commits: 435 ms against 440): git and this process both work then.
  const evaluationsP = systemP.then((m) => new SpecEvaluations(basename(specPath), m));
  const history = await loadHistory(specPath, options);
  try {
    return await computeLazily(history, await evaluationsP, options);
  } finally {
    history.close();
  }
}

/**
 * rpmautospec reads no spec version its walk does not reach, and so here: compute as far as the
 * versions known so far allow (an unknown one stops the walk there), then read and evaluate those the
 * walk stopped at, and compute again. Each round reads the spec texts of eight times as many commits
 * below the stopping point as the round before (a long history needs few rounds). What the evaluator vouches
 * for is final; rpm is asked only about versions the walk reached.
 */
async function computeLazily(history: History, evaluations: SpecEvaluations, options: AutospecOptions): Promise<Autospec> {
  if (history.workSpec === null && !history.head) throw new NoSpecError(`cannot read ${history.specPath}: no such file`);
  if (!history.top) history.signature = await packager();
  const fileName = basename(history.specPath);
  const workKey = history.workSpec !== null ? `worktree:${history.workSpec}` : null;
  const { results: evaluated, specs, system } = evaluations;
  const errors = new Map<string, string>();
  const usedTree = new Set<string>();
  /** Tree of the commit whose checkout rpm used for a blob (a version read with its tree is that commit's). */
  const blobTree = new Map<string, string>();
  const index = new Map(history.order.map((id, i) => [id, i]));
  const evaluate = (key: string, text: string): PreambleResult =>
    key === workKey ? evaluations.workSpec(key, text, history.dir) : evaluations.commitSpec(key, text);
  if (workKey !== null) evaluate(workKey, history.workSpec!);
  // When the evaluator cannot vouch for the current spec, rpm will be asked: its parsers load now,
  // while the history's spec texts are read (and only then: most walks never need them).
  const head = history.head ? history.commits.get(history.head) : undefined;
  if (head?.specBlob) await history.fetch([head.specBlob]);
  const current = workKey !== null ? evaluated.get(workKey) : head?.specBlob ? evaluate(head.specBlob, history.blobs.get(head.specBlob) ?? '') : undefined;
  if (current && !vouched(current)) startRpmParsers();
  const specsOf = (ids: readonly string[]): string[] => ids.map((id) => history.commits.get(id)!.specBlob).filter((b): b is string => b !== null);
  const memo: ComputeMemo = { releases: new Map(), items: new Map() };
  let window = 64;
  /** The commit each version rpm is asked about was first looked up for (where the walk goes on). */
  const askedBy = new Map<string, string>();
  let rpmRounds = 0;
  // A changelog walks the whole first-parent line: what was read ahead is needed, and a round of the
  // walk stopped by a version still on its way costs more than waiting for it (~60 ms of 10,000 commits).
  await Promise.all([history.fetch(specsOf(history.order.slice(0, window))), options.changelog !== false ? history.readAhead() : undefined]);
  let result: AutospecResult;
  let lookup: (blob: string, commit?: string) => SpecVersion | null;
  for (;;) {
    const forRpm = new Map<string, SpecInput>();
    const unread = new Set<string>();
    const pending = (blob: string): SpecVersion => ({ version: '', epochVersion: `\0pending ${blob}`, flags: null });
    lookup = (blob, commit) => {
      const c = commit !== undefined ? history.commits.get(commit) : undefined;
      if (blob !== workKey && !specs.has(blob)) {
        const text = history.blobs.get(blob);
        if (text === undefined) {
          if (c) unread.add(c.id);
          return pending(blob);
        }
        evaluate(blob, text);
      }
      if (specs.has(blob)) {
        if (!c || !usedTree.has(blob) || blobTree.get(blob) === c.tree) return specs.get(blob)!;
        const key = `${blob}@${c.tree}`;
        if (specs.has(key)) return specs.get(key)!;
        forRpm.set(key, { text: history.blobs.get(blob)!, fileName, checkoutTree: treeWriter(history, c.id) });
        return pending(key);
      }
      if (!forRpm.has(blob)) {
        if (blob === workKey) forRpm.set(blob, { text: history.workSpec!, fileName, sourcedir: history.dir });
        else if (c) {
          blobTree.set(blob, c.tree);
          forRpm.set(blob, { text: history.blobs.get(blob)!, fileName, checkoutTree: treeWriter(history, c.id) });
          askedBy.set(blob, c.id);
        }
      }
      return pending(blob);
    };
    const unreadText = new Set<string>();
    const textOf = (blob: string): string | undefined => {
      const t = history.blobs.get(blob);
      if (t === undefined) unreadText.add(blob);
      return t;
    };
    result = computeAutospec(history, lookup, undefined, { all: options.all, changelog: options.changelog, textOf, memo, isPending: (v) => v.epochVersion.startsWith('\0pending ') });
    const head = history.head ? history.commits.get(history.head) : undefined;
    if (head?.specBlob) lookup(head.specBlob, head.id);
    if (workKey !== null) lookup(workKey);
    if (!unread.size && !unreadText.size && !forRpm.size) break;
    if (unread.size || unreadText.size) {
      // The commits the walk stopped at, and the next ones below them (it will likely go on there).
      const from = Math.min(...[...unread].map((id) => index.get(id)!));
      window *= 8;
      await history.fetch([...specsOf([...unread, ...history.order.slice(from, from + window)]), ...unreadText]);
    }
    if (forRpm.size) {
      // Once the walk has needed rpm a second time it is going down a stretch of such versions: ask
      // about the next ones on first parents now (two parsers work side by side), not one round each.
      for (const start of rpmRounds++ > 0 ? [...askedBy.values()] : []) {
        let c = history.commits.get(start);
        for (let step = 0; c && step < 8 && forRpm.size < 4; step++) {
          c = c.parents.length ? history.commits.get(c.parents[0]) : undefined;
          const blob = c?.specBlob;
          if (!c || !blob || specs.has(blob) || forRpm.has(blob) || !history.blobs.has(blob)) continue;
          const r = evaluate(blob, history.blobs.get(blob)!);
          if (vouched(r)) continue;
          blobTree.set(blob, c.tree);
          forRpm.set(blob, { text: history.blobs.get(blob)!, fileName, checkoutTree: treeWriter(history, c.id) });
        }
      }
      askedBy.clear();
      options.onProgress?.(`asking rpm about ${forRpm.size} spec version${forRpm.size === 1 ? '' : 's'}`);
      // The current spec's failure is reported with rpm's words; an older one's is not shown.
      const headBlob = history.head ? history.commits.get(history.head)?.specBlob : undefined;
      const needsMessage = (key: string): boolean => key === workKey || (headBlob !== undefined && (key === headBlob || key.startsWith(`${headBlob}@`)));
      for (const [k, v] of await evaluateSpecs(forRpm, options.signal, errors, usedTree, evaluated, system, needsMessage)) specs.set(k, v);
    }
  }
  return { history, result, specs, unparseable: currentUnparseable(history, lookup, specs, errors, workKey) };
}

/** rpmautospec's `result["verflags"]["error"]`: the spec of the work tree (when it differs from HEAD) or of HEAD. */
function currentUnparseable(
  history: History,
  lookup: (blob: string, commit?: string) => SpecVersion | null,
  specs: Map<string, SpecVersion | null>,
  errors: Map<string, string>,
  workKey: string | null,
): Unparseable | null {
  const name = basename(history.specPath);
  if (history.dirty || !history.head) {
    if (workKey === null || specs.get(workKey)) return null;
    return { spec: name, where: 'the work tree', detail: errors.get(workKey) ?? null };
  }
  const head = history.commits.get(history.head);
  if (!head) return null;
  const short = head.id.slice(0, 12);
  if (!head.specBlob) return { spec: name, where: `commit ${short}`, detail: 'Spec file is missing.' };
  if (lookup(head.specBlob, head.id)) return null;
  return { spec: name, where: `commit ${short}`, detail: errors.get(`${head.specBlob}@${head.tree}`) ?? errors.get(head.specBlob) ?? null };
}
