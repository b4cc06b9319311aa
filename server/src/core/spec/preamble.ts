import { MacroContext, Unevaluable } from './macros';

/** `%autorelease` flags as rpmautospec reads them from the Release tag. */
export interface AutoreleaseFlags {
  prerelease: boolean;
  /** `-b`: base release number (default 1). */
  base: number;
  extraver?: string;
  snapinfo?: string;
}

export const DEFAULT_FLAGS: AutoreleaseFlags = { prerelease: false, base: 1 };

export interface SpecVersion {
  name?: string;
  epoch?: string;
  version: string;
  /** `[epoch:]version`, the string whose change restarts the release count. */
  epochVersion: string;
  release?: string;
  /** Flags when Release is `%autorelease [flags]` alone, else null (rpmautospec: "unknown" flags). */
  flags: AutoreleaseFlags | null;
}

export type PreambleResult = { ok: true; value: SpecVersion } | { ok: false; reason: string; evaluable: boolean };

/** rpmautospec's stand-in for %autorelease while it parses: the flags come back in the Release text. */
const AUTORELEASE_PROBE = 'E%{?-e*}_S%{?-s*}_P%{?-p:1}%{!?-p:0}_B%{?-b*}';
const PROBE_RESULT = /^E([^_]*)_S([^_]*)_P([01])_B(\d*)$/;

export function flagsFromRelease(release: string | undefined): AutoreleaseFlags | null {
  const m = release === undefined ? null : PROBE_RESULT.exec(release);
  if (!m) return null;
  return { extraver: m[1] || undefined, snapinfo: m[2] || undefined, prerelease: m[3] === '1', base: m[4] ? Number(m[4]) : 1 };
}

const RPM_ARCH: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64', ia32: 'i686', ppc64: 'ppc64le', s390x: 's390x' };

function hostArch(): string {
  return RPM_ARCH[process.arch] ?? process.arch;
}

/** Evaluates `%if` expressions: numbers, quoted strings, comparisons, &&, ||, !, parentheses. */
export function evalExpression(expr: string): number | string {
  const tokens = expr.match(/"[^"]*"|\d+|&&|\|\||==|!=|<=|>=|[<>!()]|[A-Za-z_][\w.]*|\S/g) ?? [];
  let pos = 0;
  const peek = (): string | undefined => tokens[pos];
  const next = (): string => {
    const t = tokens[pos++];
    if (t === undefined) throw new Unevaluable(`incomplete expression: ${expr}`);
    return t;
  };
  const truthy = (v: number | string): boolean => (typeof v === 'number' ? v !== 0 : v !== '');
  const primary = (): number | string => {
    const t = next();
    if (t === '(') {
      const v = or();
      if (next() !== ')') throw new Unevaluable(`unbalanced parentheses: ${expr}`);
      return v;
    }
    if (t === '!') return truthy(primary()) ? 0 : 1;
    if (t === '-' && /^\d+$/.test(peek() ?? '')) return -Number(next());
    if (/^\d+$/.test(t)) return Number(t);
    if (t.startsWith('"')) return t.slice(1, -1);
    throw new Unevaluable(`cannot evaluate '${t}' in: ${expr}`);
  };
  const compare = (): number | string => {
    let left = primary();
    for (;;) {
      const op = peek();
      if (op !== '==' && op !== '!=' && op !== '<' && op !== '>' && op !== '<=' && op !== '>=') return left;
      pos++;
      const right = primary();
      if (typeof left !== typeof right) throw new Unevaluable(`types differ in: ${expr}`);
      const r = op === '==' ? left === right : op === '!=' ? left !== right : op === '<' ? left < right : op === '>' ? left > right : op === '<=' ? left <= right : left >= right;
      left = r ? 1 : 0;
    }
  };
  const and = (): number | string => {
    let v = compare();
    while (peek() === '&&') {
      pos++;
      const r = compare();
      v = truthy(v) && truthy(r) ? 1 : 0;
    }
    return v;
  };
  const or = (): number | string => {
    let v = and();
    while (peek() === '||') {
      pos++;
      const r = and();
      v = truthy(v) || truthy(r) ? 1 : 0;
    }
    return v;
  };
  const v = or();
  if (pos !== tokens.length) throw new Unevaluable(`cannot evaluate: ${expr}`);
  return v;
}

/** Joins lines ending in a backslash (multi-line %define bodies). */
function logicalLines(text: string): string[] {
  const raw = text.split(/\r?\n/);
  const out: string[] = [];
  let acc: string | null = null;
  for (const line of raw) {
    const cur: string = acc === null ? line : `${acc}\n${line}`;
    if (cur.endsWith('\\')) acc = cur.slice(0, -1);
    else {
      out.push(cur);
      acc = null;
    }
  }
  if (acc !== null) out.push(acc);
  return out;
}

