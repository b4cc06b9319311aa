import type { WriteStream } from 'node:fs';
import { copyFile, link, mkdir, readFile, readdir, realpath, rename, rm } from 'node:fs/promises';
import { basename, isAbsolute, join } from 'node:path';
import { BASE_MODULES } from '../../buildroot/model';
import type { Expansion } from '../../buildroot/resolve';
import { run } from '../../git/exec';
import type { ResolvedComponent } from '../../overlay/resolve';
import type { Backend, Built } from '../backend';
import type { Ctx } from '../context';
import { listFiles } from '../fs';
import type { RawComponent } from '../plan';
import { runLogged, which } from '../proc';
import { collectResults } from '../results';
import { prepareTopdir } from '../rpmbuild';
import type { StateEntry } from '../state';
import { localBackend } from './local';

/**
 * The `mock` backend: `rpmbuild -bs` as the local backend makes it, then `mock -r CHROOT --rebuild
 * SRPM --resultdir DIR` in a chroot of its own (`--uniqueext`, so parallel builds of one config do
 * not share a root), with %{dist}, the overlay's defines and rpmwith/rpmwithout. Packages from the
 * resultdir go into the repository as the local backend's do; mock's build.log is appended to the
 * component's log, its other logs (root.log, state.log...) kept beside it. The srpmroot components'
 * packages become a repository (`--addrepo`) installed into every later chroot
 * (`--additional-package`), as rdgo does; module streams of the buildroot resolution are enabled
 * with config_opts['module_enable']. Options as mock 6.x parses them (mock/py/mock.py,
 * mockbuild/config.py).
 */

/** What one mock run gets: the pure input of mockArgs. */
export interface MockOptions {
  /** `-r`: a config name (fedora-41-x86_64) or a path ending in `.cfg`. */
  chroot: string;
  srpm: string;
  resultdir: string;
  dist: string;
  /** rpm macros, after %{dist} (one of them may override it, as with rpmbuild). */
  defines: Record<string, string>;
  with: readonly string[];
  without: readonly string[];
  /** Repositories added to the chroot's package manager: baseurls or absolute directories. */
  repos: readonly string[];
  /** Packages installed into the chroot before the build (found in `repos` or the config's). */
  packages: readonly string[];
  /** Module streams (`name:stream`) enabled in the chroot before the BuildRequires are installed. */
  modules: readonly string[];
  /** Appended to the chroot's directory name: one root per concurrent build. */
  uniqueext?: string;
  /** Left to mock's own choice (nspawn unless in a container) when absent. */
  isolation?: 'simple' | 'nspawn' | 'auto';
}

/** mock's argparse reads a value starting with '-' as an option: refused here, with the reason. */
function value(option: string, v: string): string {
  if (v === '' || v.startsWith('-')) throw new Error(`mock ${option}: ${JSON.stringify(v)} cannot be passed (empty, or read by mock as an option)`);
  return v;
}

/**
 * The mock command line (without `mock` itself), every option spelt as mock's parser has it.
 * Throws on what mock would refuse or misread.
 */
export function mockArgs(o: MockOptions): string[] {
  const args = ['-r', value('-r', o.chroot), '--resultdir', value('--resultdir', o.resultdir)];
  if (o.uniqueext !== undefined) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(o.uniqueext)) throw new Error(`mock --uniqueext ${JSON.stringify(o.uniqueext)}: letters, digits, . _ + - only`);
    args.push('--uniqueext', o.uniqueext);
  }
  // The chroot (not the results) goes when the run ends, failed or not.
  args.push('--cleanup-after');
  // mock splits `--define` at the first space ('NAME BODY'): an empty body is rpm's %{nil}.
  for (const [k, v] of [['dist', o.dist], ...Object.entries(o.defines)]) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`mock --define: ${JSON.stringify(k)} is not a macro name`);
    args.push('--define', `${k} ${v.trim() === '' ? '%{nil}' : v}`);
  }
  for (const w of o.with) args.push('--with', value('--with', w));
  for (const w of o.without) args.push('--without', value('--without', w));
  for (const r of o.repos) args.push('--addrepo', value('--addrepo', r));
  for (const p of o.packages) args.push('--additional-package', value('--additional-package', p));
  // `--config-opts K=V` given once sets a scalar; repeated, a list; a one-item list needs an empty
  // second value (mock's own convention). module_enable must be a list: mock adds it to a list.
  for (const m of o.modules) {
    if (!/^[^\s:=/]+:[^\s:=/]+$/.test(m)) throw new Error(`mock module_enable: ${JSON.stringify(m)} is not name:stream`);
    args.push('--config-opts', `module_enable=${m}`);
  }
  if (o.modules.length === 1) args.push('--config-opts', 'module_enable=');
  if (o.isolation !== undefined) {
    if (!['simple', 'nspawn', 'auto'].includes(o.isolation)) throw new Error(`mock --isolation ${o.isolation}: simple, nspawn or auto`);
    args.push('--isolation', o.isolation);
  }
  args.push('--rebuild', value('--rebuild', o.srpm));
  return args;
}

