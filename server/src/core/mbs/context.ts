import { createHash } from 'node:crypto';

/**
 * The Module Build Service's identity of a module build (fm-orchestrator,
 * module_build_service/common/models.py ModuleBuild.calculate_*_context and get_stream_version,
 * web/submit.py get_prefixed_version; docs/mbs-contract.md): three sha1 hashes over Python's
 * json.dumps of sorted dictionaries, and the version prefixed with the base module's stream version.
 */

/** Python's json.dumps with its defaults: ", " and ": " separators, non-ASCII as \\uXXXX. */
export function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`)
      .join(', ')}}`;
  }
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return JSON.stringify(value);
}

/** Keys in Python's sort order (code points; strings here are BMP, where UTF-16 order is the same). */
function sortedObject<T>(entries: [string, T][]): Record<string, T> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const sha1 = (text: string): string => createHash('sha1').update(text, 'utf8').digest('hex');

/** sha1 of {name: stream} of xmd.mbs.buildrequires, sorted; base modules left out when asked (build_context_no_bms). */
export function buildContext(xmdBuildrequires: Record<string, { stream: string }>, baseModules: readonly string[] = []): string {
  return sha1(pythonJson(sortedObject(Object.entries(xmdBuildrequires).filter(([n]) => !baseModules.includes(n)).map(([n, i]) => [n, i.stream]))));
}

/** sha1 of {name: sorted streams} of every dependencies entry's requires (streams of one name united). */
export function runtimeContext(dependencies: readonly { requires?: Record<string, readonly string[]> }[]): string {
  const requires = new Map<string, Set<string>>();
  for (const d of dependencies) for (const [name, streams] of Object.entries(d.requires ?? {})) requires.set(name, new Set([...(requires.get(name) ?? []), ...streams]));
  return sha1(pythonJson(sortedObject([...requires].map(([n, s]) => [n, [...s].sort()]))));
}

/** The first 8 hex digits of sha1("build_context:runtime_context"). */
export function moduleContext(build: string, runtime: string): string {
  return sha1(`${build}:${runtime}`).slice(0, 8);
}

/**
 * A stream's version: its digits and dots from the first digit on, each part two digits wide
 * (`f27` → 27, `el8.1.0` → 080100); `rightPad` pads to six digits (27 → 270000). Null without digits.
 * (MBS's configurable stream suffixes, none by default, are not applied.)
 */
export function streamVersion(stream: string, rightPad = true): number | null {
  let version = '';
  for (const ch of stream) {
    if (/[0-9]/.test(ch)) version += ch;
    else if (version) {
      if (ch === '.') version += '.';
      else break;
    }
  }
  let digits = version
    .replace(/\.+$/, '')
    .split('.')
    .map((s) => s.padStart(2, '0'))
    .join('');
  if (!version) return null;
  if (rightPad) digits += '0'.repeat(Math.max(0, 6 - digits.length));
  return Number(digits);
}

const MAX_UINT64 = 18446744073709551615n;

/** MBS's version: the base module's stream version (not padded) written before `version`, when it fits a uint64. */
export function prefixedVersion(version: string, baseStream: string | null): string {
  if (baseStream === null) return version;
  const prefix = streamVersion(baseStream, false);
  if (prefix === null) return version;
  const v = BigInt(`${Math.floor(prefix)}${BigInt(version)}`);
  return v > MAX_UINT64 ? version : v.toString();
}
