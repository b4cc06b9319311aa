import { isAbsolute, join, resolve } from 'node:path';

/**
 * Which git URLs an overlay may name, and how they are shown. An overlay is a document from a
 * repository that may not be the user's: a URL must never make git run a program (`ext::`), read a
 * descriptor (`fd::`), pass an option (`-...`) or, unless the caller allows it, read local files.
 */

/** A URL or ref an overlay may not use; the message never holds credentials. */
export class UnsafeInputError extends Error {}

export type RemoteKind = 'network' | 'file';

export interface Remote {
  /** The URL git is given: without credentials (see `credentials`), a local path made absolute. */
  url: string;
  /** The URL as written with its userinfo replaced: for messages and output. */
  display: string;
  kind: RemoteKind;
  /** `user:password@` (or a token as user) taken out of an http(s) URL, handed to git out of band. */
  credentials: { url: string; userinfo: string } | null;
  /** Mirror directory relative to the cache: `<host>/<path>.git`, or `file/<path>.git`. */
  mirrorKey: string;
}

/** Schemes git may speak for a network remote (the protocol.*.allow list says the same). */
const NETWORK_SCHEMES = new Set(['https', 'http', 'ssh', 'git', 'git+ssh', 'ssh+git']);

/** `scheme://[userinfo@]host[:port]/path`. */
const URL_RE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(?:([^/@]*)@)?([^/:]*)(?::(\d*))?(\/.*)?$/;
/** `[user@]host:path`, git's scp-like ssh form (no slash before the first colon). */
const SCP_RE = /^(?:([^/@:]+)@)?([^/:]+):(.*)$/;

/** Userinfo worth hiding: anything in an http(s) URL (tokens go there), a password elsewhere. */
function secretUserinfo(scheme: string, userinfo: string | undefined): boolean {
  if (userinfo === undefined || userinfo === '') return false;
  return /^https?$/i.test(scheme) || userinfo.includes(':');
}

/** Removes credentials from every URL in a text (git's stderr, an error message, output). */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text.replace(/\b([A-Za-z][A-Za-z0-9+.-]*):\/\/([^\s/@'"]+)@/g, (m, scheme: string, userinfo: string) =>
    secretUserinfo(scheme, userinfo) ? `${scheme}://***@` : m,
  );
  // Belt and braces: a secret printed in another shape (git quoting a credential on its own).
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('***');
  return out;
}

/** A path inside the cache from URL path parts: no `.`/`..`, no empty parts, no odd characters. */
function cachePath(parts: string[]): string {
  const clean = parts
    .flatMap((p) => p.split('/'))
    .filter((p) => p !== '' && p !== '.' && p !== '..')
    .map((p) => p.replace(/[^A-Za-z0-9._+@-]/g, '_').replace(/^\.+/, '_'));
  if (clean.length === 0) clean.push('_');
  // A `.git` suffix on the last part keeps `host/a` and `host/a/b` from nesting one mirror in another.
  const last = clean.length - 1;
  clean[last] = clean[last].replace(/\.git$/, '') + '.git';
  return clean.join('/');
}

function refuse(message: string): never {
  throw new UnsafeInputError(message);
}

/**
 * Checks a component's (alias-expanded) URL and says how to fetch it. `file://` URLs and plain
 * paths are local reads: refused unless `allowFile` (the editor keeps it off, so opening someone's
 * overlay cannot make it read the disk; the CLI turns it on, the user having asked for that overlay).
 * Relative paths are taken from `baseDir` (the overlay's directory).
 */
export function checkRemote(url: string, options: { allowFile: boolean; baseDir: string }): Remote {
  const shown = redact(url);
  if (url === '') refuse('empty URL');
  if (url.startsWith('-')) refuse(`URL '${shown}' starts with '-' (it would be read as an option)`);
  const transport = /^([A-Za-z0-9][A-Za-z0-9+.-]*)::/.exec(url);
  if (transport) refuse(`URL '${shown}' uses the '${transport[1]}::' transport form, which can run programs; only network and (when allowed) file URLs are fetched`);
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f]/.test(url)) refuse(`URL '${shown}' contains whitespace or control characters`);

  const m = URL_RE.exec(url);
  if (m) {
    const [, rawScheme, userinfo, host, port, path = ''] = m;
    const scheme = rawScheme.toLowerCase();
    if (scheme === 'file') {
      if (!options.allowFile) refuse(`file URL '${shown}' refused: local repositories are read only when allowed (the CLI allows them; in the editor, set gitoverlay.allowFileUrls)`);
      if (host !== '' && host !== 'localhost') refuse(`file URL '${shown}' names a host`);
      return local(decodeURIComponentSafe(path), shown);
    }
    if (!NETWORK_SCHEMES.has(scheme)) refuse(`URL '${shown}' uses the unsupported scheme '${rawScheme}'`);
    if (host === '' || host.startsWith('-')) refuse(`URL '${shown}' has no usable host`);
    const hostKey = port ? `${host}_${port}` : host;
    const mirrorKey = cachePath([hostKey.toLowerCase(), path]);
    if (secretUserinfo(scheme, userinfo)) {
      const clean = url.replace(`//${userinfo}@`, '//');
      return { url: clean, display: shown, kind: 'network', credentials: { url, userinfo: userinfo! }, mirrorKey };
    }
    return { url, display: shown, kind: 'network', credentials: null, mirrorKey };
  }

  const scp = SCP_RE.exec(url);
  if (scp && !isAbsolute(url)) {
    const [, , host, path] = scp;
    if (host.startsWith('-') || path.startsWith('-')) refuse(`URL '${shown}' starts a part with '-'`);
    return { url, display: shown, kind: 'network', credentials: null, mirrorKey: cachePath([host.toLowerCase(), path]) };
  }

  if (!options.allowFile) refuse(`local path '${shown}' refused: local repositories are read only when allowed (the CLI allows them; in the editor, set gitoverlay.allowFileUrls)`);
  return local(resolve(options.baseDir, url), shown);
}

function local(path: string, shown: string): Remote {
  const abs = resolve(path);
  return { url: abs, display: shown, kind: 'file', credentials: null, mirrorKey: join('file', cachePath([abs])) };
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Refs and names from an overlay go to git and into file names: no options, no control characters. */
export function checkRef(kind: string, ref: unknown): string {
  if (typeof ref !== 'string') refuse(`${kind} must be a string (quote it in YAML), not ${JSON.stringify(ref)}`);
  if (ref === '') refuse(`${kind} is empty`);
  if (ref.startsWith('-')) refuse(`${kind} '${ref}' starts with '-' (it would be read as an option)`);
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f]/.test(ref)) refuse(`${kind} '${ref}' contains whitespace or control characters`);
  return ref;
}

/** A component or dist-git name: used as a file name, so one path component. */
export function checkName(kind: string, name: unknown): string {
  const n = checkRef(kind, name);
  if (n.includes('/') || n.includes('\\') || n.startsWith('.')) refuse(`${kind} '${n}' is not a plain name`);
  return n;
}

/** Every credential written in a URL anywhere in a document: hidden wherever it might resurface. */
export function secretsIn(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') {
    for (const m of value.matchAll(/\b([A-Za-z][A-Za-z0-9+.-]*):\/\/([^\s/@'"]+)@/g)) {
      if (!secretUserinfo(m[1], m[2])) continue;
      out.add(m[2]);
      const colon = m[2].indexOf(':');
      if (colon >= 0 && colon + 1 < m[2].length) out.add(m[2].slice(colon + 1));
    }
  } else if (Array.isArray(value)) for (const v of value) secretsIn(v, out);
  else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) secretsIn(v, out);
  return out;
}
