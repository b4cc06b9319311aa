import { stat } from 'node:fs/promises';
import { ModuleIndex, loadDefaultsDirectory, loadRepository, readModuleParsed, readModuleText, type LoadedFile, type ModuleStream } from '../core/buildroot/index';
import { resolveModule } from '../core/buildroot/resolve';
import type { ParsedYaml } from '../core/yaml/parse';
import { resolveParsed, resolveText } from '../core/buildroot/subject';
import type { Resolution } from '../core/buildroot/resolve';
import { fsPath } from './documents';

export interface BuildrootSettings {
  /** Repositories (`repodata/` with modules.yaml) whose modules join the index. */
  moduleRepos: string[];
  /** modulemd-defaults directories (with `overrides/`). */
  defaultsDirs: string[];
  /** The platform stream builds are for (`f41`); empty: the one the document buildrequires. */
  platform: string;
}

/**
 * The module index behind the Buildroot view and the buildrequires diagnostics: every module and
 * defaults document of the workspace (read lazily, re-read when it changes) plus configured
 * repositories and defaults directories.
 */
export class BuildrootService {
  private readonly texts = new Map<string, string>();
  private readonly loaded = new Map<string, LoadedFile>();
  private readonly parsed = new Map<string, ParsedYaml>();
  private external: ModuleIndex | undefined;
  private index: ModuleIndex | undefined;
  settings: BuildrootSettings = { moduleRepos: [], defaultsDirs: [], platform: '' };

  /** A module file's current text (from disk or the editor). */
  setText(uri: string, text: string | undefined): void {
    if (text === undefined) this.texts.delete(uri);
    else if (this.texts.get(uri) === text) return;
    else this.texts.set(uri, text);
    this.loaded.delete(uri);
    this.parsed.delete(uri);
    this.index = undefined;
  }

  /** An open document's parsed text, read into the index only when a resolution needs it (not per keystroke). */
  setParsed(uri: string, parsed: ParsedYaml): void {
    if (this.texts.get(uri) === parsed.text) return;
    this.texts.set(uri, parsed.text);
    this.loaded.delete(uri);
    this.parsed.set(uri, parsed);
    this.index = undefined;
  }

  /** An open document's modules as the analysis worker read them (huge documents are never parsed here). */
  setLoaded(uri: string, text: string, file: LoadedFile): void {
    this.texts.set(uri, text);
    this.loaded.set(uri, file);
    this.parsed.delete(uri);
    this.index = undefined;
  }

  /** Does the index know modules from anywhere but this document (other files, repositories, defaults)? */
  knowsOthers(uri: string): boolean {
    return [...this.texts.keys()].some((u) => u !== uri) || this.settings.moduleRepos.length > 0 || this.settings.defaultsDirs.length > 0;
  }

  /** Workspace files holding a module stream with components: what a module build task can build. */
  async buildableModules(): Promise<string[]> {
    await this.moduleIndex();
    return [...this.loaded].filter(([, f]) => f.streams.some((s) => s.components.length > 0)).map(([uri]) => uri);
  }

  configure(settings: BuildrootSettings): void {
    this.settings = settings;
    this.external = undefined;
    this.index = undefined;
  }

  private async externalIndex(): Promise<ModuleIndex> {
    if (this.external) return this.external;
    const index = new ModuleIndex();
    for (const repo of this.settings.moduleRepos) {
      try {
        index.merge(await loadRepository(repo), false);
      } catch {
        /* a missing repository shows as unknown streams */
      }
    }
    for (const dir of this.settings.defaultsDirs) {
      if (await stat(dir).then((s) => s.isDirectory(), () => false)) index.merge(await loadDefaultsDirectory(dir), true);
    }
    this.external = index;
    return index;
  }

  /** Is the module index built for what is known now (no wait in moduleIndex())? */
  indexReady(): boolean {
    return this.index !== undefined;
  }

  async moduleIndex(): Promise<ModuleIndex> {
    if (this.index) return this.index;
    const index = new ModuleIndex();
    index.merge(await this.externalIndex(), false);
    for (const [uri, text] of [...this.texts].sort(([a], [b]) => a.localeCompare(b))) {
      let file = this.loaded.get(uri);
      if (!file) {
        const parsed = this.parsed.get(uri);
        file = parsed ? readModuleParsed(parsed, fsPath(uri)) : readModuleText(text, fsPath(uri));
        this.loaded.set(uri, file);
        this.parsed.delete(uri);
      }
      index.addFile(file);
    }
    this.index = index;
    return index;
  }

  /** The buildroot of module streams read elsewhere (a huge document, by the analysis worker). */
  async resolveStreams(uri: string, text: string, subject: ModuleStream[]): Promise<Resolution> {
    const index = await this.moduleIndex();
    if (subject.length === 0) throw new Error('no modulemd stream or packager document to resolve');
    const platform = this.settings.platform || platformOf(text);
    // The index holds this file's defaults when it holds this very text (setLoaded).
    const own = this.texts.get(uri) === text ? index : index.copy();
    if (own !== index) own.addFile({ streams: [], defaults: this.loaded.get(uri)?.defaults ?? [], problems: [] });
    return resolveModule(subject, own, platform ? { platform } : {});
  }

  /** The buildroot(s) a file would get: a module document, an overlay or a spec. */
  async resolve(uri: string, text: string, parsed?: ParsedYaml): Promise<Resolution> {
    const index = await this.moduleIndex();
    const platform = this.settings.platform || platformOf(text);
    const options = platform ? { platform } : {};
    // A module file the index holds brings its own defaults already; anything else is read as given.
    if (parsed && this.texts.get(uri) === parsed.text) return resolveParsed(fsPath(uri), parsed, index, options, true);
    return resolveText(fsPath(uri), text, index.copy(), options);
  }
}

/** The single platform stream a document buildrequires (`platform: [f41]`), if there is one. */
function platformOf(text: string): string | undefined {
  const m = /^\s*platform:\s*\[?\s*["']?([A-Za-z0-9_.+]+)["']?\s*\]?\s*$/m.exec(text);
  return m ? m[1] : undefined;
}