const SECTION = /^%(prep|build|install|check|files|changelog|description|package|pre|post|preun|postun|pretrans|posttrans|triggerin|triggerun|triggerpostun|verifyscript|generate_buildrequires|conf)\b/;

/**
 * Name, Epoch, Version, Release and the %autorelease flags of a spec, evaluated from its preamble the
 * way rpmautospec asks rpm (with %autorelease replaced by a probe and %autochangelog by %nil).
 */
export function evaluatePreamble(text: string, defines: Record<string, string> = {}): PreambleResult {
  const ctx = new MacroContext();
  ctx.define('autorelease', AUTORELEASE_PROBE, 'e:s:pb:n');
  ctx.define('autochangelog', '');
  ctx.define('_arch', hostArch());
  for (const [k, v] of Object.entries(defines)) ctx.define(k, v);
  const tags: Record<string, string> = {};
  const stack: { active: boolean; taken: boolean }[] = [];
  const active = (): boolean => stack.every((s) => s.active);
  try {
    for (const line of logicalLines(text)) {
      const t = line.trim();
      const cond = /^%(if|ifarch|ifnarch|ifos|ifnos|elif|elifarch|elifos|else|endif)\b\s*(.*)$/s.exec(t);
      if (cond) {
        const [, kw, arg] = cond;
        const test = (): boolean => {
          if (kw === 'if' || kw === 'elif') return ((v) => (typeof v === 'number' ? v !== 0 : v !== ''))(evalExpression(ctx.expand(arg)));
          const list = ctx.expand(arg).split(/[\s,]+/).filter(Boolean);
          const subject = kw.endsWith('os') ? 'linux' : hostArch();
          const hit = list.includes(subject);
          return kw.startsWith('ifn') ? !hit : hit;
        };
        if (kw.startsWith('if')) {
          const parentActive = active();
          const v = parentActive ? test() : false;
          stack.push({ active: v, taken: v });
        } else if (kw.startsWith('elif')) {
          const top = stack[stack.length - 1];
          if (!top) return { ok: false, reason: `%${kw} without %if`, evaluable: true };
          stack.pop();
          const parentActive = active();
          const v = !top.taken && parentActive ? test() : false;
          stack.push({ active: v, taken: top.taken || v });
        } else if (kw === 'else') {
          const top = stack[stack.length - 1];
          if (!top) return { ok: false, reason: '%else without %if', evaluable: true };
          top.active = !top.taken;
          top.taken = true;
        } else {
          if (!stack.pop()) return { ok: false, reason: '%endif without %if', evaluable: true };
        }
        continue;
      }
      if (!active()) continue;
      if (SECTION.test(t)) break;
      const def = /^%(global|define)\s+([A-Za-z_][A-Za-z0-9_]*)(\(([^)]*)\))?\s+([\s\S]*)$/.exec(t);
      if (def) {
        const [, kind, name, , opts, body] = def;
        ctx.define(name, kind === 'global' ? ctx.expand(body) : body, opts);
        continue;
      }
      const undef = /^%undefine\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(t);
      if (undef) {
        ctx.undefine(undef[1]);
        continue;
      }
      const tag = /^(Name|Epoch|Version|Release)\s*:\s*(.*)$/i.exec(t);
      if (tag) {
        const key = tag[1].toLowerCase();
        const value = ctx.expand(tag[2]).trim();
        tags[key] = value;
        // Tags become macros for what follows (%{name}, %{version}...), as in rpm.
        ctx.define(key, value);
        if (key === 'name') ctx.define('NAME', value);
      }
    }
  } catch (err) {
    if (err instanceof Unevaluable) return { ok: false, reason: err.message, evaluable: false };
    throw err;
  }
  if (tags.version === undefined) return { ok: false, reason: 'Version field must be present in package', evaluable: true };
  for (const k of ['version', 'epoch', 'release'] as const) {
    if (tags[k] !== undefined && tags[k].includes('%')) return { ok: false, reason: `${k} still holds a macro: ${tags[k]}`, evaluable: false };
  }
  if (tags.version === '' || /[\s-]/.test(tags.version)) return { ok: false, reason: `illegal Version: '${tags.version}'`, evaluable: true };
  if (tags.epoch !== undefined && !/^\d+$/.test(tags.epoch)) return { ok: false, reason: `illegal Epoch: '${tags.epoch}'`, evaluable: true };
  const epochVersion = tags.epoch !== undefined ? `${tags.epoch}:${tags.version}` : tags.version;
  return {
    ok: true,
    value: { name: tags.name, epoch: tags.epoch, version: tags.version, epochVersion, release: tags.release, flags: flagsFromRelease(tags.release) },
  };
}

export { AUTORELEASE_PROBE };
