/**
 * The context one build run shares between its steps: the repository and its staging directories
 * (`<out>.new`, `<out>.work`), %{dist}, the sandbox, the host arch, cancellation, and what the
 * srpmroot components contribute to later builds (macro files, cache keys).
 */

export interface Ctx {
  overlayDir: string;
  cacheDir: string;
  out: string;
  newDir: string;
  workDir: string;
  dist: string;
  sandbox: 'bwrap' | 'none';
  bwrap: string | null;
  /** Which backend builds this run (reported with the result). */
  backend: 'local' | 'mock' | 'copr';
  arch: string;
  signal?: AbortSignal;
  /** Macro files from the srpmroot components' packages, `--load`ed into every later rpmbuild. */
  loads: string[];
  /** The newest commit time of the run's sources (seconds; 0 unknown): the repository's timestamps. */
  sourceDate: number;
  rootKeys: string[];
  /** mock: the chroot config (`-r`) instead of the one %{dist} names; `$arch` is the host's. */
  mockChroot?: string;
  /** mock: module streams (name:stream) enabled in the chroot, from the buildroot resolution. */
  moduleEnable: string[];
  /** mock: the srpmroot components' packages as a repository (--addrepo) and their names (installed). */
  rootRepo: string | null;
  rootPackages: string[];
}

/** The state one run shares between its components: directories, dist, sandbox, srpmroot macros. */
export function makeCtx(o: { overlayDir: string; cacheDir: string; out: string; dist: string; bwrap: string | null; arch: string; signal?: AbortSignal; backend?: 'local' | 'mock' | 'copr'; mockChroot?: string; moduleEnable?: string[] }): Ctx {
  return {
    overlayDir: o.overlayDir,
    cacheDir: o.cacheDir,
    out: o.out,
    newDir: `${o.out}.new`,
    workDir: `${o.out}.work`,
    dist: o.dist,
    sandbox: o.bwrap ? 'bwrap' : 'none',
    bwrap: o.bwrap,
    backend: o.backend ?? 'local',
    arch: o.arch,
    signal: o.signal,
    loads: [],
    sourceDate: 0,
    rootKeys: [],
    mockChroot: o.mockChroot,
    moduleEnable: o.moduleEnable ?? [],
    rootRepo: null,
    rootPackages: [],
  };
}
