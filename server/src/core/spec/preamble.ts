import { balanceOpen, MacroContext, Unevaluable, type Macro } from './macros';
import { acceptedDependencies } from './dependencies';
import { isTrue } from './expression';
import { CertainFailure, condition, DEFINES_FROM_OUTSIDE, unknownTagLine } from './certain-failures';
import type { ReadFile, Shell } from './shell-idioms';

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

/**
 * `unsure` (strict mode only): the evaluator read a version, but the text holds something it cannot
 * vouch rpm accepts (an unknown tag or line, a macro left unexpanded, a missing required tag...):
 * rpm itself must decide whether the spec parses at all.
 */
export type PreambleResult =
  | { ok: true; value: SpecVersion; unsure?: string }
  /** `certain`: rpm fails on this text in every attempt, with or without the commit's tree beside it. */
  | { ok: false; reason: string; evaluable: boolean; certain?: true; rpmMessage?: string };

export interface EvaluateOptions {
  /**
   * Read the spec as rpmautospec's first attempt does: only the lines before the first line that is
   * `%prep` (see `abridgedSpec`), through %description and %package sections, and flag as `unsure`
   * whatever rpm might reject there.
   */
  strict?: boolean;
  /** The macros rpm has before the spec (see `systemMacros`); none when absent. */
  system?: ReadonlyMap<string, Macro>;
  /** What /bin/sh is where rpm runs (see `systemShell`); absent: no `%(...)` is answered. */
  shell?: Shell;
  /** The files of the directory rpm runs in (`%(cat FILE)`); absent: such calls are declined. */
  readFile?: ReadFile;
}

/**
 * The lines rpmautospec 0.8.5 parses first: everything before the first line that is `%prep` once
 * ASCII whitespace is stripped (pkg_history.py `_get_rpmverflags`: `line.strip() == b"%prep"`).
 * The whole text when there is no such line.
 */
export function abridgedSpec(text: string): string {
  // Lines end at '\n' only, as Python's binary file iteration splits them. Only lines holding
  // `%prep` are looked at.
  for (let at = text.indexOf('%prep'); at >= 0; at = text.indexOf('%prep', at + 5)) {
    const start = text.lastIndexOf('\n', at) + 1;
    const nl = text.indexOf('\n', at);
    const end = nl < 0 ? text.length : nl + 1;
    if (/^[ \t\n\r\v\f]*%prep[ \t\n\r\v\f]*$/.test(text.slice(start, end))) return text.slice(0, start);
  }
  return text;
}

/**
 * Two texts with the same key read the same in strict mode: the lines before %prep decide, and
 * whether the whole text can define macros from outside (see DEFINES_FROM_OUTSIDE).
 */
export function preambleKey(text: string): string {
  return `${DEFINES_FROM_OUTSIDE.test(text) ? 1 : 0}${abridgedSpec(text)}`;
}

/** Tags rpm knows, lower case (dependency tags are checked apart). */
const KNOWN_TAGS = new Set([
  'name', 'version', 'release', 'epoch', 'summary', 'license', 'sourcelicense', 'group', 'url', 'bugurl', 'vcs', 'vendor', 'packager',
  'distribution', 'disturl', 'buildroot', 'buildarch', 'buildarchitectures', 'exclusivearch', 'excludearch', 'exclusiveos', 'excludeos',
  'nosource', 'nopatch', 'prefix', 'prefixes', 'autoreq', 'autoprov', 'autoreqprov', 'modularitylabel', 'removepathpostfixes',
]);
const DEPENDENCY_TAGS = new Set([
  'requires', 'buildrequires', 'provides', 'obsoletes', 'conflicts', 'buildconflicts', 'recommends', 'suggests', 'supplements', 'enhances', 'orderwithrequires',
]);
/** Tags whose value rpm takes as text, whatever it holds (architecture lists are checked only when building). */
const FREE_TEXT = new Set(['summary', 'license', 'sourcelicense', 'group', 'url', 'bugurl', 'vcs', 'vendor', 'packager', 'distribution', 'disturl', 'exclusivearch', 'excludearch', 'exclusiveos', 'excludeos']);
/** Tags rpm defines a macro for (lower case), as far as a spec's later lines may use them. */
const MACRO_TAGS = new Set(['name', 'version', 'release', 'epoch', 'summary', 'license', 'url', 'group', 'vendor', 'packager', 'distribution', 'vcs', 'bugurl']);
const EVR = /^([0-9]+:)?[A-Za-z0-9._+~^]+(-[A-Za-z0-9._+~^]+)?$/;

