import { spawn } from 'node:child_process';
import type { WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLogged } from '../build/proc';
import { hostBaseRepo } from './host-base';
import { sandboxArgs, sandboxMounts } from './sandbox-root';
import type { SmokeTests } from './tests-file';

/**
 * One smoke-test run over one repository: each install set with real dnf into a fresh throw-away
 * root (this host lending its interpreters when no base repositories are declared), then each command
 * there in bwrap without network. Used for the compose itself and for each compose a bisect tries.
 */

export interface StepResult {
  name: string;
  ok: boolean;
  detail: string;
}

export interface RunTestsOptions {
  releasever: string;
  /** Components whose own tests run too. */
  components: string[];
  bwrap: string;
  log: WriteStream;
  logPath: string;
  signal?: AbortSignal;
  progress: (line: string) => void;
  /** A made gitoverlay-host-base repository to reuse (a bisect makes it once). */
  hostBase?: string;
}

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

/** The host-base repository made in `dir` when the tests declare no base repositories. */
export async function hostBaseFor(tests: SmokeTests, dir: string, signal?: AbortSignal): Promise<string | undefined> {
  return tests.repos.length ? undefined : (await hostBaseRepo(dir, signal)).repo;
}

export async function runTests(repo: string, tests: SmokeTests, o: RunTestsOptions): Promise<StepResult[]> {
  const work = await mkdtemp(join(tmpdir(), 'gitoverlay-smoke-'));
  const root = join(work, 'root');
  const steps: StepResult[] = [];
  try {
    const repos = [`raw,file://${repo}`, ...tests.repos.map((u, i) => `base${i},${u}`)];
    const extra: string[] = [];
    const hostBase = o.hostBase ?? (await hostBaseFor(tests, work, o.signal));
    if (hostBase) {
      repos.push(`hostbase,file://${hostBase}`);
      extra.push('gitoverlay-host-base');
    }
    const dnf = (packages: string[]) => [
      `--installroot=${root}`, '--setopt=reposdir=/dev/null', ...repos.map((r) => `--repofrompath=${r}`), ...repos.map((r) => `--setopt=${r.split(',')[0]}.gpgcheck=0`),
      `--setopt=cachedir=${work}/cache`, `--releasever=${o.releasever}`, `--setopt=module_platform_id=platform:f${o.releasever}`, '--setopt=install_weak_deps=0', '--nodocs', '-y', 'install', '--', ...packages,
    ];
    const sets = [...tests.install, ...o.components.flatMap((c) => (tests.components[c]?.install.length ? [{ name: `${c}'s tests`, packages: tests.components[c].install }] : []))];
    for (const set of sets) {
      o.progress(`installing ${set.name}: ${set.packages.join(' ')}`);
      const code = await runLogged('dnf', dnf([...set.packages, ...extra]), o.log, { signal: o.signal, env: { ...process.env, LC_ALL: 'C' } });
      steps.push({ name: `install ${set.name}`, ok: code === 0, detail: code === 0 ? set.packages.join(' ') : `dnf exited ${code} (see ${o.logPath})` });
      if (code !== 0) return steps;
    }
    const mounts = sandboxMounts(root);
    for (const c of [...tests.commands, ...o.components.flatMap((k) => tests.components[k]?.commands ?? [])]) {
      const r = await inSandbox(o.bwrap, mounts, c.run, 60_000, o.signal);
      o.log.write(`\n$ ${c.run.join(' ')}\n${r.output}[exit ${r.code}]\n`);
      const ok = r.code === 0 && (c.expectOutput === undefined || r.output.includes(c.expectOutput));
      const why = r.code !== 0 ? `exit ${r.code ?? 'killed'}: ${r.output.trim().split('\n').pop() ?? ''}` : ok ? (r.output.trim().split('\n')[0] ?? '') : `output lacks "${c.expectOutput}"`;
      steps.push({ name: c.name, ok, detail: why });
      o.progress(`${ok ? 'passed' : 'FAILED'}: ${c.name}: ${why}`);
    }
    return steps;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
