/**
 * The one-line `%(...)` shell calls Fedora specs repeat, answered without a shell: a variable set to
 * a plain word, then `echo ${var<op>}` (`%global shortcommit %(c=%{commit}; echo ${c:0:7})`). rpm
 * runs these with /bin/sh, so the answer depends on which shell that is: bash takes `${c:0:7}` and
 * `${b/-/~}`, dash fails on them ("Bad substitution") and rpm reads nothing. Anything else returns
 * null: the evaluator declines and rpm runs it. No text from a spec ever reaches a shell here.
 */

export type Shell = 'bash' | 'dash';

const WORD = /^[A-Za-z0-9._~^+:@-]*$/;
const IDIOM = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(\S*)\s*;\s*echo\s+("?)\$\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}\3\s*$/;

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

/** What `sh -c CMD` prints (trailing newlines dropped, as rpm drops them), or null when not this idiom. */
export function shellIdiom(cmd: string, shell: Shell): string | null {
  let text = cmd.trim();
  // `%((v=...; echo ...))`: a subshell prints the same.
  if (text.startsWith('(') && text.endsWith(')')) text = text.slice(1, -1);
  const m = IDIOM.exec(text);
  if (!m) return null;
  const [, name, value, , used, op] = m;
  if (used !== name || !WORD.test(value)) return null;
  let out: string | null;
  if (op === '') out = value;
  else if (/^(##?|%%?)/.test(op)) {
    const k = op.startsWith('##') || op.startsWith('%%') ? 2 : 1;
    out = trim(value, op.slice(0, k), op.slice(k));
  } else {
    // bash only; dash stops at the substitution and prints nothing.
    const sub = /^:(\d+)(?::(\d+))?$/.exec(op);
    const rep = /^\/([A-Za-z0-9._~^+:@-]+)\/("?)([A-Za-z0-9._~^+:@-]*)\2$/.exec(op);
    // An unquoted replacement starting with ~ is a tilde expansion in bash ($HOME): not this idiom.
    if ((!sub && !rep) || (rep && rep[2] === '' && rep[3].startsWith('~'))) return null;
    if (shell === 'dash') return '';
    if (sub) out = value.slice(Number(sub[1]), sub[2] !== undefined ? Number(sub[1]) + Number(sub[2]) : undefined);
    else out = value.replace(rep![1], rep![3]);
  }
  // echo reads a leading -n/-e as an option; an empty unquoted word prints an empty line.
  if (out === null || out.startsWith('-') || !WORD.test(out)) return null;
  return out;
}
