import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { copyFile, link, mkdir, readdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { overlayBatches } from '../buildroot/resolve';
import { isObject } from '../check/context';
import { git, run } from '../git/exec';
import { resolveOverlay, type ResolvedComponent } from '../overlay/resolve';
import { checkRemote } from '../overlay/url';
import { abortError, runLogged, which } from './proc';

/**
 * `gitoverlay build`: rdgo's build (reference §1.6) without mock. Each component of an overlay is
 * resolved, its Source0 made from the upstream mirror with `git archive`, its dist-git files taken
 * from the dist-git mirror (never from a work tree), then `rpmbuild -bs` and `rpmbuild -bb --nodeps`
 * with a private _topdir, in bwrap (no network) when installed. Results are composed into a yum
 * repository swapped in atomically; a failed run leaves the previous repository alone and keeps its
 * successes in `<out>.partial/`. Unchanged components (same cache key) are reused by hard link.
 */

export interface BuildOptions {
  /** The repository directory (default `<overlay dir>/build`). */
  out?: string;
  /** Components of one batch built at once (default 1). */
  jobs?: number;
  /** Only these components are built; the others are carried over from the previous repository. */
  components?: readonly string[];
  /** `%{dist}` (default `.fc41`). */
  dist?: string;
  /** Mirror cache (resolveOverlay's default when absent). */
  cacheDir?: string;
  /** `git fetch` mirrors before resolving (default true: a local build should see new commits). */
  fetch?: boolean;
  /** Allow file:// and local paths (the CLI does). */
  allowFile?: boolean;
  /** `auto` (bwrap when installed, the default) or `none`. */
  sandbox?: 'auto' | 'none';
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
}

export type BuildStatus = 'built' | 'reused' | 'failed' | 'kept' | 'skipped';

export interface ComponentBuild {
  name: string;
  /** N-[E:]V-R as built (with %{dist}), or the resolved one when it did not build. */
  nevr: string;
  status: BuildStatus;
  /** The component's build log (where it is after the run). */
  log: string | null;
  /** Package files, relative to the repository. */
  files: string[];
  error?: string;
  /** Architectures this host could not build for this component (not noarch-only). */
  pendingArches: string[];
}

export interface BuildResult {
  /** The repository served after the run (the previous one when the run failed), null when none. */
  repo: string | null;
  /** Where a failed run's successful results are, when it failed. */
  partial: string | null;
  arch: string;
  sandbox: 'bwrap' | 'none';
  components: ComponentBuild[];
  ok: boolean;
}

interface StateEntry {
  key: string;
  nevr: string;
  files: string[];
  pendingArches: string[];
}
export interface BuildState {
  version: 1;
  dist: string;
  components: Record<string, StateEntry>;
}

export const STATE = 'buildstate.json';
const FEDORA_ARCHES = ['x86_64', 'aarch64', 'ppc64le', 's390x'];

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

export function cacheKey(input: {
  upstream: string | null;
  distgit: string | null;
  spec: string;
  dist: string;
  defines: Record<string, string>;
  with: string[];
  without: string[];
  /** Cache keys of the srpmroot components whose macros this build loaded. */
  srpmroot?: string[];
}): string {
  return createHash('sha256').update(stableJson(input)).digest('hex');
}

async function readState(dir: string): Promise<BuildState | null> {
  try {
    const s = JSON.parse(await readFile(join(dir, STATE), 'utf8')) as BuildState;
    return s && s.version === 1 && isObject(s.components) ? s : null;
  } catch {
    return null;
  }
}

export async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** Copies a component's result directory, hard-linking files where the file system allows. */
async function linkTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const e of await readdir(from, { withFileTypes: true })) {
    const a = join(from, e.name);
    const b = join(to, e.name);
    if (e.isDirectory()) await linkTree(a, b);
    else await link(a, b).catch(() => copyFile(a, b));
  }
}

export async function listFiles(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(dir, rel), { withFileTypes: true }).catch(() => [])) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, r)));
    else out.push(r);
  }
  return out.sort();
}

export interface RawComponent {
  srpmroot: boolean;
  defines: Record<string, string>;
  with: string[];
  without: string[];
}

function rawOf(raw: unknown): RawComponent {
  const o = isObject(raw) ? raw : {};
  const defines: Record<string, string> = {};
  if (isObject(o.defines)) for (const [k, v] of Object.entries(o.defines)) defines[k] = String(v);
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
  return {
    srpmroot: o.srpmroot === true,
    defines,
    with: list(o.rpmwith),
    without: list(o.rpmwithout),
  };
}

