// Release + changelog on a 10,000-commit worst-case history (rpmautospec-golden's generator,
// --worst-case), side by side with one plain `git log --format=...` over the same history.
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
  const ours = [];
  let entries = 0;
  for (let i = 0; i < RUNS; i++) {
    let t0 = performance.now();
    const g = spawnSync('git', ['log', '--format=%H %P %T %an %ae %ct %B', 'HEAD'], { cwd: dir, maxBuffer: 1 << 28 });
    gitTimes.push(performance.now() - t0);
    if (g.status !== 0) throw new Error('git log failed');
    t0 = performance.now();
    const { result } = await autospecFor(join(dir, 'testpkg.spec'));
    const text = changelogText(result.changelog);
    ours.push(performance.now() - t0);
    entries = result.changelog.length;
    if (!text) throw new Error('empty changelog');
  }
  const cli = [];
  for (let i = 0; i < Math.min(RUNS, 3); i++) {
    const t0 = performance.now();
    spawnSync(process.execPath, [join(ROOT, 'bin/gitoverlay.js'), 'changelog', dir], { maxBuffer: 1 << 28 });
    cli.push(performance.now() - t0);
  }
  const g = median(gitTimes);
  const o = median(ours);
  console.log(`\nrelease + changelog on a ${COMMITS}-commit worst-case history (${entries} changelog entries), median of ${RUNS}\n`);
  console.log('| what | time | × git log |');
  console.log('|---|---|---|');
  console.log(`| \`git log --format=...\` (one process, the floor) | ${g.toFixed(0)} ms | 1.0× |`);
  console.log(`| gitoverlay release + changelog (engine: log, cat-file, evaluate, compute, format) | ${o.toFixed(0)} ms | ${(o / g).toFixed(1)}× |`);
  console.log(`| \`gitoverlay changelog\` CLI, wall time incl. node start | ${median(cli).toFixed(0)} ms | ${(median(cli) / g).toFixed(1)}× |`);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchAutospec();
