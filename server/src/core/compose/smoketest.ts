import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { run } from '../git/exec';
import { exists } from '../build/fs';
import { runLogged, which } from '../build/proc';
import { readState } from '../build/state';
import { hostBaseRepo } from './host-base';
import { sandboxArgs, sandboxMounts } from './sandbox-root';
import { readTests } from './tests-file';
import { findCulprit, type Commits, type Culprit } from './culprit';

/**
 * `gitoverlay smoketest`: the raw compose (the build's repository) installed with real dnf into a
 * throw-away root, the declared commands run there in bwrap without network; the result kept per
 * compose id; on success the compose promoted to smoketested atomically (the previous one served
 * until then). The components whose NEVR changed since the last smoketested compose are reported:
 * on failure they are the suspects.
 */

export interface SmokeOptions {
  /** The raw compose (default build/ beside the overlay). */
  out?: string;
  /** The smoketested compose (default `<out>-smoketested`). */
  smoketested?: string;
  releasever?: string;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
}

export interface StepResult {
  name: string;
  ok: boolean;
  detail: string;
}

export interface SmokeResult {
  id: string;
  ok: boolean;
  raw: string;
  smoketested: string;
  promoted: boolean;
  /** Component → NEVR of the raw compose. */
  nevrs: Record<string, string>;
  /** Components whose NEVR differs from the last smoketested compose's (all when there is none). */
  changed: { component: string; from: string | null; to: string }[];
  steps: StepResult[];
  /** On failure with one changed component: the commits that changed it, the culprit when one. */
  culprit: Culprit | null;
  log: string;
  resultFile: string;
}

export class SmokeError extends Error {}

const COMPOSE_FILE = 'compose.json';

/** The id of a compose: its components' NEVRs. */
export function composeId(nevrs: Record<string, string>): string {
  return createHash('sha256').update(JSON.stringify(Object.entries(nevrs).sort())).digest('hex').slice(0, 12);
}

interface ComposeRecord {
  id: string;
  nevrs: Record<string, string>;
  commits: Record<string, Commits>;
}

async function previousCompose(smoketested: string): Promise<ComposeRecord | null> {
  try {
    return JSON.parse(await readFile(join(smoketested, COMPOSE_FILE), 'utf8')) as ComposeRecord;
  } catch {
    return null;
  }
}

/** A command in the sandbox: its exit code and output (both streams), killed after `ms`. */
function inSandbox(bwrap: string, mounts: readonly string[], command: string[], ms: number, signal?: AbortSignal): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(bwrap, sandboxArgs(mounts, command), { stdio: ['ignore', 'pipe', 'pipe'], signal });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, output: output + e.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

