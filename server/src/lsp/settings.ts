/** The `gitoverlay.*` settings as the server uses them, read from whatever the client sends. */
export interface Settings {
  enable: boolean;
  /** Unknown modulemd keys as errors (modulemd-validator), else warnings (dnf). */
  strictUnknownKeys: boolean;
  /** Overlay resolution and builds may read file:// URLs and local paths. */
  allowFileUrls: boolean;
  /** As rpmautospec: an unparseable current spec is an error. */
  errorOnUnparseableSpec: boolean;
  /** Absolute paths (relative ones taken against the first workspace folder). */
  moduleRepos: string[];
  defaultsDirs: string[];
  platform: string;
  /** gitoverlay.build.*: the repository directory ('' = build/ beside the overlay; relative to it otherwise), jobs, %{dist}. */
  buildOutDir: string;
  buildJobs: number;
  buildDist: string;
  /** gitoverlay.build.backend: `auto` (mock when installed, else local), local, mock, copr. */
  buildBackend: 'auto' | 'local' | 'mock' | 'copr';
  /** gitoverlay.build.copr.*: the project (owner/project), chroots, copr-cli's config file, poll interval. */
  coprProject: string;
  coprChroots: string[];
  coprConfig: string;
  coprPollSeconds: number;
}

export const DEFAULT_SETTINGS: Settings = {
  enable: true,
  strictUnknownKeys: true,
  allowFileUrls: false,
  errorOnUnparseableSpec: true,
  moduleRepos: [],
  defaultsDirs: [],
  platform: '',
  buildOutDir: '',
  buildJobs: 1,
  buildDist: '.fc41',
  buildBackend: 'auto',
  coprProject: '',
  coprChroots: [],
  coprConfig: '',
  coprPollSeconds: 10,
};

/**
 * The settings in `raw` (the `gitoverlay` section; any JSON, malformed parts ignored): booleans take
 * their default unless given the other literal, lists keep their strings.
 */
export function readSettings(raw: unknown, folder?: string): Settings {
  const s = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const autospec = (typeof s.autospec === 'object' && s.autospec !== null ? s.autospec : {}) as Record<string, unknown>;
  const build = (typeof s.build === 'object' && s.build !== null ? s.build : {}) as Record<string, unknown>;
  const copr = (typeof build.copr === 'object' && build.copr !== null ? build.copr : {}) as Record<string, unknown>;
  const paths = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').map((x) => (folder && !x.startsWith('/') ? `${folder}/${x}` : x)) : [];
  return {
    enable: s.enable !== false,
    strictUnknownKeys: s.strictUnknownKeys !== false,
    allowFileUrls: s.allowFileUrls === true,
    errorOnUnparseableSpec: autospec.errorOnUnparseableSpec !== false,
    moduleRepos: paths(s.moduleRepos),
    defaultsDirs: paths(s.defaultsDirs),
    platform: typeof s.platform === 'string' ? s.platform : '',
    buildOutDir: typeof build.outDir === 'string' ? build.outDir : '',
    buildJobs: typeof build.jobs === 'number' && Number.isInteger(build.jobs) && build.jobs >= 1 ? build.jobs : 1,
    buildDist: typeof build.dist === 'string' && /^[A-Za-z0-9._+~-]*$/.test(build.dist) ? build.dist : '.fc41',
    buildBackend: build.backend === 'local' || build.backend === 'mock' || build.backend === 'copr' ? build.backend : 'auto',
    coprProject: typeof copr.project === 'string' ? copr.project : '',
    coprChroots: Array.isArray(copr.chroots) ? copr.chroots.filter((x): x is string => typeof x === 'string') : [],
    coprConfig: typeof copr.config === 'string' ? copr.config : '',
    coprPollSeconds: typeof copr.pollSeconds === 'number' && copr.pollSeconds > 0 ? copr.pollSeconds : 10,
  };
}
