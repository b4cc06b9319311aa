import { BASE_MODULES, type Dependencies, type ModuleStream } from './model';
import { ModuleIndex } from './module-index';
import { candidates, meetsThroughVirtualStream, satisfies, showList, type Reason, type View } from './streams';

/**
 * One buildroot: the module builds chosen for it and why (buildrequires, their runtime
 * requirements, then the default streams as Ursa Prime adds them), the binary RPM names it makes
 * installable, and the warnings and errors met on the way.
 */

export interface ChosenModule {
  nsvc: string;
  reason: Reason;
  /** The file (or synthetic origin, e.g. the platform) the build came from. */
  source: string;
}

interface Chosen {
  build: ModuleStream;
  /** The dependencies entry whose requires this build is used with. */
  entry: Dependencies;
  reason: Reason;
}

const label = (b: ModuleStream): string => `${b.name}:${b.stream}`;
const nsvc = (b: ModuleStream): string => `${b.name}:${b.stream}:${b.version}:${b.context}`;
export const EMPTY: Dependencies = { buildrequires: {}, requires: {} };

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

/** Whether module `m` as the buildroot has it meets a requirement `list` of a build's dependencies `entry`. */
type Meets = (m: string, list: string[], entry: Dependencies) => boolean;

/** Why no build of n:s fits: the requirements the newest build's dependencies miss. */
function unusable(n: string, s: string, builds: ModuleStream[], streamOf: (m: string) => string | undefined, meets: Meets): string {
  const misses = builds[0].dependencies.map((entry) =>
    Object.entries(entry.requires)
      .filter(([m, list]) => !meets(m, list, entry))
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

export class Buildroot {
  readonly chosen = new Map<string, Chosen>();
  readonly warnings: string[] = [];
  readonly errors: string[] = [];

  /** `planned`: the streams this expansion buildrequires, which builds' requires are checked against before they are chosen. */
  constructor(
    private readonly view: View,
    private readonly planned: Map<string, string> = new Map(),
  ) {}

  /** The first dependencies entry whose runtime requires the modules known so far allow (unknown ones come later). */
  private static usableEntry(build: ModuleStream, meets: Meets): Dependencies | null {
    if (build.dependencies.length === 0) return EMPTY;
    for (const entry of build.dependencies) if (Object.entries(entry.requires).every(([m, list]) => meets(m, list, entry))) return entry;
    return null;
  }

  /**
   * Adding name:stream and, recursively, its runtime requirements: the newest usable build of each
   * (MBS: the newest build against the platform or a compatible one; several contexts at that
   * version are noted and the first taken), or the problems that prevent it.
   */
  private plan(name: string, stream: string, reason: Reason): Plan {
    const p: Plan = { adds: new Map(), problems: [], notes: [] };
    const buildOf = (m: string): ModuleStream | undefined => p.adds.get(m)?.build ?? this.chosen.get(m)?.build;
    const streamOf = (m: string): string | undefined => buildOf(m)?.stream ?? this.planned.get(m);
    // A module not in the buildroot yet meets anything (it comes later); a base module also through
    // its virtual streams (a build made on a compatible platform stream).
    const meets: Meets = (m, list, entry) => {
      const s = streamOf(m);
      if (s === undefined || satisfies(list, s)) return true;
      const b = buildOf(m);
      return b !== undefined && BASE_MODULES.has(m) && meetsThroughVirtualStream(list, b, entry.buildrequires[m]);
    };
    const queue: [string, string, Reason][] = [[name, stream, reason]];
    while (queue.length) {
      const [n, s, why] = queue.shift()!;
      const have = p.adds.get(n)?.build.stream ?? this.chosen.get(n)?.build.stream;
      if (have !== undefined) {
        if (have !== s) p.problems.push(`${n}:${s} is required (${why}) but ${n}:${have} is in the buildroot`);
        continue;
      }
      const builds = ModuleIndex.newestFirst(this.view.builds(n, s));
      const usable = builds.map((b) => ({ b, entry: Buildroot.usableEntry(b, meets) })).filter((x) => x.entry !== null);
      if (usable.length === 0) {
        p.problems.push(builds.length ? unusable(n, s, builds, streamOf, meets) : `${n}:${s} has no build`);
        continue;
      }
      const top = usable[0];
      const same = usable.filter((x) => x.b.version === top.b.version && x.b.context !== top.b.context);
      if (same.length) p.notes.push(`${n}:${s}:${top.b.version} has several usable contexts (${[top, ...same].map((x) => x.b.context).join(', ')}); using ${top.b.context}`);
      p.adds.set(n, { build: top.b, entry: top.entry!, reason: why });
      for (const [r, list] of Object.entries(top.entry!.requires).sort(([a], [b]) => (a < b ? -1 : 1))) {
        const cur = streamOf(r);
        if (cur !== undefined) {
          if (!meets(r, list, top.entry!)) p.problems.push(`${n}:${s} requires ${r}:${showList(list)} but ${r}:${cur} is in the buildroot`);
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
    return [...this.chosen.values()].sort((a, b) => (a.build.name < b.build.name ? -1 : 1)).map((c) => ({ nsvc: nsvc(c.build), reason: c.reason, source: c.build.source }));
  }
}