/** Source0 (or Source) of the rewritten spec: the tarball name rpmbuild will look for in SOURCES. */
export function source0Of(spec: string): string | null {
  const head = spec.split(/^%changelog/m)[0];
  const m = /^Source0?[ \t]*:[ \t]*(\S+)[ \t]*$/im.exec(head);
  return m ? basename(m[1]) : null;
}

export interface Ctx {
  overlayDir: string;
  cacheDir: string;
  out: string;
  newDir: string;
  workDir: string;
  dist: string;
  sandbox: 'bwrap' | 'none';
  bwrap: string | null;
  arch: string;
  signal?: AbortSignal;
  /** Macro files from the srpmroot components' packages, `--load`ed into every later rpmbuild. */
  loads: string[];
  rootKeys: string[];
}

function mirrorDir(ctx: Ctx, url: string): string {
  return join(ctx.cacheDir, checkRemote(url, { allowFile: true, baseDir: ctx.overlayDir }).mirrorKey);
}

/** The state one run shares between its components: directories, dist, sandbox, srpmroot macros. */
export function makeCtx(o: { overlayDir: string; cacheDir: string; out: string; dist: string; bwrap: string | null; arch: string; signal?: AbortSignal }): Ctx {
  return {
    overlayDir: o.overlayDir,
    cacheDir: o.cacheDir,
    out: o.out,
    newDir: `${o.out}.new`,
    workDir: `${o.out}.work`,
    dist: o.dist,
    sandbox: o.bwrap ? 'bwrap' : 'none',
    bwrap: o.bwrap,
    arch: o.arch,
    signal: o.signal,
    loads: [],
    rootKeys: [],
  };
}

export async function buildOne(
  ctx: Ctx,
  c: ResolvedComponent,
  raw: RawComponent,
  log: WriteStream,
): Promise<{ nevr: string; files: string[]; pendingArches: string[] }> {
  // Real paths: bwrap cannot mount onto a path that goes through a symlink, nor see one under /tmp.
  const top = join(await realpath(ctx.workDir), c.name);
  await rm(top, { recursive: true, force: true });
  for (const d of ['SOURCES', 'SPECS', 'BUILD', 'RPMS', 'SRPMS', 'BUILDROOT', 'tmp']) await mkdir(join(top, d), { recursive: true });
  const sources = join(top, 'SOURCES');
  const signal = ctx.signal;

  log.write(`gitoverlay build of ${c.name} (${c.nevr} before %{dist})\n`);
  log.write(
    `upstream: ${c.upstream ? `${c.upstream.url} ${c.upstream.commit}` : '-'}\ndist-git: ${c.distgit ? `${c.distgit.url} ${c.distgit.commit}` : '-'}\n`,
  );
  log.write(
    ctx.sandbox === 'bwrap'
      ? `sandbox: bwrap --unshare-all (no network, read-only host, private /tmp; only ${top} writable)\n`
      : 'sandbox: none (bwrap is not installed or was turned off): rpmbuild runs directly on this host\n',
  );
  log.write('rpmbuild runs with --nodeps: BuildRequires cannot be checked on this machine (its rpm database does not describe the installed system)\n');

  // dist-git files (patches, extra sources) from the dist-git commit in the mirror, never a work tree.
  if (c.distgit) {
    const dg = mirrorDir(ctx, c.distgit.url);
    const tar = join(top, 'distgit.tar');
    await git(['archive', '--format=tar', '-o', tar, c.distgit.commit], {
      cwd: dg,
      signal,
    });
    await run('tar', ['-xf', tar, '-C', sources], { signal });
    await rm(tar);
    const lookaside = await readFile(join(sources, 'sources'), 'utf8').catch(() => '');
    if (lookaside.trim()) log.write("warning: dist-git has a non-empty 'sources' file: lookaside sources are not fetched by gitoverlay build\n");
  }
  // Source0 from the upstream commit, named as the rewritten spec expects.
  if (c.upstream) {
    const tarball = source0Of(c.spec);
    if (!tarball || !tarball.endsWith('.tar.gz')) throw new Error(`the rewritten spec has no Source0 ending in .tar.gz (found ${tarball ?? 'none'})`);
    const prefix = tarball.slice(0, -'.tar.gz'.length);
    log.write(`Source0: ${tarball} from upstream ${c.upstream.commit}\n`);
    await git(['archive', '--format=tar.gz', `--prefix=${prefix}/`, '-o', join(sources, tarball), c.upstream.commit], {
      cwd: mirrorDir(ctx, c.upstream.url),
      signal,
    });
  }
  const specPath = join(top, 'SPECS', `${c.name}.spec`);
  await writeFile(specPath, c.spec);

  const defs = ['--define', `_topdir ${top}`, '--define', `_tmppath ${top}/tmp`, '--define', `dist ${ctx.dist}`];
  for (const [k, v] of Object.entries(raw.defines)) defs.push('--define', `${k} ${v}`);
  for (const w of raw.with) defs.push('--with', w);
  for (const w of raw.without) defs.push('--without', w);
  if (ctx.loads.length) log.write(`srpmroot macros loaded (rpmbuild --load): ${ctx.loads.join(', ')}\n`);
  for (const f of ctx.loads) defs.push('--load', f);
  const rpmbuild = async (mode: string): Promise<void> => {
    const args = [mode, '--nodeps', ...defs, specPath];
    const [cmd, argv] =
      ctx.sandbox === 'bwrap'
        ? [
            ctx.bwrap!,
            [
              '--unshare-all',
              '--die-with-parent',
              '--ro-bind',
              '/',
              '/',
              '--dev',
              '/dev',
              '--proc',
              '/proc',
              '--tmpfs',
              '/tmp',
              // The srpmroot macro files (read only), visible even when the work dir is under /tmp.
              ...(ctx.loads.length ? ['--ro-bind', join(dirname(top), 'srpmroot'), join(dirname(top), 'srpmroot')] : []),
              '--bind',
              top,
              top,
              '--chdir',
              top,
              'rpmbuild',
              ...args,
            ],
          ]
        : ['rpmbuild', args];
    const code = await runLogged(cmd, argv, log, {
      cwd: top,
      signal,
      env: { ...process.env, LC_ALL: 'C', TMPDIR: join(top, 'tmp') },
    });
    if (code !== 0) throw new Error(`rpmbuild ${mode} failed (exit ${code})`);
  };
  await rpmbuild('-bs');
  await rpmbuild('-bb');

  const dest = join(ctx.newDir, c.name);
  await mkdir(dest, { recursive: true });
  const files: string[] = [];
  let nevr = c.nevr;
  const arches = new Set<string>();
  for (const sub of ['SRPMS', 'RPMS']) {
    for (const f of await listFiles(join(top, sub))) {
      if (!f.endsWith('.rpm')) continue;
      await rename(join(top, sub, f), join(dest, basename(f)));
      files.push(`${c.name}/${basename(f)}`);
      if (sub === 'SRPMS') {
        const q = await run('rpm', ['-qp', '--nosignature', '--qf', '%{NAME}-%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}', join(dest, basename(f))], {
          signal,
        });
        nevr = q.stdout.toString().trim();
      } else arches.add(/\.([^.]+)\.rpm$/.exec(f)![1]);
    }
  }
  if (!files.some((f) => !f.endsWith('.src.rpm'))) throw new Error('rpmbuild produced no binary package');
  const pendingArches = [...arches].every((a) => a === 'noarch') ? [] : FEDORA_ARCHES.filter((a) => a !== ctx.arch);
  await rm(top, { recursive: true, force: true });
  return { nevr, files: files.sort(), pendingArches };
}

