/**
 * The data a buildroot is resolved over: module streams (builds) with their dependencies, profiles,
 * artifacts and components; modulemd-defaults; repository packages; N-E:V-R.A names; the base
 * modules (platform) and the virtual one synthesized when no document defines it.
 */

/** One entry of `dependencies`: module -> stream list (`[]` any, `[a, b]` any of, `[-a]` all except). */
export interface Dependencies {
  buildrequires: Record<string, string[]>;
  requires: Record<string, string[]>;
}

export interface Component {
  /** The key under `components.rpms`: what `buildafter` names. */
  key: string;
  buildorder: number;
  buildafter: string[];
}

/** One module build: N:S:V:C(.A). */
export interface ModuleStream {
  name: string;
  stream: string;
  /** uint64 as written (digits): module versions pass 2^53 (RHEL's 8030020200827112412). */
  version: string;
  context: string;
  arch?: string;
  dependencies: Dependencies[];
  profiles: Record<string, string[]>;
  /** Binary package names of `artifacts.rpms` (arch `src` excluded). */
  rpms: string[];
  /** The binary artifacts as N-E:V-R.A, what tells a repository's modular packages apart. */
  nevras: string[];
  filter: string[];
  components: Component[];
  /** File (or synthetic origin) the stream came from. */
  source: string;
  /** The commit the build was made from (xmd.mbs.commit), when known. */
  ref?: string;
  /** Its filtered packages as built (N-E:V-R), when known (MBS reads them from the build's Koji tag). */
  filteredRpms?: string[];
  /**
   * A base module build's `xmd.mbs.virtual_streams`: the streams it also answers to (el8 for
   * platform:el8.2.0), which makes builds made on a compatible base module usable on it.
   */
  virtualStreams?: string[];
}

export interface Defaults {
  module: string;
  /** The default stream; absent when none is set or when merging left a conflict. */
  stream?: string;
  /** Why there is no default stream although documents set one (equal `modified`, different streams). */
  conflict?: string;
  modified: bigint;
  profiles: Record<string, string[]>;
  source: string;
}

/** A package of a repository's primary metadata. */
export interface RepoPackage {
  name: string;
  nevra: string;
}

/** What one file holds, before it is merged into an index. */
export interface LoadedFile {
  streams: ModuleStream[];
  defaults: Defaults[];
  problems: string[];
}

export const BASE_MODULES: ReadonlySet<string> = new Set(['platform']);

/** `N-E:V-R.A`, parsed from the end as libmodulemd does (the name may hold dashes); epoch optional here. */
export function parseNevra(nevra: string): { name: string; epoch: string; version: string; release: string; arch: string } | null {
  const m = /^(.+)-(?:(\d+):)?([^-:]+)-([^-]+)\.([^.-]+)$/.exec(nevra);
  return m ? { name: m[1], epoch: m[2] ?? '0', version: m[3], release: m[4], arch: m[5] } : null;
}

/** The canonical N-E:V-R.A (epoch always written) used to match artifacts with repository packages. */
export const canonicalNevra = (p: { name: string; epoch: string; version: string; release: string; arch: string }): string =>
  `${p.name}-${p.epoch || '0'}:${p.version}-${p.release}.${p.arch}`;

/** A synthesized base module such as platform:f41 (what dnf's module_platform_id stands for). */
export function virtualModule(name: string, stream: string): ModuleStream {
  return {
    name,
    stream,
    version: '0',
    context: '00000000',
    dependencies: [],
    profiles: {},
    rpms: [],
    nevras: [],
    filter: [],
    components: [],
    source: `${name}:${stream} (synthesized)`,
  };
}
