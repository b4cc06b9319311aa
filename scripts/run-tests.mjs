// Runs every compiled test (out/test/**/*.test.js) with node's test runner.
// Usage: node scripts/run-tests.mjs [substring...]  (only files whose path contains one of them)
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

function find(dir) {
  let out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out = out.concat(find(p));
    else if (e.name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = find('out/test')
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('no test files found; run `npm run build` first');
  process.exit(1);
}
// A watchdog: a run that prints nothing for STALL_MS has stalled (seen once on a CI dry run: a test
// file whose tests had all passed never exited). It is stopped with a message rather than holding CI
// until its time limit. (--test-force-exit is no cure: node 20 then drops tests of long suites.)
const STALL_MS = Number(process.env.GITOVERLAY_TEST_STALL_MS) || 300_000;
const child = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], { stdio: ['inherit', 'pipe', 'pipe'], detached: true });
let last = '';
let timer;
const alive = () => {
  clearTimeout(timer);
  timer = setTimeout(() => {
    console.error(`\nrun-tests: no output for ${STALL_MS / 1000} s after "${last.trim()}": the test run has stalled; stopping it`);
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    process.exit(1);
  }, STALL_MS);
};
for (const [from, to] of [
  [child.stdout, process.stdout],
  [child.stderr, process.stderr],
]) {
  from.on('data', (chunk) => {
    to.write(chunk);
    const lines = String(chunk).split('\n').filter((l) => l.trim());
    if (lines.length) last = lines[lines.length - 1];
    alive();
  });
}
alive();
child.on('exit', (code, signal) => {
  clearTimeout(timer);
  process.exit(code ?? (signal ? 1 : 0));
});
