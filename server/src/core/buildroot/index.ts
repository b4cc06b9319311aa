import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve as resolvePath } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { isObject } from '../check/context';
import { run } from '../git/exec';
import { looksLikeModulemd, modulemdKind } from '../kinds/detect';
import { parseYaml, type YamlDocument } from '../yaml/parse';

/**
 * The module index a buildroot is resolved against: module streams (builds), the merged
 * modulemd-defaults, and the non-modular packages of loaded repositories. Loaders read modulemd v1/v2
 * stream documents, packager v2/v3 documents, defaults documents, defaults directories (libmodulemd's
 * update_from_defaults_directory) and createrepo_c repositories.
 */

/** One entry of `dependencies`: module -> stream list (`[]` any, `[a, b]` any of, `[-a]` all except). */
export interface Dependencies {
  buildrequires: Record<string, string[]>;
  requires: Record<string, string[]>;
}

export interface Component {
  /** The key under `components.rpms`: what `buildafter` names. */
  key: string;
  buildorder: number;
  buildafter: string[];
}

/** One module build: N:S:V:C(.A). */
export interface ModuleStream {
  name: string;
  stream: string;
  /** uint64 as written (digits): module versions pass 2^53 (RHEL's 8030020200827112412). */
  version: string;
  context: string;
  arch?: string;
  dependencies: Dependencies[];
  profiles: Record<string, string[]>;
  /** Binary package names of `artifacts.rpms` (arch `src` excluded). */
  rpms: string[];
  /** The binary artifacts as N-E:V-R.A, what tells a repository's modular packages apart. */
  nevras: string[];
  filter: string[];
  components: Component[];
  /** File (or synthetic origin) the stream came from. */
  source: string;
}

export interface Defaults {
  module: string;
  /** The default stream; absent when none is set or when merging left a conflict. */
  stream?: string;
  /** Why there is no default stream although documents set one (equal `modified`, different streams). */
  conflict?: string;
  modified: bigint;
  profiles: Record<string, string[]>;
  source: string;
}

/** A package of a repository's primary metadata. */
export interface RepoPackage {
  name: string;
  nevra: string;
}

/** What one file holds, before it is merged into an index. */
export interface LoadedFile {
  streams: ModuleStream[];
  defaults: Defaults[];
  problems: string[];
}

export const BASE_MODULES: ReadonlySet<string> = new Set(['platform']);

// ---------------------------------------------------------------------------------------------
// Reading documents

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

/** `N-E:V-R.A`, parsed from the end as libmodulemd does (the name may hold dashes); epoch optional here. */
export function parseNevra(nevra: string): { name: string; epoch: string; version: string; release: string; arch: string } | null {
  const m = /^(.+)-(?:(\d+):)?([^-:]+)-([^-]+)\.([^.-]+)$/.exec(nevra);
  return m ? { name: m[1], epoch: m[2] ?? '0', version: m[3], release: m[4], arch: m[5] } : null;
}

/** The canonical N-E:V-R.A (epoch always written) used to match artifacts with repository packages. */
const canonicalNevra = (p: { name: string; epoch: string; version: string; release: string; arch: string }): string =>
  `${p.name}-${p.epoch || '0'}:${p.version}-${p.release}.${p.arch}`;

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

// ---------------------------------------------------------------------------------------------
// Defaults merging (libmodulemd modulemd_defaults_v1_merge, non-strict)

const setsEqual = (a: string[], b: string[]): boolean => {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((e) => y.has(e));
};

/**
 * Merges `from` into `into` at the same priority: a stream set on one side only is kept; different
 * streams: the higher `modified` wins, equal `modified` is a conflict that leaves no default stream
 * (and stays a conflict for every later merge of the same module, as libmodulemd's marker does).
 * Profile sets per stream follow the same rule; libmodulemd fails the whole merge on an equal-modified
 * profile mismatch, here it is reported and the earlier profiles are kept.
 */
