import type { WriteStream } from 'node:fs';
import type { ResolvedComponent } from '../overlay/resolve';
import { localBackend } from './backends/local';
import type { Ctx } from './context';
import type { RawComponent } from './plan';
import type { StateEntry } from './state';

/**
 * What builds one component, and the registry of them. A backend (today rpmbuild on this host,
 * sandboxed by bwrap; later mock, Copr) is one file under backends/ plus its line in BACKENDS.
 */

/** One component's build: its NEVR as built, its package files (relative to the repository). */
export interface Built {
  nevr: string;
  files: string[];
  /** Architectures this host could not build for this component (not noarch-only). */
  pendingArches: string[];
}

export interface Backend {
  /**
   * Builds `c` with `raw`'s options: its packages end up in `<ctx.newDir>/<c.name>/`, what the build
   * prints in `log`. Throws when the build fails (an AbortError when ctx.signal was aborted).
   */
  build(ctx: Ctx, c: ResolvedComponent, raw: RawComponent, log: WriteStream): Promise<Built>;
  /**
   * Makes the srpmroot components built (or reused) in this run available to every later build of
   * the run: rdgo installs their packages into every later chroot.
   */
  useRoots(ctx: Ctx, roots: readonly { name: string; entry: StateEntry }[], progress: (line: string) => void): Promise<void>;
}

export const BACKENDS = {
  local: localBackend,
} as const satisfies Record<string, Backend>;

export type BackendName = keyof typeof BACKENDS;
