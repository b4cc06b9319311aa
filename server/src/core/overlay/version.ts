/**
 * rdgo's Version and Release for snapshot builds (reference §1.5), and the snapshot tag rpmautospec
 * specs get instead (`-s <YYYYMMDD>git<sha7>`, as Fedora's snapshot guidelines spell it).
 */

export interface Describe {
  /** What `git describe` printed. */
  raw: string;
  /** `<tag>-<commits since it>`, or null when no tag is reachable. */
  tag: string | null;
  sha: string;
  /** `<tag>-<N>-<sha40>` or just the sha: the tarball's and top directory's suffix. */
  desc: string;
}

/** Splits `git describe --tags --long --abbrev=40 --always` output as rdgo's GitMirror.describe. */
export function parseDescribe(raw: string): Describe {
  const out = raw.trim();
  const cut = out.lastIndexOf('-g');
  // A bare object name: nothing tagged is reachable.
  if (cut < 0 || /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(out)) return { raw: out, tag: null, sha: out, desc: out };
  const tag = out.slice(0, cut);
  const sha = out.slice(cut + 2);
  return { raw: out, tag, sha, desc: `${tag}-${sha}` };
}

/**
 * `override-version`, else the tag (or "0") with `v`, `<pkgname>-`, `<pkgname>_` and their upper-case
 * forms stripped in turn, then every `-` made a `.`: tag v1.2 and 5 commits → 1.2.5.
 */
export function rpmVersion(d: Describe | null, pkgname: string, override?: string): string {
  if (override !== undefined) return override;
  let v = d?.tag ?? '0';
  const upper = pkgname.toUpperCase();
  for (const prefix of ['v', `${pkgname}-`, `${pkgname}_`, `${upper}-`, `${upper}_`]) {
    if (v.startsWith(prefix)) v = v.slice(prefix.length);
  }
  return v.split('-').join('.');
}

/**
 * rdgo's literal Release (without `%{?dist}`): the upstream sha, then `.` and the dist-git describe
 * with `-` → `.`. Not monotonic: upgrades rely on Version's commit count.
 */
export function literalRelease(upstream: Describe | null, distgit: Describe | null): string {
  const parts: string[] = [];
  if (upstream) parts.push(upstream.sha);
  if (distgit) parts.push(distgit.desc.split('-').join('.'));
  return parts.join('.');
}

/** `<YYYYMMDD>git<sha7>` from the upstream commit's date in UTC. */
export function snapinfo(commitTime: number, sha: string): string {
  const d = new Date(commitTime * 1000);
  const ymd = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
  return `${ymd}git${sha.slice(0, 7)}`;
}

/** Characters rpm accepts in Version and Release once macros are expanded (rpmbuild's check). */
export function illegalVerRel(value: string): boolean {
  return !/^[A-Za-z0-9._+~^]+$/.test(value);
}
