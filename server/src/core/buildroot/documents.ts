import { isObject } from '../check/context';
import { looksLikeModulemd, modulemdKind } from '../kinds/detect';
import { parseYaml, type YamlDocument } from '../yaml/parse';
import { canonicalNevra, parseNevra, type Component, type Defaults, type Dependencies, type LoadedFile, type ModuleStream } from './model';

/**
 * Reading YAML documents as libmodulemd does: modulemd v1/v2 stream documents, packager v2/v3
 * documents (one stream per configuration) and defaults documents, every scalar as text.
 */

/**
 * A scalar as libmodulemd reads it: always text. The JSON view turns `stream: 1.10` into 1.1 and big
 * versions into imprecise numbers, so a number is read back from its source text.
 */
function text(doc: YamlDocument, path: (string | number)[], value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return doc.locator.scalar(path)?.source.trim() ?? String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

function textList(doc: YamlDocument, path: (string | number)[], value: unknown): string[] {
  if (Array.isArray(value)) {
    const out: string[] = [];
    value.forEach((v, i) => {
      const t = text(doc, [...path, i], v);
      if (t !== undefined) out.push(t);
    });
    return out;
  }
  // modulemd v1 dependencies map a module to a single stream.
  const t = text(doc, path, value);
  return t === undefined ? [] : [t];
}

function depMap(doc: YamlDocument, path: (string | number)[], value: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!isObject(value)) return out;
  for (const [module, list] of Object.entries(value)) out[module] = textList(doc, [...path, module], list);
  return out;
}

function components(doc: YamlDocument, data: Record<string, unknown>): Component[] {
  const rpms = isObject(data.components) ? data.components.rpms : undefined;
  if (!isObject(rpms)) return [];
  return Object.entries(rpms).map(([key, c]) => {
    const comp = isObject(c) ? c : {};
    const order = text(doc, ['data', 'components', 'rpms', key, 'buildorder'], comp.buildorder);
    return {
      key,
      buildorder: order !== undefined && /^-?\d+$/.test(order) ? Number(order) : 0,
      buildafter: textList(doc, ['data', 'components', 'rpms', key, 'buildafter'], comp.buildafter ?? []),
    };
  });
}

function profiles(doc: YamlDocument, data: Record<string, unknown>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!isObject(data.profiles)) return out;
  for (const [p, v] of Object.entries(data.profiles)) out[p] = isObject(v) ? textList(doc, ['data', 'profiles', p, 'rpms'], v.rpms ?? []) : [];
  return out;
}

function artifacts(data: Record<string, unknown>): { rpms: string[]; nevras: string[] } {
  const list = isObject(data.artifacts) && Array.isArray(data.artifacts.rpms) ? data.artifacts.rpms : [];
  const names = new Set<string>();
  const nevras: string[] = [];
  for (const a of list) {
    if (typeof a !== 'string') continue;
    const p = parseNevra(a);
    if (!p || p.arch === 'src' || p.arch === 'nosrc') continue;
    names.add(p.name);
    nevras.push(canonicalNevra(p));
  }
  return { rpms: [...names], nevras };
}

const listOf = (doc: YamlDocument, data: Record<string, unknown>, key: string): string[] =>
  isObject(data[key]) ? textList(doc, ['data', key, 'rpms'], (data[key] as Record<string, unknown>).rpms ?? []) : [];

/** `xmd.mbs.virtual_streams` (a base module build's), when the document has them. */
function virtualStreams(doc: YamlDocument, data: Record<string, unknown>): { virtualStreams?: string[] } {
  const mbs = isObject(data.xmd) && isObject(data.xmd.mbs) ? data.xmd.mbs : undefined;
  if (!mbs || !Array.isArray(mbs.virtual_streams)) return {};
  return { virtualStreams: textList(doc, ['data', 'xmd', 'mbs', 'virtual_streams'], mbs.virtual_streams) };
}

/**
 * The module streams a document defines: one for a stream document, one per configuration for a
 * packager v3 document (as libmodulemd's convert_to_index: context = the configuration's, platform
 * added to build and run dependencies). Name and stream may be missing (a packager document about
 * to be built); the index refuses such streams, the resolver does not need them.
 */