export async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/** Builds the overlay at `overlayPath` (its parsed value `overlay`) into a repository. */
export async function buildOverlay(overlayPath: string, overlay: unknown, options: BuildOptions = {}): Promise<BuildResult> {
  const progress = options.onProgress ?? (() => undefined);
  const signal = options.signal;
  const overlayDir = dirname(overlayPath);
  const out = options.out ?? join(overlayDir, 'build');
  const dist = options.dist ?? '.fc41';
  const cacheDir = options.cacheDir ?? join(overlayDir, '.gitoverlay', 'mirrors');
  const bwrap = options.sandbox === 'none' ? null : which('bwrap');
  const arch = (await run('rpm', ['--eval', '%_arch'], { signal })).stdout.toString().trim();
  const ctx = makeCtx({ overlayDir, cacheDir, out, dist, bwrap, arch, signal });

  const resolution = await resolveOverlay(overlayPath, overlay, {
    allowFile: options.allowFile ?? false,
    cacheDir,
    fetch: options.fetch ?? true,
    signal,
    onProgress: progress,
  });
  const raws = (overlay as { components: unknown[] }).components.map(rawOf);
  const byName = new Map(resolution.components.map((c, i) => [c.name, { c, raw: raws[i] }]));
  const wanted = options.components && options.components.length ? new Set(options.components) : null;
  if (wanted) for (const n of wanted) if (!byName.has(n)) throw new Error(`no component named '${n}' in ${overlayPath}`);

  const lock = await takeLock(out);
  try {
    // A run that died between the two renames of the swap left the previous repository at <out>.old.
    if (!(await exists(out)) && (await exists(`${out}.old`))) await rename(`${out}.old`, out);
    await rm(ctx.newDir, { recursive: true, force: true });
    await rm(ctx.workDir, { recursive: true, force: true });
    await mkdir(ctx.newDir, { recursive: true });
    await mkdir(ctx.workDir, { recursive: true });
  } catch (err) {
    await lock.release();
    throw err;
  }
  const previous = await readState(out);
  const partialPrev = await readState(`${out}.partial`);

  const results = new Map<string, ComponentBuild>();
  const state: BuildState = { version: 1, dist, components: {} };
  const batches = overlayBatches(
    resolution.components.map((c, i) => ({
      name: c.name,
      srpmroot: raws[i].srpmroot,
    })),
  );
  const total = resolution.components.length;
  let counter = 0;

  const handle = async (name: string): Promise<void> => {
    const { c, raw } = byName.get(name)!;
    const n = ++counter;
    const logPath = join(ctx.newDir, c.name, 'build.log');
    if (c.error !== undefined) {
      progress(`[${n}/${total}] ${name}: cannot resolve: ${c.error}`);
      results.set(name, {
        name,
        nevr: c.nevr,
        status: 'failed',
        log: null,
        files: [],
        error: c.error,
        pendingArches: [],
      });
      return;
    }
    const key = cacheKey({
      upstream: c.upstream?.commit ?? null,
      distgit: c.distgit?.commit ?? null,
      spec: c.spec,
      dist,
      defines: raw.defines,
      with: raw.with,
      without: raw.without,
      ...(raw.srpmroot ? {} : { srpmroot: ctx.rootKeys }),
    });
    /** A component built before, linked into the new repository as it is. */
    const carryOver = async (dir: string, prev: NonNullable<typeof previous>['components'][string], status: 'kept' | 'reused'): Promise<void> => {
      await linkTree(join(dir, name), join(ctx.newDir, name));
      state.components[name] = prev;
      results.set(name, { name, nevr: prev.nevr, status, log: logPath, files: prev.files, pendingArches: prev.pendingArches });
    };
    // Not selected: carried over from the previous repository as it is.
    if (wanted && !wanted.has(name)) {
      const prev = previous?.components[name];
      if (prev && (await exists(join(out, name)))) {
        await carryOver(out, prev, 'kept');
        progress(`[${n}/${total}] keeping ${name} (not selected)`);
      } else {
        results.set(name, {
          name,
          nevr: c.nevr,
          status: 'skipped',
          log: null,
          files: [],
          pendingArches: [],
        });
        progress(`[${n}/${total}] skipping ${name} (not selected, no previous build)`);
      }
      return;
    }
    for (const [dir, st] of [
      [out, previous],
      [`${out}.partial`, partialPrev],
    ] as const) {
      const prev = st?.components[name];
      if (prev?.key === key && (await exists(join(dir, name)))) {
        progress(`[${n}/${total}] reusing ${name} (${prev.nevr})`);
        await carryOver(dir, prev, 'reused');
        return;
      }
    }
    progress(`[${n}/${total}] building ${name} ...`);
    await mkdir(join(ctx.newDir, name), { recursive: true });
    // The spec rpmbuild reads, beside its log: rpmbuild's "error: line N" points into it.
    await writeFile(join(ctx.newDir, name, `${name}.spec`), c.spec);
    const log = createWriteStream(logPath);
    const started = Date.now();
    try {
      const built = await buildOne(ctx, c, raw, log);
      state.components[name] = { key, ...built };
      results.set(name, { name, status: 'built', log: logPath, ...built });
      progress(`[${n}/${total}] built ${name}: ${built.nevr} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (err) {
      if (signal?.aborted) throw abortError();
      const msg = err instanceof Error ? err.message : String(err);
      log.write(`\nFAILED: ${msg}\n`);
      results.set(name, {
        name,
        nevr: c.nevr,
        status: 'failed',
        log: logPath,
        files: [],
        error: msg,
        pendingArches: [],
      });
      progress(`[${n}/${total}] FAILED ${name}: ${msg} (log: ${logPath})`);
    } finally {
      await new Promise<void>((r) => log.end(r));
    }
  };

  try {
    for (const batch of batches) {
      await pool(batch, options.jobs ?? 1, handle);
      if (signal?.aborted) throw abortError();
      // rdgo force-installs srpmroot packages into every later chroot; without a chroot, their
      // macro files are loaded into every later rpmbuild instead.
      if (batch.some((name) => byName.get(name)!.raw.srpmroot)) await loadRootMacros(ctx, batch, state, progress);
    }
  } catch (err) {
    // Cancelled (or an internal fault): the previous repository stays as it was.
    await rm(ctx.newDir, { recursive: true, force: true });
    await rm(ctx.workDir, { recursive: true, force: true });
    await lock.release();
    throw err;
  }
  await rm(ctx.workDir, { recursive: true, force: true });
  try {
    return await compose(
      ctx,
      resolution.components.map((c) => results.get(c.name)!),
      state,
      progress,
    );
  } finally {
    await lock.release();
  }
}

/**
 * Writes buildstate.json, runs createrepo_c and swaps the repository in (or keeps the run's
 * successes in `<out>.partial`). `modules`, when given, returns the modules.yaml added to a
 * successful run's repodata (createrepo_c then modifyrepo_c: the text is validated by the caller).
 */
export async function compose(
  ctx: Ctx,
  components: ComponentBuild[],
  state: BuildState,
  progress: (line: string) => void,
  modules?: () => Promise<string>,
): Promise<BuildResult> {
  const { out, arch, signal } = ctx;

  const ok = components.every((r) => r.status !== 'failed');
  await writeFile(join(ctx.newDir, STATE), JSON.stringify(state, null, 2) + '\n');
  progress(`composing the repository (createrepo_c)`);
  await run('createrepo_c', ['--no-database', ctx.newDir], { signal });
  if (ok && modules) {
    const file = join(ctx.workDir, 'modules.yaml');
    await mkdir(ctx.workDir, { recursive: true });
    await writeFile(file, await modules());
    await run('modifyrepo_c', ['--mdtype=modules', file, join(ctx.newDir, 'repodata')], { signal });
    await rm(ctx.workDir, { recursive: true, force: true });
  }

  const relocate = (from: string, to: string): void => {
    for (const r of components) if (r.log?.startsWith(from + '/')) r.log = to + r.log.slice(from.length);
  };
  if (!ok) {
    const partial = `${out}.partial`;
    await rm(partial, { recursive: true, force: true });
    await rename(ctx.newDir, partial);
    relocate(ctx.newDir, partial);
    return {
      repo: (await exists(out)) ? out : null,
      partial,
      arch,
      sandbox: ctx.sandbox,
      components,
      ok,
    };
  }
  // Atomic swap: the repository path always names a complete repository.
  const old = `${out}.old`;
  await rm(old, { recursive: true, force: true });
  const hadOld = await exists(out);
  if (hadOld) await rename(out, old);
  await rename(ctx.newDir, out);
  relocate(ctx.newDir, out);
  if (hadOld) await rm(old, { recursive: true, force: true });
  await rm(`${out}.partial`, { recursive: true, force: true });
  return {
    repo: out,
    partial: null,
    arch,
    sandbox: ctx.sandbox,
    components,
    ok,
  };
}

/** One build per repository at a time: `<out>.lock` holds the builder's pid (a dead one's lock is taken over). */
export async function takeLock(out: string): Promise<{ release: () => Promise<void> }> {
  const path = `${out}.lock`;
  await mkdir(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, `${process.pid}\n`, { flag: 'wx' });
      return { release: () => rm(path, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      let alive = false;
      try {
        if (pid > 0) process.kill(pid, 0);
        alive = pid > 0;
      } catch {
        alive = false;
      }
      if (alive) throw new Error(`another build (pid ${pid}) is writing ${out} (${path})`);
      await rm(path, { force: true });
    }
  }
  throw new Error(`cannot lock ${path}`);
}

/** Unpacks the srpmroot components' binary packages and collects their rpm macro files. */
async function loadRootMacros(ctx: Ctx, batch: string[], state: BuildState, progress: (line: string) => void): Promise<void> {
  for (const name of batch) {
    const entry = state.components[name];
    if (!entry) continue;
    ctx.rootKeys.push(entry.key);
    const root = join(await realpath(ctx.workDir), 'srpmroot', name); // real, as in buildOne
    await mkdir(root, { recursive: true });
    for (const f of entry.files) {
      if (f.endsWith('.src.rpm')) continue;
      const tgz = await run('rpm2archive', ['-'], { input: await readFile(join(ctx.newDir, f)), signal: ctx.signal });
      await run('tar', ['-xzf', '-', '-C', root], { input: tgz.stdout, signal: ctx.signal });
    }
    for (const f of await listFiles(root)) {
      if (/(^|\/)(usr\/lib\/rpm\/macros\.d|etc\/rpm)\/macros\.[^/]+$/.test(f)) ctx.loads.push(join(root, f));
    }
  }
  if (ctx.loads.length) progress(`srpmroot macros for the next builds: ${ctx.loads.map((f) => basename(f)).join(', ')}`);
}
