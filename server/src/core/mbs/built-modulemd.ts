import { isObject } from '../check/context';

/**
 * The modulemd a module build publishes, as the Module Build Service writes it once the components
 * are built (fm-orchestrator: the per-arch output mmd; docs/mbs-contract.md): pure, from the input
 * document, the packages built and the commits they were built from.
 *
 * - each component's `ref` is the commit it was built from;
 * - `artifacts.rpms` are the packages that are part of the module: from an allowed source package
 *   (`buildopts.rpms.whitelist`, else the component names), not filtered (`filter.rpms`, binary
 *   packages only), not demodularized (`demodularized.rpms`: no longer part of the module);
 *   `artifacts.rpm-map` links each one's sha256 to its NEVRA;
 * - `license.content` is the License tags of those packages;
 * - version, context, arch, dependencies and xmd as the caller computed them (context.ts).
 */

export interface BuiltRpm {
  /** Relative to the repository. */
  file: string;
  name: string;
  epoch: number;
  version: string;
  release: string;
  /** `src` for a source package. */
  arch: string;
  /** Name of the source package it was built from (its own name for a source package). */
  source: string;
  license: string;
  sha256: string;
}

export interface ModuleIdentity {
  version: number | bigint;
  context: string;
  arch: string;
  /** The dependencies as expanded for this build (one stream each), replacing the document's. */
  dependencies?: unknown[];
  xmd?: Record<string, unknown>;
}

export interface BuiltModule {
  data: Record<string, unknown>;
  /** Packages that stay in the repository. */
  shipped: BuiltRpm[];
  /** Packages left out of the repository, and why. */
  dropped: { file: string; why: string }[];
}

const names = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

export function nevra(p: BuiltRpm): string {
  return `${p.name}-${p.epoch}:${p.version}-${p.release}.${p.arch}`;
}

export function builtModulemd(input: Record<string, unknown>, rpms: readonly BuiltRpm[], commits: Readonly<Record<string, string>>, id: ModuleIdentity): BuiltModule {
  const data: Record<string, unknown> = structuredClone(input);
  const components = isObject(data.components) && isObject(data.components.rpms) ? data.components.rpms : {};
  for (const [key, commit] of Object.entries(commits)) if (isObject(components[key])) components[key].ref = commit;

  const buildopts = isObject(data.buildopts) && isObject(data.buildopts.rpms) ? data.buildopts.rpms : {};
  const whitelist = names(buildopts.whitelist);
  const allowed = new Set(whitelist.length ? whitelist : Object.entries(components).map(([k, v]) => (isObject(v) && typeof v.name === 'string' ? v.name : k)));
  const filtered = new Set(names(isObject(data.filter) ? data.filter.rpms : undefined));
  const demodularized = new Set(names(isObject(data.demodularized) ? data.demodularized.rpms : undefined));

  const shipped: BuiltRpm[] = [];
  const dropped: { file: string; why: string }[] = [];
  const artifacts: BuiltRpm[] = [];
  for (const p of rpms) {
    if (p.arch !== 'src' && filtered.has(p.name)) {
      dropped.push({ file: p.file, why: `${p.name} is in filter.rpms` });
      continue;
    }
    shipped.push(p);
    if (!allowed.has(p.source)) continue;
    if (p.arch !== 'src' && demodularized.has(p.name)) continue;
    artifacts.push(p);
  }
  artifacts.sort((a, b) => (nevra(a) < nevra(b) ? -1 : nevra(a) > nevra(b) ? 1 : 0));

  const licenses = [...new Set(artifacts.map((p) => p.license).filter(Boolean))].sort();
  const license = isObject(data.license) ? data.license : {};
  data.license = { ...license, ...(licenses.length ? { content: licenses } : {}) };
  if (id.dependencies) data.dependencies = id.dependencies;
  data.version = id.version;
  data.context = id.context;
  data.arch = id.arch;
  if (id.xmd) data.xmd = { ...(isObject(data.xmd) ? data.xmd : {}), ...id.xmd };
  const map: Record<string, Record<string, unknown>> = {};
  for (const p of artifacts) map[p.sha256] = { name: p.name, epoch: p.epoch, version: p.version, release: p.release, arch: p.arch, nevra: nevra(p) };
  data.artifacts = { rpms: artifacts.map(nevra), 'rpm-map': { sha256: map } };
  return { data: ordered(data), shipped, dropped };
}

/** The keys in the order libmodulemd writes a stream v2 document's data. */
const ORDER = ['name', 'stream', 'version', 'context', 'arch', 'summary', 'description', 'servicelevels', 'license', 'xmd', 'dependencies', 'references', 'profiles', 'api', 'filter', 'demodularized', 'buildopts', 'components', 'artifacts'];

function ordered(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ORDER) if (k in data) out[k] = data[k];
  for (const k of Object.keys(data)) if (!(k in out)) out[k] = data[k];
  return out;
}
