import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { checkText } from '../../server/src/core/check/check';
import { FIXTURES, read } from './helpers';

interface Case {
  file: string;
  validatorArgs: string[];
  validatorVerdict: 'valid' | 'invalid';
  expected: 'valid' | 'invalid';
  stricter: boolean;
  defect: string;
  defectLine: number | null;
}

const DIR = join(FIXTURES, 'differential');
const cases = JSON.parse(read(join(DIR, 'manifest.json'))) as Case[];

function validator(file: string, args: string[]): 'valid' | 'invalid' {
  const r = spawnSync('modulemd-validator', [...args, file], { encoding: 'utf8' });
  if (r.error) throw new Error(`modulemd-validator could not run (apt-get install libmodulemd-tools): ${r.error.message}`);
  return r.status === 0 ? 'valid' : 'invalid';
}

describe("gitoverlay check agrees with Debian's modulemd-validator", () => {
  test('the corpus has at least 40 documents, valid ones and one-defect mutations', () => {
    assert.ok(cases.length >= 40);
    assert.ok(cases.filter((c) => c.expected === 'valid').length >= 10);
    assert.ok(cases.filter((c) => c.expected === 'invalid').length >= 30);
  });

  for (const c of cases) {
    test(`${c.file}: ${c.defect}`, () => {
      const path = join(DIR, c.file);
      const theirs = validator(path, c.validatorArgs);
      assert.equal(theirs, c.validatorVerdict, 'modulemd-validator changed its verdict');
      const errs = checkText(path, read(path)).diagnostics.filter((d) => d.severity === 'error');
      const ours = errs.length > 0 ? 'invalid' : 'valid';
      if (c.stricter) {
        // Documented stricter rule: libmodulemd accepts it, builds fail on it.
        assert.equal(theirs, 'valid');
        assert.equal(ours, 'invalid', 'gitoverlay must report what libmodulemd misses');
      } else {
        assert.equal(ours, theirs, errs.map((d) => `${d.range.start.line + 1}: ${d.message}`).join('\n'));
      }
      if (c.defectLine !== null) {
        assert.ok(
          errs.some((d) => d.range.start.line + 1 === c.defectLine),
          `an error on line ${c.defectLine}; got ${errs.map((d) => `${d.range.start.line + 1}: ${d.message}`).join('; ')}`,
        );
      }
    });
  }
});
