#!/usr/bin/env node
// Records what rpmautospec answers for each history of test/fixtures/autospec-parse/make-history.mjs,
// into test/fixtures/autospec-parse/CASE.json. rpmautospec is not part of this repository: give the
// command that runs it (e.g. a wrapper calling `python3 -c 'from rpmautospec.cli.dispatch import cli; cli()'`
// with PYTHONPATH on a checkout of rpmautospec 0.8.5 + rpmautospec-core).
// Usage: node scripts/record-autospec-parse.mjs RPMAUTOSPEC-COMMAND [CASE...]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIR = join(ROOT, 'test/fixtures/autospec-parse');
const GEN = join(DIR, 'make-history.mjs');
const [oracle, ...only] = process.argv.slice(2);
if (!oracle) {
  console.error('usage: record-autospec-parse.mjs RPMAUTOSPEC-COMMAND [CASE...]');
  process.exit(2);
}
const cases = only.length ? only : execFileSync(process.execPath, [GEN, '--list']).toString().trim().split('\n');
const rpmVersion = execFileSync('rpm', ['--version']).toString().trim().replace(/^RPM version /, '');
const base = mkdtempSync(join(tmpdir(), 'record-autospec-parse-'));

function call(args) {
  const r = spawnSync(oracle, args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C.UTF-8' } });
  return { code: r.status, stdout: r.stdout, stderr: r.code === 0 ? '' : r.stderr };
}

for (const name of cases) {
  const repo = join(base, name);
  execFileSync(process.execPath, [GEN, name, repo]);
  const spec = join(repo, 'pkg.spec');
  const out = { case: name, commits: Number(execFileSync('git', ['rev-list', '--count', 'HEAD'], { cwd: repo }).toString()), rpm: rpmVersion };
  for (const [mode, pre] of [['default', []], ['lenient', ['--no-error-on-unparseable-spec']]]) {
    const target = join(base, `${name}-${mode}.spec`);
    const pd = call([...pre, 'process-distgit', spec, target]);
    const keep = (r) => (r.code === 0 ? { code: 0, stdout: r.stdout } : { code: r.code, stdout: r.stdout, stderr: r.stderr });
    out[mode] = {
      release: keep(call([...pre, 'calculate-release', '-c', spec])),
      releaseNumber: keep(call([...pre, 'calculate-release', '-n', spec])),
      changelog: keep(call([...pre, '--no-pager', 'generate-changelog', spec])),
      processDistgit: { ...keep(pd), spec: existsSync(target) ? readFileSync(target, 'utf8') : null },
    };
  }
  writeFileSync(join(DIR, `${name}.json`), JSON.stringify(out, null, 2) + '\n');
  console.log(`${name}: ${out.default.release.code === 0 ? out.default.release.stdout.trim() : out.default.release.stderr.trim()}`);
}
rmSync(base, { recursive: true, force: true });
