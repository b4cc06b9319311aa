import { BASE_MODULES, compareStreams, ModuleIndex, virtualModule, type Component, type Dependencies, type ModuleStream } from './index';

/**
 * What a buildroot holds for one module document (MBS stream expansion, §4.2–4.5 of the domain
 * reference) or for an ordinary package (platform + default streams, "Ursa Prime"): one expansion per
 * combination of buildrequired streams, each with the module builds it pulls in and why, the binary
 * RPM names installable, the component batches and what looks wrong.
 */

export type Reason = 'explicit' | 'default stream' | 'only stream' | 'expanded from a list' | 'platform' | `runtime requirement of ${string}`;

export interface ChosenModule {
  nsvc: string;
  reason: Reason;
}

export interface Expansion {
  buildrequires: Record<string, string>;
  modules: ChosenModule[];
  rpms: string[];
  batches: string[][];
  warnings: string[];
}

export interface Resolution {
  expansions: Expansion[];
  /** Buildrequires no stream or build satisfies: the document cannot be built (CLI exit 1). */
  errors: string[];
}

export interface ResolveOptions {
  /** The platform the buildroot is for, `f41` or `platform:f41`: synthesized when no document defines it, and its default stream. */
  platform?: string;
  /** Combinations resolved per dependencies entry at most (default 64); the rest are reported. */
  maxExpansions?: number;
}

// ---------------------------------------------------------------------------------------------
// The index as one resolution sees it: plus the platform option

class View {
  readonly defaults: Map<string, string>;
  private readonly platform?: { name: string; stream: string };

  constructor(readonly index: ModuleIndex, options: ResolveOptions) {
    if (options.platform) {
      const [name, stream] = options.platform.includes(':') ? options.platform.split(':', 2) : ['platform', options.platform];
      this.platform = { name, stream };
    }
    this.defaults = index.defaultStreams();
    // The platform a buildroot is for is the default among several platform streams.
    if (this.platform) this.defaults.set(this.platform.name, this.platform.stream);
  }

  get platformStream(): { name: string; stream: string } | undefined {
    if (this.platform) return this.platform;
    for (const name of BASE_MODULES) {
      const streams = this.index.streamNames(name);
      const d = this.defaults.get(name);
      if (d !== undefined) return { name, stream: d };
      if (streams.length === 1) return { name, stream: streams[0] };
    }
    return undefined;
  }

  streamNames(name: string): string[] {
    const streams = this.index.streamNames(name);
    if (this.platform?.name === name && !streams.includes(this.platform.stream)) return [...streams, this.platform.stream].sort(compareStreams);
    return streams;
  }

  /** Builds of a stream; a base module stream nobody defines is a virtual module (dnf's module_platform_id). */
  builds(name: string, stream: string): ModuleStream[] {
    const builds = this.index.builds(name, stream);
    return builds.length === 0 && BASE_MODULES.has(name) ? [virtualModule(name, stream)] : builds;
  }
}

// ---------------------------------------------------------------------------------------------
// Stream lists

const positives = (list: string[]): string[] => list.filter((s) => !s.startsWith('-'));
const negatives = (list: string[]): string[] => list.filter((s) => s.startsWith('-')).map((s) => s.slice(1));

/** Does `stream` meet a dependency list: `[]` any, positives any of, negatives all except. */
export function satisfies(list: string[], stream: string): boolean {
  if (list.length === 0) return true;
  const pos = positives(list);
  return pos.length ? pos.includes(stream) : !negatives(list).includes(stream);
}

const showList = (list: string[]): string => `[${list.join(', ')}]`;

interface Candidates {
  streams: string[];
  reason: Reason;
  notes: string[];
  error?: string;
}

/**
 * MBS's expansion of one buildrequire (common/resolve.py): positives kept (negatives beside them
 * ignored), all-negative or empty lists start from every stream known; several left and a default
 * stream among them -> the default alone.
 */
