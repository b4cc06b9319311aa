// The real dist-git histories of test/fixtures/real-histories, rebuilt at HEAD: `gitoverlay
// release|changelog|spec` against rpmautospec 0.8.5 (`calculate-release`, `generate-changelog`,
// `process-distgit`), wall time per command (median), and how long the language server, warm, takes
// from opening the spec to the NEVR on its lens. rpmautospec is not part of this repository: set
// GITOVERLAY_RPMAUTOSPEC to a command that runs it from its source (the column is left out otherwise).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const ROOT = join(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const oracle = process.env.GITOVERLAY_RPMAUTOSPEC;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timed(cmd, args, cwd) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    spawnSync(cmd, args, { cwd, maxBuffer: 1 << 28 });
    times.push(performance.now() - t0);
  }
  return median(times);
}

async function lensTimes(repos) {
  const { LspClient } = require(join(ROOT, 'out/test/unit/lsp-client.js'));
  const client = new LspClient();
  await client.initialize(repos[0].dir);
  const out = new Map();
  // Warm: the server has started and read one history before the ones measured.
  for (const r of [repos[0], ...repos]) {
    const uri = `file://${r.spec}`;
    const t0 = performance.now();
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'rpm-spec', version: 1, text: readFileSync(r.spec, 'utf8') } });
    const lenses = await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } });
    const resolved = await client.connection.sendRequest('codeLens/resolve', lenses[0]);
    out.set(r.name, { ms: performance.now() - t0, title: resolved.command?.title ?? '' });
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }
  await client.close();
  return out;
}

export async function benchAutospecReal() {
  const { shapes, rebuild, checkout } = require(join(ROOT, 'out/test/unit/real-histories.js'));
  const base = mkdtempSync(join(tmpdir(), 'gitoverlay-bench-real-'));
  const repos = [];
  for (const { name, shape } of shapes()) {
    const dir = join(base, name);
    rebuild(shape, dir, 'top');
    checkout(dir, shape.checks.find((c) => c.label === 'HEAD').commit);
    repos.push({ name, dir, spec: join(dir, shape.specName), commits: shape.commits.length, merges: shape.commits.filter((c) => c[0].length > 1).length });
  }
  const lens = await lensTimes(repos);
  const cli = join(ROOT, 'bin/gitoverlay.js');
  console.log(`\nrelease / changelog / processed spec on ${repos.length} real dist-git histories (stand-ins, at HEAD), median of ${RUNS}${oracle ? '' : ' (set GITOVERLAY_RPMAUTOSPEC for rpmautospec beside it)'}\n`);
  console.log(`| history | commits | gitoverlay release / changelog / spec |${oracle ? ' rpmautospec calculate-release / generate-changelog / process-distgit | × faster (slowest of the three) |' : ''} lens, warm LSP |`);
  console.log(`|---|---|---|${oracle ? '---|---|' : ''}---|`);
  for (const r of repos.sort((a, b) => a.commits - b.commits)) {
    const flag = ['--no-error-on-unparseable-spec'];
    const ours = [timed(process.execPath, [cli, 'release', ...flag, r.spec]), timed(process.execPath, [cli, 'changelog', ...flag, r.spec]), timed(process.execPath, [cli, 'spec', ...flag, r.spec, '-o', '/dev/null'])];
    let theirs = null;
    if (oracle) theirs = [timed(oracle, [...flag, 'calculate-release', r.spec]), timed(oracle, [...flag, 'generate-changelog', r.spec]), timed(oracle, [...flag, 'process-distgit', r.spec, join(base, 'out.spec')])];
    const ms = (xs) => xs.map((x) => x.toFixed(0)).join(' / ') + ' ms';
    const speedup = theirs ? Math.min(...theirs.map((t, i) => t / ours[i])) : null;
    const l = lens.get(r.name);
    console.log(`| ${r.name} | ${r.commits} (${r.merges} merges) | ${ms(ours)} |${theirs ? ` ${ms(theirs)} | ${speedup.toFixed(1)}× |` : ''} ${l.ms.toFixed(0)} ms (${l.title}) |`);
  }
  // What no command started with node can beat, beside the table: a process that does nothing.
  console.log(`
\`node -e 0\`: ${timed(process.execPath, ['-e', '0']).toFixed(0)} ms (median of ${RUNS}; every gitoverlay command above includes it)`);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchAutospecReal();
