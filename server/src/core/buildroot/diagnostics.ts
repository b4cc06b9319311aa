import { get, isObject, show } from '../check/context';
import { entriesOf } from '../rules/rule';
import type { Diagnostic, Range } from '../types';
import type { ParsedYaml } from '../yaml/parse';
import type { ModuleIndex } from './index';
import { satisfies, type Resolution } from './resolve';

/** One buildrequires entry and where it is written. */
export interface BuildrequireSite {
  module: string;
  streams: string[];
  range: Range;
}

/** Where a module document asks for modules: plain data (the analysis worker sends it across threads). */
export interface BuildrequireSites {
  sites: BuildrequireSite[];
  /** Where buildroot conflicts are reported: each document's `dependencies` (or `configurations`) key. */
  conflictRanges: Range[];
}

export function buildrequireSites(parsed: ParsedYaml): BuildrequireSites {
  const out: BuildrequireSites = { sites: [], conflictRanges: [] };
  for (const doc of parsed.documents) {
    const data = get(doc.value, ['data']);
    if (!isObject(data)) continue;
    const entries: { path: (string | number)[]; map: unknown }[] = [];
    if (Array.isArray(data.dependencies)) data.dependencies.forEach((d, i) => entries.push({ path: ['data', 'dependencies', i, 'buildrequires'], map: isObject(d) ? d.buildrequires : undefined }));
    if (Array.isArray(data.configurations)) data.configurations.forEach((c, i) => entries.push({ path: ['data', 'configurations', i, 'buildrequires'], map: isObject(c) ? c.buildrequires : undefined }));
    for (const { path, map } of entries) {
      for (const [module, raw] of entriesOf(map)) {
        const span = doc.locator.key([...path, module]) ?? doc.locator.value([...path, module]);
        if (span) out.sites.push({ module, streams: (Array.isArray(raw) ? raw : [raw]).map(show), range: parsed.lines.range(span.start, span.end) });
      }
    }
    const span = doc.locator.key(['data', 'dependencies']) ?? doc.locator.key(['data', 'configurations']);
    if (span) out.conflictRanges.push(parsed.lines.range(span.start, span.end));
  }
  return out;
}

/**
 * Buildrequires checked against what the module index knows: a list no stream satisfies, a list
 * several streams satisfy without a default (the build system builds once per stream), and RPM
 * conflicts in the resolved buildroot.
 */
export function buildrequireDiagnostics(parsed: ParsedYaml, index: ModuleIndex, resolution: Resolution | null, platform?: string): Diagnostic[] {
  return siteDiagnostics(buildrequireSites(parsed), index, resolution, platform);
}

export function siteDiagnostics(where: BuildrequireSites, index: ModuleIndex, resolution: Resolution | null, platform?: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const defaults = index.defaultStreams();
  for (const { module, streams: list, range } of where.sites) {
    let known = index.streamNames(module);
    if (module === 'platform' && platform) known = [...new Set([...known, platform.replace(/^platform:/, '')])];
    const d = (code: string, severity: Diagnostic['severity'], message: string): Diagnostic => ({ range, severity, code, source: 'gitoverlay', message });
    if (known.length === 0) {
      if (module !== 'platform') {
        out.push(d('buildroot.no-stream', 'warning', `No stream of module '${module}' is known: add its repository to gitoverlay.moduleRepos or its documents to the workspace`));
      }
      continue;
    }
    const matching = known.filter((s) => satisfies(list, s));
    if (matching.length === 0) {
      out.push(d('buildroot.no-stream', 'error', `No stream of '${module}' matches [${list.join(', ')}]; known: ${known.join(', ')}`));
    } else if (matching.length > 1 && defaults.get(module) === undefined && !(module === 'platform' && platform)) {
      out.push(d('buildroot.ambiguous', 'warning', `[${list.join(', ') || 'all streams'}] matches ${matching.join(', ')} of '${module}' and no default stream picks one: one build per stream`));
    }
  }
  const conflicts = new Set((resolution?.expansions ?? []).flatMap((e) => e.warnings.filter((w) => /conflict|both|provided by/i.test(w))));
  for (const range of where.conflictRanges) {
    for (const w of conflicts) out.push({ range, severity: 'warning', code: 'buildroot.conflict', source: 'gitoverlay', message: w });
  }
  return out;
}
