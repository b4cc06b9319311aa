import { isObject } from '../check/context';
import { BASE_MODULES, parseNevra, type ModuleIndex, type ModuleStream } from '../buildroot/index';
import type { Expansion } from '../buildroot/resolve';
import { kojiTag, type Deps, type SolvedBuild } from './identity';

/**
 * What MBS's identity of a build is computed from, taken from a document and one of its resolved
 * expansions (core/buildroot): the dependencies as MBS reads the document, and the module builds of
 * the solution.
 */


function streams(v: unknown): Record<string, string[]> {
  if (!isObject(v)) return {};
  return Object.fromEntries(Object.entries(v).map(([k, s]) => [k, Array.isArray(s) ? s.map(String) : s === undefined || s === null ? [] : [String(s)]]));
}

/**
 * The dependencies MBS builds from, and which entry expansion `entry` of stream `subject` is: a stream
 * v2 or packager v2 document's list as written (its `static_context` is not honoured by MBS for a new
 * build: the oracle shows the context computed); a packager v3 configuration converted as MBS's
 * PackagerV3 conversion does it (platform added to buildrequires only; its context static).
 */
export function mbsDependencies(
  doc: unknown,
  subject: number,
  entry: number,
  /** How MBS's submission rewrites a buildrequired stream first (a base module's virtual stream: `baseStreamAsMbs`). */
  rewrite: (module: string, stream: string) => string = (_m, s) => s,
): { dependencies: Deps[]; entry: number; staticContext?: string } {
  const data = isObject(doc) && isObject(doc.data) ? doc.data : {};
  const rewritten = (br: Record<string, string[]>): Record<string, string[]> => Object.fromEntries(Object.entries(br).map(([m, list]) => [m, list.map((s) => rewrite(m, s))]));
  if (isObject(doc) && doc.document === 'modulemd-packager' && Number(doc.version) === 3) {
    const c = Array.isArray(data.configurations) && isObject(data.configurations[subject]) ? data.configurations[subject] : {};
    const buildrequires = { ...streams(c.buildrequires), ...(c.platform !== undefined ? { platform: [String(c.platform)] } : {}) };
    return { dependencies: [{ buildrequires: rewritten(buildrequires), requires: streams(c.requires) }], entry: 0, staticContext: typeof c.context === 'string' ? c.context : undefined };
  }
  const list = Array.isArray(data.dependencies) ? data.dependencies : [];
  return { dependencies: list.map((d) => ({ buildrequires: rewritten(streams(isObject(d) ? d.buildrequires : undefined)), requires: streams(isObject(d) ? d.requires : undefined) })), entry };
}

/**
 * The module builds of an expansion's solution, by name, as xmd.mbs.buildrequires records them: the
 * buildrequired ones and their runtime requirements (not the default streams Ursa Prime adds later).
 * A base module's Koji tag is named as Fedora names them (`module-f41-build`); MBS reads it from its
 * database.
 */
export function solutionOf(x: Expansion, index: ModuleIndex): Record<string, SolvedBuild> {
  const out: Record<string, SolvedBuild> = {};
  for (const m of x.modules) {
    if (m.reason === 'default stream') continue;
    const [name, stream, version, context] = m.nsvc.split(':');
    const build = index.builds(name, stream).find((b) => b.version === version && b.context === context);
    out[name] = {
      stream,
      version,
      context,
      ref: build?.ref ?? null,
      kojiTag: BASE_MODULES.has(name) ? `module-${stream}-build` : kojiTag(name, stream, version, context),
      filteredRpms: build?.filteredRpms ?? (build ? filteredOf(build) : []),
    };
  }
  return out;
}

/** A build's filtered packages as built, N-E:V-R (MBS lists them from its Koji tag; here from its artifacts). */
function filteredOf(build: ModuleStream): string[] {
  const filter = new Set(build.filter);
  if (!filter.size) return [];
  const out = new Set<string>();
  for (const n of build.nevras) {
    const p = parseNevra(n);
    if (p && filter.has(p.name)) out.add(n.slice(0, n.lastIndexOf('.')));
  }
  return [...out].sort();
}
