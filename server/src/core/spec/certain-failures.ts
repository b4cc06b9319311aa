import { evaluateExpression } from './expression';
import { Unevaluable, type MacroContext } from './macros';

/**
 * What the evaluator knows rpm certainly fails on, and what rpm prints then: an `%if` on macros
 * nothing defines, a preamble line calling a macro nothing defines ("Unknown tag"). Never certain
 * when the spec can define macros from outside itself.
 */

/** rpm fails the spec whatever is beside it (see PreambleResult's `certain`); `rpmMessage`: what rpm prints then, when known. */
export class CertainFailure extends Error {
  constructor(
    message: string,
    readonly rpmMessage?: string,
  ) {
    super(message);
  }
}

/** Text that can define macros from outside the spec (%include, %{load:}, Lua, a shell call): nothing is certain then. */
export const DEFINES_FROM_OUTSIDE = /%include\b|%\{?load\b|%\{?lua\b|%\(/;

/** rpm's built-in macros (4.18 and later): a name rpm may expand although no macro file defines it. */
const BUILTINS = new Set([
  'basename', 'define', 'dirname', 'dnl', 'dump', 'echo', 'error', 'exists', 'expand', 'expr', 'getconfdir', 'getenv', 'getncpus', 'global', 'gsub',
  'len', 'load', 'lower', 'lua', 'macrobody', 'quote', 'rep', 'reverse', 'rpmversion', 'shescape', 'shrink', 'span', 'sub', 'suffix', 'trace',
  'uncompress', 'undefine', 'upper', 'url2path', 'verbose', 'warn', 'nil',
]);

/**
 * An `%if` condition, expanded. When what is left holds only macros nothing defines (`%if
 * %{__cargo_skip_build}` without the Rust macros), rpm reports a bad condition: certainly, when nothing
 * in the spec can define macros from the files beside it (%include, %{load:}, Lua, a shell call).
 */
export function condition(ctx: MacroContext, expanded: string, text: string): number | string {
  try {
    return evaluateExpression(expanded);
  } catch (err) {
    const names = [...expanded.replace(/%%/g, '').matchAll(/%\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]);
    const undefinedOnly = names.length > 0 && names.every((n) => !ctx.isDefined(n) && !BUILTINS.has(n));
    if (err instanceof Unevaluable && undefinedOnly && !DEFINES_FROM_OUTSIDE.test(text)) throw new CertainFailure(`bad %if condition: ${expanded}`);
    throw err;
  }
}

/**
 * A preamble line that is a call of a macro nothing defines (`%gometa` without the Go macros): rpm
 * leaves it as written and fails with "Unknown tag", certainly, unless the spec can define macros from
 * outside itself.
 */
export function unknownTagLine(ctx: MacroContext, raw: string, expanded: string, lineNo: number, text: string): CertainFailure | null {
  const m = /^%\{?([A-Za-z_][A-Za-z0-9_]*)/.exec(raw);
  if (!m || !expanded.trimStart().startsWith(m[0]) || expanded.includes('\n')) return null;
  if (ctx.isDefined(m[1]) || BUILTINS.has(m[1]) || DEFINES_FROM_OUTSIDE.test(text)) return null;
  // rpm names the line as expanded, its indentation kept, trailing blanks cut.
  return new CertainFailure(`not a tag: ${raw}`, `error: line ${lineNo}: Unknown tag: ${expanded.trimEnd()}`);
}

