import { spawn, type ChildProcess } from 'node:child_process';

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
  return run('git', args, { ...options, env: { ...process.env, ...options.env, ...GIT_ENV, ...BUFFERED } });
}

const GIT_ENV = { LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat' };
/**
 * Into a pipe git log flushes after every commit (a read and an event-loop turn per commit here):
 * a 10,000-commit log took 135–175 ms instead of ~105. Not for processes talked to line by line.
 */
const BUFFERED = { GIT_FLUSH: '0' };

/** A git process to talk to (e.g. `cat-file --batch`), logged like every other; the caller reads and writes. */
export function spawnGit(args: readonly string[], options: { cwd: string; signal?: AbortSignal }): ChildProcess {
  onSpawn?.('git', args, options.cwd);
  return spawn('git', args, { cwd: options.cwd, env: { ...process.env, ...GIT_ENV }, signal: options.signal, stdio: ['pipe', 'pipe', 'ignore'] });
}

/** git whose output is parsed as it streams (a long `git log`), not kept. */
export function gitStream(args: readonly string[], options: { cwd: string; signal?: AbortSignal }, onChunk: (chunk: Buffer) => void): Promise<void> {
  onSpawn?.('git', args, options.cwd);
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd: options.cwd, env: { ...process.env, ...GIT_ENV, ...BUFFERED }, signal: options.signal, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.on('data', onChunk);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => reject(new ProcessError(`git: ${e.message}`, null, stderr)));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new ProcessError(`git ${args[0]} failed (exit ${code}): ${stderr.trim()}`, code, stderr));
    });
  });
}