/** Why rpm might reject a tag line (null: it certainly accepts it). */
function tagDoubt(tag: string, qualifier: string | undefined, value: string): string | null {
  // In free text rpm keeps an undefined macro as it is written; where it parses the value, not
  // (dependencies: acceptedDependencies() decides, as rpm reads the tokens).
  if (value.includes('%') && !FREE_TEXT.has(tag) && !DEPENDENCY_TAGS.has(tag) && !/^(source|patch)\d*$/.test(tag)) return `${tag}: a macro is left unexpanded: ${value}`;
  if (DEPENDENCY_TAGS.has(tag)) {
    if (qualifier !== undefined && tag !== 'requires') return `${tag}${qualifier}: qualifier not understood`;
    if (qualifier !== undefined && !/^\(\s*(pre|post|preun|postun|pretrans|posttrans|verify|interp|meta)(\s*,\s*(pre|post|preun|postun|pretrans|posttrans|verify|interp|meta))*\s*\)$/.test(qualifier)) {
      return `${tag}${qualifier}: qualifier not understood`;
    }
    return acceptedDependencies(tag, value) ? null : `${tag}: dependencies not understood: ${value}`;
  }
  const sourceLike = /^(source|patch)\d*$/.test(tag);
  if (qualifier !== undefined || (!KNOWN_TAGS.has(tag) && !sourceLike)) return `unknown tag ${tag}${qualifier ?? ''}`;
  if (value === '' && tag !== 'buildroot') return `${tag}: empty value`;
  if (tag === 'name' && !/^[A-Za-z0-9_+][A-Za-z0-9._+-]*$/.test(value)) return `illegal Name: '${value}'`;
  if ((tag === 'version' || tag === 'release') && !/^[A-Za-z0-9._+~^]+$/.test(value)) return `illegal ${tag}: '${value}'`;
  if ((tag === 'url' || tag === 'bugurl') && /\s/.test(value)) return `${tag} takes a single token only`;
  return null;
}

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

/**
 * The package a %files section or a scriptlet belongs to: `-n NAME`, `SUFFIX` (NAME-SUFFIX), or the
 * main one (''); its other options (%files -f FILE, a scriptlet's -p /interpreter or <lua>) are read.
 * null: arguments rpm might refuse.
 */
function partPackage(kind: string, argText: string, mainName: string): string | null {
  if (argText.includes('\n')) return null;
  const words = argText.trim().split(/\s+/).filter(Boolean);
  let name: string | null = null;
  let suffix: string | null = null;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === '-n' && i + 1 < words.length && name === null) name = words[++i];
    else if (w === '-f' && kind === 'files' && i + 1 < words.length) i++;
    else if (w === '-p' && kind !== 'files' && i + 1 < words.length && /^(\/|<lua>$)/.test(words[i + 1])) i++;
    else if (!w.startsWith('-') && suffix === null && name === null) suffix = w;
    else return null;
  }
  return name ?? (suffix !== null ? `${mainName}-${suffix}` : '');
}

/**
 * Joins lines ending in a backslash (multi-line %define bodies) and lines with a macro left open.
 * `line`: the number of the last physical line read, which rpm's messages name.
 */