function candidates(view: View, module: string, list: string[]): Candidates {
  const known = view.streamNames(module);
  const pos = positives(list);
  const notes: string[] = [];
  let streams: string[];
  if (pos.length) {
    if (pos.length !== list.length) notes.push(`${module}: ${showList(list)} mixes positive and negative streams; the negative ones are ignored`);
    // A base module nobody defines is taken as the document names it (synthesized, like dnf's platform).
    streams = BASE_MODULES.has(module) && known.length === 0 ? pos : pos.filter((s) => known.includes(s));
    const missing = pos.filter((s) => !streams.includes(s));
    if (streams.length && missing.length) notes.push(`${module}: no build of stream(s) ${missing.join(', ')}`);
  } else {
    const neg = negatives(list);
    streams = known.filter((s) => !neg.includes(s));
  }
  if (streams.length === 0) {
    const none = BASE_MODULES.has(module) ? ' (no platform stream known: name one as the platform, or load its document)' : ' (the index has no build of this module)';
    const error = `${module}:${showList(list)} matches no stream${known.length ? ` (known: ${known.join(', ')})` : none}`;
    return { streams, reason: 'explicit', notes, error };
  }
  if (BASE_MODULES.has(module)) {
    const d = view.defaults.get(module);
    return { streams: streams.length > 1 && d !== undefined && streams.includes(d) ? [d] : streams, reason: 'platform', notes };
  }
  if (streams.length === 1) return { streams, reason: pos.length ? 'explicit' : 'only stream', notes };
  const d = view.defaults.get(module);
  if (d !== undefined && streams.includes(d)) return { streams: [d], reason: 'default stream', notes };
  return { streams, reason: 'expanded from a list', notes };
}

// ---------------------------------------------------------------------------------------------
// One buildroot

interface Chosen {
  build: ModuleStream;
  /** The dependencies entry whose requires this build is used with. */
  entry: Dependencies;
  reason: Reason;
}

const label = (b: ModuleStream): string => `${b.name}:${b.stream}`;
const nsvc = (b: ModuleStream): string => `${b.name}:${b.stream}:${b.version}:${b.context}`;
const EMPTY: Dependencies = { buildrequires: {}, requires: {} };

