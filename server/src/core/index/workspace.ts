import { get, isObject, show } from '../check/context';
import { entriesOf } from '../rules/rule';
import { looksLikeModulemd, modulemdKind } from '../kinds/detect';
import type { ParsedYaml } from '../yaml/parse';

/** One module stream the workspace defines (a stream document, or one packager configuration). */
export interface StreamEntry {
  name: string;
  stream: string;
  uri: string;
  /** The document kind it came from. */
  from: string;
  summary?: string;
  profiles: string[];
  contexts: string[];
}

export interface DefaultsEntry {
  module: string;
  stream?: string;
  profiles: Record<string, string[]>;
  uri: string;
}

export interface FileEntries {
  streams: StreamEntry[];
  defaults: DefaultsEntry[];
  /** module -> streams named in dependencies (platform:f41 and friends). */
  referenced: Map<string, Set<string>>;
}

/** Every modulemd and defaults document of the workspace: what completion, hover and checks ask. */
export class WorkspaceIndex {
  private readonly files = new Map<string, FileEntries>();
  /** Bumped on every change: a copy elsewhere (the analysis worker) knows when to refresh. */
  generation = 0;

  get size(): number {
    return this.files.size;
  }

  remove(uri: string): void {
    if (this.files.delete(uri)) this.generation++;
  }

  /** Every file's entries (plain data: it crosses to a worker thread). */
  export(): [string, FileEntries][] {
    return [...this.files];
  }

  /** Replaces the whole index with an export of another. */
  import(files: [string, FileEntries][]): void {
    this.files.clear();
    for (const [uri, entries] of files) this.files.set(uri, entries);
    this.generation++;
  }

  /** Sets one file's entries (computed elsewhere, e.g. by the analysis worker). */
  set(uri: string, entries: FileEntries | null): void {
    if (entries && (entries.streams.length || entries.defaults.length || entries.referenced.size)) this.files.set(uri, entries);
    else this.files.delete(uri);
    this.generation++;
  }

  /** Re-reads the entries of one file from its parsed documents. */
  update(uri: string, parsed: ParsedYaml): void {
    this.set(uri, WorkspaceIndex.entriesOf(uri, parsed));
  }

  /** The modules, streams and defaults one file defines. */
  static entriesOf(uri: string, parsed: ParsedYaml): FileEntries {
    const entries: FileEntries = { streams: [], defaults: [], referenced: new Map() };
    for (const d of parsed.documents) {
      const v = d.value;
      if (!looksLikeModulemd(v) || !isObject(v)) continue;
      const kind = modulemdKind(v.document, v.version);
      if (!kind) continue;
      const data = v.data;
      if (!isObject(data)) continue;
      const refer = (deps: unknown): void => {
        for (const [module, streams] of entriesOf(deps)) {
          const list = Array.isArray(streams) ? streams : [streams];
          const set = entries.referenced.get(module) ?? new Set<string>();
          for (const s of list) if (typeof s === 'string' || typeof s === 'number') set.add(show(s).replace(/^-/, ''));
          entries.referenced.set(module, set);
        }
      };
      if (kind.schema === 'modulemd-defaults-v1') {
        if (typeof data.module !== 'string') continue;
        const profiles: Record<string, string[]> = {};
        for (const [stream, list] of entriesOf(data.profiles)) profiles[stream] = Array.isArray(list) ? list.map(show) : [];
        entries.defaults.push({ module: data.module, stream: data.stream === undefined ? undefined : show(data.stream), profiles, uri });
        continue;
      }
      if (kind.schema.startsWith('modulemd-stream') || kind.schema.startsWith('modulemd-packager')) {
        const name = data.name === undefined ? undefined : show(data.name);
        const stream = data.stream === undefined ? undefined : show(data.stream);
        const profiles = entriesOf(data.profiles).map(([p]) => p);
        const contexts: string[] = [];
        if (Array.isArray(data.configurations)) {
          for (const c of data.configurations) {
            if (!isObject(c)) continue;
            if (c.context !== undefined) contexts.push(show(c.context));
            refer(c.buildrequires);
            refer(c.requires);
            if (c.platform !== undefined) refer({ platform: [show(c.platform)] });
          }
        } else if (data.context !== undefined) contexts.push(show(data.context));
        const deps = get(data, ['dependencies']);
        if (Array.isArray(deps)) for (const dep of deps) if (isObject(dep)) (refer(dep.buildrequires), refer(dep.requires));
        if (name && stream) {
          entries.streams.push({ name, stream, uri, from: kind.schema, summary: typeof data.summary === 'string' ? data.summary : undefined, profiles, contexts });
        }
      }
    }
    return entries;
  }

  private *all(): Iterable<FileEntries> {
    yield* this.files.values();
  }

  streamsOf(module: string): StreamEntry[] {
    const out: StreamEntry[] = [];
    for (const f of this.all()) for (const s of f.streams) if (s.name === module) out.push(s);
    return out;
  }

  defaultsOf(module: string): DefaultsEntry | undefined {
    for (const f of this.all()) for (const d of f.defaults) if (d.module === module) return d;
    return undefined;
  }

  /** Every module name known: defined, given defaults, or named in dependencies. */
  moduleNames(): string[] {
    const names = new Set<string>();
    for (const f of this.all()) {
      for (const s of f.streams) names.add(s.name);
      for (const d of f.defaults) names.add(d.module);
      for (const m of f.referenced.keys()) names.add(m);
    }
    return [...names].sort();
  }

  /** Streams of a module: defined ones first, then those named in defaults and dependencies. */
  streamNames(module: string): string[] {
    const names = new Set<string>();
    for (const s of this.streamsOf(module)) names.add(s.stream);
    const d = this.defaultsOf(module);
    if (d?.stream) names.add(d.stream);
    for (const k of Object.keys(d?.profiles ?? {})) names.add(k);
    for (const f of this.all()) for (const s of f.referenced.get(module) ?? []) names.add(s);
    return [...names];
  }

  profileNames(module: string, stream?: string): string[] {
    const names = new Set<string>();
    for (const s of this.streamsOf(module)) if (stream === undefined || s.stream === stream) s.profiles.forEach((p) => names.add(p));
    return [...names];
  }
}
