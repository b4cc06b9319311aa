import { realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { completeRelease } from '../autospec/compute';
import { processSpec, specFeatures } from '../autospec/process';
import { isObject } from '../check/context';
import { DEFAULT_FLAGS } from '../spec/preamble';
import { autospecAt } from './autospec-at';
import { ComponentError, expandComponent, labelOf, type ComponentPlan, type SourcePlan } from './expand';
import { expandAutorelease, specIdentity } from './identity';
import { commitTime, defaultBranch, describe, fetchMirror, revParse, syncMirror, type MirrorOptions } from './mirror';
import { compareEVR } from './rpmvercmp';
import { rewriteSpec } from './spec-rewrite';
import { distgitSpec, internalSpec } from './spec-source';
import { readState, writeState, type ResolvedState } from './state';
import { checkRemote, redact, secretsIn, type Remote } from './url';
import { illegalVerRel, literalRelease, parseDescribe, rpmVersion, snapinfo, type Describe } from './version';
import { excludeFromGit } from '../git/exclude';

/**
 * Overlay resolution, rdgo's `resolve` without the tarballs: every component's upstream and
 * dist-git commit, Version, Release, NEVR and rewritten spec. Per-component failures are reported
 * on that component; the others still resolve.
 */

export interface ResolveOptions {
  /**
   * Allow `file://` URLs and local paths. Off by default: an overlay opened in the editor may come
   * from anywhere, and must not make gitoverlay read the disk. The CLI turns it on.
   */
  allowFile?: boolean;
  /** Where mirrors live (default `<overlay dir>/.gitoverlay/mirrors`), as `<host>/<path>.git`. */
  cacheDir?: string;
  /** `git fetch` existing mirrors: all (true) or those of these component / dist-git names. */
  fetch?: boolean | readonly string[];
  /** The previous resolution, for NEVR ordering warnings (default `<overlay dir>/.gitoverlay/resolved.json`; null: none). */
  stateFile?: string | null;
  /** Record this resolution in the state file (default true). */
  writeState?: boolean;
  /** Components resolved at once (default 4). */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
  /** Resolve only the component at this index (the result lists that one alone). */
  only?: number;
  /**
   * Take the dist-git from this repository at this commit instead of the mirror (a revert simulated
   * in a temporary clone: what the overlay build would produce after it).
   */
  distgitAt?: { dir: string; commit: string };
}

export interface ResolvedComponent {
  name: string;
  upstream: { url: string; ref: string; commit: string; describe: string } | null;
  distgit: { url: string; ref: string; commit: string } | null;
  version: string;
  release: string;
  nevr: string;
  /** The rewritten spec. */
  spec: string;
  warnings: string[];
  error?: string;
  /**
   * The newest of its commits' times (seconds): SOURCE_DATE_EPOCH of its build, so that building the
   * same commits again gives the same packages.
   */
  sourceDate?: number;
}

export interface OverlayResolution {
  components: ResolvedComponent[];
  /** Problems of the run itself (the state file could not be written); absent when none. */
  warnings?: string[];
}

/** The overlay as a whole cannot be resolved (no components list). */
export class OverlayError extends Error {}

interface Context {
  mirror: MirrorOptions;
  allowFile: boolean;
  baseDir: string;
  dataDir: string;
  cacheDir: string;
  fetchAll: boolean;
  fetchNames: Set<string>;
  /** One sync per mirror directory per run (components may share a remote). */
  synced: Map<string, Promise<boolean>>;
  fetched: Map<string, Promise<void>>;
  distgitAt?: { dir: string; commit: string };
}

interface Pinned {
  remote: Remote;
  dir: string;
  ref: string;
  commit: string;
  describe: Describe;
}

const short = (sha: string): string => sha.slice(0, 7);

async function fetchOnce(ctx: Context, remote: Remote, dir: string, cacert: string | undefined): Promise<void> {
  let f = ctx.fetched.get(dir);
  if (!f) {
    f = fetchMirror(remote, dir, cacert, ctx.mirror);
    ctx.fetched.set(dir, f);
  }
  await f;
}

/** Mirrors a source and pins its ref to a commit; a missing ref triggers one fetch before giving up. */
async function pin(ctx: Context, source: SourcePlan, what: string, fetch: boolean, warnings: string[]): Promise<Pinned> {
  const remote = checkRemote(source.url, { allowFile: ctx.allowFile, baseDir: ctx.baseDir });
  const dir = join(ctx.cacheDir, remote.mirrorKey);
  let sync = ctx.synced.get(dir);
  if (!sync) {
    sync = syncMirror(remote, dir, source.cacert, fetch, ctx.mirror);
    ctx.synced.set(dir, sync);
    if (fetch) {
      // This sync fetches: it counts as this run's fetch of the mirror. (Handled here so a failed
      // sync is not also an unhandled rejection; whoever awaits it still sees the failure.)
      const fetched = sync.then(() => undefined);
      fetched.catch(() => undefined);
      ctx.fetched.set(dir, fetched);
    }
  }
  // A fresh clone is as new as this run gets.
  if ((await sync) && !ctx.fetched.has(dir)) ctx.fetched.set(dir, Promise.resolve());
  if (fetch) await fetchOnce(ctx, remote, dir, source.cacert);

  let ref = source.ref;
  let commit = await revParse(dir, ref, source.refKind, ctx.mirror);
  if (!commit && source.refKind === 'default-branch') {
    // rdgo's implicit `master`; many repositories now name their default branch otherwise.
    const head = await defaultBranch(dir, ctx.mirror);
    if (head && head !== ref) {
      commit = await revParse(dir, head, 'branch', ctx.mirror);
      if (commit) {
        warnings.push(`${what} has no branch '${ref}' (rdgo's default); used its default branch '${head}' — set 'branch' to say so`);
        ref = head;
      }
    }
  }
  if (!commit) {
    await fetchOnce(ctx, remote, dir, source.cacert);
    commit = await revParse(dir, ref, source.refKind, ctx.mirror);
  }
  const kind = source.refKind === 'default-branch' ? 'branch' : source.refKind === 'freeze' ? 'commit' : source.refKind;
  if (!commit) throw new ComponentError(`${what}: unknown ${kind} '${ref}' in ${remote.display}`);
  return { remote, dir, ref, commit, describe: parseDescribe(await describe(dir, commit, ctx.mirror)) };
}

/** A dist-git taken as it is in a local repository (no mirror): its commit and `git describe`. */
async function pinAt(ctx: Context, source: SourcePlan, at: { dir: string; commit: string }): Promise<Pinned> {
  const remote = checkRemote(source.url, { allowFile: ctx.allowFile, baseDir: ctx.baseDir });
  const commit = await revParse(at.dir, at.commit, 'freeze', ctx.mirror);
  if (!commit) throw new ComponentError(`dist-git: no commit '${at.commit}' in ${at.dir}`);
  return { remote, dir: at.dir, ref: source.ref, commit, describe: parseDescribe(await describe(at.dir, commit, ctx.mirror)) };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Fills `out` in; returns the `[epoch:]version-release` compareEVR reads. */
async function resolvePlan(ctx: Context, plan: ComponentPlan, out: ResolvedComponent): Promise<string> {
  const wants = (name: string): boolean => ctx.fetchAll || ctx.fetchNames.has(name);
  const up = plan.upstream ? await pin(ctx, plan.upstream, 'upstream', wants(plan.name), out.warnings) : null;
  if (up) out.upstream = { url: up.remote.display, ref: up.ref, commit: up.commit, describe: up.describe.raw };
  const dg = plan.distgit ? (ctx.distgitAt ? await pinAt(ctx, plan.distgit, ctx.distgitAt) : await pin(ctx, plan.distgit, 'dist-git', wants(plan.distgit.name), out.warnings)) : null;
  if (dg) out.distgit = { url: dg.remote.display, ref: dg.ref, commit: dg.commit };

  // The repository whose history the spec has: dist-git, or upstream for `spec: internal`.
  const home = (plan.specInternal ? up : dg)!;
  const spec = plan.specInternal
    ? await internalSpec(home.dir, home.commit, plan.name, ctx.mirror)
    : await distgitSpec(home.dir, home.commit, plan.distgit!.name, ctx.mirror);
  if (!spec) {
    throw new ComponentError(
      plan.specInternal ? `no *.spec or *.spec.in in the upstream tree at ${short(home.commit)}` : `dist-git has no ${plan.distgit!.name}.spec at ${short(home.commit)}`,
    );
  }
  out.warnings.push(...spec.warnings);

  const features = specFeatures(spec.text);
  // rpmautospec specs keep their changelog (expanded); rdgo drops a hand-written one.
  const autospecUsed = features.hasAutorelease || features.autochangelogLine !== null;
  const autospec = autospecUsed ? await autospecAt(home.dir, home.commit, spec.path, spec.text, ctx.mirror.signal) : null;
  if (plan.overrideVersion !== undefined && !up) out.warnings.push("'override-version' has no effect without an upstream 'src' (the spec's Version is kept)");

  const commitDate = up ? await commitTime(up.dir, up.commit, ctx.mirror) : 0;
  out.sourceDate = Math.max(commitDate, dg ? await commitTime(dg.dir, dg.commit, ctx.mirror) : 0) || undefined;
  const snap = up ? snapinfo(commitDate, up.commit) : null;
  const version = up ? rpmVersion(up.describe, plan.pkgname, plan.overrideVersion) : null;
  const literal = literalRelease(up?.describe ?? null, dg?.describe ?? null);
  let text = rewriteSpec({
    text: spec.text,
    upstream: up ? { tarDir: `${plan.name}-${up.describe.desc}`, commit: up.commit, version: version! } : null,
    release: features.hasAutorelease ? { snapinfo: snap } : { literal },
    dropPatches: plan.distgit?.patches === 'drop',
    keepChangelog: autospecUsed,
  });

  const id = await specIdentity(text, ctx.mirror.signal);
  const n = autospec?.result.releaseNumber ?? 1;
  let release: string;
  let epoch: string | undefined;
  let rpmName = plan.pkgname;
  let finalVersion = version;
  if (id) {
    release = features.hasAutorelease ? expandAutorelease(id.release ?? '', n) : (id.release ?? literal);
    epoch = id.epoch;
    if (id.name) rpmName = id.name;
    finalVersion = version ?? id.version;
  } else {
    out.warnings.push('the rewritten spec could not be evaluated (neither by gitoverlay nor by rpm); NEVR from the computed values, without Epoch');
    const flags = autospec?.result.flags ?? DEFAULT_FLAGS;
    release = features.hasAutorelease ? completeRelease(n, { ...flags, snapinfo: snap ?? flags.snapinfo }) : literal;
    finalVersion = version ?? autospec?.result.epochVersion?.replace(/^\d+:/, '') ?? null;
  }
  if (finalVersion === null) throw new ComponentError("cannot read the spec's Version");

  if (autospec) text = processSpec(text, autospec.result);
  const sources = [up ? `upstream ${up.commit}` : null, dg ? `dist-git ${dg.commit}` : null].filter(Boolean).join(', ');
  out.spec = `# NOTE: generated by gitoverlay resolve from ${sources}; DO NOT EDIT\n${text}`;
  out.version = finalVersion;
  out.release = release;
  out.nevr = `${rpmName}-${epoch ? `${epoch}:` : ''}${finalVersion}-${release}`;
  if (illegalVerRel(finalVersion)) out.warnings.push(`Version '${finalVersion}' has characters rpm refuses (allowed: letters, digits, . _ + ~ ^)`);
  if (illegalVerRel(release)) out.warnings.push(`Release '${release}' has characters rpm refuses (allowed: letters, digits, . _ + ~ ^)`);
  return `${epoch ? `${epoch}:` : ''}${finalVersion}-${release}`;
}

/** Warns when a component's NEVR does not move forward from the previous resolution's. */
function compareWithPrevious(c: ResolvedComponent, evr: string | undefined, previous: ResolvedState): void {
  const prev = previous.components[c.name];
  if (!prev || evr === undefined) return;
  const cmp = compareEVR(evr, prev.evr);
  const changed = prev.upstream !== (c.upstream?.commit ?? null) || prev.distgit !== (c.distgit?.commit ?? null);
  if (cmp < 0) {
    c.warnings.push(`${c.nevr} sorts below the previous resolution's ${prev.nevr}: systems that installed that build will not update to this one`);
  } else if (cmp === 0 && changed) {
    c.warnings.push(`${c.nevr} is the previous resolution's NEVR although the sources changed: rpm will not see it as an update`);
  }
}

/** Runs `fn` over `items` with at most `limit` at once, results in order. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/**
 * Resolves an overlay: `overlayPath` is where overlay.yml is (its directory holds the cache and the
 * state), `overlay` its parsed JSON value.
 */
export async function resolveOverlay(overlayPath: string, overlay: unknown, options: ResolveOptions = {}): Promise<OverlayResolution> {
  if (!isObject(overlay) || !Array.isArray(overlay.components)) throw new OverlayError("the overlay has no 'components' list");
  const baseDir = dirname(overlayPath);
  // cacertpath is relative to the real overlay.yml when it is a symlink (rdgo).
  const dataDir = await realpath(overlayPath).then(dirname, () => baseDir);
  const secrets = secretsIn(overlay);
  const ctx: Context = {
    mirror: { allowFile: options.allowFile ?? false, signal: options.signal, secrets },
    allowFile: options.allowFile ?? false,
    baseDir,
    dataDir,
    cacheDir: options.cacheDir ?? join(baseDir, '.gitoverlay', 'mirrors'),
    fetchAll: options.fetch === true,
    fetchNames: new Set(Array.isArray(options.fetch) ? options.fetch : []),
    synced: new Map(),
    fetched: new Map(),
    distgitAt: options.distgitAt,
  };
  const stateFile = options.stateFile === undefined ? join(baseDir, '.gitoverlay', 'resolved.json') : options.stateFile;
  const previous = stateFile ? await readState(stateFile) : { version: 1 as const, components: {} };

  const evrs = new Map<ResolvedComponent, string>();
  const list = overlay.components;
  const indices = options.only !== undefined ? [options.only].filter((i) => i >= 0 && i < list.length) : list.map((_, i) => i);
  const components = await pool(indices, options.concurrency ?? 4, async (index) => {
    const raw = list[index];
    const out: ResolvedComponent = { name: labelOf(raw, index), upstream: null, distgit: null, version: '', release: '', nevr: '', spec: '', warnings: [] };
    try {
      const plan = expandComponent(overlay, raw, index, dataDir);
      out.name = plan.name;
      options.onProgress?.(`resolving ${plan.name}`);
      evrs.set(out, await resolvePlan(ctx, plan, out));
    } catch (err) {
      if (options.signal?.aborted) throw err;
      out.error = message(err);
    }
    return out;
  });

  const seen = new Set<string>();
  for (const c of components) {
    if (seen.has(c.name)) c.warnings.push(`another component is also named '${c.name}'; set a distinct 'name'`);
    seen.add(c.name);
    compareWithPrevious(c, evrs.get(c), previous);
    // Nothing an overlay's credentials were written in leaves this function.
    c.warnings = c.warnings.map((w) => redact(w, secrets));
    if (c.error !== undefined) c.error = redact(c.error, secrets);
  }

  if (stateFile && (options.writeState ?? true)) {
    const next: ResolvedState = { version: 1, components: { ...previous.components } };
    for (const c of components) {
      const evr = evrs.get(c);
      if (evr === undefined) continue;
      next.components[c.name] = { nevr: c.nevr, evr, upstream: c.upstream?.commit ?? null, distgit: c.distgit?.commit ?? null };
    }
    try {
      await excludeFromGit(dirname(dirname(stateFile)), [dirname(stateFile)]);
      await writeState(stateFile, next);
    } catch (err) {
      // The resolution stands; only the next run's ordering check loses its reference.
      return { components, warnings: [redact(`could not record this resolution in ${stateFile}: ${message(err)}`, secrets)] };
    }
  }
  return { components };
}