function logicalLines(text: string): { text: string; line: number }[] {
  const raw = text.split(/\r?\n/);
  const out: { text: string; line: number }[] = [];
  let acc: string | null = null;
  raw.forEach((line, i) => {
    const cur: string = acc === null ? line : `${acc}\n${line}`;
    if (cur.endsWith('\\')) acc = cur.slice(0, -1);
    // rpm reads on while a %{, %( or %[ is open (a multi-line %{expand:...} body).
    else if (cur.includes('%') && balanceOpen(cur)) acc = cur;
    else {
      out.push({ text: cur, line: i + 1 });
      acc = null;
    }
  });
  if (acc !== null) out.push({ text: acc, line: raw.length });
  return out;
}

const SECTION = /^%(prep|build|install|check|files|changelog|description|package|pre|post|preun|postun|pretrans|posttrans|triggerin|triggerun|triggerpostun|verifyscript|generate_buildrequires|conf)\b/;

/**
 * Name, Epoch, Version, Release and the %autorelease flags of a spec, evaluated from its preamble the
 * way rpmautospec asks rpm (with %autorelease replaced by a probe and %autochangelog by %nil).
 */
export function evaluatePreamble(text: string, defines: Record<string, string> = {}, options: EvaluateOptions = {}): PreambleResult {
  const ctx = new MacroContext(options.system, options.shell, options.readFile);
  ctx.define('autorelease', AUTORELEASE_PROBE, 'e:s:pb:n');
  ctx.define('autochangelog', '');
  ctx.define('_arch', hostArch());
  for (const [k, v] of Object.entries(defines)) ctx.define(k, v);
  const tags: Record<string, string> = {};
  const stack: { active: boolean; taken: boolean }[] = [];
  const active = (): boolean => stack.every((s) => s.active);
  const strict = options.strict === true;
  let unsure: string | undefined;
  const doubt = (reason: string): void => {
    unsure ??= reason;
  };
  /** Strict mode: the package whose preamble (or %description) is being read; '' = main. */
  let pkg = '';
  let inDescription = false;
  const packages = new Map<string, { summary: boolean; description: boolean }>([['', { summary: false, description: false }]]);
  const mainSeen = new Set<string>();
  try {
    for (const { text: line, line: lineNo } of logicalLines(strict ? abridgedSpec(text) : text)) {
      const t = line.trim();
      const cond = /^%(if|ifarch|ifnarch|ifos|ifnos|elif|elifarch|elifos|else|endif)\b\s*(.*)$/s.exec(t);
      if (cond) {
        const [, kw, arg] = cond;
        const test = (): boolean => {
          if (kw === 'if' || kw === 'elif') return isTrue(condition(ctx, ctx.expand(arg), text));
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
      if (SECTION.test(t)) {
        if (!strict) break;
        const part = /^%(files|pre|post|preun|postun|pretrans|posttrans|verifyscript)(?:\s+(.*))?$/s.exec(t);
        if (part) {
          // %files and scriptlets may come before %prep (rust2rpm's specs): rpm checks that their
          // package exists and expands their lines; the text itself is not read now.
          const sub = partPackage(part[1], ctx.expand(part[2] ?? ''), tags.name ?? '');
          if (sub === null || !packages.has(sub)) {
            doubt(`${t}: ${sub === null ? 'arguments not understood' : `no package ${sub}`}`);
            break;
          }
          inDescription = true;
          continue;
        }
        const sec = /^%(description|package)(?:\s+(.*))?$/s.exec(t);
        if (!sec) {
          doubt(`${t.split(/\s/)[0]} before %prep`);
          break;
        }
        // rpm expands the line, then reads it line by line: `%description %_description` with a body
        // starting on a new line is a bare %description followed by its text.
        const [head, ...more] = ctx.expand(sec[2] ?? '').split('\n');
        if (more.length && sec[1] === 'package') {
          doubt(`${t}: a header spanning lines`);
          break;
        }
        const args = head.trim().split(/\s+/).filter(Boolean);
        const sub = args.length === 0 ? '' : args.length === 1 && args[0] !== '-n' ? `${tags.name ?? ''}-${args[0]}` : args.length === 2 && args[0] === '-n' ? args[1] : null;
        if (sub === null) {
          doubt(`${t}: arguments not understood`);
          break;
        }
        if (sec[1] === 'package') {
          if (packages.has(sub)) doubt(`package ${sub} defined twice`);
          packages.set(sub, { summary: false, description: false });
          pkg = sub;
          inDescription = false;
        } else {
          const p = packages.get(sub);
          if (!p) doubt(`%description of an undefined package ${sub}`);
          else if (p.description) doubt(`second %description of ${sub || 'the main package'}`);
          else p.description = true;
          inDescription = true;
        }
        continue;
      }
      // A body may start on the next line (`%global _description \`): rpm keeps that newline.
      const def = /^%(global|define)\s+([A-Za-z_][A-Za-z0-9_]*)(\(([^)]*)\))?(?:[ \t]+|(?=\n))([\s\S]*)$/.exec(t);
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
      if (strict) {
        if (inDescription) {
          // Text: rpm keeps an undefined macro as it is written. Expanded for what it would refuse
          // (a shell or Lua call raises Unevaluable) and for the %global it may hold.
          ctx.expand(line);
          continue;
        }
        if (t === '' || t.startsWith('#')) continue;
        const TAG_LINE = /^([A-Za-z][A-Za-z0-9]*)\s*(\([^)]*\))?\s*:\s*(.*)$/s;
        let any = TAG_LINE.exec(t);
        if (!any) {
          const whole = ctx.expand(line);
          const expanded = whole.trim();
          if (expanded === '') continue;
          // rpm matches tags on the expanded line (`%{?with_x:Requires: foo}`); one with nothing left
          // to expand reads the same when its value is expanded again below.
          any = !expanded.includes('%') && !expanded.includes('\n') ? TAG_LINE.exec(expanded) : null;
          if (!any) {
            const unknown = unknownTagLine(ctx, t, whole, lineNo, text);
            // rpm's message is this line's only when nothing before it was in doubt.
            if (unknown) throw unsure === undefined ? unknown : new CertainFailure(unknown.message);
            doubt(`not a tag: ${t}`);
            continue;
          }
        }
        const key = any[1].toLowerCase();
        const full = ctx.expand(any[3]);
        // rpm reads an expansion holding newlines as several lines: not one tag.
        if (full.trimEnd().includes('\n')) doubt(`${any[1]}: its value spans lines`);
        const value = full.trim();
        if (value === '') {
          // rpm refuses every tag whose value expands to nothing.
          const message = `error: line ${lineNo}: Empty tag: ${ctx.expand(line).trimEnd()}`;
          throw new CertainFailure(`empty tag ${any[1]}`, unsure === undefined && !ctx.expand(line).includes('\n') ? message : undefined);
        }
        const why = tagDoubt(key, any[2], value);
        if (why) doubt(why);
        if (pkg !== '') {
          if (key === 'summary') packages.get(pkg)!.summary = true;
          continue;
        }
        if (key === 'summary') packages.get('')!.summary = true;
        if (MACRO_TAGS.has(key) || KNOWN_TAGS.has(key)) {
          if (mainSeen.has(key)) doubt(`${any[1]} given twice`);
          mainSeen.add(key);
        }
        if (key === 'name' || key === 'epoch' || key === 'version' || key === 'release' || key === 'license') tags[key] = value;
        if (MACRO_TAGS.has(key)) {
          ctx.define(key, value);
          if (key === 'name') ctx.define('NAME', value);
        }
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
    if (strict) {
      if (stack.length) doubt('%if not closed before %prep');
      for (const k of ['name', 'version', 'release', 'license'] as const) if (tags[k] === undefined) doubt(`${k} field must be present`);
      for (const [name, p] of packages) {
        if (!p.summary) doubt(`Summary field must be present in package ${name || '(main package)'}`);
        if (!p.description) doubt(`package ${name || '(main package)'} has no %description`);
      }
    }
  } catch (err) {
    if (err instanceof CertainFailure) return { ok: false, reason: err.message, evaluable: true, certain: true, ...(err.rpmMessage ? { rpmMessage: err.rpmMessage } : {}) };
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
    ...(unsure !== undefined ? { unsure } : {}),
  };
}

export { AUTORELEASE_PROBE };
