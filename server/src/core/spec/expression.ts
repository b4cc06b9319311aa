import { compareEVR } from '../overlay/rpmvercmp';
import { Unevaluable } from './unevaluable';

/**
 * rpm's expression language (rpmio/expression.c, rpm 4.17+): `%if` lines and `%[...]`. Integers,
 * "strings", v"versions", ( ), !, unary -, * /, + - (+ joins strings), comparisons, && and ||
 * (yielding the deciding operand), and `c ? a : b`. With `expand` (`%[...]`), macros in integer and
 * string tokens are expanded lazily, as rpm does: the branch not taken expands nothing, so a
 * `%global` there has no effect (%bcond relies on it). Whatever rpm reports as an error raises
 * Unevaluable: rpm itself then decides.
 */

type Value = { kind: 'int'; n: number } | { kind: 'str'; s: string } | { kind: 'ver'; s: string };

const truthy = (v: Value): boolean => (v.kind === 'int' ? v.n !== 0 : v.kind === 'str' ? v.s !== '' : false);
/** C's `int` arithmetic (rpm stores integers in an int). */
const int = (n: number): Value => ({ kind: 'int', n: n | 0 });

export interface ExpressionOptions {
  /** Expands macro text (only called for what the evaluation reaches). Absent: `%` is an error. */
  expand?: (text: string) => string;
}

type Token =
  | { t: 'eof' | '+' | '-' | '*' | '/' | '(' | ')' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '!' | '&&' | '||' | '?' | ':' | ',' }
  | { t: 'value'; raw: string; type: 'int' | 'str' | 'ver' };

/** End of the macro starting at `text[i]` (the `%`), as rpm's findMacroEnd. */
function macroEnd(text: string, i: number): number {
  const c = text[i + 1];
  if (c === '%') return i + 2;
  const close = c === '{' ? '}' : c === '(' ? ')' : c === '[' ? ']' : null;
  if (close) {
    let depth = 0;
    for (let k = i + 1; k < text.length; k++) {
      if (text[k] === '\\') {
        k++;
        continue;
      }
      if (text[k] === c) depth++;
      else if (text[k] === close && --depth === 0) return k + 1;
    }
    throw new Unevaluable(`unterminated %${c} in expression: ${text}`);
  }
  let k = i + 1;
  if (text[k] === '!') k++;
  if (text[k] === '?') k++;
  while (k < text.length && /[A-Za-z0-9_]/.test(text[k])) k++;
  if (text[k] === '*' && k === i + 2) k++;
  return k;
}

function tokenize(expr: string, expand: boolean): Token[] {
  const out: Token[] = [];
  let i = 0;
  const two = new Set(['==', '!=', '<=', '>=', '&&', '||']);
  while (i < expr.length) {
    const c = expr[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const pair = expr.slice(i, i + 2);
    if (two.has(pair)) {
      out.push({ t: pair as '==' });
      i += 2;
      continue;
    }
    if ('+-*/()<>!?:,'.includes(c)) {
      out.push({ t: c as '+' });
      i++;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '%' && expand)) {
      let k = i;
      while (k < expr.length) {
        if (expr[k] === '%' && expand) k = macroEnd(expr, k);
        else if (/[0-9]/.test(expr[k])) k++;
        else break;
      }
      out.push({ t: 'value', raw: expr.slice(i, k), type: 'int' });
      i = k;
      continue;
    }
    if (c === '"' || (c === 'v' && expr[i + 1] === '"')) {
      const start = c === 'v' ? i + 2 : i + 1;
      let k = start;
      while (k < expr.length && expr[k] !== '"') k = expr[k] === '%' && expand ? macroEnd(expr, k) : k + 1;
      if (expr[k] !== '"') throw new Unevaluable(`unterminated string in expression: ${expr}`);
      out.push({ t: 'value', raw: expr.slice(start, k), type: c === 'v' ? 'ver' : 'str' });
      i = k + 1;
      continue;
    }
    // Bare words, `=`, `&`, `|`, functions (lua:...): errors or Lua for rpm.
    throw new Unevaluable(`cannot evaluate '${expr.slice(i, i + 20)}' in: ${expr}`);
  }
  out.push({ t: 'eof' });
  return out;
}

