// Release + changelog on a 10,000-commit worst-case history (rpmautospec-golden's generator,
// --worst-case), side by side with the physical floor of any exact implementation (issue 13's
// definition): one `git log` of the history plus one `git cat-file --batch` of every version of the
// spec (its distinct blobs). Finding which blob each commit has costs more: shown beside it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const ROOT = join(import.meta.dirname, '..');
const GEN = join(ROOT, 'test/fixtures/reference/rpmautospec-golden/gen-history.py');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const COMMITS = Number(process.env.BENCH_AUTOSPEC_COMMITS ?? 10000);
// The floor's git runs as fast as it can: fully buffered output (into a pipe git log flushes per commit).
const FAST = { env: { ...process.env, GIT_FLUSH: '0' } };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchAutospec() {
  const dir = join(ROOT, `bench/.work/worst-${COMMITS}`);
  if (!existsSync(join(dir, 'testpkg.spec'))) {
    const r = spawnSync('python3', [GEN, '1', dir, '--worst-case', '--commits', String(COMMITS), '--quiet'], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('gen-history.py failed');
  }
  const { autospecFor } = require(join(ROOT, 'out/server/src/core/autospec/run.js'));
  const { changelogText } = require(join(ROOT, 'out/server/src/core/autospec/compute.js'));
  const gitTimes = [];
  const catTimes = [];
  const ours = [];
  let entries = 0;
  const commits = spawnSync('git', ['rev-list', 'HEAD'], { cwd: dir, maxBuffer: 1 << 28 }).stdout.toString().trim().split('\n');
  const specAtEvery = commits.map((c) => `${c}:testpkg.spec`).join('\n') + '\n';
  const raw = spawnSync('git', ['log', '--raw', '--no-abbrev', '--format=', 'HEAD'], { cwd: dir, maxBuffer: 1 << 28 }).stdout.toString();
  const versions = [...new Set(raw.split('\n').filter((l) => l.endsWith('\ttestpkg.spec')).map((l) => l.split(' ')[3]))].join('\n') + '\n';
  const blobTimes = [];
  for (let i = 0; i < RUNS; i++) {
    let t0 = performance.now();
    const g = spawnSync('git', ['log', '--format=%H %P %T %an %ae %ct %B', 'HEAD'], { cwd: dir, maxBuffer: 1 << 28, ...FAST });
    gitTimes.push(performance.now() - t0);
    if (g.status !== 0) throw new Error('git log failed');
    t0 = performance.now();
    const c = spawnSync('git', ['cat-file', '--batch'], { cwd: dir, input: specAtEvery, maxBuffer: 1 << 30 });
    catTimes.push(performance.now() - t0);
    if (c.status !== 0) throw new Error('git cat-file failed');
    t0 = performance.now();
    spawnSync('git', ['cat-file', '--batch'], { cwd: dir, input: versions, maxBuffer: 1 << 30, ...FAST });
    blobTimes.push(performance.now() - t0);
    t0 = performance.now();
    const { result } = await autospecFor(join(dir, 'testpkg.spec'));
    const text = changelogText(result.changelog);
    ours.push(performance.now() - t0);
    entries = result.changelog.length;
    if (!text) throw new Error('empty changelog');
  }
  const cli = [];
  const spec = [];
  for (let i = 0; i < Math.min(RUNS, 3); i++) {
    let t0 = performance.now();
    spawnSync(process.execPath, [join(ROOT, 'bin/gitoverlay.js'), 'changelog', dir], { maxBuffer: 1 << 28 });
    cli.push(performance.now() - t0);
    t0 = performance.now();
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/gitoverlay.js'), 'spec', dir, '-o', '/dev/null'], { maxBuffer: 1 << 28 });
    spec.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`gitoverlay spec failed: ${r.stderr}`);
  }
  // gitoverlay's own log: the floor's, plus the raw diff that names each commit's spec version.
  const ownLog = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    spawnSync('git', ['log', '-z', '--format=%H%x00%P%x00%T%x00%an%x00%ae%x00%ct%x00%B', '--raw', '--no-abbrev', '--no-renames', '--root', '--diff-merges=first-parent', '--sparse', '--full-history', 'HEAD', '--', ':(literal)testpkg.spec', ':(literal)changelog'], { cwd: dir, maxBuffer: 1 << 28, ...FAST });
    ownLog.push(performance.now() - t0);
  }
  const bare = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    bare.push(performance.now() - t0);
  }
  const g = median(gitTimes);
  const floor = g + median(blobTimes);
  const o = median(ours);
  const row = (what, ms) => console.log(`| ${what} | ${ms.toFixed(0)} ms | ${(ms / floor).toFixed(1)}× |`);
  console.log(`\nrelease + changelog on a ${COMMITS}-commit worst-case history (${entries} changelog entries), median of ${RUNS}\n`);
  console.log('| what | time | × floor |');
  console.log('|---|---|---|');
  row('`git log --format=...` (one process)', g);
  row(`\`git cat-file --batch\` of the spec's ${versions.trim().split('\n').length} versions`, median(blobTimes));
  row('the floor: both', floor);
  row(`\`git cat-file --batch\` of the spec at each of the ${commits.length} commits (which blob each has)`, median(catTimes));
  row("gitoverlay's `git log` alone (with the raw diff naming each commit's spec version)", median(ownLog));
  row('gitoverlay release + changelog (engine: log, cat-file, evaluate, compute, format)', o);
  row('a node process doing nothing (`node -e 0`): part of any CLI row below', median(bare));
  row('`gitoverlay changelog` CLI, wall time incl. node start', median(cli));
  row('`gitoverlay spec` CLI (one process: release, changelog, processed spec)', median(spec));
}

if (import.meta.url === `file://${process.argv[1]}`) await benchAutospec();
