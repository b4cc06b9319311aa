import { createWriteStream } from 'node:fs';
import { copyFile, link, mkdir, realpath, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { processSpec, specFeatures } from '../autospec/process';
import { componentBatches } from '../buildroot/batches';
import { BASE_MODULES } from '../buildroot/model';
import { checkText } from '../check/check';
import { isObject } from '../check/context';
import { run } from '../git/exec';
import { autospecAt } from '../overlay/autospec-at';
import { commitTime, readFileAt, revParse, syncMirror, type MirrorOptions } from '../overlay/mirror';
import type { ResolvedComponent } from '../overlay/resolve';
import { checkRemote } from '../overlay/url';
import { BACKENDS } from './backend';
import { compose } from './compose';
import { makeCtx, type Ctx } from './context';
import { pool } from './executor';
import { abortError, which } from './proc';
import { takeLock, type BuildState } from './state';
import { builtModulemd, type BuiltModule } from '../mbs/built-modulemd';
import { buildoptsMacros, builtRpms } from '../mbs/built-rpms';
import { submitModule, SubmissionError } from '../mbs/submission';
import type { BuildOptions, BuildResult, ComponentBuild } from './types';

/**
 * `gitoverlay build` of a modulemd v2 stream document: every `components.rpms` entry is built from
 * its dist-git `repository` at `ref` (mirrored, never a work tree; sources must be in dist-git:
 * lookaside is not fetched) in buildorder/buildafter batches, with `%{dist}` `.module_fNN+V+C` and
 * `%{modularitylabel}`; the repository gets a modules.yaml (validated with gitoverlay's own checks)
 * whose artifacts are the built packages. No cache: every run builds every component. With mock, each
 * chroot is the module's buildroot as MBS makes it: its buildrequired streams enabled, the packages
 * of earlier batches in a repository.
 */

export class ModuleBuildError extends Error {}

const str = (v: unknown): string | undefined => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);

