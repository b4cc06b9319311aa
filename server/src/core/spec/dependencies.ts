/**
 * Whether rpm certainly accepts a dependency tag's value: simple dependencies (`name`, `name op EVR`)
 * and rich ones (`(a if b else c)`, `(x and (y or z))`) read as rpm's rpmrichParseForTag reads them,
 * with its rules on chaining and on where `if`/`unless`/`with` may stand. Anything unusual answers
 * false: rpm decides then.
 */

type Op = 'and' | 'or' | 'if' | 'unless' | 'else' | 'with' | 'without';
const OPS = new Set<string>(['and', 'or', 'if', 'unless', 'else', 'with', 'without']);
const SENSE = new Set(['<', '>', '=', '<=', '>=']);
const EVR = /^([0-9]+:)?[A-Za-z0-9._+~^]+(-[A-Za-z0-9._+~^]+)?$/;

const CHECK = 1;
const NO_WITH = 2;
const NO_AND = 4;
const NO_OR = 8;

class Refused extends Error {}
const refuse = (): never => {
  throw new Refused();
};

/** rpm's rpmrichParseCheck. */
function check(op: Op | 'single', flags: number): void {
  if ((op === 'with' || op === 'without') && flags & NO_WITH) refuse();
  if (!(flags & CHECK)) return;
  if ((op === 'and' || op === 'if') && flags & NO_AND) refuse();
  if ((op === 'or' || op === 'unless') && flags & NO_OR) refuse();
}

const isWhite = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';

/** A name or EVR token inside a rich dependency: up to whitespace, a comma or an unbalanced ')'. */
function token(s: string, at: number): number {
  let depth = 0;
  let i = at;
  while (i < s.length && !isWhite(s[i]) && s[i] !== ',') {
    if (s[i] === ')' && depth-- <= 0) break;
    if (s[i] === '(') depth++;
    i++;
  }
  return i;
}

function skipWhite(s: string, at: number): number {
  while (isWhite(s[at])) at++;
  return at;
}

/** A simple dependency at `at` (inside a rich one): `name [op evr]`. Returns where it ends. */
function simple(s: string, at: number): number {
  const end = token(s, at);
  const name = s.slice(at, end);
  if (!name || !/^[A-Za-z0-9_/]/.test(name)) refuse();
  let p = skipWhite(s, end);
  const opEnd = token(s, p);
  if (SENSE.has(s.slice(p, opEnd))) {
    if (name.startsWith('/')) refuse();
    p = skipWhite(s, opEnd);
    const e = token(s, p);
    if (!EVR.test(s.slice(p, e))) refuse();
    return e;
  }
  return end;
}

/** rpm's rpmrichParseInternal from the '(' at `at`: where the rich dependency ends; `flags` in/out. */
function rich(s: string, at: number, flags: { v: number }): number {
  let p = at + 1;
  let op: Op | 'single' = 'single';
  let first: Op | 'single' = 'single';
  let chain: Op | null = null;
  let ck = flags.v;
  for (;;) {
    p = skipWhite(s, p);
    if (s[p] === ')' || p >= s.length) refuse();
    if (s[p] === '(') {
      const sub = { v: ck & CHECK };
      p = rich(s, p, sub);
      if (op === 'if' || op === 'unless') sub.v &= ~(NO_AND | NO_OR);
      ck |= sub.v;
    } else p = simple(s, p);
    p = skipWhite(s, p);
    if (p >= s.length) refuse();
    if (s[p] === ')') break;
    const e = token(s, p);
    const word = s.slice(p, e);
    if (!OPS.has(word)) refuse();
    op = word as Op;
    if (first === 'single') first = op;
    if (op === 'else' && (chain === 'if' || chain === 'unless')) chain = null;
    if (chain && op !== chain) refuse();
    if (chain && op !== 'and' && op !== 'or' && op !== 'with') refuse();
    chain = op;
    p = e;
  }
  check(first, ck);
  if (first === 'if') ck |= NO_OR;
  if (first === 'unless') ck |= NO_AND;
  if (op === 'and' || op === 'or') ck &= ~(NO_AND | NO_OR);
  if (op !== 'single' && op !== 'with' && op !== 'without' && op !== 'or') ck |= NO_WITH;
  flags.v |= ck;
  return p + 1;
}

/** Tags whose rich dependencies rpm takes (not Provides, not Obsoletes; the rarer ones are left to rpm). */
const RICH_TAGS = new Set(['requires', 'buildrequires', 'recommends', 'suggests', 'supplements', 'enhances', 'conflicts']);

/** Is a dependency list one rpm certainly accepts for TAG (lower case)? */
export function acceptedDependencies(tag: string, value: string): boolean {
  try {
    let p = 0;
    for (;;) {
      while (p < value.length && (isWhite(value[p]) || value[p] === ',')) p++;
      if (p >= value.length) return true;
      if (value[p] === '(') {
        if (!RICH_TAGS.has(tag)) return false;
        const flags = { v: CHECK };
        p = rich(value, p, flags);
        // rpmrichParseForTag's last check: the context of the whole tag.
        check(tag === 'conflicts' || tag === 'supplements' || tag === 'enhances' ? 'or' : 'and', flags.v);
        // Something glued to the closing parenthesis: not a separate token.
        if (p < value.length && !isWhite(value[p]) && value[p] !== ',') return false;
        continue;
      }
      // A simple dependency: name [op evr], separated by whitespace or commas.
      let e = p;
      while (e < value.length && !isWhite(value[e]) && value[e] !== ',') e++;
      const name = value.slice(p, e);
      if (!/^[A-Za-z0-9_/]/.test(name) || /[<>=]/.test(name)) return false;
      let q = e;
      while (isWhite(value[q]) || value[q] === ',') q++;
      let f = q;
      while (f < value.length && !isWhite(value[f]) && value[f] !== ',') f++;
      if (SENSE.has(value.slice(q, f))) {
        if (name.startsWith('/')) return false;
        let r = f;
        while (isWhite(value[r])) r++;
        let g = r;
        while (g < value.length && !isWhite(value[g]) && value[g] !== ',') g++;
        if (!EVR.test(value.slice(r, g))) return false;
        p = g;
      } else p = e;
    }
  } catch (err) {
    if (err instanceof Refused) return false;
    throw err;
  }
}
