import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { REFERENCE, ROOT, streamV2 } from './helpers';

const BIN = join(ROOT, 'bin/gitoverlay.js');

function cli(args: string[], cwd = ROOT): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'gitoverlay-cli-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const BAD = streamV2('  bogus: 1\n');
const GOOD = streamV2();

describe('gitoverlay check (CLI)', () => {
  test('text format: file:line:col: severity: message [code], exit 1 on errors', () => {
    const dir = workspace({ 'bad.yaml': BAD });
    const r = cli(['check', 'bad.yaml'], dir);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "bad.yaml:10:3: error: Unknown key 'bogus' in 'data' [schema.unknown-key]\n");
    assert.match(r.stderr, /1 file checked: 1 error, 0 warnings/);
  });

  test('exit 0 on a clean file, warnings do not fail the run', () => {
    const dir = workspace({ 'ok.yaml': GOOD, 'warn.yaml': streamV2().replace('stream: "1.0"', 'stream: 1.10') });
    const r = cli(['check', '.'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^warn\.yaml:5:11: warning: 'stream' is written as 1\.10/);
  });

  test('directories are walked; unrelated YAML files are not reported', () => {
    const dir = workspace({
      'mods/a.yaml': BAD,
      'overlay/overlay.yml': 'distgit: {prefix: fedorapkgs}\ncomponents: []\naliases: [{name: fedorapkgs, url: "https://src.example.org/"}]\n',
      '.github/workflows/ci.yml': 'on: [push]\njobs: {build: {runs-on: ubuntu-latest}}\n',
      'compose.yaml': 'services:\n  web: [unclosed\n',
    });
    const r = cli(['check', '--format', 'json', '.'], dir);
    assert.equal(r.code, 1);
    const json = JSON.parse(r.stdout) as { files: { path: string; diagnostics: unknown[] }[] };
    assert.deepEqual(json.files.map((f) => f.path).sort(), ['mods/a.yaml', 'overlay/overlay.yml']);
  });

  test('json format: 0-based ranges, severity, code, source, message', () => {
    const dir = workspace({ 'bad.yaml': BAD });
    const r = cli(['check', '--format', 'json', 'bad.yaml'], dir);
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.stdout), {
      files: [
        {
          path: 'bad.yaml',
          diagnostics: [
            {
              range: { start: { line: 9, character: 2 }, end: { line: 9, character: 7 } },
              severity: 'error',
              code: 'schema.unknown-key',
              source: 'gitoverlay',
              message: "Unknown key 'bogus' in 'data'",
            },
          ],
        },
      ],
    });
  });

  test('sarif format: SARIF 2.1.0 with rules, 1-based regions and levels', () => {
    const dir = workspace({ 'bad.yaml': BAD });
    const r = cli(['check', '--format=sarif', 'bad.yaml'], dir);
    assert.equal(r.code, 1);
    const sarif = JSON.parse(r.stdout);
    assert.equal(sarif.version, '2.1.0');
    const run = sarif.runs[0];
    assert.equal(run.tool.driver.name, 'gitoverlay');
    assert.deepEqual(run.tool.driver.rules.map((x: { id: string }) => x.id), ['schema.unknown-key']);
    assert.equal(run.results.length, 1);
    const res = run.results[0];
    assert.equal(res.ruleId, 'schema.unknown-key');
    assert.equal(res.level, 'error');
    assert.deepEqual(res.locations[0].physicalLocation.region, { startLine: 10, startColumn: 3, endLine: 10, endColumn: 8 });
    assert.equal(res.locations[0].physicalLocation.artifactLocation.uri, 'bad.yaml');
  });

  test('usage errors exit 2 with a message and no stack trace', () => {
    for (const args of [['check'], ['check', '--format', 'xml', 'x.yaml'], ['check', '--bogus', 'x'], ['frobnicate'], []]) {
      const r = cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /gitoverlay|usage/);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  test('unreadable input exits 2 with the path named', () => {
    const r = cli(['check', '/nonexistent/overlay.yml']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot read \/nonexistent\/overlay\.yml: no such file or directory/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  test('the reference overlays and spec files check without errors', () => {
    const r = cli(['check', join(REFERENCE, 'examples/overlay'), join(REFERENCE, 'examples/modulemd-spec')]);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stderr, /10 files checked: 0 errors/);
  });
});
