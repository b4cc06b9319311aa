// npm run bench: the CLI's time on large modulemd documents (median of several runs), and the
// engine's in-process time. Prints a Markdown table. No timed assertions anywhere.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { writeBench } from './generate.mjs';

const require = createRequire(import.meta.url);
const ROOT = join(import.meta.dirname, '..');
const WORK = join(ROOT, 'bench/.work');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

function timeCli(path) {
  const times = [];
  let out;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    out = spawnSync(process.execPath, [join(ROOT, 'bin/gitoverlay.js'), 'check', path], { encoding: 'utf8' });
    times.push(performance.now() - t0);
  }
  if (out.status !== 0) throw new Error(`check failed on ${path}: ${out.stdout}${out.stderr}`);
  return median(times);
}

function timeEngine(path) {
  const { checkText } = require(join(ROOT, 'out/server/src/core/check/check.js'));
  const text = readFileSync(path, 'utf8');
  checkText(path, text); // warm-up: schema compilation, JIT
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = checkText(path, text);
    times.push(performance.now() - t0);
    if (r.diagnostics.some((d) => d.severity === 'error')) throw new Error('generated document has errors');
  }
  return median(times);
}

function timeNodeStartup() {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    times.push(performance.now() - t0);
  }
  return median(times);
}

const files = writeBench(WORK, [1000, 5000]);
const rows = [];
rows.push(['plain `node -e 0` (process start, for scale)', '—', '—', `${timeNodeStartup().toFixed(0)} ms`, '—']);
for (const { n, path } of files) {
  const size = (statSync(path).size / 1024).toFixed(0);
  const lines = readFileSync(path, 'utf8').split('\n').length;
  rows.push([`\`gitoverlay check\` modulemd, ${n} components + ${n} artifacts`, `${size} KiB`, `${lines}`, `${timeCli(path).toFixed(0)} ms`, `${timeEngine(path).toFixed(1)} ms`]);
}
console.log(`\nCLI check (median of ${RUNS} runs, node ${process.version}, ${process.platform}/${process.arch})\n`);
console.log('| case | size | lines | CLI wall time | engine only (checkText, warm) |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);

// `gitoverlay check` against libmodulemd's modulemd-validator on a distribution-shaped modules.yaml and on
// the 5,000-component stream (bench/check-vs-validator.mjs); BENCH_VALIDATOR=0 skips it.
if (process.env.BENCH_VALIDATOR !== '0') {
  const { benchCheckVsValidator } = await import('./check-vs-validator.mjs');
  benchCheckVsValidator();
}

// Then the language server against yaml-language-server over stdio (bench/lsp.mjs); BENCH_LSP=0 skips it.
if (process.env.BENCH_LSP !== '0') {
  const { runLspBench } = await import('./lsp.mjs');
  await runLspBench();
}

// A 10 MB document opened, then a small one: how long the small one waits, per server (bench/huge.mjs);
// BENCH_HUGE=0 skips it.
if (process.env.BENCH_HUGE !== '0') {
  const { runHugeBench } = await import('./huge.mjs');
  await runHugeBench({});
}

// Memory soak: 10,000 typing-like edits of a 5,000-component document (bench/soak.mjs); BENCH_SOAK=0
// skips it, BENCH_SOAK_EDITS=N resizes it, BENCH_SOAK_PEER=1 runs yaml-language-server side by side.
if (process.env.BENCH_SOAK !== '0') {
  const { runSoak } = await import('./soak.mjs');
  await runSoak({ edits: Number(process.env.BENCH_SOAK_EDITS ?? 10000), peer: process.env.BENCH_SOAK_PEER === '1' });
}

// Release + changelog from git history (bench/autospec.mjs); BENCH_AUTOSPEC=0 skips it.
if (process.env.BENCH_AUTOSPEC !== '0') {
  const { benchAutospec } = await import('./autospec.mjs');
  await benchAutospec();
  const { benchAutospecReal } = await import('./autospec-real.mjs');
  await benchAutospecReal();
  const { benchLensSave } = await import('./lens-save.mjs');
  await benchLensSave();
}

// Buildroot resolution over a generated 1,000-module index (bench/buildroot.mjs); BENCH_BUILDROOT=0 skips it.
if (process.env.BENCH_BUILDROOT !== '0') {
  const { benchBuildroot } = await import('./buildroot.mjs');
  await benchBuildroot();
}

// The Copr backend's planning, submission and polling for 300 components (bench/copr.mjs); BENCH_COPR=0 skips it.
if (process.env.BENCH_COPR !== '0') {
  const { benchCopr } = await import('./copr.mjs');
  await benchCopr();
}

// Issue 18's bisect: 64 suspects, composes tried and packages rebuilt (bench/compose-bisect.mjs); BENCH_BISECT=0 skips it.
if (process.env.BENCH_BISECT !== '0') {
  const { benchBisect } = await import('./compose-bisect.mjs');
  await benchBisect();
}
