import { posix } from 'node:path';
import { listTree, readFileAt, type MirrorOptions } from './mirror';

/** Where a component's spec is in a commit, read from the mirror without a checkout. */

export interface SpecSource {
  /** Path in the repository. */
  path: string;
  text: string;
  /** The file name the spec is used under (`foo.spec.in` → `foo.spec`). */
  fileName: string;
  warnings: string[];
}

/** dist-git: `<name>.spec` at the top (rpmautospec's rule), else the only `*.spec` there (rdgo's). */
export async function distgitSpec(dir: string, commit: string, name: string, opts: MirrorOptions): Promise<SpecSource | null> {
  const wanted = `${name}.spec`;
  const text = await readFileAt(dir, commit, wanted, opts);
  if (text !== null) return { path: wanted, text, fileName: wanted, warnings: [] };
  const specs = (await listTree(dir, commit, false, opts)).filter((f) => f.endsWith('.spec'));
  if (specs.length !== 1) return null;
  const other = await readFileAt(dir, commit, specs[0], opts);
  if (other === null) return null;
  return { path: specs[0], text: other, fileName: specs[0], warnings: [`dist-git has no ${wanted}; using ${specs[0]}`] };
}

/**
 * `spec: internal`: a `*.spec` or `*.spec.in` in the upstream tree, as rdgo walks the checkout (top
 * directory first); among several, one whose name starts with the component's name.
 */
export async function internalSpec(dir: string, commit: string, name: string, opts: MirrorOptions): Promise<SpecSource | null> {
  const depth = (p: string): number => p.split('/').length;
  const specs = (await listTree(dir, commit, true, opts))
    .filter((f) => f.endsWith('.spec') || f.endsWith('.spec.in'))
    .sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0));
  if (specs.length === 0) return null;
  const path = specs.find((p) => posix.basename(p).startsWith(name)) ?? specs[0];
  const text = await readFileAt(dir, commit, path, opts);
  if (text === null) return null;
  const fileName = posix.basename(path).replace(/\.in$/, '');
  const warnings = specs.length > 1 ? [`the upstream tree has ${specs.length} spec files; using ${path}`] : [];
  return { path, text, fileName, warnings };
}
