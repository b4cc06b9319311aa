import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { checkText } from '../../server/src/core/check/check';
import { codeActions } from '../../server/src/core/features/code-actions';
import { parseYaml } from '../../server/src/core/yaml/parse';
import type { Diagnostic } from '../../server/src/core/types';
import { at, covered, show, streamV2 } from './helpers';

/**
 * Each class of document libmodulemd reads differently from a JSON Schema, judged live by
 * modulemd-validator and by gitoverlay: the same verdict, and what gitoverlay adds as a warning.
 */
const dir = mkdtempSync(join(tmpdir(), 'gitoverlay-parity-'));
let n = 0;

function validator(text: string, type?: string): 'valid' | 'invalid' {
  const file = join(dir, `doc-${n++}.yaml`);
  writeFileSync(file, text);
  const r = spawnSync('modulemd-validator', [...(type ? ['--type', type] : []), file], { encoding: 'utf8' });
  if (r.error) throw new Error(`modulemd-validator could not run (apt-get install libmodulemd-tools): ${r.error.message}`);
  return r.status === 0 ? 'valid' : 'invalid';
}

function ours(text: string): { verdict: 'valid' | 'invalid'; all: Diagnostic[] } {
  const all = checkText('module.yaml', text).diagnostics;
  return { verdict: all.some((d) => d.severity === 'error') ? 'invalid' : 'valid', all };
}

/** Both tools agree; returns gitoverlay's diagnostics. */
function agree(text: string, expected: 'valid' | 'invalid', type?: string): Diagnostic[] {
  assert.equal(validator(text, type), expected, 'modulemd-validator changed its verdict');
  const o = ours(text);
  assert.equal(o.verdict, expected, show(o.all).join('\n'));
  return o.all;
}

function applyFix(text: string, d: Diagnostic): string {
  const actions = codeActions(parseYaml(text), null, [d]);
  assert.equal(actions.length, 1, `one quick fix for ${d.code}`);
  const lines = text.split('\n');
  const [edit] = actions[0].edits;
  assert.equal(edit.range.start.line, edit.range.end.line);
  const l = lines[edit.range.start.line];
  lines[edit.range.start.line] = l.slice(0, edit.range.start.character) + edit.newText + l.slice(edit.range.end.character);
  return lines.join('\n');
}

const DEPS = (platform: string) => streamV2(`  dependencies:\n    - buildrequires:\n        platform: ${platform}\n      requires:\n        platform: [el8]\n`);

describe('a scalar where libmodulemd expects a list is a one-item list', () => {
  test('platform: el8 under dependencies: valid for both, a warning with a quick fix writing [el8]', () => {
    const text = DEPS('el8');
    const all = agree(text, 'valid');
    assert.deepEqual(all.map((d) => `${d.code}@${at(d)}`), ['modulemd.scalar-list@12:19']);
    assert.equal(all[0].severity, 'warning');
    assert.equal(covered(text, all[0]), 'el8');
    assert.match(all[0].message, /'platform' is a single value where a list is expected; libmodulemd reads it as the one-item list \[el8\]/);
    const fixed = applyFix(text, all[0]);
    assert.ok(fixed.includes('platform: [el8]'));
    assert.deepEqual(agree(fixed, 'valid'), []);
  });

  test("a v1 profile's rpms: foo, and a numeric platform stream keeps its text (8.10, not 8.1)", () => {
    const v1 = `document: modulemd\nversion: 1\ndata:\n  summary: s\n  description: d\n  license:\n    module: [MIT]\n  profiles:\n    default:\n      rpms: foo\n`;
    const all = agree(v1, 'valid');
    assert.deepEqual(all.filter((d) => d.code !== 'modulemd.v1-deprecated').map((d) => `${d.code}@${at(d)}`), ['modulemd.scalar-list@10:13']);
    const numeric = agree(DEPS('8.10'), 'valid').find((d) => d.code === 'modulemd.scalar-list');
    assert.equal(numeric?.data?.replacement, '[8.10]');
  });

  test('a mapping where a list is expected is still refused by both', () => {
    const all = agree(DEPS('{a: b}'), 'invalid');
    assert.deepEqual(all.map((d) => d.code), ['schema.type']);
  });
});