/**
 * The chroot a run builds in: `override` (the overlay's root.mock or an option; `$arch` is the
 * host's; a relative `.cfg` is beside the overlay, as rdgo reads it) or the Fedora release of
 * %{dist} (`.fc41`, `.module_f41+…`) for the host arch.
 */
export function mockChroot(dist: string, arch: string, override?: string, baseDir?: string): string {
  if (override) {
    const r = override.replace(/\$\{arch\}|\$arch\b/g, arch);
    return r.endsWith('.cfg') && !isAbsolute(r) && baseDir ? join(baseDir, r) : r;
  }
  const m = /^\.(?:fc|module_f)(\d+)(?:$|[+.~])/.exec(dist);
  if (m) return `fedora-${m[1]}-${arch}`;
  throw new Error(`no mock chroot is known for %{dist} ${dist}: name one (e.g. centos-stream-9-${arch})`);
}

/**
 * The module streams to enable for a buildroot the engine resolved (what `gitoverlay buildroot`
 * previews): every chosen module but the platform, as name:stream. Default streams are included:
 * enabled explicitly, the chroot gets the streams the preview showed even where its defaults differ.
 */
export function moduleEnableOf(expansion: Pick<Expansion, 'modules'>): string[] {
  const out: string[] = [];
  for (const m of expansion.modules) {
    const [name, ...rest] = m.nsvc.split(':');
    const stream = rest.slice(0, -2).join(':');
    if (!BASE_MODULES.has(name) && !out.includes(`${name}:${stream}`)) out.push(`${name}:${stream}`);
  }
  return out;
}

/** Whether this machine can use the backend: `mock` on PATH. */
export function mockAvailable(): boolean {
  return which('mock') !== null;
}

/** mock's exit codes (mockbuild/exception.py), for the error a failed component reports. */
const EXIT: Record<number, string> = {
  2: 'mock was run without its setuid wrapper',
  3: 'invalid mock configuration',
  5: 'mock refused its command line',
  6: 'invalid architecture',
  10: 'the build failed (rpmbuild in the chroot)',
  11: 'rpmbuild timed out',
  20: 'error in the chroot',
  30: 'the package manager failed (BuildRequires or the chroot could not be installed)',
  31: 'unknown external dependency',
  40: 'mock refused the SRPM',
  60: 'the chroot is in use by another mock',
  70: 'the result directory could not be created',
  80: 'unshare(2) failed',
  90: 'the bootstrap chroot could not be prepared',
};

/** mock's logs: build.log (rpmbuild) appended to the component's log, the others moved beside it. */
async function keepLogs(resultdir: string, dest: string, log: WriteStream): Promise<string[]> {
  const kept: string[] = [];
  for (const f of (await readdir(resultdir).catch(() => [] as string[])).sort()) {
    if (!f.endsWith('.log')) continue;
    if (f === 'build.log') {
      log.write(`\n---- mock's build.log (rpmbuild in the chroot) ----\n`);
      log.write(await readFile(join(resultdir, f)));
      log.write(`---- end of mock's build.log ----\n`);
    } else {
      await rename(join(resultdir, f), join(dest, f));
      kept.push(f);
    }
  }
  if (kept.length) log.write(`mock's other logs, beside this one: ${kept.join(', ')}\n`);
  return kept;
}