/** Evaluates an rpm expression; the result as `%[...]` prints it. */
export function evaluateExpression(expr: string, options: ExpressionOptions = {}): number | string {
  const tokens = tokenize(expr, options.expand !== undefined);
  let pos = 0;
  let discard = 0;
  const peek = (): string => tokens[pos].t;
  const fail = (why: string): never => {
    throw new Unevaluable(`${why}: ${expr}`);
  };
  const valueOf = (tok: Extract<Token, { t: 'value' }>): Value => {
    const text = discard > 0 ? '' : options.expand && tok.raw !== '' ? options.expand(tok.raw) : tok.raw;
    if (tok.type === 'int') {
      if (discard > 0) return int(0);
      if (!/^-?[0-9]*$/.test(text)) fail('macro expansion did not return an integer');
      // atoi: "" and "-" are 0.
      return int(Number.parseInt(text, 10) || 0);
    }
    if (tok.type === 'ver') {
      if (discard > 0) return { kind: 'ver', s: '0' };
      if (text === '' || /\s/.test(text)) fail('invalid version');
      return { kind: 'ver', s: text };
    }
    return { kind: 'str', s: text };
  };
  const sameType = (a: Value, b: Value): void => {
    if (a.kind !== b.kind) fail('types must match');
  };
  const primary = (): Value => {
    const tok = tokens[pos++];
    if (tok.t === 'value') return valueOf(tok);
    if (tok.t === '(') {
      const v = ternary();
      if (tokens[pos++].t !== ')') fail('unmatched (');
      return v;
    }
    if (tok.t === '-') {
      const v = primary();
      if (v.kind !== 'int') fail('- only on numbers');
      return int(-(v as { n: number }).n);
    }
    if (tok.t === '!') return int(truthy(primary()) ? 0 : 1);
    return fail(tok.t === 'eof' ? 'unexpected end of expression' : 'syntax error in expression');
  };
  const multiply = (): Value => {
    let v = primary();
    while (peek() === '*' || peek() === '/') {
      const op = tokens[pos++].t;
      const r = primary();
      sameType(v, r);
      if (v.kind !== 'int' || r.kind !== 'int') return fail('* and / not supported for strings or versions');
      if (discard > 0) continue;
      if (op === '/' && r.n === 0) fail('division by zero');
      v = int(op === '*' ? Math.imul(v.n, r.n) : Math.trunc(v.n / r.n));
    }
    return v;
  };
  const add = (): Value => {
    let v = multiply();
    while (peek() === '+' || peek() === '-') {
      const op = tokens[pos++].t;
      const r = multiply();
      sameType(v, r);
      if (v.kind === 'int' && r.kind === 'int') v = int(op === '+' ? v.n + r.n : v.n - r.n);
      else if (v.kind === 'str' && r.kind === 'str' && op === '+') v = { kind: 'str', s: v.s + r.s };
      else fail(`${op} not supported here`);
    }
    return v;
  };
  const relational = (): Value => {
    let v = add();
    for (;;) {
      const op = peek();
      if (op !== '==' && op !== '!=' && op !== '<' && op !== '<=' && op !== '>' && op !== '>=') return v;
      pos++;
      const r = add();
      sameType(v, r);
      let c: number;
      if (v.kind === 'int') c = v.n - (r as { n: number }).n;
      else if (v.kind === 'ver') c = compareEVR(v.s, (r as { s: string }).s);
      else c = Buffer.compare(Buffer.from(v.s), Buffer.from((r as { s: string }).s));
      const hit = op === '==' ? c === 0 : op === '!=' ? c !== 0 : op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
      v = int(hit ? 1 : 0);
    }
  };
  const logical = (): Value => {
    let v = relational();
    while (peek() === '&&' || peek() === '||') {
      const op = tokens[pos++].t;
      const b = truthy(v);
      const skip = op === '&&' ? !b : b;
      if (skip) discard++;
      const r = relational();
      if (skip) discard--;
      sameType(v, r);
      if (!skip) v = r;
    }
    return v;
  };
  const ternary = (): Value => {
    const c = logical();
    if (peek() !== '?') return c;
    pos++;
    const cond = truthy(c);
    if (!cond) discard++;
    const a = ternary();
    if (!cond) discard--;
    if (tokens[pos++].t !== ':') fail('syntax error in expression');
    if (cond) discard++;
    const b = ternary();
    if (cond) discard--;
    sameType(a, b);
    return cond ? a : b;
  };
  const v = ternary();
  if (peek() !== 'eof') fail('syntax error in expression');
  if (v.kind === 'int') return v.n;
  if (v.kind === 'ver') throw new Unevaluable(`a version as the result: ${expr}`);
  return v.s;
}

/** rpm's boolean reading of an expression's value (`%if`). */
export function isTrue(v: number | string): boolean {
  return typeof v === 'number' ? v !== 0 : v !== '';
}
