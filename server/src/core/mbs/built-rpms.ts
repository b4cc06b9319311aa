import { isObject } from '../check/context';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../git/exec';
import type { BuiltRpm } from './built-modulemd';


/** The header fields a published modulemd needs, of every package (one rpm process), and each file's sha256. */
export async function builtRpms(repo: string, files: readonly string[], signal?: AbortSignal): Promise<BuiltRpm[]> {
  const rpms = files.filter((f) => f.endsWith('.rpm'));
  if (!rpms.length) return [];
  const fmt = '%{NAME}\\t%{EPOCHNUM}\\t%{VERSION}\\t%{RELEASE}\\t%|SOURCERPM?{%{ARCH}}:{src}|\\t%|SOURCERPM?{%{SOURCERPM}}:{}|\\t%{LICENSE}\\n';
  const q = await run('rpm', ['-qp', '--nosignature', '--nodigest', '--qf', fmt, '--', ...rpms.map((f) => join(repo, f))], { signal });
  const lines = q.stdout.toString().trimEnd().split('\n');
  return Promise.all(
    rpms.map(async (file, i) => {
      const [name, epoch, version, release, arch, sourcerpm, license] = (lines[i] ?? '').split('\t');
      // The source package's name: its file name without -VERSION-RELEASE.src.rpm.
      const source = arch === 'src' ? name : sourcerpm.replace(/-[^-]+-[^-]+\.(no)?src\.rpm$/, '');
      return { file, name, epoch: Number(epoch) || 0, version, release, arch, source, license, sha256: createHash('sha256').update(await readFile(join(repo, file))).digest('hex') };
    }),
  );
}

/**
 * `buildopts.rpms.macros` as rpmbuild defines: each `%name body` line (MBS appends the text to the
 * module-build-macros package's macro file, where rpm reads exactly these).
 */
export function buildoptsMacros(data: Record<string, unknown>): Record<string, string> {
  const rpms = isObject(data.buildopts) && isObject(data.buildopts.rpms) ? data.buildopts.rpms : {};
  const text = typeof rpms.macros === 'string' ? rpms.macros : '';
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*%([A-Za-z_][A-Za-z0-9_]*)\s+(.*\S)\s*$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}