async function build(ctx: Ctx, c: ResolvedComponent, raw: RawComponent, log: WriteStream): Promise<Built> {
  const mock = which('mock');
  if (!mock) throw new Error('mock is not installed (not on PATH)');
  const { top, rpmbuild } = await prepareTopdir(ctx, c, raw, log, 'mock');
  await rpmbuild('-bs');
  const srpms = (await listFiles(join(top, 'SRPMS'))).filter((f) => f.endsWith('.rpm'));
  if (srpms.length !== 1) throw new Error(`rpmbuild -bs made ${srpms.length} source packages`);
  const resultdir = join(top, 'mock-result');
  await mkdir(resultdir, { recursive: true });
  const chroot = mockChroot(ctx.dist, ctx.arch, ctx.mockChroot, ctx.overlayDir);
  const args = mockArgs({
    chroot,
    srpm: join(top, 'SRPMS', srpms[0]),
    resultdir,
    dist: ctx.dist,
    defines: raw.defines,
    with: raw.with,
    without: raw.without,
    repos: ctx.rootRepo ? [ctx.rootRepo] : [],
    packages: ctx.rootPackages,
    modules: ctx.moduleEnable,
    // One root per build: parallel components (--jobs) of one chroot config. Caches stay shared.
    uniqueext: `gitoverlay-${process.pid}-${c.name.replace(/[^A-Za-z0-9._+-]/g, '_')}`,
  });
  log.write(`mock: chroot ${chroot}; BuildRequires are installed and checked in it\n`);
  if (ctx.rootPackages.length) log.write(`srpmroot packages installed into the chroot: ${ctx.rootPackages.join(', ')} (from ${ctx.rootRepo})\n`);
  if (ctx.moduleEnable.length) log.write(`module streams enabled (module_enable): ${ctx.moduleEnable.join(', ')}\n`);
  const code = await runLogged(mock, args, log, { cwd: top, signal: ctx.signal });
  const dest = join(ctx.newDir, c.name);
  await mkdir(dest, { recursive: true });
  const kept = await keepLogs(resultdir, dest, log);
  if (code !== 0) {
    const why = EXIT[code] ?? 'see its output above';
    throw new Error(`mock failed (exit ${code}: ${why})${kept.includes('root.log') && code !== 10 ? '; see root.log beside this log' : ''}`);
  }
  const built = await collectResults(ctx, c, [resultdir], 'mock');
  await rm(top, { recursive: true, force: true });
  return built;
}

/**
 * The srpmroot components' binary packages (not debuginfo) become one repository under the work
 * directory, added to every later mock run and installed into its chroot: rdgo's bootstrap pass.
 * Their macro files are also loaded into the host's `rpmbuild -bs`, as the local backend does: the
 * SRPM is made before mock, and srpmroot macros may be what the spec's preamble needs.
 */
async function useRoots(ctx: Ctx, roots: readonly { name: string; entry: StateEntry }[], progress: (line: string) => void): Promise<void> {
  await localBackend.useRoots(ctx, roots, progress);
  const repo = join(await realpath(ctx.workDir), 'srpmroot-repo');
  await mkdir(repo, { recursive: true });
  for (const { entry } of roots) {
    for (const f of entry.files) {
      if (/\.(no)?src\.rpm$/.test(f)) continue;
      const to = join(repo, basename(f));
      await link(join(ctx.newDir, f), to).catch(() => copyFile(join(ctx.newDir, f), to));
      const name = (await run('rpm', ['-qp', '--nosignature', '--qf', '%{NAME}', to], { signal: ctx.signal })).stdout.toString().trim();
      if (!/-debug(info|source)$/.test(name) && !ctx.rootPackages.includes(name)) ctx.rootPackages.push(name);
    }
  }
  if (!ctx.rootPackages.length) return;
  await run('createrepo_c', ['--no-database', repo], { signal: ctx.signal });
  ctx.rootRepo = repo;
  progress(`srpmroot packages for the next builds: ${ctx.rootPackages.join(', ')} (mock --addrepo ${repo})`);
}

export const mockBackend: Backend = { build, useRoots };
