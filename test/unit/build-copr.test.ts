import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { repoquery } from './dnf-query';
import { ROOT } from './helpers';

// `gitoverlay build --backend copr` against the local Copr service (test/support/copr-service.mjs:
// copr-frontend's API v3 as its source defines it, builds made by real rpmbuild and createrepo_c),
// the example world as the overlay. Real Copr is not reachable here: see docs/copr.md.

process.env.GIT_CONFIG_GLOBAL = '/dev/null';
process.env.GIT_CONFIG_NOSYSTEM = '1';
const has = (tool: string): boolean => (process.env.PATH ?? '').split(':').some((d) => existsSync(join(d, tool)));
const missing = ['rpmbuild', 'createrepo_c', 'dnf'].filter((t) => !has(t));
const skip = missing.length ? `needs ${missing.join(', ')} (not installed)` : false;

const PRIMARY = 'fedora-41-x86_64';
const SECONDARY = 'fedora-41-aarch64';
const PACKAGES = ['greet-2.0-1.20250602git70b5d4c.fc41.noarch', 'hello-macros-1.0.1-2.20250602gitaef9dcc.fc41.noarch', 'tools-1.1.0-2.20250602git314b91e.fc41.noarch'];

interface Service {
  url: string;
  stop(): Promise<void>;
  state: { requests: { method: string; path: string; status: number | null; json?: Record<string, unknown> }[] };
  faults: { clear(): unknown; failPackage(pkg: string, chroot: string): unknown; failNext(prefix: string, n: number, o?: object): unknown; dropNext(prefix: string, n: number, o?: object): unknown; setDelays(d: object): unknown };
}

const runNode = (argv: string[]) => runProgram(process.execPath, argv);

