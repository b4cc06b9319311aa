import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { checkText } from '../../server/src/core/check/check';
import { aliasBomb, manyComponents, ROOT } from './helpers';

const HEAD = 'document: modulemd\nversion: 2\ndata:\n';

/** Hostile documents end in a diagnostic, never an exception; the test timeout bounds a hang. */
describe('hostile YAML', { timeout: 60_000 }, () => {
  test('10,000-deep flow nesting: a clear "nesting too deep" error, no crash', () => {
    const r = checkText('m.yaml', `${HEAD}  xmd: ${'['.repeat(10000)}${']'.repeat(10000)}\n`);
    assert.ok(r.diagnostics.some((d) => d.code === 'yaml.syntax' && /Nesting too deep/.test(d.message)), r.diagnostics.map((d) => d.message).join('; '));
  });

  test('3,000-deep block nesting: the same', () => {
    const text = HEAD + Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i + 2)}k${i}:`).join('\n') + ' x\n';
    const r = checkText('m.yaml', text);
    assert.ok(r.diagnostics.some((d) => /Nesting too deep/.test(d.message)));
  });

  test('an alias bomb is refused (the parser bounds alias expansion)', () => {
    const r = checkText('m.yaml', `${HEAD}  xmd:\n${aliasBomb()}`);
    assert.ok(r.diagnostics.some((d) => d.code === 'yaml.alias-limit'));
  });

  test('a 10 MB document is checked to the end', () => {
    const body = manyComponents();
    const text = `${HEAD}  summary: s\n  description: d\n  license:\n    module: [MIT]\n  components:\n    rpms:\n${body}  bogus: 1\n`;
    assert.ok(text.length > 10_000_000);
    const r = checkText('m.yaml', text);
    assert.deepEqual(r.diagnostics.map((d) => d.code), ['schema.unknown-key']);
    assert.equal(r.diagnostics[0].range.start.line, text.split('\n').length - 2, 'on the last line');
  });

  // The error-tolerant parser takes over on a syntax error; its duplicate-key check used to compare every
  // key with every earlier one (50 s here). The timeout bounds a regression to quadratic work.
  test('a broken 10 MB document: the syntax error and a duplicate key 60,000 entries later', { timeout: 30_000 }, () => {
    const body = manyComponents();
    const text = `${HEAD}  summary: s\n  description: d\n  license:\n    module: [MIT]\n  components:\n    rpms:\n${body}      c7:\n        rationale: again\n`;
    const r = checkText('m.yaml', text.replace('rationale: r', 'rationale: [r'));
    assert.deepEqual(r.diagnostics.map((d) => [d.code, d.range.start.line]), [
      ['yaml.syntax', 11],
      ['yaml.duplicate-key', text.split('\n').length - 3],
    ]);
  });

  test('a 5 MB single line is checked', () => {
    const r = checkText('m.yaml', `${HEAD}  summary: ${'x'.repeat(5_000_000)}\n  description: d\n  license: {module: [MIT]}\n  bogus: 1\n`);
    assert.deepEqual(r.diagnostics.map((d) => d.code), ['schema.unknown-key']);
  });

  test('binary content: a control-character error on the first one', () => {
    const r = checkText('m.yaml', `${HEAD}  summary: a\u0000b\n  description: d\n  license: {module: [MIT]}\n`);
    const d = r.diagnostics.find((x) => x.code === 'yaml.binary');
    assert.ok(d);
    assert.deepEqual(d.range.start, { line: 3, character: 12 });
  });

  test('invalid UTF-8 read by the CLI: a warning where the bytes were', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitoverlay-utf8-'));
    const file = join(dir, 'm.yaml');
    writeFileSync(file, Buffer.concat([Buffer.from(`${HEAD}  summary: caf`), Buffer.from([0xe9, 0x20]), Buffer.from('\n  description: d\n  license: {module: [MIT]}\n')]));
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/gitoverlay.js'), 'check', '--format', 'json', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const codes = (JSON.parse(r.stdout) as { files: { diagnostics: { code: string }[] }[] }).files[0].diagnostics.map((d) => d.code);
    assert.deepEqual(codes, ['yaml.invalid-utf8']);
  });

  test('a binary file that is not ours stays silent (no diagnostics for unrelated YAML)', () => {
    assert.deepEqual(checkText('blob.yaml', '\u0000\u0001\u0002garbage: [').diagnostics, []);
  });

  // Bounded memory: every hostile document is checked by the CLI in a V8 heap capped at 192 MB (an
  // unbounded expansion dies with "heap out of memory" and exit code 134 instead of exit code 1).
  test('each hostile document is checked within a 192 MB heap', { timeout: 120_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitoverlay-hostile-'));
    const body = manyComponents();
    const big = `${HEAD}  summary: s\n  description: d\n  license:\n    module: [MIT]\n  components:\n    rpms:\n${body}  bogus: 1\n`;
    const cases: [string, string, string][] = [
      ['10mb.yaml', big, 'schema.unknown-key'],
      ['10mb-broken.yaml', big.replace('rationale: r', 'rationale: [r'), 'yaml.syntax'],
      ['deep.yaml', `${HEAD}  xmd: ${'['.repeat(10000)}${']'.repeat(10000)}\n`, 'yaml.syntax'],
      ['bomb.yaml', `${HEAD}  xmd:\n${aliasBomb()}`, 'yaml.alias-limit'],
      ['line.yaml', `${HEAD}  summary: ${'x'.repeat(5_000_000)}\n  description: d\n  license: {module: [MIT]}\n  bogus: 1\n`, 'schema.unknown-key'],
    ];
    for (const [name, text, code] of cases) {
      writeFileSync(join(dir, name), text);
      const r = spawnSync(process.execPath, ['--max-old-space-size=192', join(ROOT, 'bin/gitoverlay.js'), 'check', '--format', 'json', join(dir, name)], { encoding: 'utf8', maxBuffer: 1 << 26 });
      assert.equal(r.status, 1, `${name}: exit ${r.status} ${r.signal ?? ''} ${r.stderr.slice(-300)}`);
      const codes = (JSON.parse(r.stdout) as { files: { diagnostics: { code: string }[] }[] }).files[0].diagnostics.map((d) => d.code);
      assert.ok(codes.includes(code), `${name}: ${codes.join(', ')}`);
    }
  });
});
