import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { checkParsed } from '../../server/src/core/check/check';
import { parseYaml, parseYamlFull } from '../../server/src/core/yaml/parse';
import { FIXTURES, read, REFERENCE } from './helpers';

/**
 * Well-formed documents take js-yaml's fast path; anything else the error-tolerant parser. Both
 * must give the same diagnostics, to the character, on every document both accept.
 */
const DIRS = [
  join(FIXTURES, 'differential'),
  join(REFERENCE, 'examples/modulemd-tests'),
  join(REFERENCE, 'examples/modulemd-spec'),
  join(REFERENCE, 'examples/overlay'),
];

describe('fast and full YAML parsers agree', () => {
  for (const dir of DIRS) {
    for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
      test(`${file}`, () => {
        const text = read(join(dir, file));
        const fast = parseYaml(text);
        const full = parseYamlFull(text);
        if (fast.parser === 'full') {
          // Declined: only allowed when the text has something the fast path leaves to the full parser.
          assert.ok(full.syntax.length > 0 || /[&*!]\S/.test(text), `${file} should take the fast path`);
          return;
        }
        assert.deepEqual(
          fast.documents.map((d) => d.value),
          full.documents.map((d) => d.value),
        );
        assert.deepEqual(checkParsed(file, fast).diagnostics, checkParsed(file, full).diagnostics);
      });
    }
  }

  test('syntax errors, duplicate keys and tabs go to the full parser', () => {
    for (const text of ['a: [1\n', 'a: 1\na: 2\n', 'a:\n\tb: 1\n', 'a: &x 1\nb: *x\n']) {
      assert.equal(parseYaml(text).parser, 'full', JSON.stringify(text));
    }
    assert.equal(parseYaml('a: 1\nb: [x, y]\n').parser, 'fast');
  });
});
