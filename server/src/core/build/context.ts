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
  arch: string;
  signal?: AbortSignal;
  /** Macro files from the srpmroot components' packages, `--load`ed into every later rpmbuild. */
  loads: string[];
  rootKeys: string[];
}

/** The state one run shares between its components: directories, dist, sandbox, srpmroot macros. */
export function makeCtx(o: { overlayDir: string; cacheDir: string; out: string; dist: string; bwrap: string | null; arch: string; signal?: AbortSignal }): Ctx {
  return {
    overlayDir: o.overlayDir,
    cacheDir: o.cacheDir,
    out: o.out,
    newDir: `${o.out}.new`,
    workDir: `${o.out}.work`,
    dist: o.dist,
    sandbox: o.bwrap ? 'bwrap' : 'none',
    bwrap: o.bwrap,
    arch: o.arch,
    signal: o.signal,
    loads: [],
    rootKeys: [],
  };
}