function utcStamp(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

export async function buildModule(modulePath: string, doc: unknown, options: BuildOptions = {}): Promise<BuildResult & { nsvca: string }> {
  if (!isObject(doc) || doc.document !== 'modulemd' || doc.version !== 2 || !isObject(doc.data))
    throw new ModuleBuildError('only modulemd v2 stream documents are built');
  const data = doc.data;
  const name = str(data.name);
  const stream = str(data.stream);
  if (!name || !stream) throw new ModuleBuildError("the document needs 'name' and 'stream' to be built");
  const rpms = isObject(data.components) && isObject(data.components.rpms) ? data.components.rpms : {};
  const keys = Object.keys(rpms);
  if (!keys.length) throw new ModuleBuildError('the module has no components.rpms to build');

  // Built where overlays are (mock when installed, else here); Copr builds modules through an API
  // of its own (module builds), which this command does not drive.
  const choice = options.backend ?? (which('mock') ? 'mock' : 'local');
  if (choice === 'copr') throw new ModuleBuildError('a module document is built with --backend local or mock; Copr builds modules through its own module-build API, which gitoverlay does not use');
  const progress = options.onProgress ?? (() => undefined);
  const signal = options.signal;
  const baseDir = dirname(modulePath);
  const out = options.out ?? join(baseDir, 'build');
  const cacheDir = options.cacheDir ?? join(baseDir, '.gitoverlay', 'mirrors');
  const baseDist = options.dist ?? '.fc41';
  const bwrap = options.sandbox === 'none' ? null : which('bwrap');
  const arch = (await run('rpm', ['--eval', '%_arch'], { signal })).stdout.toString().trim();
  const mirror: MirrorOptions = { allowFile: options.allowFile ?? false, signal, secrets: new Set() };

  // Pin every component: its dist-git mirror, ref → commit, spec with rpmautospec expanded.
  const pinned: { key: string; c: ResolvedComponent; time: number; error?: string }[] = [];
  for (const key of keys) {
    const entry = isObject(rpms[key]) ? rpms[key] : {};
    const pkg = str(entry.name) ?? key;
    const c: ResolvedComponent = { name: key, upstream: null, distgit: null, version: '', release: '', nevr: key, spec: '', warnings: [] };
    let time = 0;
    try {
      const url = str(entry.repository);
      if (!url) throw new ModuleBuildError(`component '${key}' has no 'repository' (gitoverlay build does not guess one)`);
      const ref = str(entry.ref) ?? stream;
      const remote = checkRemote(url, { allowFile: options.allowFile ?? false, baseDir });
      const dir = join(cacheDir, remote.mirrorKey);
      progress(`resolving ${key}`);
      await syncMirror(remote, dir, undefined, options.fetch ?? true, mirror);
      const commit = (await revParse(dir, ref, 'branch', mirror)) ?? (await revParse(dir, ref, 'tag', mirror)) ?? (await revParse(dir, ref, 'freeze', mirror));
      if (!commit) throw new ModuleBuildError(`component '${key}': unknown ref '${ref}' in ${remote.display}`);
      let spec = await readFileAt(dir, commit, `${pkg}.spec`, mirror);
      if (spec === null) throw new ModuleBuildError(`component '${key}': no ${pkg}.spec at ${commit.slice(0, 7)}`);
      const f = specFeatures(spec);
      if (f.hasAutorelease || f.autochangelogLine !== null) spec = processSpec(spec, (await autospecAt(dir, commit, `${pkg}.spec`, spec, signal)).result);
      c.distgit = { url: remote.display, ref, commit };
      c.spec = spec;
      time = await commitTime(dir, commit, mirror);
      c.sourceDate = time;
    } catch (err) {
      if (signal?.aborted) throw abortError();
      c.error = err instanceof Error ? err.message : String(err);
    }
    pinned.push({ key, c, time });
  }

  // N:S:V:C as MBS computes them (core/mbs): the version from the newest component commit (MBS: the
  // submission time) prefixed with the platform's stream version, the context from the expanded
  // dependencies; %{dist} has the version where MBS has its build id.
  let submission;
  try {
    const refs = Object.fromEntries(pinned.flatMap((p) => (p.c.distgit ? [[p.key, p.c.distgit.commit]] : [])));
    submission = await submitModule(modulePath, utcStamp(Math.max(...pinned.map((p) => p.time))), refs, { signal, index: options.moduleIndex });
  } catch (err) {
    if (err instanceof SubmissionError) throw new ModuleBuildError(err.message);
    throw err;
  }
  const { identity } = submission;
  if (submission.expansions > 1) progress(`warning: the document expands to ${submission.expansions} module builds (as MBS would make); this builds the first, context ${identity.context}`);
  const version = identity.version;
  const context = identity.context;
  const dist = `${baseDist.replace(/^\.fc/, '.module_f')}+${version}+${context}`;
  const nsvca = `${name}:${stream}:${version}:${context}:${arch}`;

  // What MBS's module-build-macros package defines for every component, then buildopts.rpms.macros.
  const moduleMacros: Record<string, string> = {
    modularitylabel: `${name}:${stream}:${version}:${context}`,
    _module_build: '1',
    _module_name: name,
    _module_stream: stream,
    _module_version: version,
    _module_context: context,
    ...buildoptsMacros(data),
  };
  // mock's chroot gets the module's buildroot as MBS makes it: the streams the build was resolved
  // against (xmd.mbs.buildrequires, the platform aside) enabled, and the packages of earlier batches.
  const moduleEnable = [...buildrootStreams(identity.xmd.mbs), ...(options.moduleEnable ?? [])].filter((m, i, all) => all.indexOf(m) === i);
  const ctx = makeCtx({ overlayDir: baseDir, cacheDir, out, dist, bwrap, arch, signal, backend: choice, mockChroot: options.mockChroot, moduleEnable });
  const backend = BACKENDS[choice];
  progress(`backend: ${choice}${choice === 'mock' && moduleEnable.length ? ` (module streams enabled: ${moduleEnable.join(', ')})` : ''}`);
  ctx.sourceDate = Math.max(0, ...pinned.map((p) => p.time));
  const lock = await takeLock(out);
  const results = new Map<string, ComponentBuild>();
  const state: BuildState = { version: 1, dist, components: {} };
  try {
    await rm(ctx.newDir, { recursive: true, force: true });
    await rm(ctx.workDir, { recursive: true, force: true });
    await mkdir(ctx.newDir, { recursive: true });
    await mkdir(ctx.workDir, { recursive: true });
    const comps = keys.map((key) => {
      const e = isObject(rpms[key]) ? rpms[key] : {};
      return { key, buildorder: Number(e.buildorder ?? 0) || 0, buildafter: Array.isArray(e.buildafter) ? e.buildafter.map(String) : [] };
    });
    const { batches, warnings } = componentBatches(comps);
    for (const w of warnings) progress(`warning: ${w}`);
    let counter = 0;
    const byKey = new Map(pinned.map((p) => [p.key, p]));
    for (const batch of batches) {
      await pool(batch, options.jobs ?? 1, async (key) => {
        const { c } = byKey.get(key)!;
        const n = ++counter;
        const logPath = join(ctx.newDir, key, 'build.log');
        if (c.error !== undefined) {
          progress(`[${n}/${keys.length}] ${key}: cannot resolve: ${c.error}`);
          results.set(key, { name: key, nevr: key, status: 'failed', log: null, files: [], error: c.error, pendingArches: [] });
          return;
        }
        progress(`[${n}/${keys.length}] building ${key} ...`);
        await mkdir(join(ctx.newDir, key), { recursive: true });
        const log = createWriteStream(logPath);
        try {
          const raw = { srpmroot: false, defines: moduleMacros, with: [], without: [] };
          log.write(`backend: ${choice}\n`);
          const built = await backend.build(ctx, c, raw, log);
          state.components[key] = { key: '', ...built };
          results.set(key, { name: key, status: 'built', log: logPath, ...built });
          progress(`[${n}/${keys.length}] built ${key}: ${built.nevr}`);
        } catch (err) {
          if (signal?.aborted) throw abortError();
          const msg = err instanceof Error ? err.message : String(err);
          log.write(`\nFAILED: ${msg}\n`);
          results.set(key, { name: key, nevr: key, status: 'failed', log: logPath, files: [], error: msg, pendingArches: [] });
          progress(`[${n}/${keys.length}] FAILED ${key}: ${msg}`);
        } finally {
          await new Promise<void>((r) => log.end(r));
        }
      });
      if (signal?.aborted) throw abortError();
      // Later batches build against what this one made (MBS tags each batch into the buildroot).
      if (choice === 'mock') await batchRepository(ctx, [...results.values()]);
    }
    for (const k of keys)
      if (!results.has(k))
        results.set(k, {
          name: k,
          nevr: k,
          status: 'failed',
          log: null,
          files: [],
          error: 'left out of the build batches (buildafter cycle)',
          pendingArches: [],
        });
  } catch (err) {
    await rm(ctx.newDir, { recursive: true, force: true });
    await rm(ctx.workDir, { recursive: true, force: true });
    await lock.release();
    throw err;
  }

  const components = keys.map((k) => results.get(k)!);
  // The published modulemd, as MBS writes it: pinned refs, artifacts and rpm-map, licences; filtered
  // packages leave the repository before it is composed.
  let published: BuiltModule | null = null;
  if (components.every((r) => r.status !== 'failed')) {
    const built = await builtRpms(ctx.newDir, components.flatMap((r) => r.files), signal);
    const commits = Object.fromEntries(pinned.flatMap((p) => (p.c.distgit ? [[p.key, p.c.distgit.commit]] : [])));
    published = builtModulemd(data, built, commits, { version: BigInt(version), context, arch, dependencies: identity.dependencies, xmd: identity.xmd });
    for (const d of published.dropped) {
      await rm(join(ctx.newDir, d.file), { force: true });
      progress(`left out of the repository: ${d.file} (${d.why})`);
    }
    const gone = new Set(published.dropped.map((d) => d.file));
    for (const r of components) r.files = r.files.filter((f) => !gone.has(f));
    for (const r of Object.values(state.components)) r.files = r.files.filter((f) => !gone.has(f));
  }
  const modulesYaml = async (): Promise<string> => {
    const text = `---\n${stringify({ document: 'modulemd', version: 2, data: published!.data })}...\n`;
    const errors = checkText('modules.yaml', text).diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) throw new ModuleBuildError(`the generated modulemd is invalid: ${errors.map((d) => d.message).join('; ')}`);
    return text;
  };
  try {
    return { ...(await compose(ctx, components, state, progress, modulesYaml)), nsvca };
  } finally {
    await lock.release();
  }
}

