import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkText } from '../../server/src/core/check/check';
import type { Diagnostic } from '../../server/src/core/types';
import { at, codes, covered, diagnostics, errors, show, streamV2 } from './helpers';

/** A modulemd v2 stream with the data lines given (data starts on line 4). */
function stream(data: string): string {
  return `document: modulemd\nversion: 2\ndata:\n${data}`;
}

const NAME_STREAM = '  name: demo\n  stream: "1.0"\n';
const REQUIRED = '  summary: A demo module\n  description: A module used by the tests.\n  license:\n    module: [MIT]\n';

function sole(text: string, code: string, path = 'module.yaml'): Diagnostic {
  const all = diagnostics(text, path);
  assert.deepEqual(codes(all), [code], show(all).join('; '));
  return all[0];
}

function where(text: string, d: Diagnostic): string {
  return `${d.code}@${at(d)} [${covered(text, d)}]`;
}

describe('YAML-level positions', () => {
  test('a syntax error is reported on the offending token', () => {
    // Text after a quoted scalar.
    const quoted = stream(`${NAME_STREAM}  summary: "A demo" module\n  description: d\n  license:\n    module: [MIT]\n`);
    const d = sole(quoted, 'yaml.syntax');
    assert.equal(d.severity, 'error');
    assert.equal(where(quoted, d), 'yaml.syntax@6:21 [module]');
    // A stray closing bracket.
    const bracket = streamV2().replace('module: [MIT]', 'module: [MIT]]');
    const b = sole(bracket, 'yaml.syntax');
    assert.match(b.message, /flow-seq-end|\]/);
    assert.equal(where(bracket, b), 'yaml.syntax@9:18 []]');
    // A reserved character starting a plain value.
    const reserved = stream(`${NAME_STREAM}  summary: @demo\n  description: d\n  license:\n    module: [MIT]\n`);
    const r = sole(reserved, 'yaml.syntax');
    assert.match(r.message, /reserved character @/);
    assert.equal(at(r), '6:12');
  });

  test('a duplicate key is reported on the second occurrence, covering the key', () => {
    const text = stream(`${NAME_STREAM}${REQUIRED}  summary: A second summary\n`);
    const d = sole(text, 'yaml.duplicate-key');
    assert.equal(d.severity, 'warning'); // libmodulemd and PyYAML keep the last value
    assert.match(d.message, /Duplicate key/);
    assert.equal(at(d), '10:3');
    assert.equal(covered(text, d), 'summary');
  });

  test('a tab used as indentation is reported on the tab', () => {
    const text = streamV2().replace('    module: [MIT]', '\tmodule: [MIT]');
    const tabs = diagnostics(text).filter((d) => d.code === 'yaml.tab');
    assert.equal(tabs.length, 1, show(diagnostics(text)).join('; '));
    assert.equal(tabs[0].severity, 'error');
    assert.match(tabs[0].message, /Tabs are not allowed as indentation/);
    assert.equal(at(tabs[0]), '9:1');
    assert.equal(covered(text, tabs[0]), '\t');
  });

  test('an unknown tag is a YAML warning on the tag', () => {
    const text = stream(`${NAME_STREAM}  summary: !custom A demo module\n  description: d\n  license:\n    module: [MIT]\n`);
    const d = sole(text, 'yaml.warning');
    assert.equal(d.severity, 'warning');
    assert.match(d.message, /Unresolved tag: !custom/);
    assert.equal(where(text, d), 'yaml.warning@6:12 [!custom]');
  });

  test('an alias bomb in an overlay is refused once, not expanded', () => {
    const text = `aliases: &a [{name: x, url: "y"}, {name: x, url: "y"}, {name: x, url: "y"}, {name: x, url: "y"}, {name: x, url: "y"}]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
distgit: {prefix: x}
components: []
`;
    const d = sole(text, 'yaml.alias-limit', 'overlay.yml');
    assert.equal(d.severity, 'error');
    assert.match(d.message, /Document not checked: .*resource exhaustion/);
    assert.equal(at(d), '1:1');
  });

  test('an alias bomb in a modulemd file is refused too, not silently passed', () => {
    const text = `document: modulemd
version: 2
a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
data:
  name: demo
`;
    const result = checkText('module.yaml', text);
    assert.equal(result.family, 'modulemd');
    assert.deepEqual(codes(result.diagnostics), ['yaml.alias-limit']);
  });

  test('an alias to an anchor that does not exist is reported on the alias, not a silently passed file', () => {
    const text = stream(`${NAME_STREAM}  summary: *summary\n  description: d\n  license:\n    module: [MIT]\n`);
    const result = checkText('module.yaml', text);
    assert.equal(result.family, 'modulemd');
    const d = result.diagnostics.filter((x) => x.severity === 'error');
    assert.deepEqual(codes(d), ['yaml.unresolved-alias']);
    assert.equal(where(text, d[0]), 'yaml.unresolved-alias@6:12 [*summary]');
    assert.match(d[0].message, /summary/);
  });
});