export function mergeDefaults(from: Defaults, into: Defaults, problems: string[]): Defaults {
  const merged: Defaults = { ...into, profiles: { ...into.profiles } };
  if (into.conflict) {
    // libmodulemd keeps its conflict marker whatever comes later.
  } else if (from.stream !== undefined && into.stream === undefined) {
    merged.stream = from.stream;
  } else if (from.stream !== undefined && into.stream !== undefined && from.stream !== into.stream) {
    if (from.modified > into.modified) merged.stream = from.stream;
    else if (from.modified === into.modified) {
      merged.stream = undefined;
      merged.conflict = `Default stream mismatch in module ${into.module}: ${into.stream} != ${from.stream} (${into.source}, ${from.source}, ${into.modified ? `both modified ${into.modified}` : 'neither sets modified'}); no default stream`;
    }
  }
  for (const [stream, list] of Object.entries(from.profiles)) {
    const have = merged.profiles[stream];
    if (have === undefined || (!setsEqual(have, list) && from.modified > into.modified)) merged.profiles[stream] = list;
    else if (!setsEqual(have, list) && from.modified === into.modified) {
      problems.push(`Profile default mismatch in module ${into.module} stream ${stream} (${into.source}, ${from.source}); kept ${into.source}'s`);
    }
  }
  if (from.modified > into.modified) merged.modified = from.modified;
  merged.source = from.modified > into.modified ? from.source : into.source;
  return merged;
}

// ---------------------------------------------------------------------------------------------
// The index

const compareUint = (a: string, b: string): number => (a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0);

/** Streams in a readable order: numbers as numbers (8 < 10), then text. */
export const compareStreams = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

export class ModuleIndex {
  private readonly modules = new Map<string, Map<string, ModuleStream[]>>();
  private readonly defaults = new Map<string, Defaults>();
  private packages: RepoPackage[] = [];
  private nonModular?: { sorted: string[]; set: Set<string> };
  /** Load problems and merge conflicts, in the order met. */
  readonly problems: string[] = [];

  /** Adds a build; the same N:S:V:C.A again replaces the earlier one (libmodulemd's merge does too). */
  addStream(s: ModuleStream): void {
    let streams = this.modules.get(s.name);
    if (!streams) this.modules.set(s.name, (streams = new Map()));
    const builds = streams.get(s.stream) ?? [];
    const same = builds.findIndex((b) => b.version === s.version && b.context === s.context && b.arch === s.arch);
    if (same >= 0) builds[same] = s;
    else builds.push(s);
    streams.set(s.stream, builds);
    this.nonModular = undefined;
  }

  addPackages(list: RepoPackage[]): void {
    this.packages = this.packages.concat(list);
    this.nonModular = undefined;
  }

  /** `override` (a higher priority level, an overrides/ directory) replaces; otherwise merged. */
  addDefaults(d: Defaults, override: boolean): void {
    const have = this.defaults.get(d.module);
    this.defaults.set(d.module, override || !have ? d : mergeDefaults(d, have, this.problems));
  }

  /**
   * Adds one file's documents. Within a file a later defaults document for a module replaces an
   * earlier one (libmodulemd's update_from_string; dnf shows the same), between files they merge.
   */
  addFile(file: LoadedFile, override = false): void {
    this.problems.push(...file.problems);
    for (const s of file.streams) this.addStream(s);
    const last = new Map<string, Defaults>();
    for (const d of file.defaults) last.set(d.module, d);
    for (const d of last.values()) this.addDefaults(d, override);
  }

  /** A copy to add to without changing this index (merging into an empty index copies). */
  copy(): ModuleIndex {
    const c = new ModuleIndex();
    c.merge(this, false);
    return c;
  }

  /** libmodulemd's modulemd_module_index_merge(other, this, override). */
  merge(other: ModuleIndex, override: boolean): void {
    this.problems.push(...other.problems);
    for (const streams of other.modules.values()) for (const builds of streams.values()) for (const b of builds) this.addStream(b);
    for (const d of other.defaults.values()) this.addDefaults(d, override);
    if (other.packages.length) this.addPackages(other.packages);
  }

