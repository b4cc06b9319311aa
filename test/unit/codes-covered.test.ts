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

/** Every string literal ('…', "…" or `…` without interpolation) in the test sources. */
function literals(): Set<string> {
  const found = new Set<string>();
  for (const file of readdirSync(UNIT).filter((f) => f.endsWith('.ts') && f !== SELF)) {
    const text = read(join(UNIT, file));
    for (const m of text.matchAll(/'([^'\\\n]*)'|"([^"\\\n]*)"|`([^`\\$]*)`/g)) found.add(m[1] ?? m[2] ?? m[3]);
  }
  return found;
}

test('every diagnostic code in CODES is named by at least one unit test', () => {
  const named = literals();
  const missing = Object.keys(CODES).filter((code) => !named.has(code) && !(code in UNTESTABLE));
  assert.deepEqual(missing, [], `codes no test names (add a test that provokes them): ${missing.join(', ')}`);
});

test('the untestable list only holds real, still-untested codes', () => {
  const named = literals();
  for (const code of Object.keys(UNTESTABLE)) {
    assert.ok(code in CODES, `${code} is no longer a code; drop it from UNTESTABLE`);
    assert.ok(!named.has(code), `${code} is tested now; drop it from UNTESTABLE`);
  }
});
