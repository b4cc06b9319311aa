import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../git/exec';
import { AUTORELEASE_PROBE, flagsFromRelease, type SpecVersion } from './preamble';

let available: Promise<boolean> | undefined;

/** Is `rpmspec` installed? (Asked once.) */
export function rpmspecAvailable(): Promise<boolean> {
  available ??= run('rpmspec', ['--version']).then(
    () => true,
    () => false,
  );
  return available;
}

/**
 * Asks rpm itself, as rpmautospec does, for what the evaluator could not compute: the spec is parsed
 * with %autorelease replaced by the flags probe and %autochangelog by %nil. null = rpm cannot parse it.
 */
export async function rpmspecVersion(text: string, signal?: AbortSignal): Promise<SpecVersion | null> {
  if (!(await rpmspecAvailable())) return null;
  const dir = await mkdtemp(join(tmpdir(), 'gitoverlay-rpmspec-'));
  try {
    const spec = join(dir, 'query.spec');
    await writeFile(spec, text);
    const r = await run(
      'rpmspec',
      [
        '-q',
        '--srpm',
        '--qf',
        '%{name}\\n%|epoch?{%{epoch}}:{}|\\n%{version}\\n%{release}\\n',
        '--define',
        `autorelease(e:s:pb:n) ${AUTORELEASE_PROBE}`,
        '--define',
        'autochangelog %nil',
        '--define',
        `_sourcedir ${dir}`,
        '--define',
        `_builddir ${dir}`,
        '--',
        spec,
      ],
      { signal, okCodes: [1] },
    );
    if (r.code !== 0) return null;
    const [name, epoch, version, release] = r.stdout.toString().split('\n');
    if (!version) return null;
    return {
      name,
      epoch: epoch || undefined,
      version,
      epochVersion: epoch ? `${epoch}:${version}` : version,
      release,
      flags: flagsFromRelease(release),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
