import { componentBatches } from './batches';
import { Buildroot, EMPTY, type ChosenModule } from './buildroot';
import { BASE_MODULES, type ModuleStream } from './model';
import type { ModuleIndex } from './module-index';
import { candidates, View, type Candidates, type ResolveOptions } from './streams';

/**
 * What a buildroot holds for one module document (MBS stream expansion, §4.2–4.5 of the domain
 * reference) or for an ordinary package (platform + default streams, "Ursa Prime"): one expansion per
 * combination of buildrequired streams, each with the module builds it pulls in and why, the binary
 * RPM names installable, the component batches and what looks wrong. This file holds the entry
 * points (the combinations of a document's buildrequires, one Buildroot each); streams.ts expands one
 * dependency list, buildroot.ts fills one buildroot, batches.ts orders components.
 */

export { componentBatches, overlayBatches } from './batches';
export type { ChosenModule } from './buildroot';
export { mbsStreamRewrite, satisfies, type Reason, type ResolveOptions } from './streams';

export interface Expansion {
  /** The stream (a packager v3 configuration) and its dependencies entry this expansion is of (indexes). */
  subject: number;
  entry: number;
  buildrequires: Record<string, string>;
  modules: ChosenModule[];
  rpms: string[];
  batches: string[][];
  warnings: string[];
}

export interface Resolution {
  expansions: Expansion[];
  /** Buildrequires no stream or build satisfies: the document cannot be built (CLI exit 1). */
  errors: string[];
}

/** The combinations of one stream per list, in order, lazily (an odometer): never more than `max`. */
function* product(lists: string[][], max: number): Generator<string[]> {
  const at = lists.map(() => 0);
  for (let produced = 0; produced < max; produced++) {
    yield lists.map((l, i) => l[at[i]]);
    let i = lists.length - 1;
    while (i >= 0 && ++at[i] === lists[i].length) at[i--] = 0;
    if (i < 0) return;
  }
}

function finish(br: Buildroot, buildrequires: Record<string, string>, batches: { batches: string[][]; warnings: string[] }, notes: string[], subject = 0, entry = 0): Expansion {
  const rpms = br.rpms();
  return { subject, entry, buildrequires, modules: br.modules(), rpms, batches: batches.batches, warnings: [...notes, ...br.warnings, ...batches.warnings] };
}

/**
 * Every expansion of a module document's streams (a packager v3 document gives one stream per
 * configuration): each dependencies entry expanded into the combinations of its buildrequired streams.
 */
export function resolveModule(subject: ModuleStream[], index: ModuleIndex, options: ResolveOptions = {}): Resolution {
  const view = new View(index, options);
  const max = options.maxExpansions ?? 64;
  const out: Resolution = { expansions: [], errors: [] };
  subject.forEach((s, subjectIndex) => {
    const batches = componentBatches(s.components);
    const entries = s.dependencies.length ? s.dependencies : [EMPTY];
    entries.forEach((entry, i) => {
      const where = `${s.name || 'module'}${s.stream ? `:${s.stream}` : ''}${s.context ? ` (context ${s.context})` : ''}${entries.length > 1 ? ` dependencies[${i}]` : ''}`;
      const modules = Object.keys(entry.buildrequires).sort((a, b) => Number(BASE_MODULES.has(b)) - Number(BASE_MODULES.has(a)) || (a < b ? -1 : 1));
      const notes: string[] = [];
      const lists: Candidates[] = [];
      let failed = false;
      for (const m of modules) {
        const c = candidates(view, m, entry.buildrequires[m]);
        notes.push(...c.notes);
        if (c.error) {
          out.errors.push(`${where}: buildrequires ${c.error}`);
          failed = true;
        }
        lists.push(c);
      }
      if (failed) return;
      const platform = view.platformStream;
      if (!modules.some((m) => BASE_MODULES.has(m))) {
        notes.push(platform ? `no base module buildrequired; using ${platform.name}:${platform.stream}` : 'no base module (platform) buildrequired and none given');
      }
      const total = lists.reduce((n, c) => n * c.streams.length, 1);
      if (total > max) notes.push(`${total} stream combinations; only the first ${max} are resolved`);
      for (const combo of product(lists.map((c) => c.streams), max)) {
        const planned = new Map(modules.map((m, k) => [m, combo[k]]));
        const br = new Buildroot(view, planned);
        if (platform && !modules.some((m) => BASE_MODULES.has(m))) br.require(platform.name, platform.stream, 'platform');
        modules.forEach((m, k) => br.require(m, combo[k], lists[k].reason));
        br.addDefaults();
        out.errors.push(...br.errors.map((e) => `${where}: ${e}`));
        out.expansions.push(finish(br, Object.fromEntries(planned), batches, [...notes, ...br.errors], subjectIndex, i));
      }
    });
  });
  return out;
}

/**
 * The buildroot of an ordinary (non-modular) package: the platform's content plus every default
 * stream's build (and what those require), as Koji with Ursa Prime and a local dnf/mock build see it.
 */
export function resolveNonModular(index: ModuleIndex, options: ResolveOptions = {}, batches: string[][] = []): Resolution {
  const view = new View(index, options);
  const br = new Buildroot(view);
  const platform = view.platformStream;
  const notes: string[] = [];
  if (platform) br.require(platform.name, platform.stream, 'platform');
  else notes.push('no platform: set gitoverlay.platform (the CLI: --platform), give the overlay a root.mock such as fedora-41-$arch, or buildrequire a single platform stream; default streams are not checked against one');
  br.addDefaults();
  const buildrequires: Record<string, string> = platform ? { [platform.name]: platform.stream } : {};
  return { expansions: [finish(br, buildrequires, { batches, warnings: [] }, notes)], errors: br.errors };
}
