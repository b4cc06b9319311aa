/**
 * rdgo's spec rewriting for a snapshot build (reference §1.5, rdgo `specfile.py`): Source0 points at
 * the generated tarball, Version/Release/`%global commit` at the commit, `%setup -n` at the
 * tarball's top directory. Text edits only; tags are matched case-insensitively (rpm does) and only
 * above `%changelog` (changelog text is not preamble).
 */

export class SpecRewriteError extends Error {}

export interface RewriteInput {
  text: string;
  /** Set when there is an upstream: the tarball basename (`<name>-<desc>`), its commit and Version. */
  upstream: { tarDir: string; commit: string; version: string } | null;
  /** A literal Release value (`%{?dist}` is appended), or the snapinfo to add to `%autorelease` (null: leave it). */
  release: { literal: string } | { snapinfo: string | null };
  dropPatches: boolean;
  /** rdgo deletes `%changelog` and what follows; rpmautospec specs keep it for %autochangelog. */
  keepChangelog: boolean;
}

const CHANGELOG = /^%changelog(\s.*)?$/im;

/** Replaces the value of every `Tag:` line; adds one at the top when there is none (rdgo `set_tag`). */
function setTag(text: string, tag: string, value: string): { text: string; found: boolean } {
  const re = new RegExp(`^(${tag}[ \\t]*:[ \\t]*).*$`, 'gim');
  let found = false;
  const out = text.replace(re, (_m, head: string) => {
    found = true;
    return head + value;
  });
  return found ? { text: out, found } : { text: `${tag}: ${value}\n${text}`, found };
}

/**
 * `%autorelease [flags]` / `%{autorelease ...}` / `%{?autorelease}` with `-s <snapinfo>` (replacing
 * one already there), so rpmautospec's expansion carries the snapshot: `3.20250602git55e1573`.
 */
export function addSnapinfo(release: string, snap: string): string {
  const withS = (args: string): string => {
    const tokens = args.trim().split(/\s+/).filter(Boolean);
    const kept: string[] = [];
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i] === '-s') i++;
      else if (!tokens[i].startsWith('-s')) kept.push(tokens[i]);
    }
    return [...kept, '-s', snap].join(' ');
  };
  const braced = /%\{\??autorelease(\s+[^}]*)?\}/;
  if (braced.test(release)) return release.replace(braced, (_m, args: string | undefined) => `%{autorelease ${withS(args ?? '')}}`);
  return release.replace(/%autorelease((?:[ \t]+\S+)*)[ \t]*$/, (_m, args: string) => `%autorelease ${withS(args)}`);
}

/** Options of %setup and %autosetup that take a value (rpm's getopt strings). */
const SETUP_VALUE_OPTS = new Set(['a', 'b', 'n', 'S', 'p']);

/** A `%setup`/`%autosetup` line with its `-n` (also inside `-qn X` or as `-nX`) replaced by `-n dir`. */
export function setSetupDir(line: string, dir: string): string {
  const indent = /^\s*/.exec(line)![0];
  const [macro, ...tokens] = line.trim().split(/\s+/);
  const kept: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!/^-[A-Za-z]/.test(t)) {
      kept.push(t);
      continue;
    }
    // Walk a bundle of single-letter options like getopt does; drop -n and its value.
    let flags = '';
    let k = 1;
    let value: string | undefined;
    let dropped = false;
    for (; k < t.length; k++) {
      const c = t[k];
      if (SETUP_VALUE_OPTS.has(c)) {
        value = k + 1 < t.length ? t.slice(k + 1) : undefined;
        if (value === undefined) i++;
        if (c === 'n') dropped = true;
        else flags += c + (value ?? ` ${tokens[i] ?? ''}`);
        break;
      }
      flags += c;
    }
    if (flags) kept.push(`-${flags}`);
    else if (!dropped) kept.push(t);
  }
  return `${indent}${[macro, ...kept, '-n', dir].join(' ')}`;
}

export function rewriteSpec(input: RewriteInput): string {
  const m = CHANGELOG.exec(input.text);
  let head = m ? input.text.slice(0, m.index) : input.text;
  let tail = m ? input.text.slice(m.index) : '';

  if (input.upstream) {
    const { tarDir, commit, version } = input.upstream;
    const tarball = `${tarDir}.tar.gz`;
    const source0 = /^Source0[ \t]*:/im.test(head) ? 'Source0' : /^Source[ \t]*:/im.test(head) ? 'Source' : 'Source0';
    head = setTag(head, source0, tarball).text;
    // Only a value that is an object name: `%global commit %{...}` style indirections stay.
    head = head.replace(/^(\s*%global\s+commit0?\s+)[0-9a-fA-F]{7,64}[ \t]*$/gm, (_m, lead: string) => lead + commit);
    head = setTag(head, 'Version', version).text;
    let matched = false;
    head = head
      .split('\n')
      .map((line) => {
        if (!/^\s*%(setup|autosetup)(\s|$)/.test(line)) return line;
        matched = true;
        return setSetupDir(line, tarDir);
      })
      .join('\n');
    if (!matched) throw new SpecRewriteError(`the spec has no %setup or %autosetup to point at ${tarDir} (rdgo refuses it)`);
  }

  if ('literal' in input.release) head = setTag(head, 'Release', `${input.release.literal}%{?dist}`).text;
  else if (input.release.snapinfo !== null) {
    const snap = input.release.snapinfo;
    head = head.replace(/^(Release[ \t]*:[ \t]*)(.*)$/gim, (_m, lead: string, value: string) => lead + addSnapinfo(value, snap));
  }

  if (input.dropPatches) {
    // PatchN: lines go, and the %patchN / %patch -P N lines that would apply them.
    head = head
      .split('\n')
      .filter((line) => !/^Patch\d*[ \t]*:/i.test(line) && !/^\s*%patch(\d+|\s|$)/.test(line))
      .join('\n');
  }

  if (!input.keepChangelog) tail = '';
  return head + tail;
}
