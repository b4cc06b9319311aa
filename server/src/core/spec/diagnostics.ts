import type { Diagnostic, Range } from '../types';

/**
 * What rpmbuild silently drops or rejects in a spec: malformed or out-of-order %changelog dates, a
 * `-` in Release, %autorelease flags it cannot parse.
 */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function diag(code: string, severity: Diagnostic['severity'], line: number, start: number, end: number, message: string, data?: Record<string, unknown>): Diagnostic {
  const range: Range = { start: { line, character: start }, end: { line, character: end } };
  const d: Diagnostic = { range, severity, code, source: 'gitoverlay', message };
  if (data) d.data = data;
  return d;
}

/** Parses a changelog header date (`Mon Jan 01 2024`, also with a time as rpm allows); null if malformed. */
export function parseChangelogDate(text: string): { time: number; weekdayOk: boolean } | null {
  const m = /^(\w{3})\s+(\w{3})\s+(\d{1,2})\s+(?:(\d{1,2}):(\d{2}):(\d{2})\s+(?:\w+\s+)?)?(\d{4})$/.exec(text.trim());
  if (!m) return null;
  const month = MONTHS.indexOf(m[2]);
  const day = Number(m[3]);
  const year = Number(m[7]);
  if (month < 0 || !DAYS.includes(m[1]) || day < 1 || day > new Date(Date.UTC(year, month + 1, 0)).getUTCDate()) return null;
  const t = Date.UTC(year, month, day);
  return { time: t, weekdayOk: DAYS[new Date(t).getUTCDay()] === m[1] };
}

const AUTORELEASE_CALL = /%(?:\{\??autorelease(\s+[^}]*)?\}|autorelease((?:\s+[^\s%{}#]+)*))/;

/** Checks %autorelease's options against its getopt string `e:s:pb:n`; returns the reason or null. */
export function autoreleaseFlagError(args: string): string | null {
  const words = args.trim() ? args.trim().split(/\s+/) : [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (!w.startsWith('-')) return `unexpected argument '${w}' (options are -b N, -e TEXT, -s TEXT, -p, -n)`;
    const f = w[1];
    if (!'espbn'.includes(f) || w.length < 2) return `unknown option '${w}' (options are -b N, -e TEXT, -s TEXT, -p, -n)`;
    if ('esb'.includes(f)) {
      const value = w.length > 2 ? w.slice(2) : words[++i];
      if (value === undefined || value.startsWith('-')) return `option -${f} needs a value`;
      if (f === 'b' && !/^\d+$/.test(value)) return `-b takes a number, not '${value}'`;
      if ((f === 'e' || f === 's') && value.includes('-')) return `-${f} ${value}: a '-' is not allowed in Release`;
    } else if (w.length > 2) return `unknown option '${w}'`;
  }
  return null;
}

export function checkSpec(text: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const lines = text.split(/\r?\n/);
  let inChangelog = false;
  let previous: { time: number; line: number } | null = null;
  lines.forEach((line, i) => {
    if (/^%changelog(\s.*)?$/i.test(line)) {
      inChangelog = true;
      return;
    }
    if (inChangelog && /^%(package|description|prep|build|install|check|files|pre|post|preun|postun)\b/.test(line)) inChangelog = false;
    if (!inChangelog) {
      const rel = /^(Release\s*:\s*)(.*?)\s*$/i.exec(line);
      if (rel) {
        const value = rel[2];
        const plain = value.replace(/%\{[^}]*\}|%[A-Za-z_]\w*(?:\s+-[^\s%]+(?:\s+[^\s%-][^\s%]*)?)*/g, (m) => ' '.repeat(m.length));
        const dash = plain.indexOf('-');
        if (dash >= 0) {
          const at = rel[1].length + dash;
          out.push(diag('spec.release-dash', 'error', i, at, at + 1, "Release may not contain '-' (rpm refuses it: the dash separates version and release)"));
        }
      }
      const call = AUTORELEASE_CALL.exec(line);
      if (call && !/^\s*#/.test(line)) {
        const err = autoreleaseFlagError(call[1] ?? call[2] ?? '');
        if (err) out.push(diag('spec.autorelease-flags', 'error', i, call.index, call.index + call[0].length, `%autorelease: ${err}`));
      }
      return;
    }
    if (!line.startsWith('*')) return;
    // * Mon Jan 01 2024 Name <email> - 1.0-1
    const m = /^\*\s+(\w{3}\s+\w{3}\s+\d{1,2}\s+(?:\d{1,2}:\d{2}:\d{2}\s+(?:\w+\s+)?)?\d{4})/.exec(line);
    if (!m) {
      out.push(diag('spec.changelog-date', 'error', i, 0, line.length, 'Malformed %changelog header: expected "* Www Mmm DD YYYY Name <email> - version-release"; rpmbuild drops the changelog'));
      return;
    }
    const start = line.indexOf(m[1]);
    const date = parseChangelogDate(m[1]);
    if (!date) {
      out.push(diag('spec.changelog-date', 'error', i, start, start + m[1].length, `Invalid date '${m[1]}' in %changelog; rpmbuild drops the changelog`));
      return;
    }
    if (!date.weekdayOk) {
      out.push(diag('spec.changelog-date', 'warning', i, start, start + 3, `Bogus date in %changelog: ${m[1]} is not a ${m[1].slice(0, 3)}`));
    }
    if (previous && date.time > previous.time) {
      out.push(
        diag('spec.changelog-order', 'error', i, start, start + m[1].length, `%changelog not in descending chronological order: this entry is newer than the one on line ${previous.line + 1}`),
      );
    }
    previous = { time: date.time, line: i };
  });
  return out;
}

/**
 * rpmautospec's refusal of a spec it cannot parse ("Couldn’t parse spec file X.spec"), on the
 * `Release:` line (else `Version:`, else the first line): what `fedpkg build` would stop on.
 */
export function unparseableDiagnostic(text: string, message: string): Diagnostic {
  const lines = text.split(/\r?\n/);
  const line = releaseLine(lines);
  return {
    range: { start: { line, character: 0 }, end: { line, character: lines[line]?.length ?? 0 } },
    severity: 'error',
    code: 'spec.unparseable',
    source: 'gitoverlay',
    message: `${message}: rpmautospec refuses to compute the release (gitoverlay.autospec.errorOnUnparseableSpec: false computes it without this version)`,
  };
}

/** The line release results belong on: `Release:`, else `Version:`, else the first (0-based). */
export function releaseLine(lines: readonly string[]): number {
  const release = lines.findIndex((l) => /^Release\s*:/i.test(l));
  return release >= 0 ? release : Math.max(0, lines.findIndex((l) => /^Version\s*:/i.test(l)));
}
