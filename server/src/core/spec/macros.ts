/**
 * A small rpm macro evaluator for what spec preambles use: %global/%define (also parametric),
 * %{name}, %name, %{?x}, %{?x:text}, %{!?x:text}, %{-f}, %{-f*}, %{?-f:text}, %%, %{nil},
 * %{expand:...}, %[expr], %global/%define/%undefine met while expanding (as %bcond uses them),
 * the common one-line %(...) and %{lua:...} idioms (shell-idioms.ts, lua-idioms.ts).
 * Anything it cannot do (%{lua:}, %(shell), unknown built-ins) raises
 * `Unevaluable`, so the caller can fall back to rpm itself.
 */
import { evaluateExpression } from './expression';
import { luaIdiom } from './lua-idioms';
import { shellIdiom, type ReadFile, type Shell } from './shell-idioms';
import { Unevaluable } from './unevaluable';

export { Unevaluable };

export interface Macro {
  body: string;
  /** getopt string of a parametric macro (`e:s:pb:n`), undefined for a plain one. */
  opts?: string;
}

interface Frame {
  /** Options and arguments of the parametric macro being expanded. */
  options: Map<string, string | true>;
  args: string[];
}

const MAX_DEPTH = 64;

export class MacroContext {
  private readonly own = new Map<string, Macro>();
  /** Names of `base` macros a %undefine removed. */
  private readonly hidden = new Set<string>();

  /**
   * `base`: the macros rpm has before the spec is read (its macro files), shadowed by the spec's.
   * `shell`: what /bin/sh is where rpm runs (the `%(...)` idioms it answers depend on it); none: no
   * `%(...)` is answered.
   */
  constructor(
    private readonly base?: ReadonlyMap<string, Macro>,
    private readonly shell?: Shell,
    /** The directory rpm runs in, for `%(cat FILE)`; absent: such calls are declined. */
    private readonly readFile?: ReadFile,
  ) {}

  define(name: string, body: string, opts?: string): void {
    this.own.set(name, { body, opts });
  }

  /** rpm pops one definition: the spec's own first, else the one from the macro files. */
  undefine(name: string): void {
    if (this.own.has(name)) this.own.delete(name);
    else this.hidden.add(name);
  }

  get(name: string): Macro | undefined {
    return this.own.get(name) ?? (this.base && !this.hidden.has(name) ? this.base.get(name) : undefined);
  }

  isDefined(name: string): boolean {
    return this.get(name) !== undefined;
  }