describe('an empty value is an empty string to libmodulemd', () => {
  test('summary: with no value: valid for both, one warning on the key', () => {
    const text = streamV2().replace('summary: A demo module', 'summary:');
    const all = agree(text, 'valid');
    assert.deepEqual(all.map((d) => `${d.code}@${at(d)} ${d.severity}`), ['modulemd.empty-value@6:3 warning']);
    assert.equal(all[0].code, 'modulemd.empty-value');
    assert.match(all[0].message, /'summary' has no value; libmodulemd reads it as an empty string/);
  });

  test('an empty rpms: in a packager v3 profile: valid with --type modulemd-packager-v3, a warning', () => {
    const text = `document: modulemd-packager\nversion: 3\ndata:\n  name: foo\n  stream: latest\n  summary: s\n  description: d\n  license: [MIT]\n  configurations:\n    - context: CTX1\n      platform: f32\n  profiles:\n    default:\n      rpms:\n`;
    const all = agree(text, 'valid', 'modulemd-packager-v3');
    assert.deepEqual(all.map((d) => `${d.code}@${at(d)}`), ['modulemd.empty-value@14:7']);
    assert.match(all[0].message, /a list with one empty entry/);
  });

  test('an empty mapping, integer or boolean is refused by both, as schema.empty / schema.integer / schema.boolean errors', () => {
    assert.deepEqual(agree(streamV2('  profiles:\n'), 'invalid').map((d) => d.code), ['schema.empty']);
    assert.deepEqual(agree(streamV2('  version:\n'), 'invalid').map((d) => d.code), ['schema.integer']);
    assert.deepEqual(agree(streamV2('  static_context:\n'), 'invalid').map((d) => d.code), ['schema.boolean']);
  });

  test('xmd is a variant to libmodulemd: empty or a scalar is valid, a list is not', () => {
    assert.deepEqual(agree(streamV2('  xmd:\n'), 'valid'), []);
    assert.deepEqual(agree(streamV2('  xmd: some text\n'), 'valid'), []);
    agree(streamV2('  xmd: [a, b]\n'), 'invalid');
  });
});

