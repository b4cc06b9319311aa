import type { WriteStream } from 'node:fs';
import type { ResolvedComponent } from '../overlay/resolve';
import { localBackend } from './backends/local';
import { mockBackend } from './backends/mock';
import type { Ctx } from './context';
import type { PlannedComponent, RawComponent } from './plan';
import type { StateEntry } from './state';
import type { ChrootResult } from './types';

export type { ChrootResult } from './types';

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
  /** A remote backend's builds per chroot (Copr): state, build id, where its results and log are. */
  chroots?: Record<string, ChrootResult>;
}


/** A component a plan-level backend builds: what the executor planned, its cache key, its number in the run. */
export interface RemoteItem {
  planned: PlannedComponent;
  key: string;
  n: number;
}

export interface Backend {
  /**
   * Builds `c` with `raw`'s options: its packages end up in `<ctx.newDir>/<c.name>/`, what the build
   * prints in `log`. Throws when the build fails (an AbortError when ctx.signal was aborted).
   */
  build(ctx: Ctx, c: ResolvedComponent, raw: RawComponent, log: WriteStream): Promise<Built>;
  /**
   * A backend that orders builds itself (Copr's batches) takes the whole run at once instead: the
   * components to build, batch by batch; each one's result or error. Its packages end up in
   * `<ctx.newDir>/<name>/` as with `build`.
   */
  buildAll?(ctx: Ctx, batches: RemoteItem[][], progress: (line: string) => void): Promise<Map<string, Built | { error: string; chroots?: Record<string, ChrootResult> }>>;
  /**
   * Makes the srpmroot components built (or reused) in this run available to every later build of
   * the run: rdgo installs their packages into every later chroot.
   */
  useRoots(ctx: Ctx, roots: readonly { name: string; entry: StateEntry }[], progress: (line: string) => void): Promise<void>;
}

export const BACKENDS = {
  local: localBackend,
  mock: mockBackend,
} as const satisfies Record<string, Backend>;

export type BackendName = keyof typeof BACKENDS;
