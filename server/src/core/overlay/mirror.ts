import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { git, ProcessError, type RunResult } from '../git/exec';
import type { RefKind } from './expand';
import { redact, type Remote } from './url';

/**
 * Bare mirrors of the overlay's remotes (`git clone --mirror`), as rdgo keeps them in `src/`: cloned
 * once, fetched only when asked or when a wanted ref is missing. Everything else (rev-parse,
 * describe, reading a spec) runs on the mirror, so no work tree is ever checked out.
 */

export interface MirrorOptions {
  allowFile: boolean;
  signal?: AbortSignal;
  /** Strings to hide in messages (credentials of every URL in the overlay). */
  secrets: Set<string>;
}

/** Only these transports: `ext::`/`fd::` and any other helper stay forbidden even if a URL slips by. */
function protocolArgs(allowFile: boolean): string[] {
  const allow = ['https', 'http', 'ssh', 'git', ...(allowFile ? ['file'] : [])];
  return ['-c', 'protocol.allow=never', ...allow.flatMap((p) => ['-c', `protocol.${p}.allow=always`])];
}

/**
 * Credentials never go on a command line (the language server logs every command): git gets the
 * clean URL and an `url.<with credentials>.insteadOf=<clean>` rule through GIT_CONFIG_* variables.
 * The mirror's config then holds the clean URL only.
 */
function remoteEnv(remote: Remote, cacert: string | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { GIT_TERMINAL_PROMPT: '0' };
  if (cacert) env.GIT_SSL_CAINFO = cacert;
  if (remote.credentials) {
    const n = Number(process.env.GIT_CONFIG_COUNT ?? '0') || 0;
    env.GIT_CONFIG_COUNT = String(n + 1);
    env[`GIT_CONFIG_KEY_${n}`] = `url.${remote.credentials.url}.insteadOf`;
    env[`GIT_CONFIG_VALUE_${n}`] = remote.url;
  }
  return env;
}

/** git for a mirror: the protocol allow-list always on, messages redacted. */
async function mirrorGit(args: string[], cwd: string | undefined, opts: MirrorOptions, extra: { env?: NodeJS.ProcessEnv; okCodes?: number[] } = {}): Promise<RunResult> {
  try {
    return await git([...protocolArgs(opts.allowFile), ...args], { cwd, signal: opts.signal, env: extra.env, okCodes: extra.okCodes });
  } catch (err) {
    if (err instanceof ProcessError) {
      const last = err.stderr.trim().split('\n').filter(Boolean).pop() ?? `exit ${err.code}`;
      throw new ProcessError(redact(`git ${args[0]} failed: ${last}`, opts.secrets), err.code, redact(err.stderr, opts.secrets));
    }
    throw err;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Mirrors a remote into `dir` (clone if absent, else fetch when `fetch`). Returns whether it cloned. */
export async function syncMirror(remote: Remote, dir: string, cacert: string | undefined, fetch: boolean, opts: MirrorOptions): Promise<boolean> {
  const env = remoteEnv(remote, cacert);
  if (!(await exists(`${dir}/HEAD`))) {
    await mkdir(dirname(dir), { recursive: true });
    // Clone beside the target and rename: an interrupted clone never looks like a mirror.
    const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await mirrorGit(['clone', '--mirror', '--quiet', '--', remote.url, tmp], undefined, opts, { env });
      // Temporary `clone --shared` copies borrow the mirror's objects: gc must not drop them.
      await mirrorGit(['config', 'gc.auto', '0'], tmp, opts);
      try {
        await rename(tmp, dir);
      } catch (err) {
        // Another resolution cloned it meanwhile: keep theirs.
        if (!(await exists(`${dir}/HEAD`))) throw err;
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    return true;
  }
  if (fetch) await fetchMirror(remote, dir, cacert, opts);
  return false;
}

export async function fetchMirror(remote: Remote, dir: string, cacert: string | undefined, opts: MirrorOptions): Promise<void> {
  // Mirrors are keyed by host and path, so `http://h/a` and `https://h/a.git` share one: fetch
  // from the URL this component names.
  const origin = (await mirrorGit(['config', '--get', 'remote.origin.url'], dir, opts, { okCodes: [1] })).stdout.toString().trim();
  if (origin !== remote.url) await mirrorGit(['config', 'remote.origin.url', remote.url], dir, opts);
  await mirrorGit(['fetch', '--quiet', '--prune', 'origin'], dir, opts, { env: remoteEnv(remote, cacert) });
}

/** The commit a ref names in the mirror, or null. A branch is looked up as a branch first, a tag as a tag. */
export async function revParse(dir: string, ref: string, kind: RefKind, opts: MirrorOptions): Promise<string | null> {
  const candidates = kind === 'branch' || kind === 'default-branch' ? [`refs/heads/${ref}`, ref] : kind === 'tag' ? [`refs/tags/${ref}`, ref] : [ref];
  for (const c of candidates) {
    const r = await mirrorGit(['rev-parse', '--verify', '-q', '--end-of-options', `${c}^{commit}`], dir, opts, { okCodes: [1, 128] });
    const sha = r.code === 0 ? r.stdout.toString().trim() : '';
    if (sha) return sha;
  }
  return null;
}

/** The branch the remote's HEAD names (`main`), or null. */
export async function defaultBranch(dir: string, opts: MirrorOptions): Promise<string | null> {
  const r = await mirrorGit(['symbolic-ref', '-q', '--short', 'HEAD'], dir, opts, { okCodes: [1, 128] });
  return r.code === 0 ? r.stdout.toString().trim() || null : null;
}

/** `git describe --tags --long --abbrev=40 --always`, rdgo's input for Version and Release. */
export async function describe(dir: string, commit: string, opts: MirrorOptions): Promise<string> {
  return (await mirrorGit(['describe', '--tags', '--long', '--abbrev=40', '--always', commit], dir, opts)).stdout.toString().trim();
}

/** Committer time of a commit, seconds since the epoch. */
export async function commitTime(dir: string, commit: string, opts: MirrorOptions): Promise<number> {
  return Number((await mirrorGit(['show', '-s', '--format=%ct', commit], dir, opts)).stdout.toString().trim());
}

/** A file of a commit's tree, or null when it has none at that path. */
export async function readFileAt(dir: string, commit: string, path: string, opts: MirrorOptions): Promise<string | null> {
  const r = await mirrorGit(['cat-file', 'blob', `${commit}:${path}`], dir, opts, { okCodes: [128] });
  return r.code === 0 ? r.stdout.toString('utf8') : null;
}

/** Paths of a commit's tree (`recursive`: every file; else the top level only). */
export async function listTree(dir: string, commit: string, recursive: boolean, opts: MirrorOptions): Promise<string[]> {
  const r = await mirrorGit(['ls-tree', '-z', '--name-only', ...(recursive ? ['-r'] : []), commit], dir, opts);
  return r.stdout.toString('utf8').split('\0').filter(Boolean);
}

/**
 * A throwaway repository sharing the mirror's objects (`clone --shared --no-checkout`): what
 * autospecFor walks. The mirror is ours, hence file:// allowed here whatever the overlay may use.
 */
export async function sharedClone(mirrorDir: string, target: string, signal?: AbortSignal): Promise<void> {
  await git(['-c', 'protocol.file.allow=always', 'clone', '--shared', '--no-checkout', '--quiet', '--', mirrorDir, target], { signal });
}