function runProgram(command: string, argv: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The form of each upload the service received, in order (the `json` part as the frontend reads it). */
function uploads(svc: Service): Record<string, unknown>[] {
  return svc.state.requests
    .filter((r) => r.method === 'POST' && r.path.startsWith('/api_3/build/create/upload') && (r.status ?? 0) < 400)
    .map((r) => (r.json ?? {}) as Record<string, unknown>);
}

describe('gitoverlay build --backend copr (the local Copr service, real rpmbuild, createrepo_c, dnf)', { skip }, () => {
  let svc: Service;
  let base: string;
  let config: string;

  const world = (name: string): string => {
    const dir = join(base, name);
    execFileSync(process.execPath, [join(ROOT, 'examples/make-world.mjs'), dir], { stdio: 'ignore' });
    return dir;
  };
  const args = (dir: string, project: string, extra: string[] = []): string[] => [
    join(ROOT, 'bin/gitoverlay.js'),
    'build',
    '--backend',
    'copr',
    '--copr',
    `jdoe/${project}`,
    '--chroot',
    PRIMARY,
    '--chroot',
    SECONDARY,
    '--copr-config',
    config,
    '--poll',
    '0.1',
    ...extra,
    join(dir, 'overlay.yml'),
  ];
  // Asynchronous: the service answers from this very process.
  const gitoverlay = (dir: string, project: string, extra: string[] = []) => runNode(args(dir, project, extra));

  before(async () => {
    base = mkdtempSync(join(tmpdir(), 'go-copr-'));
    const { startCoprService } = (await import(pathToFileURL(join(ROOT, 'test/support/copr-service.mjs')).href)) as { startCoprService: (o: object) => Promise<Service> };
    svc = await startCoprService({ dir: join(base, 'service') });
    config = join(base, 'copr');
    writeFileSync(config, `[copr-cli]\nlogin = jdoe-api-login\nusername = jdoe\ntoken = jdoe-api-token\ncopr_url = ${svc.url}\n`);
  });
  after(async () => {
    await svc?.stop();
  });

  test("the example world: Copr's batches, x86_64 first, the repositories read by dnf", async () => {
    const dir = world('w1');
    const r = await gitoverlay(dir, 'world');
    assert.equal(r.status, 0, r.stderr + r.stdout);
    const up = uploads(svc);
    assert.equal(up.length, 6, 'three components, two rounds');
    // The overlay's batches: hello-macros (srpmroot) alone first; greet after its batch; tools with greet.
    const byRound = (chroot: string) => up.filter((f) => JSON.stringify(f.chroots) === JSON.stringify([chroot]));
    const first = byRound(PRIMARY);
    const second = byRound(SECONDARY);
    assert.equal(first.length, 3);
    assert.equal(second.length, 3);
    assert.deepEqual(up.slice(0, 3), first, 'every x86_64 build is submitted before any other chroot');
    for (const round of [first, second]) {
      assert.equal(round[0].with_build_id, undefined);
      assert.equal(round[0].after_build_id, undefined);
      assert.equal(typeof round[1].after_build_id, 'number', 'the second batch waits for the first');
      assert.equal(typeof round[2].with_build_id, 'number', 'tools joins the second batch');
    }
    // The secondary round was submitted only after the primary one finished.
    const log = svc.state.requests;
    const firstSecondary = log.findIndex((q) => q.path.startsWith('/api_3/build/create/upload') && JSON.stringify(q.json?.chroots) === JSON.stringify([SECONDARY]));
    const pollsBefore = log.slice(0, firstSecondary).filter((q) => q.path.startsWith('/api_3/build/list'));
    assert.ok(pollsBefore.length >= 2, 'the x86_64 builds were followed before the second round');
    // Following builds costs one list per poll, plus a build's chroots when its state changed or while it runs.
    const chrootAsks = log.filter((q) => q.path.startsWith('/api_3/build-chroot/list')).length;
    assert.ok(chrootAsks <= pollsBefore.length * 6 + 30, `${chrootAsks} chroot lists for ${pollsBefore.length} polls`);
    // The repository: the x86_64 results downloaded, plus the SRPMs made here.
    const repo = join(dir, 'build');
    assert.deepEqual(
      (await repoquery(repo)).filter((p) => !p.endsWith('.src')),
      PACKAGES,
    );
    assert.match(r.stdout, new RegExp(`copr repository ${SECONDARY}: (http\\S+)`));
    const aarch64 = new RegExp(`copr repository ${SECONDARY}: (http\\S+)`).exec(r.stdout)![1];
    assert.deepEqual((await repoquery(aarch64)).filter((p) => !p.endsWith('.src')), PACKAGES, "the other chroot's repository on Copr");
    assert.match(r.stderr, /backend: copr/);
  });

  test('a failure on the secondary chroot is reported per chroot; the primary repository is complete', async () => {
    const dir = world('w2');
    svc.faults.failPackage('tools', SECONDARY);
    try {
      const r = await gitoverlay(dir, 'secondary-fails');
      assert.equal(r.status, 0, r.stderr + r.stdout);
      assert.match(r.stdout, new RegExp(`tools ${SECONDARY}: failed \\(build \\d+\\) log: http\\S+/builder-live\\.log\\.gz`));
      assert.match(r.stdout, new RegExp(`greet ${SECONDARY}: succeeded`));
      assert.deepEqual((await repoquery(join(dir, 'build'))).filter((p) => !p.endsWith('.src')), PACKAGES);
      const state = JSON.parse(readFileSync(join(dir, 'build/buildstate.json'), 'utf8'));
      assert.equal(state.components.tools.chroots[SECONDARY].state, 'failed');
      assert.equal(state.components.tools.chroots[PRIMARY].state, 'succeeded');
    } finally {
      svc.faults.clear();
    }
  });

  test('a failure on x86_64 stops the run: no other chroot submitted, the previous repository kept', async () => {
    const dir = world('w3');
    svc.faults.failPackage('greet', PRIMARY);
    const before = uploads(svc).length;
    try {
      const r = await gitoverlay(dir, 'primary-fails');
      assert.equal(r.status, 1, r.stderr + r.stdout);
      assert.match(r.stdout, /greet: Copr build \d+ failed on fedora-41-x86_64 \(log: http\S+builder-live\.log\.gz\)/);
      assert.equal(uploads(svc).length - before, 3, 'only the x86_64 round');
      assert.ok(!existsSync(join(dir, 'build')), 'no repository');
    } finally {
      svc.faults.clear();
    }
  });

  test('lost connections and server errors while following the builds: retried, the run completes', async () => {
    const dir = world('w4');
    svc.faults.failNext('/api_3/build/list', 2);
    svc.faults.dropNext('/api_3/build/list', 1);
    svc.faults.failNext('/api_3/build-chroot/list', 2);
    svc.faults.dropNext('/api_3/build-chroot/list', 1);
    try {
      const r = await gitoverlay(dir, 'flaky');
      assert.equal(r.status, 0, r.stderr + r.stdout);
      assert.match(r.stderr, /trying again in/);
    } finally {
      svc.faults.clear();
    }
  });

  test('killed mid-run, run again: the same builds are followed, nothing is submitted twice', async () => {
    const dir = world('w5');
    svc.faults.setDelays({ running: 1500 });
    try {
      const before = uploads(svc).length;
      const child = spawn(process.execPath, args(dir, 'resume'), { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no submission seen: ${err}`)), 60_000);
        const check = setInterval(() => {
          if (/tools submitted as build/.test(err)) {
            clearInterval(check);
            clearTimeout(timer);
            resolve();
          }
        }, 50);
      });
      child.kill('SIGKILL');
      await new Promise((r) => child.on('close', r));
      assert.equal(uploads(svc).length - before, 3, 'the first round was submitted before the kill');
      assert.ok(existsSync(join(dir, 'build.copr.json')), 'the run was recorded');
      const r = await gitoverlay(dir, 'resume');
      assert.equal(r.status, 0, r.stderr + r.stdout);
      assert.match(r.stderr, /already submitted as build/);
      assert.equal(uploads(svc).length - before, 6, 'three more (the second round), none twice');
    } finally {
      svc.faults.clear();
    }
  });

  test('cancelling (SIGINT) cancels the builds on Copr', async () => {
    const dir = world('w6');
    svc.faults.setDelays({ running: 4000 });
    try {
      const child = spawn(process.execPath, args(dir, 'cancel'), { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`never running: ${err}`)), 60_000);
        const check = setInterval(() => {
          if (/: running/.test(err)) {
            clearInterval(check);
            clearTimeout(timer);
            resolve();
          }
        }, 50);
      });
      child.kill('SIGINT');
      const code = await new Promise((r) => child.on('close', r));
      assert.equal(code, 130, err);
      const cancels = svc.state.requests.filter((q) => q.method === 'PUT' && q.path.startsWith('/api_3/build/cancel/'));
      assert.ok(cancels.length >= 1, `cancel requests: ${cancels.length}\n${err}`);
      assert.match(err, /cancelled build \d+/);
    } finally {
      svc.faults.clear();
    }
  });

  test('a token Copr refuses: exit 1, saying how to renew it, the token never printed', async () => {
    const dir = world('w7');
    const bad = join(base, 'bad-copr');
    writeFileSync(bad, `[copr-cli]\nlogin = jdoe-api-login\nusername = jdoe\ntoken = not-the-token-xyz\ncopr_url = ${svc.url}\n`);
    const r = await runNode(args(dir, 'denied').map((a) => (a === config ? bad : a)));
    assert.equal(r.status, 1, r.stderr + r.stdout);
    assert.match(r.stderr, /refused the API token .* get a new one at http\S+\/api\//);
    assert.ok(!(r.stderr + r.stdout).includes('not-the-token-xyz'), 'the token is not printed');
  });
});