  moduleNames(): string[] {
    return [...this.modules.keys()].sort();
  }

  /** Streams that have at least one build. */
  streamNames(name: string): string[] {
    return [...(this.modules.get(name)?.keys() ?? [])].sort(compareStreams);
  }

  builds(name: string, stream: string): ModuleStream[] {
    return this.modules.get(name)?.get(stream) ?? [];
  }

  defaultsOf(name: string): Defaults | undefined {
    return this.defaults.get(name);
  }

  /** Module -> default stream, conflicts left out (as libmodulemd's get_default_streams). */
  defaultStreams(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [m, d] of [...this.defaults].sort(([a], [b]) => (a < b ? -1 : 1))) if (d.stream !== undefined && !d.conflict) out.set(m, d.stream);
    return out;
  }

  /** The messages of modules whose defaults conflict. */
  defaultConflicts(): string[] {
    return [...this.defaults.values()].filter((d) => d.conflict).map((d) => d.conflict!);
  }

  /**
   * Names of the repositories' packages that no module lists among its artifacts (dnf's test for
   * "modular": the NEVRA is an artifact of some module). These are the platform's content.
   */
  nonModularRpms(): string[] {
    return this.nonModularNames().sorted;
  }

  /** Is `name` one of nonModularRpms()? */
  isNonModular(name: string): boolean {
    return this.nonModularNames().set.has(name);
  }

  /** Computed once per content change: every resolution starts from it. */
  private nonModularNames(): { sorted: string[]; set: Set<string> } {
    if (this.nonModular) return this.nonModular;
    const modular = new Set<string>();
    for (const streams of this.modules.values()) for (const builds of streams.values()) for (const b of builds) for (const n of b.nevras) modular.add(n);
    const set = new Set<string>();
    for (const p of this.packages) if (!modular.has(p.nevra)) set.add(p.name);
    return (this.nonModular = { sorted: [...set].sort(), set });
  }

  /** The newest version first, then contexts in order: what "latest build" picks from. */
  static newestFirst(builds: ModuleStream[]): ModuleStream[] {
    return [...builds].sort((a, b) => compareUint(b.version, a.version) || (a.context < b.context ? -1 : a.context > b.context ? 1 : 0));
  }
}

// ---------------------------------------------------------------------------------------------
// Loaders

/** A module stream/defaults file, plain or compressed. */
export async function loadModuleFile(path: string, signal?: AbortSignal): Promise<LoadedFile> {
  const data = await readMaybeCompressed(path, signal);
  return readModuleText(data.toString('utf8'), path);
}

/** Every `*.yaml` file of a directory merged file by file (libmodulemd's modules_from_directory). */
async function directoryIndex(dir: string): Promise<ModuleIndex> {
  const index = new ModuleIndex();
  // libmodulemd reads in directory order; sorting makes the rare order-dependent merges repeatable.
  const names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && e.name.endsWith('.yaml')).map((e) => e.name).sort();
  for (const name of names) {
    const file = new ModuleIndex();
    file.addFile(await loadModuleFile(join(dir, name)));
    index.merge(file, false);
  }
  return index;
}

/**
 * libmodulemd's update_from_defaults_directory(path, overrides_path=path/overrides): the files of
 * `dir` merged with each other, the files of `overrides/` merged with each other, then each module's
 * defaults from overrides/ replace the base ones outright (whatever their `modified`). The caller
 * merges the result into its index with override, as MBS does.
 */
