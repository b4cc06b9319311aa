import { spawn } from 'node:child_process';
import { existsSync, type WriteStream } from 'node:fs';
import { onSpawn } from '../git/exec';

/**
 * A long-running build process (rpmbuild, possibly in bwrap): argument array, never a shell, output
 * streamed into the component's log, run in its own process group so cancellation kills the whole
 * tree (rpmbuild's /bin/sh scriptlets included), not only the direct child.
 */
export function runLogged(
  command: string,
  args: readonly string[],
  log: WriteStream,
  options: { cwd?: string; signal?: AbortSignal; env?: NodeJS.ProcessEnv },
): Promise<number> {
  onSpawn?.(command, args, options.cwd);
  log.write(`\n$ ${[command, ...args].map(quote).join(' ')}\n`);
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(abortError());
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const kill = (): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    options.signal?.addEventListener('abort', kill, { once: true });
    child.stdout.on('data', (b: Buffer) => log.write(b));
    child.stderr.on('data', (b: Buffer) => log.write(b));
    child.on('error', (e) => {
      options.signal?.removeEventListener('abort', kill);
      log.write(`${command}: ${e.message}\n`);
      reject(e);
    });
    child.on('close', (code, sig) => {
      options.signal?.removeEventListener('abort', kill);
      // Anything left in the group (a scriptlet's background child) goes with it.
      kill();
      if (options.signal?.aborted) return reject(abortError());
      log.write(`[exit ${code ?? sig}]\n`);
      resolve(code ?? 128);
    });
  });
}

export function abortError(): Error {
  const e = new Error('the build was cancelled');
  e.name = 'AbortError';
  return e;
}

function quote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The first of `names` found in PATH. */
export function which(name: string): string | null {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    const p = `${dir || '.'}/${name}`;
    if (existsSync(p)) return p;
  }
  return null;
}
