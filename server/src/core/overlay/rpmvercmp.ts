/**
 * rpm's version ordering, a line-by-line port of rpmio/rpmvercmp.c (rpm 4.18): the order dnf and
 * rpm use to decide whether a build is an update. Only ASCII letters and digits form segments
 * (rpm's risalnum is locale-free), so any other character, non-ASCII included, is a separator.
 */

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isAlpha = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isAlnum = (c: string): boolean => isDigit(c) || isAlpha(c);

/** -1, 0 or 1 as `rpm.vercmp(a, b)`. */
export function rpmvercmp(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  // Indices stand in for C's pointers; '' past the end stands in for the NUL byte.
  let one = 0;
  let two = 0;
  const at = (s: string, i: number): string => (i < s.length ? s[i] : '');

  while (at(a, one) || at(b, two)) {
    while (at(a, one) && !isAlnum(a[one]) && a[one] !== '~' && a[one] !== '^') one++;
    while (at(b, two) && !isAlnum(b[two]) && b[two] !== '~' && b[two] !== '^') two++;

    // A tilde sorts before everything, even the end of the string: 1.0~rc1 < 1.0.
    if (at(a, one) === '~' || at(b, two) === '~') {
      if (at(a, one) !== '~') return 1;
      if (at(b, two) !== '~') return -1;
      one++;
      two++;
      continue;
    }

    // A caret sorts after the end of the string (1.0^git1 > 1.0) but before anything else
    // (1.0^git1 < 1.0.1): snapshots taken after a release, before the next one.
    if (at(a, one) === '^' || at(b, two) === '^') {
      if (!at(a, one)) return -1;
      if (!at(b, two)) return 1;
      if (a[one] !== '^') return 1;
      if (b[two] !== '^') return -1;
      one++;
      two++;
      continue;
    }

    if (!(at(a, one) && at(b, two))) break;

    // The segment's type is the first string's; the second's segment of that type may be empty.
    let end1 = one;
    let end2 = two;
    const isnum = isDigit(a[one]);
    const inSegment = isnum ? isDigit : isAlpha;
    while (end1 < a.length && inSegment(a[end1])) end1++;
    while (end2 < b.length && inSegment(b[end2])) end2++;

    // Cannot happen (the first segment is non-empty), kept as in rpm.
    if (end1 === one) return -1;
    // Different types: a number is newer than letters.
    if (end2 === two) return isnum ? 1 : -1;

    let s1 = a.slice(one, end1);
    let s2 = b.slice(two, end2);
    if (isnum) {
      // Compared as numbers of any length: leading zeros dropped, then more digits wins.
      s1 = s1.replace(/^0+/, '');
      s2 = s2.replace(/^0+/, '');
      if (s1.length > s2.length) return 1;
      if (s2.length > s1.length) return -1;
    }
    // strcmp on ASCII: JavaScript's code-unit order is the same.
    if (s1 !== s2) return s1 < s2 ? -1 : 1;
    one = end1;
    two = end2;
  }

  // Every segment compared equal; only the separators differed.
  if (!at(a, one) && !at(b, two)) return 0;
  // Whichever has something left is newer.
  return !at(a, one) ? -1 : 1;
}

export interface EVR {
  epoch: number;
  version: string;
  /** Absent in `1.0` (not the same as the empty release of `1.0-`). */
  release?: string;
}

/** `[epoch:]version[-release]`: the release is after the last `-`, a missing epoch is 0. */
export function parseEVR(evr: string): EVR {
  // As rpm's rpmverParse: leading digits then ':' are the epoch.
  const m = /^(\d*):/.exec(evr);
  const epoch = m ? Number(m[1] || '0') : 0;
  const rest = m ? evr.slice(m[0].length) : evr;
  const dash = rest.lastIndexOf('-');
  return dash < 0 ? { epoch, version: rest } : { epoch, version: rest.slice(0, dash), release: rest.slice(dash + 1) };
}

/**
 * rpm's EVR order (rpmverCmp, as `rpm.ver(a) < rpm.ver(b)` answers in rpm 4.18): epoch as a
 * number, then version, then release with rpmvercmp; with equal versions, one that has a release
 * sorts above one that has none.
 */
export function compareEVR(a: string | EVR, b: string | EVR): -1 | 0 | 1 {
  const x = typeof a === 'string' ? parseEVR(a) : a;
  const y = typeof b === 'string' ? parseEVR(b) : b;
  if (x.epoch !== y.epoch) return x.epoch < y.epoch ? -1 : 1;
  const v = rpmvercmp(x.version, y.version);
  if (v !== 0) return v;
  if (x.release !== undefined && y.release !== undefined) return rpmvercmp(x.release, y.release);
  if (x.release === y.release) return 0;
  return x.release === undefined ? -1 : 1;
}

/** Splits `name-[epoch:]version-release` (the name may hold dashes) into name and EVR. */
export function splitNEVR(nevr: string): { name: string; evr: EVR } | null {
  const r = nevr.lastIndexOf('-');
  const v = r > 0 ? nevr.lastIndexOf('-', r - 1) : -1;
  if (v <= 0) return null;
  return { name: nevr.slice(0, v), evr: parseEVR(nevr.slice(v + 1)) };
}
