import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve as resolvePath } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { run } from '../git/exec';
import { readModuleText } from './documents';
import { canonicalNevra, type LoadedFile, type RepoPackage } from './model';
import { ModuleIndex } from './module-index';

/**
 * Loading module indexes from disk: module stream/defaults files (plain or compressed), defaults
 * directories (libmodulemd's update_from_defaults_directory) and createrepo_c repositories (their
 * modules.yaml and the packages of primary.xml).
 */

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