describe('keys libmodulemd does not require but a later step does are warnings', () => {
  const V3 = `document: modulemd-packager\nversion: 3\ndata:\n  name: foo\n  stream: latest\n  license: [MIT]\n  configurations:\n    - context: CTX1\n      platform: f32\n`;
  test('packager v3 without summary and description: valid with --type, two schema.required-later warnings naming the conversion error', () => {
    const all = agree(V3, 'valid', 'modulemd-packager-v3');
    assert.deepEqual(all.map((d) => `${d.code}@${at(d)} ${d.severity}`), ['schema.required-later@3:1 warning', 'schema.required-later@3:1 warning']);
    assert.match(all[0].message, /'data' has no 'summary': modulemd-validator accepts that, but converting it into module streams, as a module build does, fails with libmodulemd's "Summary is missing"/);
    assert.match(all[1].message, /"Description is missing"/);
  });

  test('the quick fix inserts the missing summary, and the warning goes', () => {
    const d = ours(V3).all[0];
    const actions = codeActions(parseYaml(V3), checkText('module.yaml', V3), [d]);
    assert.ok(actions.length >= 1);
    assert.match(actions[0].title, /summary/);
  });

  test('packager v3 without configurations: valid, a warning', () => {
    const text = `document: modulemd-packager\nversion: 3\ndata:\n  name: foo\n  stream: latest\n  summary: s\n  description: d\n`;
    const all = agree(text, 'valid', 'modulemd-packager-v3');
    assert.deepEqual(all.map((d) => d.code), ['schema.required-later']);
    assert.match(all[0].message, /no build configurations cannot be converted to stream/);
  });
});

describe('integer fields are read from their text, quoted or not', () => {
  const withBuildorder = (v: string) => streamV2(`  components:\n    rpms:\n      bar:\n        rationale: r\n        buildorder: ${v}\n`);
  test("a quoted out-of-range buildorder ('18446744073709551615') is refused by both, on its value", () => {
    const text = withBuildorder("'18446744073709551615'");
    const all = agree(text, 'invalid');
    assert.deepEqual(all.map((d) => `${d.code}@${at(d)}`), ['modulemd.integer-text@14:21']);
    assert.match(all[0].message, /'buildorder' 18446744073709551615 does not fit in a signed 64-bit integer/);
  });

  test("a quoted out-of-range version ('18446744073709551616') is refused; the uint64 maximum is not", () => {
    assert.deepEqual(agree(streamV2("  version: '18446744073709551616'\n"), 'invalid').map((d) => d.code), ['modulemd.integer-text']);
    assert.deepEqual(agree(streamV2("  version: '18446744073709551615'\n"), 'valid'), []);
  });

  test("' 5' and '+5' are integers to strtoll, '5 ' and '0x10' are not", () => {
    assert.deepEqual(agree(withBuildorder("' 5'"), 'valid'), []);
    assert.deepEqual(agree(withBuildorder("'+5'"), 'valid'), []);
    assert.deepEqual(agree(streamV2('  version: +5\n'), 'valid'), []);
    assert.deepEqual(agree(withBuildorder("'5 '"), 'invalid').map((d) => d.code), ['schema.integer']);
    assert.deepEqual(agree(withBuildorder('0x10'), 'invalid').map((d) => d.code), ['modulemd.integer-text']);
  });
});

describe('messages that name the defect, once', () => {
  test("data: with no value says it is empty (not 'add data:'), on the key", () => {
    const all = agree('document: modulemd\nversion: 2\ndata:\n', 'invalid');
    assert.deepEqual(all.map((d) => `${d.code}@${at(d)}`), ['modulemd.data-missing@3:1']);
    assert.match(all[0].message, /'data' is empty: the document's content goes under it/);
  });

  test("a misspelt envelope key (documenl:) gets did-you-mean 'document', with the rename as quick fix", () => {
    const text = 'documenl: modulemd\nversion: 2\ndata:\n  name: x\n';
    const all = agree(text, 'invalid');
    assert.deepEqual(all.map((d) => `${d.code}@${at(d)}`), ['schema.unknown-key@1:1']);
    assert.match(all[0].message, /Unknown key 'documenl'; did you mean 'document'\?/);
    assert.ok(applyFix(text, all[0]).startsWith('document: modulemd'));
  });

  test('a bare * is one syntax error, not also an unresolved alias', () => {
    const all = agree(streamV2().replace('stream: "1.0"', 'stream: *'), 'invalid');
    assert.deepEqual(all.map((d) => d.code), ['yaml.syntax']);
  });

  test('a value of the wrong type that is also outside an enum is one diagnostic (the type)', () => {
    const overlay = 'aliases: []\ndistgit:\n  prefix: https://src.fedoraproject.org/rpms/\nroot:\n  mock: fedora-41-$arch\ncomponents:\n  - distgit:\n      name: x\n      patches: [keep]\n';
    const all = checkText('overlay.yml', overlay).diagnostics;
    assert.deepEqual(all.map((d) => d.code), ['schema.type']);
  });

  test('a duplicate key is a warning: libmodulemd keeps the last value and accepts the file', () => {
    const all = agree(streamV2().replace('  description:', '  summary: again\n  description:'), 'valid');
    assert.deepEqual(all.map((d) => `${d.code} ${d.severity}`), ['yaml.duplicate-key warning']);
  });

  test('an impossible obsoletes date is a warning: libmodulemd accepts 2020-02-30T00:00Z', () => {
    const text = 'document: modulemd-obsoletes\nversion: 1\ndata:\n  modified: 2020-02-30T00:00Z\n  module: nodejs\n  stream: "8"\n  message: gone\n';
    const all = agree(text, 'valid');
    assert.deepEqual(all.map((d) => `${d.code} ${d.severity}`), ['modulemd.obsoletes-date warning']);
    // Bare digits are not a date at all: refused by both.
    agree(text.replace('2020-02-30T00:00Z', '201709270000'), 'invalid');
  });
});

describe('file-level verdicts', () => {
  test('a packager document among other documents: libmodulemd ignores it in a module index, refused by both', () => {
    const packager = 'document: modulemd-packager\nversion: 3\ndata:\n  name: foo\n  stream: latest\n  summary: s\n  description: d\n  configurations:\n    - context: CTX1\n      platform: f32\n';
    const all = agree(`${streamV2()}---\n${packager}`, 'invalid');
    assert.deepEqual(all.map((d) => d.code), ['modulemd.packager-in-index']);
    assert.equal(all[0].range.start.line, 10, 'on the packager document');
    // Alone, with --type, the same document is valid.
    assert.deepEqual(agree(packager, 'valid', 'modulemd-packager-v3'), []);
  });

  test('an empty overlay.yml is refused (rdgo: TypeError on None)', () => {
    const all = checkText('overlay.yml', '# nothing yet\n').diagnostics;
    assert.deepEqual(all.map((d) => `${d.code} ${d.severity}`), ['overlay.empty error']);
    assert.equal(all[0].code, 'overlay.empty');
  });
});
