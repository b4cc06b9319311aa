import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * The NEVRAs a fresh dnf sees in one repository (a directory or an http URL), sorted: a throw-away
 * install root and cache, no other repository. Asynchronous: the service answering an http URL may
 * run in the test's own process (a synchronous child would deadlock it).
 */
export async function repoquery(repo: string): Promise<string[]> {
  const root = mkdtempSync(join(tmpdir(), 'go-dnf-'));
  try {
    const url = /^https?:/.test(repo) ? repo : `file://${repo}`;
    const { stdout } = await promisify(execFile)(
      'dnf',
      [
        '--setopt=reposdir=/dev/null', `--repofrompath=r,${url}`, '--repo=r', '--setopt=r.gpgcheck=0', `--installroot=${root}`,
        `--setopt=cachedir=${root}/cache`, '--releasever=41', '-q', 'repoquery', '--qf', '%{name}-%{version}-%{release}.%{arch}',
      ],
      { encoding: 'utf8', maxBuffer: 1 << 26 },
    );
    return stdout.trim().split('\n').filter(Boolean).sort();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
