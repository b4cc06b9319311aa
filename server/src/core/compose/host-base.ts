import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../git/exec';

/**
 * Without base repositories (`repos:` in the tests file) nothing provides the interpreters packages
 * require (`/bin/sh`): this host's own stand in. A package `gitoverlay-host-base`, made here once,
 * provides the interpreter paths this host has; the sandbox binds the host's files where the installed
 * root has none (sandbox-root.ts). With base repositories it is not used: dnf installs the real ones.
 */
const INTERPRETERS = ['/bin/sh', '/usr/bin/sh', '/bin/bash', '/usr/bin/bash', '/usr/bin/env', '/usr/bin/python3', '/usr/bin/perl'];

export async function hostBaseRepo(dir: string, signal?: AbortSignal): Promise<{ repo: string; provides: string[] }> {
  const provides = INTERPRETERS.filter((p) => existsSync(p));
  const repo = join(dir, 'host-base');
  const top = join(dir, 'host-base-build');
  for (const d of ['SPECS', 'RPMS', 'SOURCES', 'BUILD', 'BUILDROOT', 'SRPMS']) await mkdir(join(top, d), { recursive: true });
  const spec = join(top, 'SPECS', 'gitoverlay-host-base.spec');
  await writeFile(
    spec,
    [
      'Name: gitoverlay-host-base',
      'Version: 1',
      'Release: 1',
      'Summary: This host stands in for the base system of a smoke test',
      'License: MIT',
      'BuildArch: noarch',
      ...provides.map((p) => `Provides: ${p}`),
      '%description',
      'Provides the interpreters the host lends to the sandbox of gitoverlay smoketest.',
      '%files',
      '',
    ].join('\n'),
  );
  await run('rpmbuild', ['-bb', '--define', `_topdir ${top}`, spec], { signal, env: { ...process.env, LC_ALL: 'C' } });
  await mkdir(repo, { recursive: true });
  for (const sub of await readdir(join(top, 'RPMS'))) for (const f of await readdir(join(top, 'RPMS', sub))) await run('cp', ['--', join(top, 'RPMS', sub, f), repo], { signal });
  await run('createrepo_c', ['--no-database', repo], { signal });
  return { repo, provides };
}
