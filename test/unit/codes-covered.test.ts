import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CODES } from '../../server/src/core/codes';
import { read, ROOT } from './helpers';

const UNIT = join(ROOT, 'test/unit');
const SELF = 'codes-covered.test.ts';

/**
 * Codes no test can provoke, each with the reason. Keep this list short: a code here is a code
 * whose behaviour nobody checks.
 */
const UNTESTABLE: Record<string, string> = {
  // errors.ts maps ajv's minLength, but no schema in schemas/ uses minLength.
  'schema.length': 'no schema has a minLength constraint',
};

/** The test sources (this guard excluded: naming a code here proves nothing). */
function sources(): string[] {
  return readdirSync(UNIT)
    .filter((f) => f.endsWith('.ts') && f !== SELF)
    .map((f) => read(join(UNIT, f)));
}

/** Is `code` written as a string literal ('code', "code" or `code`) in some test source? */
function named(code: string, texts: string[]): boolean {
  return texts.some((t) => [`'${code}'`, `"${code}"`, `\`${code}\``].some((q) => t.includes(q)));
}

test('every diagnostic code in CODES is named by at least one unit test', () => {
  const texts = sources();
  const missing = Object.keys(CODES).filter((code) => !named(code, texts) && !(code in UNTESTABLE));
  assert.deepEqual(missing, [], `codes no test names (add a test that provokes them): ${missing.join(', ')}`);
});

test('the untestable list only holds real, still-untested codes', () => {
  const texts = sources();
  for (const code of Object.keys(UNTESTABLE)) {
    assert.ok(code in CODES, `${code} is no longer a code; drop it from UNTESTABLE`);
    assert.ok(!named(code, texts), `${code} is tested now; drop it from UNTESTABLE`);
  }
});
