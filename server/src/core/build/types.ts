import type { ModuleIndex } from '../buildroot/module-index';

/**
 * The public shapes of a build: the options `gitoverlay build` takes and the result it reports
 * (per component and for the run). Types only; the editor's protocol re-exports the results.
 */

export interface BuildOptions {
  /** The repository directory (default `<overlay dir>/build`). */
  out?: string;
  /** Components of one batch built at once (default 1). */
  jobs?: number;
  /** Only these components are built; the others are carried over from the previous repository. */
  components?: readonly string[];
  /** `%{dist}` (default `.fc41`). */
  dist?: string;
  /** Mirror cache (resolveOverlay's default when absent). */
  cacheDir?: string;
  /** `git fetch` mirrors before resolving (default true: a local build should see new commits). */
  fetch?: boolean;
  /** Allow file:// and local paths (the CLI does). */
  allowFile?: boolean;
  /** `auto` (bwrap when installed, the default) or `none`. */
  sandbox?: 'auto' | 'none';
  /** Where packages are built: `local` (rpmbuild here), `mock`, `copr`; default mock when installed, else local. */
  backend?: BackendChoice;
  /** For the copr backend. */
  copr?: CoprOptions;
  /** Module streams (`name:stream`) a mock build enables in its chroot: the buildroot the Buildroot view resolves. */
  moduleEnable?: string[];
  /** The module metadata a module document's buildrequires are resolved against (MBS's database); none: an empty one. */
  moduleIndex?: ModuleIndex;
  /** Record the resolution for the editor's lenses (default true; a bisect's trial builds do not). */
  recordResolution?: boolean;
  /** For the mock backend: the chroot config (`-r`; `$arch` is the host's) instead of fedora-N-<arch> from %{dist}. */
  mockChroot?: string;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
}

export type BackendChoice = 'local' | 'mock' | 'copr';

export interface CoprOptions {
  /** `owner/project` (a group: `@group/project`). */
  project: string;
  /** Chroots to build for; default from %{dist}: fedora-N-<host arch> then fedora-N-aarch64. */
  chroots?: string[];
  /** copr-cli's configuration file (default ~/.config/copr). */
  config?: string;
  /** How often build states are asked for (default 10 s). */
  pollMs?: number;
  /** Each component × chroot state as it changes. */
  onChroot?: (component: string, chroot: { name: string; state: string; result_url: string | null }, buildId: number) => void;
}

export type BuildStatus = 'built' | 'reused' | 'failed' | 'kept' | 'skipped';

export interface ComponentBuild {
  name: string;
  /** N-[E:]V-R as built (with %{dist}), or the resolved one when it did not build. */
  nevr: string;
  status: BuildStatus;
  /** The component's build log (where it is after the run). */
  log: string | null;
  /** Package files, relative to the repository. */
  files: string[];
  error?: string;
  /** Architectures this host could not build for this component (not noarch-only). */
  pendingArches: string[];
  /** Remote builds (Copr) per chroot: state, build id, result and repository URLs. */
  chroots?: Record<string, ChrootResult>;
}

/** One component's build on one chroot of a remote backend (Copr). */
export interface ChrootResult {
  state: string;
  buildId: number | null;
  /** The chroot's result directory (its builder-live.log beside the packages). */
  resultUrl: string | null;
  /** The project's repository for that chroot. */
  repoUrl: string | null;
}

export interface BuildResult {
  /** The repository served after the run (the previous one when the run failed), null when none. */
  repo: string | null;
  /** Where a failed run's successful results are, when it failed. */
  partial: string | null;
  arch: string;
  sandbox: 'bwrap' | 'none';
  backend: BackendChoice;
  components: ComponentBuild[];
  ok: boolean;
}