describe('schema-level positions', () => {
  test('an unknown key covers exactly the key text and suggests the close key', () => {
    const text = streamV2('  profles:\n    default:\n      rpms: [bash]\n');
    const d = sole(text, 'schema.unknown-key');
    assert.equal(where(text, d), 'schema.unknown-key@10:3 [profles]');
    assert.match(d.message, /Unknown key 'profles'.*; did you mean 'profiles'\?/);
    assert.deepEqual(d.data, { key: 'profles', suggestion: 'profiles' });
  });

  test('a misspelt required key gives one diagnostic: the unknown key, suggesting the required one', () => {
    const text = stream(`${NAME_STREAM}  summary: s\n  descripton: d\n  license:\n    module: [MIT]\n`);
    const d = sole(text, 'schema.unknown-key');
    assert.equal(where(text, d), 'schema.unknown-key@7:3 [descripton]');
    assert.match(d.message, /did you mean 'description'/);
  });

  test('a value of the wrong type is reported on the value (license: MIT)', () => {
    const text = stream(`${NAME_STREAM}  summary: s\n  description: d\n  license: MIT\n`);
    const d = sole(text, 'schema.type');
    assert.equal(where(text, d), 'schema.type@8:12 [MIT]');
    assert.match(d.message, /'license' must be a mapping, not a string/);
  });

  test("a missing required key is reported on the parent's key, naming what is missing", () => {
    const text = stream(`${NAME_STREAM}  description: d\n  license:\n    module: [MIT]\n`);
    const d = sole(text, 'schema.required');
    assert.equal(where(text, d), 'schema.required@3:1 [data]');
    assert.equal(d.message, "'data' is missing the required key 'summary'");
    assert.deepEqual(d.data, { missing: 'summary' });
  });

  test('static_context: yes is not a boolean for libmodulemd, reported on yes', () => {
    const text = streamV2('  static_context: yes\n');
    const d = sole(text, 'schema.boolean');
    assert.equal(where(text, d), 'schema.boolean@10:19 [yes]');
    assert.match(d.message, /'static_context' must be true or false .*not yes/);
  });

  test('buildorder: 12abc is not an integer, reported on the value', () => {
    const text = streamV2('  components:\n    rpms:\n      foo:\n        rationale: x\n        buildorder: 12abc\n');
    const d = sole(text, 'schema.integer');
    assert.equal(where(text, d), 'schema.integer@14:21 [12abc]');
    assert.match(d.message, /'buildorder' is not a valid integer: 12abc/);
  });

  test('a quoted integer (version: "20180101") is accepted, as libmodulemd reads the text', () => {
    assert.deepEqual(show(diagnostics(streamV2('  version: "20180101"\n'))), []);
    assert.deepEqual(show(diagnostics(streamV2('  version: 20180101\n'))), []);
  });

  test('a quoted negative buildorder (int64, buildorder: "-3") is accepted, as libmodulemd reads the text', () => {
    // modulemd-validator: "validated successfully".
    const text = streamV2('  components:\n    rpms:\n      foo:\n        rationale: x\n        buildorder: "-3"\n');
    assert.deepEqual(show(diagnostics(text)), []);
  });

  test('stream: 1.10 warns that PyYAML reads 1.1, on 1.10; stream: 8 is fine', () => {
    const text = stream(`  name: demo\n  stream: 1.10\n${REQUIRED}`);
    const d = sole(text, 'yaml.numeric-string');
    assert.equal(d.severity, 'warning');
    assert.equal(where(text, d), 'yaml.numeric-string@5:11 [1.10]');
    assert.equal(d.data?.replacement, '"1.10"');
    assert.deepEqual(show(diagnostics(stream(`  name: demo\n  stream: 8\n${REQUIRED}`))), []);
  });

  test('one defect, one diagnostic: components: {rpms: 5} gives exactly one error', () => {
    const text = streamV2('  components: {rpms: 5}\n');
    const all = diagnostics(text);
    assert.deepEqual(show(all).length, 1, show(all).join('; '));
    assert.equal(where(text, all[0]), 'schema.type@10:22 [5]');
    assert.match(all[0].message, /'rpms' must be a mapping, not a number/);
  });
});

