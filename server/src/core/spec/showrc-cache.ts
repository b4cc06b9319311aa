import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { which } from '../build/proc';

/**
 * `rpm --showrc` costs a process (10–20 ms of a CLI run that is otherwise 100 ms). Its output depends
 * only on the rpm binary, the environment and the files on rpm's macro path and rpmrc path, so it is
 * kept in ~/.cache/gitoverlay with a stamp of those files (path, inode, size, mtime) and reused while
 * the stamp is unchanged. A macro path rpm prints that cannot be followed (a glob beyond the last
 * component, an unknown macro in it) is not cached: rpm runs every time then.
 */
interface Entry {
  version: 1;
  /** Patterns the stamp covers (macro path and rpmrc files, `~` and `%{_target}` expanded). */
  patterns: string[];
  stamp: string;
  text: string;
}

const ENV_KEYS = ['HOME', 'XDG_CONFIG_HOME', 'RPM_CONFIGDIR', 'LANG', 'LC_ALL'];

function cacheFile(): string {
  const base = process.env.XDG_CACHE_HOME || join(process.env.HOME || homedir(), '.cache');
  return join(base, 'gitoverlay', 'rpm-showrc.json');
}

/** The files a pattern names now: a literal path, or `*` in its last component. Null: not followable. */
function expand(pattern: string): string[] | null {
  const dir = dirname(pattern);
  const name = pattern.slice(dir.length + 1);
  if (dir.includes('*') || dir.includes('?') || dir.includes('[') || /[?[]/.test(name)) return null;
  if (!name.includes('*')) return [pattern];
  const re = new RegExp(`^${name.split('*').map((s) => s.replace(/[.+^${}()|\\]/g, '\\$&')).join('.*')}$`);
  try {
    return readdirSync(dir)
      .filter((f) => re.test(f))
      .sort()
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

function stampOf(patterns: readonly string[], rpm: string): string | null {
  const parts = [rpm, ...ENV_KEYS.map((k) => `${k}=${process.env[k] ?? ''}`)];
  for (const pattern of [rpm, ...patterns]) {
    const files = expand(pattern);
    if (!files) return null;
    for (const f of files) {
      try {
        const s = statSync(f, { bigint: true });
        parts.push(`${f} ${s.ino} ${s.size} ${s.mtimeNs} ${s.ctimeNs}`);
      } catch {
        parts.push(`${f} -`);
      }
    }
    parts.push(`${pattern} .`);
  }
  return parts.join('\n');
}

/** What rpm's own `--showrc` says it reads: the macro path, with `~` and `%{_target}` resolved, and the rpmrc files. */
export function showrcPatterns(text: string): string[] | null {
  const path = /^Macro path: (.*)$/m.exec(text)?.[1];
  if (!path) return null;
  const target = /^-\d+: _target\t(.*)$/m.exec(text)?.[1];
  const home = process.env.HOME || homedir();
  const patterns: string[] = [];
  for (let p of path.split(':')) {
    if (p.startsWith('~/')) p = join(home, p.slice(2));
    if (target !== undefined) p = p.split('%{_target}').join(target);
    if (p.includes('%')) return null;
    patterns.push(p);
  }
  const configdir = process.env.RPM_CONFIGDIR || '/usr/lib/rpm';
  // rpmrc: rpm's own, the vendor's beside its macros (e.g. /usr/lib/rpm/debian/rpmrc), the system's and the user's.
  const vendor = patterns.filter((p) => dirname(p).startsWith(`${configdir}/`) && !p.includes('*')).map((p) => join(dirname(p), 'rpmrc'));
  patterns.push(join(configdir, 'rpmrc'), ...vendor, '/etc/rpmrc', join(home, '.rpmrc'), join(home, '.config', 'rpm', 'rpmrc'));
  return [...new Set(patterns)];
}

/** The cached `rpm --showrc` output, when nothing it depends on changed since it was stored. */
export function cachedShowrc(): string | null {
  const rpm = which('rpm');
  if (!rpm) return null;
  try {
    const entry = JSON.parse(readFileSync(cacheFile(), 'utf8')) as Entry;
    if (entry.version !== 1 || !Array.isArray(entry.patterns)) return null;
    return stampOf(entry.patterns, rpm) === entry.stamp ? entry.text : null;
  } catch {
    return null;
  }
}

/** Keeps `text` (rpm --showrc's output) for the next process; silently does nothing when it cannot. */
export function storeShowrc(text: string): void {
  const rpm = which('rpm');
  const patterns = showrcPatterns(text);
  if (!rpm || !patterns) return;
  const stamp = stampOf(patterns, rpm);
  if (!stamp) return;
  const file = cacheFile();
  try {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, patterns, stamp, text } satisfies Entry));
    renameSync(tmp, file);
  } catch {
    /* a read-only home: rpm runs next time too */
  }
}
