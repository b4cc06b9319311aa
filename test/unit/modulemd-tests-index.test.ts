import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { checkFragment, type FragmentKind } from '../../server/src/core/check/fragment';
import { checkText } from '../../server/src/core/check/check';
import { parseYaml } from '../../server/src/core/yaml/parse';
import { at, read, REFERENCE } from './helpers';

const DIR = join(REFERENCE, 'examples/modulemd-tests');

/** The verdicts INDEX.md gives: file → valid/invalid, read from its two tables. */
function indexVerdicts(): Map<string, 'valid' | 'invalid'> {
  const text = read(join(DIR, 'INDEX.md'));
  const verdicts = new Map<string, 'valid' | 'invalid'>();
  let section: 'valid' | 'invalid' | null = null;
  for (const line of text.split('\n')) {
    if (/^## Valid/.test(line)) section = 'valid';
    else if (/^## Invalid/.test(line)) section = 'invalid';
    const m = /^\| ([\w.+-]+\.yaml)(?: \+ ([\w.+-]+\.yaml))? \|/.exec(line);
    if (m && section) {
      verdicts.set(m[1], section);
      if (m[2]) verdicts.set(m[2], section);
    }
  }
  return verdicts;
}

function fragmentKind(file: string): FragmentKind | null {
  if (file.startsWith('buildconfig__')) return 'buildconfig';
  if (file.startsWith('rpm-map__')) return 'rpm-map-entry';
  if (file === 'mismatched-deps.yaml') return 'dependencies';
  return null;
}

/** Where each invalid document's defect is expected: code and 1-based line:col. */
const EXPECTED: Record<string, { code: string; at: string } | { code: string; at: string }[]> = {
  'bad_stream_v2.yaml': { code: 'modulemd.static-context', at: '13:12' },
  'bad_packager_v3.yaml': { code: 'schema.pattern', at: '12:16' },
  'bad_packager_v2.yaml': { code: 'schema.required', at: '4:1' },
  'invalid_obsoletes_v1.yaml': { code: 'schema.required', at: '4:1' },
  // Two defects: the bad integer, and `translations:` without a mapping (libmodulemd stops at the first).
  'bad_translations_v1.yaml': [
    { code: 'schema.integer', at: '6:15' },
    { code: 'schema.empty', at: '7:5' },
  ],
  'invalid_defaults.yaml': { code: 'schema.integer', at: '5:15' },
  'buildafter__both_same_component_v2.yaml': { code: 'modulemd.buildorder-buildafter-component', at: '55:9' },
  'buildafter__mixed_buildorder_v2.yaml': { code: 'modulemd.buildorder-buildafter-stream', at: '58:9' },
  'buildafter__invalid_key_v2.yaml': { code: 'modulemd.buildafter-unknown', at: '59:11' },
  'buildarches__bad_combo_arches_v2.yaml': { code: 'modulemd.component-arch', at: '51:18' },
  'buildconfig__long_context.yaml': { code: 'schema.pattern', at: '2:10' },
  'buildconfig__nonalphanum_context.yaml': { code: 'schema.pattern', at: '2:10' },
  'buildconfig__no_platform.yaml': { code: 'schema.required', at: '2:1' },
  'buildconfig__unknown_key.yaml': { code: 'schema.unknown-key', at: '4:1' },
  'rpm-map__wrong-nevra.yaml': { code: 'modulemd.rpm-map-nevra', at: '7:8' },
  'rpm-map__missing-version.yaml': { code: 'schema.required', at: '2:1' },
  'mismatched-deps.yaml': { code: 'modulemd.mixed-streams', at: '3:15' },
};

describe('libmodulemd test documents get the verdict INDEX.md gives', () => {
  const verdicts = indexVerdicts();
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));

  test('INDEX.md lists every test document', () => {
    assert.deepEqual([...verdicts.keys()].sort(), files.sort());
  });

  for (const file of files) {
    if (file === 'good_and_bad.yaml' || file.startsWith('bad_defaults__meson')) continue;
    const verdict = verdicts.get(file);
    test(`${file} is ${verdict}`, () => {
      const text = read(join(DIR, file));
      const kind = fragmentKind(file);
      const found = kind ? checkFragment(kind, text) : checkText(join(DIR, file), text).diagnostics;
      const errs = found.filter((d) => d.severity === 'error');
      if (verdict === 'valid') {
        assert.deepEqual(errs, [], `unexpected errors in ${file}`);
      } else {
        assert.ok(errs.length > 0, `${file} must be reported`);
        const want = EXPECTED[file];
        assert.ok(want, `no expectation for ${file}`);
        assert.deepEqual(
          errs.map((d) => `${d.code}@${at(d)}`),
          (Array.isArray(want) ? want : [want]).map((w) => `${w.code}@${w.at}`),
          `${file}: one clear error at the defect`,
        );
      }
    });
  }

  test('good_and_bad.yaml: the two nodejs streams pass, the third document (version 3000) fails on its own lines', () => {
    const text = read(join(DIR, 'good_and_bad.yaml'));
    const parsed = parseYaml(text);
    const third = parsed.documents[2];
    const thirdLine = parsed.lines.positionAt(third.start).line;
    const result = checkText('good_and_bad.yaml', text);
    assert.equal(result.documents.length, 3);
    assert.deepEqual(
      result.documents.map((d) => d.kind?.schema ?? null),
      ['modulemd-stream-v2', 'modulemd-stream-v2', null],
    );
    const errs = result.diagnostics.filter((d) => d.severity === 'error');
    assert.ok(errs.length > 0);
    for (const e of errs) assert.ok(e.range.start.line >= thirdLine - 1, `error ${e.message} outside document 3`);
    assert.ok(errs.some((e) => e.code === 'modulemd.version-unsupported' && at(e) === '177:10'));
  });

  test('bad_defaults__meson + -2: each valid alone, conflicting default streams together', () => {
    const a = read(join(DIR, 'bad_defaults__meson.yaml'));
    const b = read(join(DIR, 'bad_defaults__meson-2.yaml'));
    assert.deepEqual(checkText('a.yaml', a).diagnostics.filter((d) => d.severity === 'error'), []);
    assert.deepEqual(checkText('b.yaml', b).diagnostics.filter((d) => d.severity === 'error'), []);
    const joined = `${a.replace(/\n?\.\.\.\s*$/, '')}\n---\n${b.replace(/^---\n/, '')}`;
    const errs = checkText('defaults.yaml', joined).diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errs.map((d) => d.code), ['modulemd.defaults-conflict']);
    assert.match(errs[0].message, /Default stream mismatch in module meson: 'latest' and 'old'/);
  });
});
