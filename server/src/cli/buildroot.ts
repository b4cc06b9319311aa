import { resolveText, BuildrootInputError } from '../core/buildroot/subject';
import { textReport } from '../core/buildroot/report';
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isObject } from '../core/check/context';
import { loadDefaultsDirectory, loadRepository, ModuleIndex, readModuleText, streamsOfDocument } from '../core/buildroot/index';
import { overlayBatches, resolveModule, resolveNonModular, type Expansion, type Resolution, type ResolveOptions } from '../core/buildroot/resolve';
import { detectFamily } from '../core/kinds/detect';
import { labelOf } from '../core/overlay/expand';
import { evaluatePreamble } from '../core/spec/preamble';
import { parseYaml } from '../core/yaml/parse';
import { InputError } from './autospec';
import { UsageError, type CommandResult } from './usage';

export const BUILDROOT_USAGE = `usage: gitoverlay buildroot [--json] [--platform NAME:STREAM] [--defaults DIR]... [--repo PATH]... FILE
  FILE                 a modulemd stream or packager document (each dependencies entry or configuration
                       is expanded into its stream combinations), an overlay (components batched as rdgo
                       builds them) or a .spec (an ordinary package: platform + default streams)
  --platform N:S       the platform the buildroot is for (platform:f41); synthesized when no document
                       defines it, and the default among several platform streams
  --defaults DIR       a modulemd-defaults directory; documents in DIR/overrides/ replace its own
  --repo PATH          a repository (PATH/repodata: modules.yaml[.gz|.xz|.zst], primary.xml) or a
                       modules YAML file; a repository's non-modular packages are platform content
  --json               {"expansions":[{"buildrequires","modules","rpms","batches","warnings"}]}
Exit 1 when a buildrequire matches no stream or build; 2 on a usage error or unreadable input.`;

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    throw new InputError(`cannot read ${path}`);
  }
}

/** Repositories merge as dnf merges repos of one priority; defaults directories then replace, as MBS loads them. */
export async function buildIndex(repos: string[], defaults: string[]): Promise<ModuleIndex> {
  const index = new ModuleIndex();
  for (const r of repos) {
    try {
      index.merge(await loadRepository(resolve(r)), false);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new InputError(`--repo ${r}: ${e.code === 'ENOENT' ? 'no such file or directory' : e.message}`);
    }
  }
  for (const d of defaults) {
    const isDir = await stat(d).then((s) => s.isDirectory(), () => false);
    if (!isDir) throw new InputError(`--defaults ${d}: not a directory`);
    index.merge(await loadDefaultsDirectory(resolve(d)), true);
  }
  return index;
}

/** `gitoverlay buildroot`: what a build of FILE would find installed, per stream expansion. */
export async function runBuildroot(argv: string[]): Promise<CommandResult> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean' },
        platform: { type: 'string' },
        defaults: { type: 'string', multiple: true },
        repo: { type: 'string', multiple: true },
      },
      allowPositionals: true,
    });
  } catch (err) {
    throw new UsageError((err as Error).message, BUILDROOT_USAGE);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(positionals.length ? 'one FILE only' : 'no FILE given', BUILDROOT_USAGE);
  if (values.platform !== undefined && !/^[^:\s]+(:[^:\s]+)?$/.test(values.platform)) {
    throw new UsageError(`--platform ${values.platform}: expected NAME:STREAM (platform:f41)`, BUILDROOT_USAGE);
  }
  const index = await buildIndex(values.repo ?? [], values.defaults ?? []);
  const result = await resolveFileAt(positionals[0], index, { platform: values.platform });
  // The JSON contract (docs/buildroots.md): which stream/entry an expansion is of stays internal.
  const expansions = result.expansions.map(({ subject: _s, entry: _e, ...x }) => x);
  const stdout = values.json ? JSON.stringify({ expansions }, null, 2) + '\n' : textReport(result.expansions);
  const notes = [...index.problems.map((p) => `warning: ${p}`), ...result.errors.map((e) => `error: ${e}`)];
  return { code: result.errors.length ? 1 : 0, stdout, stderr: notes.length ? notes.map((n) => `gitoverlay: ${n}\n`).join('') : undefined };
}

export async function resolveFileAt(path: string, index: ModuleIndex, options: ResolveOptions): Promise<Resolution> {
  const text = await readText(path);
  try {
    return resolveText(path, text, index, options);
  } catch (err) {
    if (err instanceof BuildrootInputError) throw new InputError(err.message);
    throw err;
  }
}
