/**
 * What PyYAML (the YAML 1.1 resolver every Python tool of the ecosystem loads with: MBS, fedpkg,
 * rdgo, pungi) makes of a plain scalar, and the text `str()` gives back for it. The regexes are
 * PyYAML's implicit resolvers (resolver.py), tried in the same order; the conversions follow its
 * SafeConstructor. YAML 1.2 tools differ: `76554e01` is a number to them and a string to PyYAML
 * (its floats need a dot and a signed exponent), `010` is 10 to them and 8 to PyYAML.
 */
export type PyTag = 'str' | 'bool' | 'float' | 'int' | 'null' | 'timestamp';

export interface PyValue {
  tag: PyTag;
  /** Python's str() of the value: what a tool that turns it back into text gets. */
  text: string;
}

const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const NULL = /^(?:~|null|Null|NULL|)$/;
const TIMESTAMP =
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;

const FIRST_CHARS = new Set([...'yYnNtTfFoO-+0123456789.~', '']);

/** PyYAML's resolvers by first character, in its registration order (bool, float, int, null, timestamp). */
export function pyyamlRead(source: string): PyValue {
  const c = source.charAt(0);
  // Most text starts with a letter no resolver takes: answered without a regex.
  if (!FIRST_CHARS.has(c)) return { tag: 'str', text: source };
  if ('yYnNtTfFoO'.includes(c) && c !== '' && BOOL.test(source)) return { tag: 'bool', text: /^(?:yes|true|on)$/i.test(source) ? 'True' : 'False' };
  if ('-+0123456789.'.includes(c) && c !== '') {
    if (FLOAT.test(source)) return { tag: 'float', text: pyFloatRepr(constructFloat(source)) };
    if (INT.test(source)) return { tag: 'int', text: constructInt(source).toString() };
  }
  if (NULL.test(source)) return { tag: 'null', text: 'None' };
  if (c >= '0' && c <= '9' && TIMESTAMP.test(source)) return { tag: 'timestamp', text: timestampText(source) };
  return { tag: 'str', text: source };
}

function sexagesimal<T>(parts: T[], base: T, add: (a: T, b: T) => T, mul: (a: T, b: T) => T, zero: T): T {
  let value = zero;
  let factor: T | null = null;
  for (const p of parts.reverse()) {
    value = add(value, factor === null ? p : mul(p, factor));
    factor = factor === null ? base : mul(factor, base);
  }
  return value;
}

function constructInt(source: string): bigint {
  let v = source.replace(/_/g, '');
  let sign = 1n;
  if (v[0] === '-') sign = -1n;
  if (v[0] === '-' || v[0] === '+') v = v.slice(1);
  if (v === '0') return 0n;
  if (v.startsWith('0b')) return sign * BigInt(v);
  if (v.startsWith('0x')) return sign * BigInt(v);
  if (v[0] === '0') return sign * BigInt(`0o${v.slice(1)}`);
  if (v.includes(':')) return sign * sexagesimal(v.split(':').map((p) => BigInt(p)), 60n, (a, b) => a + b, (a, b) => a * b, 0n);
  return sign * BigInt(v);
}

function constructFloat(source: string): number {
  let v = source.replace(/_/g, '').toLowerCase();
  let sign = 1;
  if (v[0] === '-') sign = -1;
  if (v[0] === '-' || v[0] === '+') v = v.slice(1);
  if (v === '.inf') return sign * Infinity;
  if (v === '.nan') return NaN;
  if (v.includes(':')) return sign * sexagesimal(v.split(':').map((p) => Number(p)), 60, (a, b) => a + b, (a, b) => a * b, 0);
  return sign * Number(v);
}

/** Python's repr() of a float: the shortest round-trip digits, scientific below 1e-4 and from 1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e');
  const exp = Number(expText);
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = String(Math.abs(exp)).padStart(2, '0');
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** str() of the date or datetime PyYAML constructs. */
function timestampText(source: string): string {
  const m = /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9]{1,2})(?::([0-9]{2}))?))?)?$/.exec(source);
  if (!m) return source;
  const two = (s: string) => s.padStart(2, '0');
  const date = `${m[1]}-${two(m[2])}-${two(m[3])}`;
  if (m[4] === undefined) return date;
  let text = `${date} ${two(m[4])}:${m[5]}:${m[6]}`;
  const fraction = (m[7] ?? '').slice(0, 6);
  if (fraction && Number(fraction) !== 0) text += `.${fraction.padEnd(6, '0')}`;
  if (m[8] === 'Z') text += '+00:00';
  else if (m[8]) text += `${m[9]}${two(m[10])}:${m[11] ?? '00'}`;
  return text;
}
