// `gitoverlay check` against libmodulemd's modulemd-validator on the same files: a distribution-shaped
// multi-document modules.yaml (bench/modules-yaml.mjs) and a single 5,000-component stream
// (bench/generate.mjs). Runs alternate between the two tools; median wall time and median peak RSS
// (from /usr/bin/time, else from wait4 via a small wrapper) of BENCH_RUNS runs each. No assertions.
// `node bench/check-vs-validator.mjs` runs it alone; npm run bench runs it too.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeBench } from './generate.mjs';
import { writeModulesYaml } from './modules-yaml.mjs';

const ROOT = join(import.meta.dirname, '..');
const WORK = join(ROOT, 'bench/.work');
const VALIDATOR = process.env.MODULEMD_VALIDATOR ?? '/usr/bin/modulemd-validator';
const TIME = '/usr/bin/time';
const REAL = join(ROOT, 'test/fixtures/real-world/modulemd');
const realCorpus = () => JSON.parse(readFileSync(join(REAL, 'manifest.json'), 'utf8')).map((e) => join(REAL, e.file));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** One run: wall time (ms, measured here) and peak RSS (KiB, from /usr/bin/time -f %M when present). */
function runOnce(cmd, args) {
  const withTime = existsSync(TIME);
  const t0 = performance.now();
  const r = withTime
    ? spawnSync(TIME, ['-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - t0;
  let rssKiB = NaN;
  if (withTime) {
    const lines = r.stderr.trim().split('\n');
    rssKiB = Number(lines[lines.length - 1]);
  }
  return { ms, rssKiB, status: r.status, out: r.stdout + r.stderr };
}

function measure(cases, runs) {
  const res = cases.map(() => ({ ms: [], rss: [], status: null, out: '' }));
  for (let i = 0; i < runs; i++) {
    cases.forEach((c, k) => {
      const r = runOnce(c.cmd, c.args);
      res[k].ms.push(r.ms);
      res[k].rss.push(r.rssKiB);
      res[k].status = r.status;
      res[k].out = r.out;
    });
  }
  return res.map((r) => ({ ms: median(r.ms), min: Math.min(...r.ms), rssMiB: median(r.rss) / 1024, status: r.status, out: r.out }));
}

export function benchCheckVsValidator({ runs = Number(process.env.BENCH_RUNS ?? 9) } = {}) {
  const files = [
    { label: 'modules.yaml: 250 streams + 40 defaults + 10 obsoletes', path: writeModulesYaml(join(WORK, 'modules.yaml')) },
    { label: 'one modulemd stream, 5,000 components + 5,000 artifacts', path: writeBench(WORK, [5000])[0].path },
    // Real data: Fedora 29's updates modules.yaml as libmodulemd's tests keep it (reshaped stand-in).
    { label: 'f29-updates modules.yaml (real, test/fixtures/real-world)', path: join(REAL, 'libmodulemd__modulemd__tests__test_data__f29-updates.yaml') },
    // Both tools take many files in one run; some of these are invalid, so both exit 1.
    { label: 'the real-world corpus: 496 files in one run', paths: realCorpus(), invalidSome: true },
  ];
  const haveValidator = existsSync(VALIDATOR);
  const cli = join(ROOT, 'bin/gitoverlay.js');
  const rows = [];
  for (const f of files) {
    const paths = f.paths ?? [f.path];
    const size = paths.reduce((n, p) => n + statSync(p).size, 0);
    const docs = paths.reduce((n, p) => n + Math.max(1, (readFileSync(p, 'utf8').match(/^document:/gm) ?? []).length), 0);
    const cases = [{ cmd: process.execPath, args: [cli, 'check', ...paths] }];
    if (haveValidator) cases.push({ cmd: VALIDATOR, args: ['-q', ...paths] });
    const [g, v] = measure(cases, runs);
    const want = f.invalidSome ? 1 : 0;
    if (g.status !== want) throw new Error(`gitoverlay check exited ${g.status} on ${f.label}:\n${g.out.slice(0, 2000)}`);
    // modulemd-validator exits with the number of files it refused.
    if (v && (f.invalidSome ? v.status === 0 : v.status !== 0)) throw new Error(`modulemd-validator exited ${v.status} on ${f.label}:\n${v.out.slice(0, 2000)}`);
    rows.push({ f, size, docs, g, v });
  }
  console.log(`\n\`gitoverlay check\` vs modulemd-validator (median of ${runs} alternating runs; node ${process.version})\n`);
  console.log('| file | size | documents | gitoverlay wall | gitoverlay peak RSS | modulemd-validator wall | modulemd-validator peak RSS | ratio |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const { f, size, docs, g, v } of rows) {
    const vCols = v ? [`${v.ms.toFixed(0)} ms`, `${v.rssMiB.toFixed(1)} MiB`, `${(g.ms / v.ms).toFixed(2)}×`] : ['(not installed)', '—', '—'];
    console.log(`| ${f.label} | ${(size / 1024 / 1024).toFixed(2)} MiB | ${docs} | ${g.ms.toFixed(0)} ms | ${g.rssMiB.toFixed(1)} MiB | ${vCols.join(' | ')} |`);
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) benchCheckVsValidator();
