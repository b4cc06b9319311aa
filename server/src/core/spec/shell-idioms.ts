/**
 * The one-line `%(...)` shell calls Fedora specs repeat, answered without a shell:
 *   - a variable set to a plain word, then `echo ${var<op>}`, bare or inside "text"
 *     (`%global shortcommit %(c=%{commit}; echo ${c:0:7})`);
 *   - the same variable tested, `[ "$c" = "${c#*.*}" ]; echo $?` (systemd's "is it a stable version");
 *   - `cat FILE`, a file of the directory rpm runs in (systemd's `%(cat meson.version)`).
 * rpm runs these with /bin/sh, so the answer depends on which shell that is: bash takes `${c:0:7}` and
 * `${b/-/~}`, dash fails on them ("Bad substitution") and rpm reads nothing. Anything else returns
 * null: the evaluator declines and rpm runs it. No text from a spec ever reaches a shell here.
 */

export type Shell = 'bash' | 'dash';

/** A file of the directory rpm runs in: its text, null when absent, undefined when not known here. */
export type ReadFile = (name: string) => string | null | undefined;

const WORD = /^[A-Za-z0-9._~^+:@-]*$/;
const ASSIGN = /^([A-Za-z_][A-Za-z0-9_]*)=("?)(\S*?)\2\s*;\s*(.*)$/s;
const EXPANSION = /^\$\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}$/;

/** A glob of literal characters, `*` and `?` as a regular expression source (null: more than that). */
function globSource(glob: string): string | null {
  if (!/^[A-Za-z0-9._~^+:@*?-]*$/.test(glob)) return null;
  return glob.replace(/[.+^:@~-]/g, (c) => `\\${c}`).replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]');
}

/** POSIX prefix/suffix removal: `#` shortest prefix, `##` longest, `%` shortest suffix, `%%` longest. */
function trim(value: string, op: string, glob: string): string | null {
  const src = globSource(glob);
  if (src === null) return null;
  const re = new RegExp(`^${src}$`);
  const cuts = Array.from({ length: value.length + 1 }, (_, k) => k);
  if (op === '#' || op === '##') {
    const order = op === '#' ? cuts : cuts.reverse();
    const k = order.find((n) => re.test(value.slice(0, n)));
    return k === undefined ? value : value.slice(k);
  }
  const order = op === '%' ? cuts.reverse() : cuts;
  const k = order.find((n) => re.test(value.slice(n)));
  return k === undefined ? value : value.slice(0, k);
}

/** dash met an expansion it does not have: it stops there, and nothing of the command line runs. */
const STOP = Symbol('dash stops');

/** `${name<op>}` with `name` set to `value`: its text, STOP where dash stops, null when not understood. */
function expansion(text: string, name: string, value: string, shell: Shell): string | null | typeof STOP {
  const m = EXPANSION.exec(text);
  if (!m || m[1] !== name) return null;
  const op = m[2];
  if (op === '') return value;
  if (/^(##?|%%?)/.test(op)) {
    const k = op.startsWith('##') || op.startsWith('%%') ? 2 : 1;
    return trim(value, op.slice(0, k), op.slice(k));
  }
  // bash only; dash stops at the substitution and prints nothing.
  const sub = /^:(\d+)(?::(\d+))?$/.exec(op);
  const rep = /^\/([A-Za-z0-9._~^+:@-]+)\/("?)([A-Za-z0-9._~^+:@-]*)\2$/.exec(op);
  // An unquoted replacement starting with ~ is a tilde expansion in bash ($HOME): not this idiom.
  if ((!sub && !rep) || (rep && rep[2] === '' && rep[3].startsWith('~'))) return null;
  if (shell === 'dash') return STOP;
  if (sub) return value.slice(Number(sub[1]), sub[2] !== undefined ? Number(sub[1]) + Number(sub[2]) : undefined);
  return value.replace(rep![1], rep![3]);
}

/** `echo ARG`: ARG a bare `${...}` or "text${...}text" (literal safe characters around it). */
function echo(arg: string, name: string, value: string, shell: Shell): string | null {
  const quoted = /^"([A-Za-z0-9._~^+:@-]*)(\$\{[^}"]*\})([A-Za-z0-9._~^+:@-]*)"$/.exec(arg);
  const [before, inner, after] = quoted ? [quoted[1], quoted[2], quoted[3]] : ['', arg, ''];
  const v = expansion(inner, name, value, shell);
  if (v === STOP) return '';
  return v === null ? null : before + v + after;
}

/** What `sh -c CMD` prints (trailing newlines dropped, as rpm drops them), or null when not an idiom. */
export function shellIdiom(cmd: string, shell: Shell, readFile?: ReadFile): string | null {
  let text = cmd.trim();
  // `%((v=...; echo ...))`: a subshell prints the same.
  if (text.startsWith('(') && text.endsWith(')')) text = text.slice(1, -1).trim();
  const cat = /^cat\s+([A-Za-z0-9_][A-Za-z0-9._-]*(?:\/[A-Za-z0-9_][A-Za-z0-9._-]*)*)$/.exec(text);
  if (cat) {
    const body = readFile?.(cat[1]);
    if (body === undefined) return null;
    // Absent: cat complains on stderr and prints nothing.
    return body === null ? '' : body.replace(/\n+$/, '');
  }
  const m = ASSIGN.exec(text);
  if (!m) return null;
  const [, name, , value, rest] = m;
  if (!WORD.test(value)) return null;
  let out: string | null;
  const test = new RegExp(`^\\[\\s+"\\$${name}"\\s+(=|!=)\\s+"(\\$\\{[^}"]*\\})"\\s+\\]\\s*;\\s*echo\\s+\\$\\?$`).exec(rest);
  if (test) {
    const other = expansion(test[2], name, value, shell);
    if (other === null) return null;
    out = other === STOP ? '' : (test[1] === '=') === (value === other) ? '0' : '1';
  } else {
    const e = /^echo\s+(\S+)$/.exec(rest);
    if (!e) return null;
    out = echo(e[1], name, value, shell);
  }
  // echo reads a leading -n/-e as an option.
  if (out === null || out.startsWith('-') || !WORD.test(out)) return null;
  return out;
}
