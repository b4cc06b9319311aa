import type { WriteStream } from 'node:fs';
import { mkdir, realpath, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ResolvedComponent } from '../overlay/resolve';
import type { Ctx } from './context';
import type { RawComponent } from './plan';
import { runLogged } from './proc';
import { prepareSources } from './sources';

/**
 * A component's private rpmbuild _topdir under `<out>.work/`, its sources and spec in place, and the
 * rpmbuild every backend runs there (in bwrap: no network, read-only host, when the run has a
 * sandbox). The local backend runs `-bs` and `-bb`; mock and Copr only `-bs`, then build the SRPM.
 */
/**
 * The same commits build the same packages wherever and whenever they are built: build time and file
 * times from SOURCE_DATE_EPOCH (the component's newest commit, set in the environment), no build host
 * name. rpm 4.18's own macros for it.
 */
export const REPRODUCIBLE = [
  '--define', 'use_source_date_epoch_as_buildtime 1',
  '--define', 'clamp_mtime_to_source_date_epoch 1',
  '--define', 'source_date_epoch_from_changelog 0',
  '--define', '_buildhost reproducible',
];

/** Where a component's _topdir is inside the sandbox (bwrap mounts it there, on its private /tmp). */
export const SANDBOX_TOPDIR = '/tmp/build';

export interface Topdir {
  top: string;
  specPath: string;
  /** The options every rpmbuild of this component gets (_topdir, dist, defines, --with/--without, srpmroot macros). */
  defines: string[];
  rpmbuild(mode: '-bs' | '-bb'): Promise<void>;
}

export async function prepareTopdir(ctx: Ctx, c: ResolvedComponent, raw: RawComponent, log: WriteStream, backend: string): Promise<Topdir> {
  // Real paths: bwrap cannot mount onto a path that goes through a symlink, nor see one under /tmp.
  const top = join(await realpath(ctx.workDir), c.name);
  await rm(top, { recursive: true, force: true });
  for (const d of ['SOURCES', 'SPECS', 'BUILD', 'RPMS', 'SRPMS', 'BUILDROOT', 'tmp']) await mkdir(join(top, d), { recursive: true });
  const signal = ctx.signal;

  log.write(`gitoverlay build of ${c.name} (${c.nevr} before %{dist}), backend: ${backend}\n`);
  log.write(
    `upstream: ${c.upstream ? `${c.upstream.url} ${c.upstream.commit}` : '-'}\ndist-git: ${c.distgit ? `${c.distgit.url} ${c.distgit.commit}` : '-'}\n`,
  );
  log.write(
    ctx.sandbox === 'bwrap'
      ? `sandbox: bwrap --unshare-all (no network, read-only host, private /tmp; only ${top} writable)\n`
      : 'sandbox: none (bwrap is not installed or was turned off): rpmbuild runs directly on this host\n',
  );

  await prepareSources(ctx, c, join(top, 'SOURCES'), top, log);
  const specPath = join(top, 'SPECS', `${c.name}.spec`);
  await writeFile(specPath, c.spec);

  // In the sandbox the _topdir is always /tmp/build: the SRPM header keeps the expanded %prep (its
  // paths), so the same sources give the same SRPM whichever directory the build runs in.
  const inside = ctx.sandbox === 'bwrap' ? SANDBOX_TOPDIR : top;
  const defs = ['--define', `_topdir ${inside}`, '--define', `_tmppath ${inside}/tmp`, '--define', `dist ${ctx.dist}`, ...REPRODUCIBLE];
  for (const [k, v] of Object.entries(raw.defines)) defs.push('--define', `${k} ${v}`);
  for (const w of raw.with) defs.push('--with', w);
  for (const w of raw.without) defs.push('--without', w);
  if (ctx.loads.length) log.write(`srpmroot macros loaded (rpmbuild --load): ${ctx.loads.join(', ')}\n`);
  for (const f of ctx.loads) defs.push('--load', f);
  const rpmbuild = async (mode: '-bs' | '-bb'): Promise<void> => {
    const args = [mode, '--nodeps', ...defs, join(inside, 'SPECS', `${c.name}.spec`)];
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
              inside,
              '--chdir',
              inside,
              'rpmbuild',
              ...args,
            ],
          ]
        : ['rpmbuild', args];
    const code = await runLogged(cmd, argv, log, {
      cwd: top,
      signal,
      env: { ...process.env, LC_ALL: 'C', TZ: 'UTC', TMPDIR: join(inside, 'tmp'), ...(c.sourceDate ? { SOURCE_DATE_EPOCH: String(c.sourceDate) } : {}) },
    });
    if (code !== 0) throw new Error(`rpmbuild ${mode} failed (exit ${code})`);
  };
  return { top, specPath, defines: defs, rpmbuild };
}
