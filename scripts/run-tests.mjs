// Runs every compiled test (out/test/**/*.test.js) with node's test runner.
// Usage: node scripts/run-tests.mjs [substring...]  (only files whose path contains one of them)
import { spawn, spawnSync } from 'node:child_process';
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
    // What was still running, for the next look at the cause: the processes under the test run.
    console.error(`run-tests: processes still running under it:\n${descendants(child.pid)}`);
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

/** `ps` rows of every process under PID (pid, parent, seconds running, command), indented by depth. */
function descendants(pid) {
  const r = spawnSync('ps', ['-eo', 'pid=,ppid=,etimes=,args='], { encoding: 'utf8' });
  if (r.status !== 0) return '  (ps is not available)';
  const rows = r.stdout.split('\n').filter(Boolean).map((l) => {
    const [p, pp, t, ...cmd] = l.trim().split(/\s+/);
    return { pid: Number(p), ppid: Number(pp), secs: t, cmd: cmd.join(' ').slice(0, 160) };
  });
  const out = [];
  const walk = (parent, depth) => {
    for (const row of rows.filter((x) => x.ppid === parent)) {
      out.push(`${'  '.repeat(depth + 1)}${row.pid} (${row.secs} s) ${row.cmd}`);
      walk(row.pid, depth + 1);
    }
  };
  walk(pid, 0);
  return out.join('\n') || '  (none)';
}