  expand(text: string, frame?: Frame, depth = 0): string {
    if (depth > MAX_DEPTH) throw new Unevaluable('macro recursion too deep');
    let out = '';
    let i = 0;
    while (i < text.length) {
      const c = text[i];
      if (c !== '%') {
        out += c;
        i++;
        continue;
      }
      const n = text[i + 1];
      if (n === '%') {
        out += '%';
        i += 2;
        continue;
      }
      if (n === '{') {
        const end = matching(text, i + 1, '{', '}');
        if (end < 0) throw new Unevaluable('unterminated %{');
        out += this.braced(text.slice(i + 2, end), frame, depth);
        i = end + 1;
        continue;
      }
      if (n === '[') {
        const end = matching(text, i + 1, '[', ']');
        if (end < 0) throw new Unevaluable('unterminated %[');
        // Lazily: only what the evaluation reaches is expanded (and defines what it defines).
        out += String(evaluateExpression(text.slice(i + 2, end), { expand: (t) => this.expand(t, frame, depth + 1) }));
        i = end + 1;
        continue;
      }
      if (n === '(') {
        const end = matching(text, i + 1, '(', ')');
        if (end < 0) throw new Unevaluable('unterminated %(');
        const printed = this.shell ? shellIdiom(this.expand(text.slice(i + 2, end), frame, depth + 1), this.shell, this.readFile) : null;
        if (printed === null) throw new Unevaluable('%(...): shell expansion is not evaluated');
        out += printed;
        i = end + 1;
        continue;
      }
      // %name, %-f, %-f*, %1, %*, %#
      const m = /^(?:(-[A-Za-z])(\*?)|([0-9]+|\*|#)|([A-Za-z_][A-Za-z0-9_]*))/.exec(text.slice(i + 1));
      if (!m) {
        out += '%';
        i++;
        continue;
      }
      if (m[1] || m[3]) {
        out += this.frameValue(m[1] ? m[1] + m[2] : m[3], frame);
        i += 1 + m[0].length;
        continue;
      }
      const name = m[4];
      i += 1 + m[0].length;
      if (name === 'global' || name === 'define' || name === 'undefine') {
        i = this.builtinDefine(name, text, i, frame, depth);
        continue;
      }
      const macro = this.get(name);
      if (!macro) {
        if (BUILTIN_UNKNOWN.has(name)) throw new Unevaluable(`%${name} is not evaluated`);
        out += `%${name}`;
        continue;
      }
      if (macro.opts !== undefined) {
        // A parametric macro called as `%name args` takes the rest of the line.
        const eol = text.indexOf('\n', i);
        const rest = text.slice(i, eol < 0 ? text.length : eol);
        out += this.call(name, macro, this.expand(rest, frame, depth + 1), depth);
        i = eol < 0 ? text.length : eol;
        continue;
      }
      out += this.expand(macro.body, frame, depth + 1);
    }
    return out;
  }

  /**
   * `%global name body`, `%define name body`, `%undefine name` met while expanding (rpm's doDefine):
   * the definition takes the rest of the line. Returns where the expansion goes on.
   */
  private builtinDefine(kind: string, text: string, at: number, frame: Frame | undefined, depth: number): number {
    const eol = text.indexOf('\n', at);
    const line = text.slice(at, eol < 0 ? text.length : eol);
    const m = /^[ \t]*([A-Za-z_][A-Za-z0-9_]*)(\(([^)]*)\))?[ \t]*(.*)$/s.exec(line);
    if (!m || m[1].length < 3) throw new Unevaluable(`%${kind}: a name rpm may refuse`);
    const [, name, , opts, rawBody] = m;
    if (kind === 'undefine') {
      if (rawBody.trim() !== '' || opts !== undefined) throw new Unevaluable(`%undefine ${line.trim()}: not understood`);
      this.undefine(name);
    } else {
      const body = rawBody.replace(/[ \t]+$/, '');
      // rpm's {...} grouping, escapes, and a %define's scope inside a parametric macro: left to rpm.
      if (body === '' || body.startsWith('{') || body.includes('\\') || (kind === 'define' && frame)) throw new Unevaluable(`%${kind} ${line.trim()}: left to rpm`);
      if (/%[{([]/.test(body) && balanceOpen(body)) throw new Unevaluable(`%${kind}: a body spanning lines`);
      this.define(name, kind === 'global' ? this.expand(body, frame, depth + 1) : body, opts);
    }
    return eol < 0 ? text.length : eol;
  }

  private frameValue(token: string, frame: Frame | undefined): string {
    if (!frame) return `%${token}`;
    if (token === '*') return frame.args.join(' ');
    if (token === '#') return String(frame.args.length);
    if (/^[0-9]+$/.test(token)) return token === '0' ? '' : (frame.args[Number(token) - 1] ?? '');
    const flag = token[1];
    const v = frame.options.get(flag);
    if (token.endsWith('*')) return typeof v === 'string' ? v : '';
    if (v === undefined) return '';
    return typeof v === 'string' ? `-${flag} ${v}` : `-${flag}`;
  }

  private braced(inner: string, frame: Frame | undefined, depth: number): string {
    let s = inner;
    let negate = false;
    let query = false;
    for (;;) {
      if (s.startsWith('!')) {
        negate = !negate;
        s = s.slice(1);
      } else if (s.startsWith('?')) {
        query = true;
        s = s.slice(1);
      } else break;
    }
    const m = /^(-[A-Za-z]\*?|[A-Za-z_][A-Za-z0-9_]*|[0-9]+|\*|#)/.exec(s);
    if (!m) throw new Unevaluable(`%{${inner}} is not evaluated`);
    const name = m[1];
    const rest = s.slice(name.length);
    // %{shrink:...}: the expansion with every run of whitespace one space, none at either end.
    if (name === 'shrink' && !query && rest.startsWith(':')) {
      return this.expand(rest.slice(1), frame, depth + 1).split(/[ \t\n\v\f\r]+/).filter(Boolean).join(' ');
    }
    if (name === 'lua' && !query && rest.startsWith(':')) {
      const printed = luaIdiom(rest.slice(1), (t) => this.expand(t, frame, depth + 1));
      if (printed !== null) return printed;
    }
    if (name === 'lua' || name === 'shrink' || name === 'sub' || name === 'len' || name === 'upper' || name === 'lower') {
      throw new Unevaluable(`%{${name}:...} is not evaluated`);
    }
    if (!query && rest.startsWith(':')) {
      if (name === 'expand') return this.expand(this.expand(rest.slice(1), frame, depth + 1), frame, depth + 1);
      if (name === 'quote') return rest.slice(1);
      if (name === 'dirname' || name === 'basename' || name === 'suffix' || name === 'url2path' || name === 'uncompress' || name === 'getenv') {
        throw new Unevaluable(`%{${name}:...} is not evaluated`);
      }
    }
    if (name.startsWith('-') || /^[0-9]+$|^\*$|^#$/.test(name)) {
      // Option tests inside a parametric macro: %{-f}, %{-f*}, %{?-f:text}, %{!?-f:text}.
      const flag = name[1];
      const defined = frame ? (name.startsWith('-') ? frame.options.has(flag) : this.frameValue(name, frame) !== '') : false;
      if (query) {
        if (defined !== negate) return rest.startsWith(':') ? this.expand(rest.slice(1), frame, depth + 1) : negate ? '' : this.frameValue(name, frame);
        return '';
      }
      return this.frameValue(name, frame);
    }
    const macro = this.get(name);
    if (query) {
      const defined = macro !== undefined;
      if (defined === negate) return '';
      if (rest.startsWith(':')) return this.expand(rest.slice(1), frame, depth + 1);
      if (negate) return '';
      return macro ? (macro.opts !== undefined ? this.call(name, macro, '', depth) : this.expand(macro.body, frame, depth + 1)) : '';
    }
    if (!macro) {
      if (name === 'nil') return '';
      if (BUILTIN_UNKNOWN.has(name)) throw new Unevaluable(`%{${name}} is not evaluated`);
      return `%{${inner}}`;
    }
    if (macro.opts !== undefined) {
      const args = rest.startsWith(' ') ? this.expand(rest.slice(1), frame, depth + 1) : '';
      return this.call(name, macro, args, depth);
    }
    return this.expand(macro.body, frame, depth + 1);
  }

  private call(name: string, macro: Macro, argText: string, depth: number): string {
    const words = argText.trim() ? argText.trim().split(/\s+/) : [];
    const options = new Map<string, string | true>();
    const args: string[] = [];
    const spec = macro.opts ?? '';
    for (let k = 0; k < words.length; k++) {
      const w = words[k];
      if (w === '--') {
        args.push(...words.slice(k + 1));
        break;
      }
      if (/^-[A-Za-z]/.test(w)) {
        for (let j = 1; j < w.length; j++) {
          const f = w[j];
          const at = spec.indexOf(f);
          if (at < 0) throw new Unevaluable(`%${name}: unknown option -${f}`);
          if (spec[at + 1] === ':') {
            const value = w.slice(j + 1) || words[++k];
            if (value === undefined) throw new Unevaluable(`%${name}: option -${f} needs a value`);
            options.set(f, value);
            break;
          }
          options.set(f, true);
        }
      } else args.push(w);
    }
    return this.expand(macro.body, { options, args }, depth + 1);
  }
}

/** Built-ins that change the result and that this evaluator does not implement. */
const BUILTIN_UNKNOWN = new Set(['lua', 'load', 'include', 'getconfdir', 'exists', 'verbose', 'shescape']);

/** Index of the bracket closing the one at `open`, honouring nesting; -1 if none. */
export function matching(text: string, open: number, left: string, right: string): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '%' && text[i + 1] === '%') {
      i++;
      continue;
    }
    if (text[i] === left) depth++;
    else if (text[i] === right) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Whether a `%{`, `%(` or `%[` in TEXT is left open (rpm would read on past the line end). */
export function balanceOpen(text: string): boolean {
  let bc = 0;
  let pc = 0;
  let xc = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '%') {
      const n = text[i + 1];
      if (n === '{') bc++;
      else if (n === '(') pc++;
      else if (n === '[') xc++;
      if (n === '{' || n === '(' || n === '[' || n === '%') i++;
      continue;
    }
    if (c === '{' && bc > 0) bc++;
    else if (c === '}' && bc > 0) bc--;
    else if (c === '(' && pc > 0) pc++;
    else if (c === ')' && pc > 0) pc--;
    else if (c === '[' && xc > 0) xc++;
    else if (c === ']' && xc > 0) xc--;
  }
  return bc > 0 || pc > 0 || xc > 0;
}
