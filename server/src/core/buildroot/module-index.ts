import { mergeDefaults } from './defaults';
import type { Defaults, LoadedFile, ModuleStream, RepoPackage } from './model';

/**
 * The module index a buildroot is resolved against, and its queries: module streams (builds) by
 * name and stream, the merged modulemd-defaults, and the non-modular packages of loaded repositories.
 */

const compareUint = (a: string, b: string): number => (a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0);

/** Streams in a readable order: numbers as numbers (8 < 10), then text. */
export const compareStreams = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

export class ModuleIndex {
  private readonly modules = new Map<string, Map<string, ModuleStream[]>>();
  private readonly defaults = new Map<string, Defaults>();
  private packages: RepoPackage[] = [];
  private nonModular?: { sorted: string[]; set: Set<string> };
  /** Load problems and merge conflicts, in the order met. */
  readonly problems: string[] = [];

  /** Adds a build; the same N:S:V:C.A again replaces the earlier one (libmodulemd's merge does too). */
  addStream(s: ModuleStream): void {
    let streams = this.modules.get(s.name);
    if (!streams) this.modules.set(s.name, (streams = new Map()));
    const builds = streams.get(s.stream) ?? [];
    const same = builds.findIndex((b) => b.version === s.version && b.context === s.context && b.arch === s.arch);
    if (same >= 0) builds[same] = s;
    else builds.push(s);
    streams.set(s.stream, builds);
    this.nonModular = undefined;
  }

  addPackages(list: RepoPackage[]): void {
    this.packages = this.packages.concat(list);
    this.nonModular = undefined;
  }

  /** `override` (a higher priority level, an overrides/ directory) replaces; otherwise merged. */
  addDefaults(d: Defaults, override: boolean): void {
    const have = this.defaults.get(d.module);
    this.defaults.set(d.module, override || !have ? d : mergeDefaults(d, have, this.problems));
  }

  /**
   * Adds one file's documents. Within a file a later defaults document for a module replaces an
   * earlier one (libmodulemd's update_from_string; dnf shows the same), between files they merge.
   */
  addFile(file: LoadedFile, override = false): void {
    this.problems.push(...file.problems);
    for (const s of file.streams) this.addStream(s);
    const last = new Map<string, Defaults>();
    for (const d of file.defaults) last.set(d.module, d);
    for (const d of last.values()) this.addDefaults(d, override);
  }

  /** A copy to add to without changing this index (merging into an empty index copies). */
  copy(): ModuleIndex {
    const c = new ModuleIndex();
    c.merge(this, false);
    return c;
  }

  /** libmodulemd's modulemd_module_index_merge(other, this, override). */
  merge(other: ModuleIndex, override: boolean): void {
    this.problems.push(...other.problems);
    for (const streams of other.modules.values()) for (const builds of streams.values()) for (const b of builds) this.addStream(b);
    for (const d of other.defaults.values()) this.addDefaults(d, override);
    if (other.packages.length) this.addPackages(other.packages);
  }

  moduleNames(): string[] {
    return [...this.modules.keys()].sort();
  }

  /** Streams that have at least one build. */
  streamNames(name: string): string[] {
    return [...(this.modules.get(name)?.keys() ?? [])].sort(compareStreams);
  }

  builds(name: string, stream: string): ModuleStream[] {
    return this.modules.get(name)?.get(stream) ?? [];
  }

  defaultsOf(name: string): Defaults | undefined {
    return this.defaults.get(name);
  }

  /** Module -> default stream, conflicts left out (as libmodulemd's get_default_streams). */
  defaultStreams(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [m, d] of [...this.defaults].sort(([a], [b]) => (a < b ? -1 : 1))) if (d.stream !== undefined && !d.conflict) out.set(m, d.stream);
    return out;
  }

  /** The messages of modules whose defaults conflict. */
  defaultConflicts(): string[] {
    return [...this.defaults.values()].filter((d) => d.conflict).map((d) => d.conflict!);
  }

  /**
   * Names of the repositories' packages that no module lists among its artifacts (dnf's test for
   * "modular": the NEVRA is an artifact of some module). These are the platform's content.
   */
  nonModularRpms(): string[] {
    return this.nonModularNames().sorted;
  }

  /** Is `name` one of nonModularRpms()? */
  isNonModular(name: string): boolean {
    return this.nonModularNames().set.has(name);
  }

  /** Computed once per content change: every resolution starts from it. */
  private nonModularNames(): { sorted: string[]; set: Set<string> } {
    if (this.nonModular) return this.nonModular;
    const modular = new Set<string>();
    for (const streams of this.modules.values()) for (const builds of streams.values()) for (const b of builds) for (const n of b.nevras) modular.add(n);
    const set = new Set<string>();
    for (const p of this.packages) if (!modular.has(p.nevra)) set.add(p.name);
    return (this.nonModular = { sorted: [...set].sort(), set });
  }

  /** The newest version first, then contexts in order: what "latest build" picks from. */
  static newestFirst(builds: ModuleStream[]): ModuleStream[] {
    return [...builds].sort((a, b) => compareUint(b.version, a.version) || (a.context < b.context ? -1 : a.context > b.context ? 1 : 0));
  }
}
