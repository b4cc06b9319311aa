/**
 * An integer field's text as libmodulemd reads it: g_ascii_strtoll / g_ascii_strtoull in base 10 over
 * the scalar's text, quoted or not (leading blanks and a '+' are skipped, nothing may trail), with
 * the range check of the C type. Unsigned fields refuse a '-'. (Measured with modulemd-validator
 * 2.14: ' 5' and '+5' are accepted, '5 ', '1e3' and '0x10' are not, '18446744073709551616' is not.)
 */
export type IntegerReading = { ok: true; value: bigint } | { ok: false; error: 'format' | 'negative' | 'range' };

const UINT64_MAX = 2n ** 64n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export function readInteger(text: string, signed: boolean): IntegerReading {
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/.exec(text);
  if (!m) return { ok: false, error: 'format' };
  if (!signed && m[1] === '-') return { ok: false, error: 'negative' };
  const value = BigInt(m[1] + m[2]);
  const fits = signed ? value >= INT64_MIN && value <= INT64_MAX : value <= UINT64_MAX;
  return fits ? { ok: true, value } : { ok: false, error: 'range' };
}
