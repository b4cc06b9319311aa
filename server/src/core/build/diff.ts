import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { run } from '../git/exec';
import { builtRpms } from '../mbs/built-rpms';
import { listFiles } from './fs';

/**
 * Two repositories (two builds, two composes) compared: packages added, removed, with another NEVR,
 * and packages of the same NEVRA whose bytes differ, with the header tags that differ (what broke
 * reproducibility); then the repository metadata and the module metadata. Build logs and the state
 * file are not content. Identical means every package and metadata file is byte for byte the same.
 */

export interface PackageInfo {
  /** Relative to its repository. */
  path: string;
  name: string;
  arch: string;
  /** [E:]V-R. */
  evr: string;
  sha256: string;
}

export interface RepoDiff {
  identical: boolean;
  added: PackageInfo[];
  removed: PackageInfo[];
  /** Same name and arch, another [E:]V-R. */
  changed: { from: PackageInfo; to: PackageInfo }[];
  /** Same NEVRA, other bytes: the header tags whose values differ. */
  differs: { a: PackageInfo; b: PackageInfo; tags: string[] }[];
  /** Metadata files (repodata, modules.yaml content) that differ or exist on one side only. */
  metadata: string[];
  /** Packages compared on each side. */
  counts: [number, number];
}

/** Name, arch ('src' for a source package), [E:]V-R and sha256 of every package (builtRpms: one rpm process). */
async function packages(repo: string, files: string[], signal?: AbortSignal): Promise<PackageInfo[]> {
  return (await builtRpms(repo, files, signal)).map((p) => ({ path: p.file, name: p.name, arch: p.arch, evr: `${p.epoch ? `${p.epoch}:` : ''}${p.version}-${p.release}`, sha256: p.sha256 }));
}

/** The header tags (rpm --xml) whose values differ between two packages. */
async function differingTags(a: string, b: string, signal?: AbortSignal): Promise<string[]> {
  const tags = async (f: string): Promise<Map<string, string>> => {
    const xml = (await run('rpm', ['-qp', '--nosignature', '--nodigest', '--xml', '--', f], { signal })).stdout.toString();
    return new Map([...xml.matchAll(/<rpmTag name="([^"]+)">([\s\S]*?)<\/rpmTag>/g)].map((m) => [m[1], m[2]]));
  };
  const [x, y] = await Promise.all([tags(a), tags(b)]);
  const names = [...new Set([...x.keys(), ...y.keys()])].sort();
  const differ = names.filter((n) => x.get(n) !== y.get(n));
  return differ.length ? differ : ['(the header is the same: the payload or signature differs)'];
}

/** The content of a metadata file: a compressed one decompressed (the same YAML compressed twice may differ). */
async function metadataContent(file: string): Promise<Buffer> {
  const data = await readFile(file);
  return file.endsWith('.gz') ? gunzipSync(data) : data;
}

const NOT_CONTENT = /(^|\/)(build\.log|buildstate\.json|[^/]+\.spec)$/;

export async function diffRepositories(a: string, b: string, signal?: AbortSignal): Promise<RepoDiff> {
  for (const d of [a, b]) if (!(await stat(d).catch(() => null))?.isDirectory()) throw new Error(`${d} is not a directory`);
  const [fa, fb] = await Promise.all([listFiles(a), listFiles(b)]);
  const [pa, pb] = await Promise.all([packages(a, fa, signal), packages(b, fb, signal)]);
  const key = (p: PackageInfo): string => `${p.name}.${p.arch}`;
  const ia = new Map(pa.map((p) => [key(p), p]));
  const ib = new Map(pb.map((p) => [key(p), p]));
  const diff: RepoDiff = { identical: true, added: [], removed: [], changed: [], differs: [], metadata: [], counts: [pa.length, pb.length] };
  for (const [k, p] of ia) if (!ib.has(k)) diff.removed.push(p);
  for (const [k, p] of ib) if (!ia.has(k)) diff.added.push(p);
  for (const [k, from] of ia) {
    const to = ib.get(k);
    if (!to) continue;
    if (from.evr !== to.evr) diff.changed.push({ from, to });
    else if (from.sha256 !== to.sha256) diff.differs.push({ a: from, b: to, tags: await differingTags(join(a, from.path), join(b, to.path), signal) });
  }
  // Metadata: repodata (file names carry checksums, so compared by type) and anything else not a package.
  const meta = (files: string[]): Map<string, string> =>
    new Map(files.filter((f) => !f.endsWith('.rpm') && !NOT_CONTENT.test(f)).map((f) => [f.replace(/(^|\/)[0-9a-f]{64}-/, '$1'), f]));
  const [ma, mb] = [meta(fa), meta(fb)];
  for (const name of [...new Set([...ma.keys(), ...mb.keys()])].sort()) {
    const x = ma.get(name);
    const y = mb.get(name);
    if (!x || !y) diff.metadata.push(`${name}: only in ${x ? a : b}`);
    else if (!(await metadataContent(join(a, x))).equals(await metadataContent(join(b, y)))) diff.metadata.push(`${name}: differs`);
  }
  diff.identical = !diff.added.length && !diff.removed.length && !diff.changed.length && !diff.differs.length && !diff.metadata.length;
  return diff;
}

export function formatDiff(d: RepoDiff, a: string, b: string): string {
  const nevra = (p: PackageInfo): string => `${p.name}-${p.evr}.${p.arch}`;
  const lines: string[] = [];
  for (const p of d.removed) lines.push(`- ${nevra(p)}`);
  for (const p of d.added) lines.push(`+ ${nevra(p)}`);
  for (const c of d.changed) lines.push(`~ ${c.from.name}.${c.from.arch}: ${c.from.evr} -> ${c.to.evr}`);
  for (const x of d.differs) lines.push(`! ${nevra(x.a)}: same NEVRA, other bytes; header tags that differ: ${x.tags.join(', ')}`);
  for (const m of d.metadata) lines.push(`! ${m}`);
  lines.push(
    d.identical
      ? `identical: ${d.counts[0]} packages and the repository metadata, byte for byte (${a} and ${b})`
      : `${a} -> ${b}: ${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} with another version, ${d.differs.length} rebuilt differently, ${d.metadata.length} metadata differences`,
  );
  return lines.join('\n') + '\n';
}