describe('positions across documents, line endings and characters', () => {
  test('in a multi-document stream where only document 2 is bad, only document 2 lines are reported', () => {
    const good = `document: modulemd-defaults\nversion: 1\ndata:\n  module: nodejs\n  stream: "18"\n`;
    const bad = `document: modulemd-defaults\nversion: 1\ndata:\n  module: meson\n  stream: latest\n  profiles:\n    latest: default\n  modifed: 202301010000\n`;
    const text = `${good}---\n${bad}`;
    const all = diagnostics(text);
    assert.deepEqual(
      all.map((d) => where(text, d)),
      ['modulemd.scalar-list@13:13 [default]', 'schema.unknown-key@14:3 [modifed]'],
    );
    for (const d of all) assert.ok(d.range.start.line >= 6, `${d.message} outside document 2`);
    // The same bad document first: the same diagnostics, 6 lines up.
    const first = diagnostics(`${bad}---\n${good}`);
    assert.deepEqual(
      first.map((d) => `${d.code}@${d.range.start.line + 1 + 6}:${d.range.start.character + 1}`),
      ['modulemd.scalar-list@13:13', 'schema.unknown-key@14:3'],
    );
  });

  test('CRLF line endings give the same lines and columns as LF', () => {
    const texts = [
      stream(`  name: demo\n  stream: 1.10\n  summary: s\n  description: d\n  license: MIT\n`),
      streamV2('  profles: {}\n  static_context: yes\n'),
      stream(`${NAME_STREAM}  summary: "A demo" module\n  description: d\n  license:\n    module: [MIT]\n`),
      stream(`${NAME_STREAM}${REQUIRED}  summary: again\n`),
    ];
    for (const lf of texts) {
      const crlf = lf.replace(/\n/g, '\r\n');
      const a = diagnostics(lf);
      const b = diagnostics(crlf);
      assert.ok(a.length > 0);
      assert.deepEqual(
        b.map((d) => ({ code: d.code, range: d.range })),
        a.map((d) => ({ code: d.code, range: d.range })),
        JSON.stringify(lf),
      );
    }
  });

  test('columns count UTF-16 code units: multi-byte characters before the defect on the same line', () => {
    const fancy = 'Ünïcödé \u{1F389}'.normalize('NFC');
    const text = `document: modulemd\nversion: 2\ndata: {name: demo, stream: "1.0", summary: ${fancy}, description: d, license: {module: [MIT]}, static_context: yes}\n`;
    const d = sole(text, 'schema.boolean');
    const line = text.split('\n')[2];
    const utf16 = line.indexOf('static_context: yes') + 'static_context: '.length;
    assert.equal(d.range.start.line, 2);
    assert.equal(d.range.start.character, utf16);
    assert.equal(d.range.end.character, utf16 + 3);
    assert.equal(at(d), '3:114');
    // Not code points (the emoji is two UTF-16 units) and not UTF-8 bytes.
    assert.equal([...line.slice(0, utf16)].length, utf16 - 1);
    assert.notEqual(Buffer.byteLength(line.slice(0, utf16)), utf16);
    assert.equal(covered(text, d), 'yes');
  });

  test('only errors in document 2: the first document stays clean', () => {
    const text = `${streamV2()}---\n${streamV2('  static_context: true\n  context: my-ctx\n')}`;
    const errs = errors(text);
    assert.deepEqual(
      errs.map((d) => where(text, d)),
      ['modulemd.static-context@21:12 [my-ctx]'],
    );
  });
});

describe('the remaining schema codes, each on its value', () => {
  test('an empty module license list is refused (schema.min-items)', () => {
    const text = streamV2().replace('module: [MIT]', 'module: []');
    const d = sole(text, 'schema.min-items');
    assert.equal(where(text, d), 'schema.min-items@9:13 [[]]');
    assert.match(d.message, /'module' must list at least 1 entry/);
  });

  test('a packager v3 configuration requiring two streams of one module is refused (schema.max-items)', () => {
    const text = `document: modulemd-packager
version: 3
data:
  name: nodejs
  stream: "20"
  summary: Javascript runtime
  description: Node.js built for Fedora 38.
  license: [MIT]
  configurations:
    - context: CTX1
      platform: f38
      buildrequires:
        nodejs: ["18", "20"]
`;
    const d = sole(text, 'schema.max-items');
    assert.equal(where(text, d), 'schema.max-items@13:17 [["18", "20"]]');
    assert.match(d.message, /'nodejs' must specify a single entry/);
    assert.deepEqual(show(diagnostics(text.replace('["18", "20"]', '["18"]'))), []);
  });

  test('a negative rpm epoch is refused on the value (schema.range)', () => {
    const text = streamV2(`  artifacts:
    rpm-map:
      sigmd5:
        5c2b5ad0c0bd31a3e2ab09e8d3a7e1f1:
          name: python-six
          epoch: -1
          version: 1.16.0
          release: 1.fc38
          arch: noarch
          nevra: python-six--1:1.16.0-1.fc38.noarch
`);
    const d = diagnostics(text).filter((x) => x.code === 'schema.range');
    assert.equal(d.length, 1, show(diagnostics(text)).join('; '));
    assert.equal(where(text, d[0]), 'schema.range@15:18 [-1]');
    assert.match(d[0].message, /'epoch' must not be negative/);
  });

  test('a negative module version gets one error on the value, not two', () => {
    const text = streamV2('  version: -1\n');
    const all = diagnostics(text);
    assert.equal(all.length, 1, show(all).join('; '));
    assert.equal(covered(text, all[0]), '-1');
    assert.equal(at(all[0]), '10:12');
    assert.match(all[0].message, /negative|does not fit/);
    assert.deepEqual(show(diagnostics(streamV2('  version: 0\n'))), []);
  });
});
