import type { Dependencies } from '../buildroot/model';
import { buildContext, moduleContext, prefixedVersion, runtimeContext } from './context';

/**
 * One expanded module build as MBS submits it (fm-orchestrator web/mse.py generate_expanded_mmds,
 * web/submit.py; docs/mbs-contract.md), pure: the dependencies entry the build was resolved for is
 * replaced by its expansion (buildrequires: the one stream built against; requires: that stream too
 * when they named the same streams, else kept) and moved last; xmd.mbs records the module builds of
 * the solution; the version is prefixed with the base module's stream version; the context hashes
 * the expanded buildrequires and all requires, unless the document fixes it (static context).
 */

/** A dependencies entry: module → stream list, each way (the buildroot's own shape). */
export type Deps = Dependencies;

/** A module build of the solution, as xmd.mbs.buildrequires records it. */
export interface SolvedBuild {
  stream: string;
  version: string;
  context: string;
  ref: string | null;
  kojiTag: string;
  filteredRpms: string[];
}

export interface IdentityInput {
  /** The dependencies as MBS reads them (a packager v3 configuration converted: platform in buildrequires). */
  dependencies: Deps[];
  /** Which entry this build was resolved for. */
  entry: number;
  /** The module builds of the solution by name (the buildrequired ones and what they pull in). */
  solution: Record<string, SolvedBuild>;
  /** YYYYMMDDhhmmss: MBS uses the submission time; gitoverlay the newest component commit's. */
  time: string;
  /** A static context (static_context: true, or a packager v3 configuration's). */
  staticContext?: string;
  commit: string | null;
  scmurl: string | null;
  /** Each component's commit. */
  rpmRefs: Record<string, string>;
}

export interface Identity {
  version: string;
  context: string;
  buildContext: string;
  runtimeContext: string;
  dependencies: Deps[];
  xmd: { mbs: Record<string, unknown> };
}

export const BASE_MODULE_NAMES = ['platform'];

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x) => b.includes(x)) && b.every((x) => a.includes(x));
const sortedKeys = <T>(o: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** The expanded dependencies entry (mse.py: requires first, then buildrequires missing from them). */
export function expandEntry(d: Deps, streams: Record<string, string>): Deps {
  const out: Deps = { buildrequires: {}, requires: {} };
  for (const [name, rs] of Object.entries(d.requires)) {
    const bs = d.buildrequires[name];
    if (bs === undefined) out.requires[name] = [...rs];
    else if (!sameSet(rs, bs)) {
      out.requires[name] = [...rs];
      out.buildrequires[name] = [streams[name]];
    } else {
      out.requires[name] = [streams[name]];
      out.buildrequires[name] = [streams[name]];
    }
  }
  for (const name of Object.keys(d.buildrequires)) if (!(name in out.buildrequires)) out.buildrequires[name] = [streams[name]];
  return { buildrequires: sortedKeys(out.buildrequires), requires: sortedKeys(out.requires) };
}

export function mbsIdentity(i: IdentityInput): Identity {
  const entry = i.dependencies[i.entry];
  const streams = Object.fromEntries(Object.entries(i.solution).map(([n, b]) => [n, b.stream]));
  const dependencies = [...i.dependencies.filter((_, k) => k !== i.entry), expandEntry(entry, streams)];
  const buildrequires = sortedKeys(
    Object.fromEntries(
      Object.entries(i.solution).map(([n, b]) => [n, { context: b.context, filtered_rpms: b.filteredRpms, koji_tag: b.kojiTag, ref: b.ref, stream: b.stream, version: b.version }]),
    ),
  );
  const build = buildContext(buildrequires);
  const runtime = runtimeContext(dependencies);
  const base = BASE_MODULE_NAMES.map((n) => i.solution[n]?.stream).find((s) => s !== undefined) ?? null;
  const mbs: Record<string, unknown> = { buildrequires, commit: i.commit, mse: true, rpms: sortedKeys(Object.fromEntries(Object.entries(i.rpmRefs).map(([k, ref]) => [k, { ref }]))), scmurl: i.scmurl };
  if (i.staticContext !== undefined) mbs.static_context = true;
  return {
    version: prefixedVersion(i.time, base),
    context: i.staticContext ?? moduleContext(build, runtime),
    buildContext: build,
    runtimeContext: runtime,
    dependencies,
    xmd: { mbs },
  };
}

/** MBS's Koji tag of a module build (module_build_service/common/utils general.py generate_koji_tag, short form). */
export function kojiTag(name: string, stream: string, version: string, context: string): string {
  return `module-${name}-${stream}-${version}-${context}`;
}