export async function loadDefaultsDirectory(dir: string): Promise<ModuleIndex> {
  const index = await directoryIndex(dir);
  const overrides = join(dir, 'overrides');
  if (await isDirectory(overrides)) index.merge(await directoryIndex(overrides), true);
  return index;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

const DECOMPRESSORS: Record<string, string> = { '.xz': 'xz', '.zst': 'zstd', '.zstd': 'zstd', '.bz2': 'bzip2' };

/** A file as createrepo_c may write it: plain, .gz (node:zlib), .xz/.zst/.bz2 (their programs). */
export async function readMaybeCompressed(path: string, signal?: AbortSignal): Promise<Buffer> {
  const raw = await readFile(path);
  if (path.endsWith('.gz')) return gunzipSync(raw);
  const ext = Object.keys(DECOMPRESSORS).find((e) => path.endsWith(e));
  if (!ext) return raw;
  const program = DECOMPRESSORS[ext];
  try {
    return (await run(program, ['-dc', resolvePath(path)], { signal })).stdout;
  } catch (err) {
    const e = err as { code?: number | null; message?: string };
    if (e.code === null && /ENOENT/.test(e.message ?? '')) throw new Error(`${path}: reading ${ext} files needs the '${program}' program, which is not installed`);
    throw err;
  }
}

/** `repomd.xml` data locations by type (primary, modules, ...). */
function repomdLocations(xml: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of xml.matchAll(/<data\s+type="([^"]+)"[^>]*>([\s\S]*?)<\/data>/g)) {
    const href = /<location\s+href="([^"]+)"/.exec(m[2]);
    if (href) out.set(m[1], href[1]);
  }
  return out;
}

const unescapeXml = (s: string): string =>
  s.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!);

/** Binary packages of primary.xml as name + N-E:V-R.A (source packages skipped). */
export function primaryPackages(xml: string): RepoPackage[] {
  const out: RepoPackage[] = [];
  const re = /<name>([^<]*)<\/name>\s*<arch>([^<]*)<\/arch>\s*<version\s+epoch="([^"]*)"\s+ver="([^"]*)"\s+rel="([^"]*)"/g;
  for (const m of xml.matchAll(re)) {
    const [name, arch, epoch, version, release] = m.slice(1).map(unescapeXml);
    if (arch === 'src' || arch === 'nosrc') continue;
    out.push({ name, nevra: canonicalNevra({ name, epoch, version, release, arch }) });
  }
  return out;
}

/**
 * A repository: PATH/repodata (or a repodata directory itself) read through repomd.xml (falling back
 * to `*modules.yaml*` / `*primary.xml*` names), or PATH a modules.yaml file (plain or compressed).
 * Its non-modular packages become platform content; its modules and defaults join the index.
 */
export async function loadRepository(path: string, signal?: AbortSignal): Promise<ModuleIndex> {
  const index = new ModuleIndex();
  if (!(await isDirectory(path))) {
    index.addFile(await loadModuleFile(path, signal));
    return index;
  }
  const repodata = (await isDirectory(join(path, 'repodata'))) ? join(path, 'repodata') : path;
  const root = repodata === path ? join(path, '..') : path;
  let modules: string | undefined;
  let primary: string | undefined;
  try {
    const locations = repomdLocations(await readFile(join(repodata, 'repomd.xml'), 'utf8'));
    if (locations.has('modules')) modules = join(root, locations.get('modules')!);
    if (locations.has('primary')) primary = join(root, locations.get('primary')!);
  } catch {
    // No repomd.xml: look for the files by name.
  }
  const files = await readdir(repodata);
  modules ??= files.filter((f) => /modules\.yaml(\.|$)/.test(f)).map((f) => join(repodata, f))[0];
  primary ??= files.filter((f) => /primary\.xml(\.|$)/.test(f)).map((f) => join(repodata, f))[0];
  if (!modules && !primary) throw new Error(`${path}: no repodata (repomd.xml, *modules.yaml*, *primary.xml*) found`);
  if (modules) index.addFile(await loadModuleFile(modules, signal));
  if (primary) index.addPackages(primaryPackages((await readMaybeCompressed(primary, signal)).toString('utf8')));
  return index;
}

/** A synthesized base module such as platform:f41 (what dnf's module_platform_id stands for). */
export function virtualModule(name: string, stream: string): ModuleStream {
  return {
    name,
    stream,
    version: '0',
    context: '00000000',
    dependencies: [],
    profiles: {},
    rpms: [],
    nevras: [],
    filter: [],
    components: [],
    source: `${name}:${stream} (synthesized)`,
  };
}
