import { mkdir, rename } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { run } from '../git/exec';
import type { ResolvedComponent } from '../overlay/resolve';
import type { Built } from './backend';
import type { Ctx } from './context';
import { listFiles } from './fs';

/**
 * What every backend does with its packages once built: moved into `<ctx.newDir>/<c.name>/`, the
 * NEVR read from the source package (the one built, %{dist} included), the architectures this
 * host could not build listed as pending.
 */

export const FEDORA_ARCHES = ['x86_64', 'aarch64', 'ppc64le', 's390x'];

/**
 * Moves every `.rpm` under `dirs` (rpmbuild's SRPMS and RPMS, mock's resultdir) into the
 * component's directory of the new repository. `tool` names who built them in the error thrown
 * when there is no binary package.
 */
export async function collectResults(ctx: Ctx, c: ResolvedComponent, dirs: readonly string[], tool: string): Promise<Built> {
  const dest = join(ctx.newDir, c.name);
  await mkdir(dest, { recursive: true });
  const files: string[] = [];
  let nevr = c.nevr;
  const arches = new Set<string>();
  for (const dir of dirs) {
    for (const f of await listFiles(dir)) {
      if (!f.endsWith('.rpm')) continue;
      await rename(join(dir, f), join(dest, basename(f)));
      files.push(`${c.name}/${basename(f)}`);
      // A source package (.nosrc.rpm too: a spec with NoSource) gives the NEVR; the others an arch.
      if (/\.(no)?src\.rpm$/.test(f)) {
        const q = await run('rpm', ['-qp', '--nosignature', '--qf', '%{NAME}-%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}', join(dest, basename(f))], {
          signal: ctx.signal,
        });
        nevr = q.stdout.toString().trim();
      } else arches.add(/\.([^.]+)\.rpm$/.exec(f)![1]);
    }
  }
  if (!files.some((f) => !f.endsWith('.src.rpm'))) throw new Error(`${tool} produced no binary package`);
  const pendingArches = [...arches].every((a) => a === 'noarch') ? [] : FEDORA_ARCHES.filter((a) => a !== ctx.arch);
  return { nevr, files: files.sort(), pendingArches };
}
