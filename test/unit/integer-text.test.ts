import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { at, covered, diagnostics, streamV2 } from './helpers';

const withVersion = (v: string): string => streamV2().replace('  stream: "1.0"\n', `  stream: "1.0"\n  version: ${v}\n`);

describe('modulemd.integer-text: integers as libmodulemd reads them', () => {
  test('a hex or exponent version that YAML reads as a number is refused on the value', () => {
    for (const v of ['0x10', '1e3']) {
      const text = withVersion(v);
      const found = diagnostics(text).filter((d) => d.code === 'modulemd.integer-text');
      assert.equal(found.length, 1, v);
      assert.equal(at(found[0]), '6:12');
      assert.equal(covered(text, found[0]), v);
      assert.match(found[0].message, /base-10 integer/);
    }
  });

  test('a version beyond 2^64-1 is refused; 2^64-1 itself is fine', () => {
    const over = diagnostics(withVersion('18446744073709551616')).filter((d) => d.code === 'modulemd.integer-text');
    assert.equal(over.length, 1);
    assert.match(over[0].message, /does not fit in an unsigned 64-bit integer/);
    assert.deepEqual(diagnostics(withVersion('18446744073709551615')), []);
  });

  test('a buildorder beyond int64 is refused, a negative one is fine', () => {
    const comp = (bo: string): string => streamV2(`  components:\n    rpms:\n      a:\n        rationale: r\n        buildorder: ${bo}\n`);
    assert.equal(diagnostics(comp('9223372036854775808')).filter((d) => d.code === 'modulemd.integer-text').length, 1);
    assert.deepEqual(diagnostics(comp('-5')), []);
  });
});
