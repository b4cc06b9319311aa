import { spawn } from 'node:child_process';

/** Thrown when a process exits non-zero (or cannot start); carries its stderr for the message. */
export class ProcessError extends Error {
  constructor(
    message: string,
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(message);
  }
}

export interface RunOptions {
  cwd?: string;
  input?: string | Buffer;
  /** Exit codes that are answers, not failures (e.g. 1 for `git diff --quiet`). */
  okCodes?: number[];
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

export interface RunResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Hook for logging every command line (the language server sends them to its output channel). */
export let onSpawn: ((command: string, args: readonly string[], cwd?: string) => void) | undefined;
export function setSpawnLogger(fn: typeof onSpawn): void {
  onSpawn = fn;
}

/**
 * The one way the engine runs a program: an argument array, never a shell, so no text from a
 * document is ever interpreted by one. Honours an AbortSignal (the process is killed).
 */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  onSpawn?.(command, args, options.cwd);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      signal: options.signal,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new ProcessError(`${command}: ${e.message}`, null, Buffer.concat(err).toString())));
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString();
      const c = code ?? -1;
      if (c === 0 || options.okCodes?.includes(c)) resolve({ code: c, stdout: Buffer.concat(out), stderr });
      else reject(new ProcessError(`${command} ${args[0] ?? ''} failed (exit ${c}): ${stderr.trim().split('\n').pop() ?? ''}`, c, stderr));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** git with the environment pinned so output is machine-readable whatever the user's locale. */
export function git(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return run('git', args, { ...options, env: { ...process.env, ...options.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat' } });
}

/**
 * Two git processes in a pipeline: `producer`'s output is parsed as it streams, and each chunk can
 * feed lines to `consumer`'s stdin (e.g. `git log` → `git cat-file --batch`), whose output streams
 * too. Both run at once; neither output is kept here.
 */
export function gitPipeline(
  producer: readonly string[],
  consumer: readonly string[],
  options: { cwd: string; signal?: AbortSignal },
  onChunk: (chunk: Buffer, write: (line: string) => void) => void,
  /** Sees the consumer's output as it streams (e.g. to work on each blob while git goes on). */
  onConsumerChunk: (chunk: Buffer) => void,
): Promise<void> {
  const env = { ...process.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat' };
  onSpawn?.('git', producer, options.cwd);
  onSpawn?.('git', consumer, options.cwd);
  return new Promise((resolve, reject) => {
    const a = spawn('git', producer, { cwd: options.cwd, env, signal: options.signal, stdio: ['ignore', 'pipe', 'pipe'] });
    const b = spawn('git', consumer, { cwd: options.cwd, env, signal: options.signal, stdio: ['pipe', 'pipe', 'pipe'] });
    let aErr = '';
    let bErr = '';
    let pending = '';
    const write = (line: string): void => {
      pending += line;
    };
    a.stdout.on('data', (chunk: Buffer) => {
      onChunk(chunk, write);
      if (pending) {
        b.stdin.write(pending);
        pending = '';
      }
    });
    a.stderr.on('data', (d: Buffer) => (aErr += d.toString()));
    b.stdout.on('data', onConsumerChunk);
    b.stderr.on('data', (d: Buffer) => (bErr += d.toString()));
    b.stdin.on('error', () => undefined);
    let done = 0;
    let failed = false;
    const finish = (): void => {
      if (++done === 2 && !failed) resolve();
    };
    const fail = (e: Error): void => {
      if (failed) return;
      failed = true;
      a.kill();
      b.kill();
      reject(e);
    };
    a.on('error', (e) => fail(new ProcessError(`git: ${e.message}`, null, aErr)));
    b.on('error', (e) => fail(new ProcessError(`git: ${e.message}`, null, bErr)));
    a.on('close', (code) => {
      if (code !== 0) return fail(new ProcessError(`git ${producer[0]} failed (exit ${code}): ${aErr.trim()}`, code, aErr));
      b.stdin.end(pending);
      pending = '';
      finish();
    });
    b.on('close', (code) => {
      if (code !== 0) return fail(new ProcessError(`git ${consumer[0]} failed (exit ${code}): ${bErr.trim()}`, code, bErr));
      finish();
    });
  });
}
