import type { WriteStream } from 'node:fs';
import { mkdir, readFile, realpath, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { run } from '../../git/exec';
import type { ResolvedComponent } from '../../overlay/resolve';
import type { Backend, Built } from '../backend';
import type { Ctx } from '../context';
import { listFiles } from '../fs';
import type { RawComponent } from '../plan';
import { collectResults } from '../results';
import { prepareTopdir } from '../rpmbuild';
import type { StateEntry } from '../state';

/**
 * The `local` backend: `rpmbuild -bs` then `rpmbuild -bb --nodeps` on this host with a private
 * _topdir under `<out>.work/`, in bwrap (no network, read-only host) when the run has a sandbox.
 * srpmroot components' macro files are unpacked and `--load`ed into every later rpmbuild.
 */

async function build(ctx: Ctx, c: ResolvedComponent, raw: RawComponent, log: WriteStream): Promise<Built> {
  const { top, rpmbuild } = await prepareTopdir(ctx, c, raw, log, 'local');
  log.write('rpmbuild runs with --nodeps: BuildRequires cannot be checked on this machine (its rpm database does not describe the installed system)\n');
  await rpmbuild('-bs');
  await rpmbuild('-bb');

  const built = await collectResults(ctx, c, [join(top, 'SRPMS'), join(top, 'RPMS')], 'rpmbuild');
  await rm(top, { recursive: true, force: true });
  return built;
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
