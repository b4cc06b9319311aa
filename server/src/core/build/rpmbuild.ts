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

  const defs = ['--define', `_topdir ${top}`, '--define', `_tmppath ${top}/tmp`, '--define', `dist ${ctx.dist}`];
  for (const [k, v] of Object.entries(raw.defines)) defs.push('--define', `${k} ${v}`);
  for (const w of raw.with) defs.push('--with', w);
  for (const w of raw.without) defs.push('--without', w);
  if (ctx.loads.length) log.write(`srpmroot macros loaded (rpmbuild --load): ${ctx.loads.join(', ')}\n`);
  for (const f of ctx.loads) defs.push('--load', f);
  const rpmbuild = async (mode: '-bs' | '-bb'): Promise<void> => {
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
  return { top, specPath, defines: defs, rpmbuild };
}
