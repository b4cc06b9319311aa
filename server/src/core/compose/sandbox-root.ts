import { lstatSync, readdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * bwrap arguments that run a command with an installed root as `/`, without network: the root bound
 * read-write (it is thrown away), and wherever it has nothing, this host's files bound read-only at
 * the same path (up to three levels down: /usr/bin/sh where the root has /usr/bin/greet), so the
 * packages' programs find an interpreter and a C library. What the root installed always wins.
 */
const SKIP = new Set(['proc', 'sys', 'dev', 'tmp', 'run', 'home', 'root', 'mnt', 'media', 'srv', 'boot', 'lost+found', 'var', 'work', 'snap', 'opt']);

/**
 * The mounts, computed once per root before anything runs in it: bwrap leaves the mount points it
 * creates behind (empty files), which a second look would take for the root's own files.
 */
export function sandboxMounts(root: string): string[] {
  const args = ['--unshare-all', '--die-with-parent', '--bind', root, '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp'];
  const merge = (rel: string, depth: number): void => {
    let entries: string[];
    try {
      entries = readdirSync(rel === '' ? '/' : `/${rel}`);
    } catch {
      return;
    }
    for (const name of entries.sort()) {
      if (depth === 0 && SKIP.has(name)) continue;
      const path = rel === '' ? name : `${rel}/${name}`;
      const host = `/${path}`;
      let mine: ReturnType<typeof lstatSync> | null = null;
      try {
        mine = lstatSync(join(root, path));
      } catch {
        mine = null;
      }
      let theirs: ReturnType<typeof lstatSync>;
      try {
        theirs = lstatSync(host);
      } catch {
        continue;
      }
      if (!mine) {
        // A symlink is made in the root itself (it is thrown away): bwrap's --symlink fails once it exists.
        if (theirs.isSymbolicLink()) symlinkSync(readlinkSync(host), join(root, path));
        else args.push('--ro-bind', host, host);
      } else if (mine.isDirectory() && theirs.isDirectory() && depth < 2) merge(path, depth + 1);
    }
  };
  merge('', 0);
  return args;
}

/** bwrap arguments running `command` in the root with `mounts` (sandboxMounts). */
export function sandboxArgs(mounts: readonly string[], command: readonly string[]): string[] {
  const args = [...mounts];
  args.push('--clearenv', '--setenv', 'PATH', '/usr/bin:/bin:/usr/sbin:/sbin', '--setenv', 'HOME', '/tmp', '--setenv', 'LC_ALL', 'C', '--chdir', '/', '--', ...command);
  return args;
}