/** Two sorted, disjoint lists as one sorted list. */
function mergeSorted(a: string[], b: string[]): string[] {
  if (b.length === 0) return a.slice();
  const out: string[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i] < b[j] ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

/** Why no build of n:s fits: the requirements the newest build's dependencies miss. */
function unusable(n: string, s: string, builds: ModuleStream[], streamOf: (m: string) => string | undefined): string {
  const misses = builds[0].dependencies.map((entry) =>
    Object.entries(entry.requires)
      .filter(([m, list]) => streamOf(m) !== undefined && !satisfies(list, streamOf(m)!))
      .map(([m, list]) => `${m}:${showList(list)} but ${m}:${streamOf(m)} is in the buildroot`),
  );
  const contexts = [...new Set(builds.map((b) => b.context))].join(', ');
  return `${n}:${s} has no usable build (contexts: ${contexts}): ${builds[0].context} requires ${misses.map((m) => m.join(' and ')).join('; or ')}`;
}

/** What adding one module would bring: it and its runtime requirements, and what stands in the way. */
interface Plan {
  adds: Map<string, Chosen>;
  problems: string[];
  notes: string[];
}

class Buildroot {
  readonly chosen = new Map<string, Chosen>();
  readonly warnings: string[] = [];
  readonly errors: string[] = [];

  /** `planned`: the streams this expansion buildrequires, which builds' requires are checked against before they are chosen. */
  constructor(
    private readonly view: View,
    private readonly planned: Map<string, string> = new Map(),
  ) {}

  private streamOf(name: string): string | undefined {
    return this.chosen.get(name)?.build.stream ?? this.planned.get(name);
  }

  /** The first dependencies entry whose runtime requires the modules known so far allow (unknown ones come later). */
  private static usableEntry(build: ModuleStream, streamOf: (m: string) => string | undefined): Dependencies | null {
    if (build.dependencies.length === 0) return EMPTY;
    for (const entry of build.dependencies) {
      const ok = Object.entries(entry.requires).every(([m, list]) => {
        const s = streamOf(m);
        return s === undefined || satisfies(list, s);
      });
      if (ok) return entry;
    }
    return null;
  }

  /**
   * Adding name:stream and, recursively, its runtime requirements: the newest usable build of each
   * (MBS: the newest build against the platform or a compatible one; several contexts at that
   * version are noted and the first taken), or the problems that prevent it.
   */
  private plan(name: string, stream: string, reason: Reason): Plan {
    const p: Plan = { adds: new Map(), problems: [], notes: [] };
    const streamOf = (m: string): string | undefined => p.adds.get(m)?.build.stream ?? this.streamOf(m);
    const queue: [string, string, Reason][] = [[name, stream, reason]];
    while (queue.length) {
      const [n, s, why] = queue.shift()!;
      const have = p.adds.get(n)?.build.stream ?? this.chosen.get(n)?.build.stream;
      if (have !== undefined) {
        if (have !== s) p.problems.push(`${n}:${s} is required (${why}) but ${n}:${have} is in the buildroot`);
        continue;
      }
      const builds = ModuleIndex.newestFirst(this.view.builds(n, s));
      const usable = builds.map((b) => ({ b, entry: Buildroot.usableEntry(b, streamOf) })).filter((x) => x.entry !== null);
      if (usable.length === 0) {
        p.problems.push(builds.length ? unusable(n, s, builds, streamOf) : `${n}:${s} has no build`);
        continue;
      }
      const top = usable[0];
      const same = usable.filter((x) => x.b.version === top.b.version && x.b.context !== top.b.context);
      if (same.length) p.notes.push(`${n}:${s}:${top.b.version} has several usable contexts (${[top, ...same].map((x) => x.b.context).join(', ')}); using ${top.b.context}`);
      p.adds.set(n, { build: top.b, entry: top.entry!, reason: why });
      for (const [r, list] of Object.entries(top.entry!.requires).sort(([a], [b]) => (a < b ? -1 : 1))) {
        const cur = streamOf(r);
        if (cur !== undefined) {
          if (!satisfies(list, cur)) p.problems.push(`${n}:${s} requires ${r}:${showList(list)} but ${r}:${cur} is in the buildroot`);
          continue;
        }
        if (BASE_MODULES.has(r)) continue;
        const c = candidates(this.view, r, list);
        if (c.error) {
          p.problems.push(`${n}:${s} requires ${c.error}`);
          continue;
        }
        // candidates() already narrowed to the default stream when the list allows it.
        const pick = c.streams[c.streams.length - 1];
        if (c.streams.length > 1) p.notes.push(`${n}:${s} requires ${r}:${showList(list)}, several streams match (${c.streams.join(', ')}); using ${pick}`);
        queue.push([r, pick, `runtime requirement of ${n}:${s}`]);
      }
    }
    return p;
  }

  private commit(p: Plan): void {
    for (const [n, c] of p.adds) this.chosen.set(n, c);
    this.warnings.push(...p.notes);
  }

  /**
   * A buildrequired module (or the platform) and its runtime requirements. Without a usable build it
   * is an error; requirements that cannot be met are warnings (the build may still go through).
   */
  require(name: string, stream: string, reason: Reason): void {
    if (this.chosen.has(name)) return;
    const p = this.plan(name, stream, reason);
    if (!p.adds.has(name)) this.errors.push(...p.problems);
    else this.warnings.push(...p.problems);
    this.commit(p);
  }

  /**
   * Ursa Prime (§4.4): the default streams join in name order, each with its runtime requirements,
   * unless the module is already there (an explicit buildrequire of another stream wins, and so does
   * a requirement of an earlier default). A default that cannot join whole is left out: dnf drops it
   * the same way (perl-tools:1 requiring perl:5.36 after perl's default 5.38 was taken).
   */
  addDefaults(): void {
    this.warnings.push(...this.view.index.defaultConflicts());
    for (const [module, stream] of this.view.defaults) {
      if (BASE_MODULES.has(module) || this.chosen.has(module)) continue;
      const p = this.plan(module, stream, 'default stream');
      if (p.problems.length) this.warnings.push(`default stream ${module}:${stream} left out: ${p.problems[0]}`);
      else this.commit(p);
    }
  }

  /**
   * Binary RPM names: the platform's content (the repositories' non-modular packages, kept sorted by
   * the index, and the base module's artifacts), then each module's artifacts minus its filter;
   * overlaps reported. Only the modules' names are sorted here, then merged with the platform's.
   */
  rpms(): string[] {
    const index = this.view.index;
    const owner = new Map<string, string>();
    const modules = [...this.chosen.values()].sort((a, b) => (a.build.name < b.build.name ? -1 : 1));
    for (const c of modules) if (BASE_MODULES.has(c.build.name)) for (const n of c.build.rpms) owner.set(n, 'platform');
    const overlaps = new Map<string, string[]>();
    for (const c of modules) {
      if (BASE_MODULES.has(c.build.name)) continue;
      const mine = label(c.build);
      // filter.rpms are built but not shipped; MBS keeps them out of later buildroots (Conflicts: in module-build-macros).
      const filtered = new Set(c.build.filter);
      for (const n of c.build.rpms) {
        if (filtered.has(n)) continue;
        const prev = owner.get(n) ?? (index.isNonModular(n) ? 'platform' : undefined);
        // The modular package wins over the platform's (dnf's modular filtering hides the latter).
        if (prev === undefined || prev === 'platform') owner.set(n, mine);
        if (prev !== undefined && prev !== mine) {
          const key = `${prev}\u0000${mine}`;
          const list = overlaps.get(key);
          if (list) list.push(n);
          else overlaps.set(key, [n]);
        }
      }
    }
    for (const [key, names] of overlaps) {
      const [a, b] = key.split('\u0000');
      this.warnings.push(
        a === 'platform'
          ? `${b} ships ${names.join(', ')}, also in the platform (the module's build wins: dnf hides the non-modular package of the same name)`
          : `${names.join(', ')} come from both ${a} and ${b}`,
      );
    }
    const own = [...owner.keys()].filter((n) => !index.isNonModular(n)).sort();
    return mergeSorted(index.nonModularRpms(), own);
  }

  modules(): ChosenModule[] {
    return [...this.chosen.values()].sort((a, b) => (a.build.name < b.build.name ? -1 : 1)).map((c) => ({ nsvc: nsvc(c.build), reason: c.reason }));
  }
}

// ---------------------------------------------------------------------------------------------
// Batches

/**
 * Build batches of a module's components: with `buildafter`, the layers of Kahn's algorithm over the
 * DAG (cycles reported, their members left out); otherwise ascending `buildorder`, equal values sharing
 * a batch (MBS). Within a batch, document order.
 */
export function componentBatches(components: Component[]): { batches: string[][]; warnings: string[] } {
  const warnings: string[] = [];
  if (components.length === 0) return { batches: [], warnings };
  const usesAfter = components.some((c) => c.buildafter.length > 0);
  if (!usesAfter) {
    const orders = [...new Set(components.map((c) => c.buildorder))].sort((a, b) => a - b);
    return { batches: orders.map((o) => components.filter((c) => c.buildorder === o).map((c) => c.key)), warnings };
  }
  if (components.some((c) => c.buildorder !== 0)) warnings.push('Cannot mix buildorder and buildafter in the same stream (libmodulemd refuses it); batches follow buildafter');
  const keys = new Set(components.map((c) => c.key));
  const after = new Map<string, string[]>();
  for (const c of components) {
    for (const a of c.buildafter) if (!keys.has(a)) warnings.push(`Buildafter '${a}' of '${c.key}' not found in components list; ignored`);
    after.set(c.key, [...new Set(c.buildafter.filter((a) => keys.has(a)))]);
  }
  const waiting = new Map(components.map((c) => [c.key, after.get(c.key)!.length]));
  const dependents = new Map<string, string[]>();
  for (const [k, deps] of after) for (const d of deps) dependents.set(d, [...(dependents.get(d) ?? []), k]);
  const batches: string[][] = [];
  let ready = components.map((c) => c.key).filter((k) => waiting.get(k) === 0);
  while (ready.length) {
    batches.push(ready);
    for (const k of ready) waiting.delete(k);
    const next = new Set<string>();
    for (const k of ready) {
      for (const d of dependents.get(k) ?? []) {
        const n = waiting.get(d)! - 1;
        waiting.set(d, n);
        if (n === 0) next.add(d);
      }
    }
    ready = components.map((c) => c.key).filter((k) => next.has(k));
  }
  if (waiting.size) warnings.push(`buildafter cycle: ${findCycle([...waiting.keys()], after).join(' → ')}; left out of the batches: ${[...waiting.keys()].join(', ')}`);
  return { batches, warnings };
}

/** One cycle among `left` (every one of them waits on another of them, so following edges must loop). */
function findCycle(left: string[], after: Map<string, string[]>): string[] {
  const inLeft = new Set(left);
  const path: string[] = [];
  const seen = new Map<string, number>();
  let k: string | undefined = left[0];
  while (k !== undefined && !seen.has(k)) {
    seen.set(k, path.length);
    path.push(k);
    k = after.get(k)!.find((d) => inLeft.has(d));
  }
  return k === undefined ? path : [...path.slice(seen.get(k)!), k];
}

/** rdgo's build order: `srpmroot` components in a bootstrap pass first, then the rest, each in overlay order. */
export function overlayBatches(components: { name: string; srpmroot: boolean }[]): string[][] {
  return [components.filter((c) => c.srpmroot), components.filter((c) => !c.srpmroot)].filter((b) => b.length).map((b) => b.map((c) => c.name));
}

// ---------------------------------------------------------------------------------------------
// Entry points

/** The combinations of one stream per list, in order, lazily (an odometer): never more than `max`. */
function* product(lists: string[][], max: number): Generator<string[]> {
  const at = lists.map(() => 0);
  for (let produced = 0; produced < max; produced++) {
    yield lists.map((l, i) => l[at[i]]);
    let i = lists.length - 1;
    while (i >= 0 && ++at[i] === lists[i].length) at[i--] = 0;
    if (i < 0) return;
  }
}

function finish(br: Buildroot, buildrequires: Record<string, string>, batches: { batches: string[][]; warnings: string[] }, notes: string[]): Expansion {
  const rpms = br.rpms();
  return { buildrequires, modules: br.modules(), rpms, batches: batches.batches, warnings: [...notes, ...br.warnings, ...batches.warnings] };
}

/**
 * Every expansion of a module document's streams (a packager v3 document gives one stream per
 * configuration): each dependencies entry expanded into the combinations of its buildrequired streams.
 */
export function resolveModule(subject: ModuleStream[], index: ModuleIndex, options: ResolveOptions = {}): Resolution {
  const view = new View(index, options);
  const max = options.maxExpansions ?? 64;
  const out: Resolution = { expansions: [], errors: [] };
  for (const s of subject) {
    const batches = componentBatches(s.components);
    const entries = s.dependencies.length ? s.dependencies : [EMPTY];
    entries.forEach((entry, i) => {
      const where = `${s.name || 'module'}${s.stream ? `:${s.stream}` : ''}${s.context ? ` (context ${s.context})` : ''}${entries.length > 1 ? ` dependencies[${i}]` : ''}`;
      const modules = Object.keys(entry.buildrequires).sort((a, b) => Number(BASE_MODULES.has(b)) - Number(BASE_MODULES.has(a)) || (a < b ? -1 : 1));
      const notes: string[] = [];
      const lists: Candidates[] = [];
      let failed = false;
      for (const m of modules) {
        const c = candidates(view, m, entry.buildrequires[m]);
        notes.push(...c.notes);
        if (c.error) {
          out.errors.push(`${where}: buildrequires ${c.error}`);
          failed = true;
        }
        lists.push(c);
      }
      if (failed) return;
      const platform = view.platformStream;
      if (!modules.some((m) => BASE_MODULES.has(m))) {
        notes.push(platform ? `no base module buildrequired; using ${platform.name}:${platform.stream}` : 'no base module (platform) buildrequired and none given');
      }
      const total = lists.reduce((n, c) => n * c.streams.length, 1);
      if (total > max) notes.push(`${total} stream combinations; only the first ${max} are resolved`);
      for (const combo of product(lists.map((c) => c.streams), max)) {
        const planned = new Map(modules.map((m, k) => [m, combo[k]]));
        const br = new Buildroot(view, planned);
        if (platform && !modules.some((m) => BASE_MODULES.has(m))) br.require(platform.name, platform.stream, 'platform');
        modules.forEach((m, k) => br.require(m, combo[k], lists[k].reason));
        br.addDefaults();
        out.errors.push(...br.errors.map((e) => `${where}: ${e}`));
        out.expansions.push(finish(br, Object.fromEntries(planned), batches, [...notes, ...br.errors]));
      }
    });
  }
  return out;
}

/**
 * The buildroot of an ordinary (non-modular) package: the platform's content plus every default
 * stream's build (and what those require), as Koji with Ursa Prime and a local dnf/mock build see it.
 */
export function resolveNonModular(index: ModuleIndex, options: ResolveOptions = {}, batches: string[][] = []): Resolution {
  const view = new View(index, options);
  const br = new Buildroot(view);
  const platform = view.platformStream;
  const notes: string[] = [];
  if (platform) br.require(platform.name, platform.stream, 'platform');
  else notes.push('no platform given (--platform) or defined by a single platform stream; default streams are not checked against one');
  br.addDefaults();
  const buildrequires: Record<string, string> = platform ? { [platform.name]: platform.stream } : {};
  return { expansions: [finish(br, buildrequires, { batches, warnings: [] }, notes)], errors: br.errors };
}
