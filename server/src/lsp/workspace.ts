import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { URI } from 'vscode-uri';
import { WorkspaceIndex, type FileEntries } from '../core/index/workspace';
import type { LoadedFile } from '../core/buildroot/index';
import { BIG_DOCUMENT } from './big-documents';
import { parseYaml } from '../core/yaml/parse';

const SKIP = new Set(['node_modules', '.git', 'dist', 'out', '.vscode-test', 'build', 'build.partial', 'snapshot']);
const MAX_FILES = 20000;
/** Only files that can hold a module document are parsed. */
const MODULEMD = /^document:\s*["']?modulemd/m;

/** Fills the index from every modulemd YAML under the workspace folders, yielding between files. */
/** Told of every module file's text (undefined: it holds none any more), with its modules when already read. */
export type ModuleTextSink = (uri: string, text: string | undefined, modules?: LoadedFile) => void;
/** Reads a huge module file off the main thread (the analysis worker). */
export type ReadBig = (uri: string, text: string) => Promise<{ entries: FileEntries; modules: LoadedFile } | null>;

export async function scanWorkspace(index: WorkspaceIndex, folders: string[], isOpen: (uri: string) => boolean, onModuleText?: ModuleTextSink, readBig?: ReadBig): Promise<number> {
  let files = 0;
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (files >= MAX_FILES) return;
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP.has(e.name) && !e.name.startsWith('.')) await walk(p);
      } else if (e.isFile() && /\.ya?ml$/.test(e.name)) {
        files++;
        const uri = URI.file(p).toString();
        if (isOpen(uri)) continue;
        await indexFile(index, uri, onModuleText, readBig);
      }
    }
  };
  for (const f of folders) await walk(f);
  return files;
}

export async function indexFile(index: WorkspaceIndex, uri: string, onModuleText?: ModuleTextSink, readBig?: ReadBig): Promise<void> {
  try {
    const text = await readFile(URI.parse(uri).fsPath, 'utf8');
    if (!MODULEMD.test(text)) {
      index.remove(uri);
      onModuleText?.(uri, undefined);
      return;
    }
    if (readBig && text.length >= BIG_DOCUMENT) {
      const read = await readBig(uri, text);
      if (read) {
        index.set(uri, read.entries);
        onModuleText?.(uri, text, read.modules);
      }
      return;
    }
    index.update(uri, parseYaml(text));
    onModuleText?.(uri, text);
  } catch {
    index.remove(uri);
    onModuleText?.(uri, undefined);
  }
}
