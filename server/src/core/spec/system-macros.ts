import { realpathSync } from 'node:fs';
import { basename } from 'node:path';
import { run } from '../git/exec';
import type { Macro } from './macros';
import type { Shell } from './shell-idioms';
import { cachedShowrc, storeShowrc } from './showrc-cache';

/**
 * The macros rpm defines before it reads a spec (its macro files: on Fedora %fedora, %dist,
 * %py3_dist...), from `rpm --showrc`, so the evaluator reads a spec as rpm does on this machine.
 * Built-ins (level -20) are left out: the evaluator implements or refuses those itself.
 */
export function parseShowrc(text: string): Map<string, Macro> {
  const macros = new Map<string, Macro>();
  const start = text.indexOf('\n========================\n');
  if (start < 0) return macros;
  let current: { name: string; opts?: string; lines: string[] } | null = null;
  const flush = (): void => {
    if (!current) return;
    const body = current.lines.join('\n');
    // showrc prints `%with()` as `with`: a body that reads arguments or options is parametric.
    const opts = current.opts ?? (/%\{?[!?]*(?:-[A-Za-z]|\*|#|[0-9])/.test(body.replace(/%%/g, '')) ? '' : undefined);
    macros.set(current.name, { body, ...(opts !== undefined ? { opts } : {}) });
    current = null;
  };
  for (const line of text.slice(start + 26).split('\n')) {
    const m = /^-(\d+)[:=] ([A-Za-z_][A-Za-z0-9_]*)(?:\(([^)]*)\))?\t(.*)$/.exec(line);
    if (m) {
      flush();
      if (m[1] !== '20') current = { name: m[2], opts: m[3], lines: [m[4]] };
      continue;
    }
    if (line.startsWith('========================')) break;
    current?.lines.push(line);
  }
  flush();
  return macros;
}

let cached: Promise<ReadonlyMap<string, Macro>> | undefined;

/** This machine's rpm macros, read once per process (from the cache while rpm's files are unchanged); empty without rpm. */
export function systemMacros(): Promise<ReadonlyMap<string, Macro>> {
  if (cached) return cached;
  const kept = cachedShowrc();
  cached = kept
    ? Promise.resolve(parseShowrc(kept))
    : run('rpm', ['--showrc'])
        .then((r) => {
          const text = r.stdout.toString();
          storeShowrc(text);
          return parseShowrc(text) as ReadonlyMap<string, Macro>;
        })
        .catch(() => new Map<string, Macro>());
  return cached;
}

let shell: Shell | null | undefined;

/** The shell rpm's `%(...)` runs in on this machine (/bin/sh), when it is one the idioms know. */
export function systemShell(): Shell | undefined {
  if (shell === undefined) {
    try {
      const name = basename(realpathSync('/bin/sh'));
      shell = name === 'bash' || name === 'dash' ? name : null;
    } catch {
      shell = null;
    }
  }
  return shell ?? undefined;
}