/** The module streams a build was resolved against (`xmd.mbs.buildrequires`), base modules aside, as name:stream. */
export function buildrootStreams(mbs: Record<string, unknown>): string[] {
  const br = isObject(mbs.buildrequires) ? mbs.buildrequires : {};
  return Object.entries(br).flatMap(([n, b]) => (!BASE_MODULES.has(n) && isObject(b) && typeof b.stream === 'string' ? [`${n}:${b.stream}`] : []));
}

/** The binary packages built so far in this run, as one repository mock adds to every later build's chroot. */
async function batchRepository(ctx: Ctx, built: readonly ComponentBuild[]): Promise<void> {
  const repo = join(await realpath(ctx.workDir), 'module-batches-repo');
  await mkdir(repo, { recursive: true });
  const files = built.filter((b) => b.status !== 'failed').flatMap((b) => b.files.filter((f) => f.endsWith('.rpm') && !/\.(no)?src\.rpm$/.test(f)));
  if (!files.length) return;
  for (const f of files) {
    const to = join(repo, basename(f));
    await link(join(ctx.newDir, f), to).catch((err: NodeJS.ErrnoException) => (err.code === 'EEXIST' ? undefined : copyFile(join(ctx.newDir, f), to)));
  }
  await run('createrepo_c', ['--no-database', repo], { signal: ctx.signal });
  ctx.rootRepo = repo;
}
