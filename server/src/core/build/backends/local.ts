import type { WriteStream } from 'node:fs';
import { mkdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { run } from '../../git/exec';
import type { ResolvedComponent } from '../../overlay/resolve';
import type { Backend, Built } from '../backend';
import type { Ctx } from '../context';
import { listFiles } from '../fs';
import type { RawComponent } from '../plan';
import { runLogged } from '../proc';
import { prepareSources } from '../sources';
import type { StateEntry } from '../state';

/**
 * The `local` backend: `rpmbuild -bs` then `rpmbuild -bb --nodeps` on this host with a private
 * _topdir under `<out>.work/`, in bwrap (no network, read-only host) when the run has a sandbox.
 * srpmroot components' macro files are unpacked and `--load`ed into every later rpmbuild.
 */

const FEDORA_ARCHES = ['x86_64', 'aarch64', 'ppc64le', 's390x'];

async function build(ctx: Ctx, c: ResolvedComponent, raw: RawComponent, log: WriteStream): Promise<Built> {
  // Real paths: bwrap cannot mount onto a path that goes through a symlink, nor see one under /tmp.
  const top = join(await realpath(ctx.workDir), c.name);
  await rm(top, { recursive: true, force: true });
  for (const d of ['SOURCES', 'SPECS', 'BUILD', 'RPMS', 'SRPMS', 'BUILDROOT', 'tmp']) await mkdir(join(top, d), { recursive: true });
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

  await prepareSources(ctx, c, join(top, 'SOURCES'), top, log);
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

/**
 * Without a chroot to install them into, the srpmroot components' binary packages are unpacked
 * and their rpm macro files collected, to be `--load`ed into every later rpmbuild.
 */
async function useRoots(ctx: Ctx, roots: readonly { name: string; entry: StateEntry }[], progress: (line: string) => void): Promise<void> {
  for (const { name, entry } of roots) {
    const root = join(await realpath(ctx.workDir), 'srpmroot', name); // real, as in build
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

export const localBackend: Backend = { build, useRoots };