export async function smoketest(overlayPath: string, options: SmokeOptions = {}): Promise<SmokeResult> {
  const progress = options.onProgress ?? (() => undefined);
  const { signal } = options;
  const dir = dirname(overlayPath);
  const raw = options.out ?? join(dir, 'build');
  const smoketested = options.smoketested ?? `${raw}-smoketested`;
  const tests = await readTests(dir);
  const state = await readState(raw);
  if (!state) throw new SmokeError(`no raw compose at ${raw}: run gitoverlay build first`);
  const bwrap = which('bwrap');
  if (!bwrap) throw new SmokeError('the smoke test runs its commands in bwrap, which is not installed (apt install bubblewrap / dnf install bubblewrap)');
  const nevrs = Object.fromEntries(Object.entries(state.components).map(([k, v]) => [k, v.nevr]));
  const id = composeId(nevrs);
  const commits = Object.fromEntries(Object.entries(state.components).flatMap(([k, v]) => (v.commits ? [[k, v.commits]] : [])));
  const good = await previousCompose(smoketested);
  const before = good?.nevrs ?? null;
  const changed = Object.entries(nevrs)
    .filter(([k, v]) => !before || before[k] !== v)
    .map(([component, to]) => ({ component, from: before?.[component] ?? null, to }));
  const results = join(dir, '.gitoverlay', 'composes');
  await mkdir(results, { recursive: true });
  const logPath = join(results, `${id}.log`);
  const log = createWriteStream(logPath);
  const work = await mkdtemp(join(tmpdir(), 'gitoverlay-smoke-'));
  const root = join(work, 'root');
  const steps: StepResult[] = [];
  try {
    progress(`smoke test of compose ${id} (${raw}); changed since the last smoketested: ${changed.map((c) => c.component).join(', ') || 'nothing'}`);
    const repos = [`raw,file://${raw}`, ...tests.repos.map((u, i) => `base${i},${u}`)];
    const extra: string[] = [];
    if (!tests.repos.length) {
      const host = await hostBaseRepo(work, signal);
      repos.push(`hostbase,file://${host.repo}`);
      extra.push('gitoverlay-host-base');
      log.write(`no base repositories: this host lends ${host.provides.join(', ')} to the sandbox (gitoverlay-host-base)\n`);
    }
    const releasever = options.releasever ?? (/\.fc(\d+)$/.exec(state.dist)?.[1] ?? '41');
    const dnf = (packages: string[]) => [
      `--installroot=${root}`, '--setopt=reposdir=/dev/null', ...repos.map((r) => `--repofrompath=${r}`), ...repos.map((r) => `--setopt=${r.split(',')[0]}.gpgcheck=0`),
      `--setopt=cachedir=${work}/cache`, `--releasever=${releasever}`, `--setopt=module_platform_id=platform:f${releasever}`, '--setopt=install_weak_deps=0', '--nodocs', '-y', 'install', '--', ...packages,
    ];
    const sets = [...tests.install, ...changed.flatMap((c) => (tests.components[c.component]?.install.length ? [{ name: `${c.component}'s tests`, packages: tests.components[c.component].install }] : []))];
    for (const set of sets) {
      progress(`installing ${set.name}: ${set.packages.join(' ')}`);
      const code = await runLogged('dnf', dnf([...set.packages, ...extra]), log as WriteStream, { signal, env: { ...process.env, LC_ALL: 'C' } });
      steps.push({ name: `install ${set.name}`, ok: code === 0, detail: code === 0 ? set.packages.join(' ') : `dnf exited ${code} (see ${logPath})` });
      if (code !== 0) break;
    }
    const commands = [...tests.commands, ...changed.flatMap((c) => tests.components[c.component]?.commands ?? [])];
    if (steps.every((s) => s.ok)) {
      const mounts = sandboxMounts(root);
      for (const c of commands) {
        const r = await inSandbox(bwrap, mounts, c.run, 60_000, signal);
        log.write(`\n$ ${c.run.join(' ')}\n${r.output}[exit ${r.code}]\n`);
        const ok = r.code === 0 && (c.expectOutput === undefined || r.output.includes(c.expectOutput));
        const why = r.code !== 0 ? `exit ${r.code ?? 'killed'}: ${r.output.trim().split('\n').pop() ?? ''}` : ok ? r.output.trim().split('\n')[0] ?? '' : `output lacks "${c.expectOutput}"`;
        steps.push({ name: c.name, ok, detail: why });
        progress(`${ok ? 'passed' : 'FAILED'}: ${c.name}: ${why}`);
      }
    }
  } finally {
    await new Promise<void>((r) => log.end(r));
    await rm(work, { recursive: true, force: true });
  }
  const ok = steps.length > 0 && steps.every((s) => s.ok);
  let promoted = false;
  let culprit: Culprit | null = null;
  if (!ok && changed.length === 1) {
    culprit = await findCulprit(join(dir, '.gitoverlay', 'mirrors'), changed[0].component, good?.commits[changed[0].component], commits[changed[0].component]);
    if (culprit) progress(`culprit: ${culprit.component}, ${culprit.commit ? `${culprit.where} commit ${culprit.commit.id.slice(0, 12)} "${culprit.commit.subject}"` : `${culprit.commits.length} ${culprit.where} commits`}`);
  }
  if (ok) {
    await promote(raw, smoketested, { id, nevrs, commits }, signal);
    promoted = true;
    progress(`promoted compose ${id} to ${smoketested}`);
  }
  const resultFile = join(results, `${id}.json`);
  const result: SmokeResult = { id, ok, raw, smoketested, promoted, nevrs, changed, steps, culprit, log: logPath, resultFile };
  await writeFile(resultFile, JSON.stringify({ ...result, time: new Date().toISOString() }, null, 2) + '\n');
  return result;
}

/** raw → smoketested, swapped in atomically (hard links: no copy of the packages). */
async function promote(raw: string, smoketested: string, compose: ComposeRecord, signal?: AbortSignal): Promise<void> {
  const next = `${smoketested}.new`;
  const old = `${smoketested}.old`;
  await rm(next, { recursive: true, force: true });
  await run('cp', ['-al', '--', raw, next], { signal });
  await writeFile(join(next, COMPOSE_FILE), JSON.stringify(compose, null, 2) + '\n');
  await rm(old, { recursive: true, force: true });
  const had = await exists(smoketested);
  if (had) await rename(smoketested, old);
  await rename(next, smoketested);
  if (had) await rm(old, { recursive: true, force: true });
}
