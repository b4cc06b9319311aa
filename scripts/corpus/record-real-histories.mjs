#!/usr/bin/env node
// Records what rpmautospec 0.8.5 answers on each real-history stand-in (test/fixtures/real-histories/
// NAME.shape.json.br) into NAME.rpmautospec.json.br: at every check commit, under plain rpm and under
// the Fedora-like macro file (test/fixtures/macros, read as ~/.rpmmacros), with and without
// --no-error-on-unparseable-spec: calculate-release -c, calculate-release -n, generate-changelog (its
// default pager writing into a pipe) and process-distgit. rpmautospec is not part of this repository:
//   npm run build && node scripts/corpus/record-real-histories.mjs RPMAUTOSPEC-COMMAND [NAME...]
// (a command running rpmautospec 0.8.5 from its source with Debian's python3-rpm and python3-pygit2).
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

const ROOT = join(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const { shapes, rebuild, checkout, REAL_HISTORIES } = require(join(ROOT, 'out/test/unit/real-histories.js'));
const [oracle, ...only] = process.argv.slice(2);
if (!oracle) {
  console.error('usage: record-real-histories.mjs RPMAUTOSPEC-COMMAND [NAME...]');
  process.exit(2);
}
const base = mkdtempSync(join(tmpdir(), 'record-real-histories-'));
const homes = { plain: join(base, 'home-plain'), 'fedora-like': join(base, 'home-fedora-like') };
for (const home of Object.values(homes)) execFileSync('mkdir', ['-p', home]);
copyFileSync(join(ROOT, 'test/fixtures/macros/fedora-like.macros'), join(homes['fedora-like'], '.rpmmacros'));
const version = (args) => execFileSync(args[0], args.slice(1)).toString().trim();

for (const { name, shape } of shapes()) {
  if (only.length && !only.includes(name)) continue;
  const started = Date.now();
  const repo = join(base, name);
  rebuild(shape, repo, 'top');
  const spec = join(repo, shape.specName);
  const answers = {};
  for (const [macros, home] of Object.entries(homes)) {
    answers[macros] = {};
    const call = (args) => {
      const r = spawnSync(oracle, args, { encoding: 'utf8', env: { ...process.env, HOME: home, LC_ALL: 'C.UTF-8' }, maxBuffer: 1 << 28 });
      return { code: r.status, stdout: r.stdout };
    };
    for (const check of shape.checks) {
      checkout(repo, check.commit);
      answers[macros][check.label] = {};
      for (const [mode, pre] of [['default', []], ['lenient', ['--no-error-on-unparseable-spec']]]) {
        const target = join(base, `${name}.out.spec`);
        rmSync(target, { force: true });
        const pd = call([...pre, 'process-distgit', spec, target]);
        answers[macros][check.label][mode] = {
          release: call([...pre, 'calculate-release', '-c', spec]),
          releaseNumber: call([...pre, 'calculate-release', '-n', spec]),
          changelog: call([...pre, 'generate-changelog', spec]),
          processDistgit: { code: pd.code, spec: existsSync(target) ? readFileSync(target, 'utf8') : null },
        };
      }
      const a = answers[macros][check.label].default.release;
      console.log(`${name} ${check.label} ${macros}: ${a.code === 0 ? a.stdout.trim() : `exit ${a.code}`}`);
    }
  }
  const recorded = {
    rpmautospec: '0.8.5',
    rpm: version(['rpm', '--version']).replace(/^RPM version /, ''),
    answers,
  };
  const json = Buffer.from(JSON.stringify(recorded));
  writeFileSync(
    join(REAL_HISTORIES, `${name}.rpmautospec.json.br`),
    brotliCompressSync(json, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24, [constants.BROTLI_PARAM_SIZE_HINT]: json.length } }),
  );
  console.log(`${name}: recorded in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
rmSync(base, { recursive: true, force: true });
