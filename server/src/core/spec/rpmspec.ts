import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../git/exec';
import { abridgedSpec, AUTORELEASE_PROBE, flagsFromRelease, type SpecVersion } from './preamble';
import { parseWithRpmBindings, rpmParserPython } from './rpm-python';

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
    return versionOf(name, epoch, version, release);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What rpm answered (an empty epoch: none), as the evaluator's SpecVersion; null without a version. */
function versionOf(name: string, epoch: string, version: string, release: string): SpecVersion | null {
  if (!version) return null;
  return { name, epoch: epoch || undefined, version, epochVersion: epoch ? `${epoch}:${version}` : version, release, flags: flagsFromRelease(release) };
}

let pythonVersion: Promise<string | null> | undefined;

/** X.Y of the Python rpmautospec would run under (it defines %__python and %python_sitelib from it). */
function python(): Promise<string | null> {
  pythonVersion ??= (async () => {
    for (const py of ['/usr/bin/python3', 'python3']) {
      try {
        const out = (await run(py, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'])).stdout.toString().trim();
        if (/^\d+\.\d+$/.test(out)) return out;
      } catch {
        /* try the next */
      }
    }
    return null;
  })();
  return pythonVersion;
}

export interface RpmQuery {
  /** The spec text. */
  text: string;
  /** The spec's file name (`<name>.spec`). */
  fileName: string;
  /** `%_sourcedir`/`%_builddir`: the real dist-git directory for a work-tree spec; else a fresh directory holding only the spec. */
  sourcedir?: string;
  /** For a commit: writes its whole tree into the given directory (rpmautospec's third attempt). */
  checkoutTree?: (dir: string) => Promise<void>;
  signal?: AbortSignal;
}

export interface RpmAnswer {
  /** null: rpm parses none of the attempts (rpmautospec's "specfile-parse-error"). */
  value: SpecVersion | null;
  /** The attempt that parsed: the lines before %prep or the whole spec, with the spec alone or with the commit's tree. */
  attempt: 'abridged' | 'whole' | 'tree-abridged' | 'tree-whole' | null;
  /** rpm's messages for the last whole-spec attempt, when nothing parsed. */
  detail?: string;
}

/**
 * Parses a spec with rpm exactly in rpmautospec 0.8.5's order (pkg_history.py `_get_rpmverflags`,
 * `_get_rpmverflags_for_commit`): the lines before `%prep`, then the whole spec; for a commit whose
 * spec alone parses in neither way, both again with the commit's whole tree beside the spec. The
 * macros are rpmautospec's (specparser.py `RPMSpecParser._query`). `undefined` when rpm is not installed.
 */
export async function rpmautospecQuery(q: RpmQuery): Promise<RpmAnswer | undefined> {
  // rpm's bindings when installed (their Python names %__python), else rpmspec processes.
  const bound = await rpmParserPython();
  if (bound === null && !(await rpmspecAvailable())) return undefined;
  const py = bound ?? (await python());
  const work = await mkdtemp(join(tmpdir(), 'rpmautospec-'));
  const side = await mkdtemp(join(tmpdir(), 'rpmautospec-abridged-'));
  try {
    const sourcedir = q.sourcedir ?? work;
    const whole = join(work, q.fileName);
    const abridged = join(side, q.fileName);
    await writeFile(whole, q.text);
    await writeFile(abridged, abridgedSpec(q.text));
    // rpmautospec's macros, in its order (specparser.py `RPMSpecParser._query`).
    const macros: [string, string][] = [
      ['_invalid_encoding_terminates_build', '0'],
      ['autorelease(e:s:pb:n)', AUTORELEASE_PROBE],
      ['autochangelog', '%nil'],
      ...(py ? ([['__python', `/usr/bin/python${py}`], ['python_sitelib', `/usr/lib/python${py}/site-packages`]] as [string, string][]) : []),
      ['_sourcedir', sourcedir],
      ['_builddir', sourcedir],
    ];
    const attempt = async (file: string): Promise<{ value: SpecVersion | null; stderr: string }> => {
      // rpm's bindings in a long-lived process when installed (as rpmautospec parses), else rpmspec.
      const bound = await parseWithRpmBindings({ file, cwd: sourcedir, macros });
      if (bound) {
        if (!bound.ok) return { value: null, stderr: bound.log };
        return { value: versionOf(bound.name, bound.epoch, bound.version, bound.release), stderr: '' };
      }
      const r = await run('rpmspec', ['-q', '--srpm', '--qf', '%{name}\\n%|epoch?{%{epoch}}:{}|\\n%{version}\\n%{release}\\n', ...macros.flatMap(([n, v]) => ['--define', `${n} ${v}`]), '--', file], {
        signal: q.signal,
        okCodes: [1],
        cwd: sourcedir,
      });
      const stderr = r.stderr.toString();
      if (r.code !== 0) return { value: null, stderr };
      const [name, epoch, version, release] = r.stdout.toString().split('\n');
      return { value: versionOf(name, epoch, version, release), stderr };
    };
    let a = await attempt(abridged);
    if (a.value) return { value: a.value, attempt: 'abridged' };
    a = await attempt(whole);
    if (a.value) return { value: a.value, attempt: 'whole' };
    if (q.checkoutTree && !q.sourcedir) {
      await q.checkoutTree(work);
      // The tree holds the spec too; the text evaluated is the blob's all the same.
      await writeFile(whole, q.text);
      a = await attempt(abridged);
      if (a.value) return { value: a.value, attempt: 'tree-abridged' };
      a = await attempt(whole);
      if (a.value) return { value: a.value, attempt: 'tree-whole' };
    }
    return { value: null, attempt: null, detail: a.stderr.trim() };
  } finally {
    await rm(work, { recursive: true, force: true });
    await rm(side, { recursive: true, force: true });
  }
}