export function streamsOfDocument(doc: YamlDocument, source: string): ModuleStream[] {
  const v = doc.value;
  if (!isObject(v) || !looksLikeModulemd(v)) return [];
  const kind = modulemdKind(v.document, v.version);
  const data = v.data;
  if (!kind || !isObject(data)) return [];
  const base = {
    name: text(doc, ['data', 'name'], data.name) ?? '',
    stream: text(doc, ['data', 'stream'], data.stream) ?? '',
    version: text(doc, ['data', 'version'], data.version) ?? '0',
    context: text(doc, ['data', 'context'], data.context) ?? '',
    arch: text(doc, ['data', 'arch'], data.arch),
    profiles: profiles(doc, data),
    filter: listOf(doc, data, 'filter'),
    components: components(doc, data),
    source,
    ...artifacts(data),
    ...virtualStreams(doc, data),
  };
  if (kind.schema === 'modulemd-packager-v3') {
    if (!Array.isArray(data.configurations)) return [];
    return data.configurations.filter(isObject).map((c, i) => {
      const at = ['data', 'configurations', i];
      const platform = text(doc, [...at, 'platform'], c.platform);
      const buildrequires = depMap(doc, [...at, 'buildrequires'], c.buildrequires);
      const requires = depMap(doc, [...at, 'requires'], c.requires);
      if (platform !== undefined) buildrequires.platform = requires.platform = [platform];
      return { ...base, version: '0', context: text(doc, [...at, 'context'], c.context) ?? '', dependencies: [{ buildrequires, requires }] };
    });
  }
  if (kind.schema.startsWith('modulemd-stream') || kind.schema === 'modulemd-packager-v2') {
    let deps: Dependencies[] = [];
    if (Array.isArray(data.dependencies)) {
      deps = data.dependencies.map((d, i) => ({
        buildrequires: depMap(doc, ['data', 'dependencies', i, 'buildrequires'], isObject(d) ? d.buildrequires : undefined),
        requires: depMap(doc, ['data', 'dependencies', i, 'requires'], isObject(d) ? d.requires : undefined),
      }));
    } else if (isObject(data.dependencies)) {
      // modulemd v1: one map of module -> stream for each direction.
      deps = [{
        buildrequires: depMap(doc, ['data', 'dependencies', 'buildrequires'], data.dependencies.buildrequires),
        requires: depMap(doc, ['data', 'dependencies', 'requires'], data.dependencies.requires),
      }];
    }
    return [{ ...base, dependencies: deps }];
  }
  return [];
}

function defaultsOfDocument(doc: YamlDocument, source: string): Defaults | null {
  const v = doc.value;
  if (!isObject(v) || modulemdKind(v.document, v.version)?.schema !== 'modulemd-defaults-v1' || !isObject(v.data)) return null;
  const data = v.data;
  const module = text(doc, ['data', 'module'], data.module);
  if (!module) return null;
  const modified = text(doc, ['data', 'modified'], data.modified);
  const profiles: Record<string, string[]> = {};
  if (isObject(data.profiles)) {
    for (const [s, list] of Object.entries(data.profiles)) profiles[s] = textList(doc, ['data', 'profiles', s], list ?? []);
  }
  return {
    module,
    stream: text(doc, ['data', 'stream'], data.stream),
    modified: modified !== undefined && /^\d+$/.test(modified) ? BigInt(modified) : 0n,
    profiles,
    source,
  };
}

/** Every stream and defaults document of a YAML text (other documents are skipped, as dnf skips them). */
export function readModuleText(yaml: string, source: string): LoadedFile {
  return readModuleParsed(parseYaml(yaml), source);
}

/** The same from an already parsed text (the editor parses each version once). */
export function readModuleParsed(parsed: ReturnType<typeof parseYaml>, source: string): LoadedFile {
  const out: LoadedFile = { streams: [], defaults: [], problems: [] };
  const fatal = parsed.syntax.find((d) => d.severity === 'error');
  if (fatal) out.problems.push(`${source}:${fatal.range.start.line + 1}: ${fatal.message}`);
  for (const doc of parsed.documents) {
    const d = defaultsOfDocument(doc, source);
    if (d) {
      out.defaults.push(d);
      continue;
    }
    for (const s of streamsOfDocument(doc, source)) {
      if (s.name && s.stream) out.streams.push(s);
      else out.problems.push(`${source}: document ${doc.index + 1}: the module and stream names are required when adding to an index`);
    }
  }
  return out;
}
