import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';

// The real-history corpus (test/fixtures/real-histories/): stand-ins of real dist-git histories made by
// scripts/corpus/distgit-shape.mjs, rebuilt here commit for commit with one `git fast-import`, and the
// answers rpmautospec 0.8.5 gave on them (scripts/corpus/record-real-histories.mjs).

export const REAL_HISTORIES = join(__dirname, '../../../test/fixtures/real-histories');

/** [parents, author, authorTime, committerTime, message, spec blob, changelog blob, tree class] */
export type ShapeCommit = [number[], number, number, number, string, number, number, number];

export interface Shape {
  source: { repo: string; commit: string; path: string };
  specName: string;
  /** The spec's directory in the real repository ('' at the top). */
  dir: string;
  authors: string[];
  blobs: string[];
  commits: ShapeCommit[];
  checks: { label: string; commit: number }[];
}

/** What rpmautospec answered at one commit, in one mode. */
export interface Answer {
  release: { code: number; stdout: string };
  releaseNumber: { code: number; stdout: string };
  changelog: { code: number; stdout: string };
  processDistgit: { code: number; spec: string | null };
}

export interface Recorded {
  rpmautospec: string;
  rpm: string;
  /** By macro set (`plain`, `fedora-like`), then check label, then mode (`default`, `lenient`). */
  answers: Record<string, Record<string, Record<'default' | 'lenient', Answer>>>;
}

const unpack = <T>(file: string): T => JSON.parse(brotliDecompressSync(readFileSync(file)).toString()) as T;

export function shapes(): { name: string; shape: Shape; recorded: Recorded | null }[] {
  return readdirSync(REAL_HISTORIES)
    .filter((f) => f.endsWith('.shape.json.br'))
    .sort()
    .map((f) => {
      const name = f.replace('.shape.json.br', '');
      let recorded: Recorded | null = null;
      try {
        recorded = unpack<Recorded>(join(REAL_HISTORIES, `${name}.rpmautospec.json.br`));
      } catch {
        recorded = null;
      }
      return { name, shape: unpack<Shape>(join(REAL_HISTORIES, f)), recorded };
    });
}

const quote = (path: string): string => JSON.stringify(path);
const data = (text: string): string => `data ${Buffer.byteLength(text)}\n${text}\n`;

/**
 * Rebuilds the history in `dir` (a new repository) and checks out `check`'s commit. Layout `top`: the
 * spec at the top, as rpmautospec needs; `nested`: in the real repository's subdirectory beside an
 * upstream file every commit changes (only for shapes whose spec was in one).
 */
export function rebuild(shape: Shape, dir: string, layout: 'top' | 'nested' = 'top'): void {
  const prefix = layout === 'nested' && shape.dir ? `${shape.dir}/` : '';
  const parts: string[] = [];
  shape.blobs.forEach((text, i) => parts.push(`blob\nmark :${1_000_000 + i}\n${data(text)}`));
  shape.commits.forEach(([parents, author, authorTime, committerTime, message, spec, changelog, tree], k) => {
    const who = shape.authors[author];
    if (parents.length === 0) parts.push('reset refs/heads/main\n');
    // Every command ends with its own LF (data blocks with the optional one).
    let files = 'deleteall\n';
    if (tree >= 0) files += `M 100644 inline ${quote(`${prefix}sources`)}\n${data(`tree ${tree}\n`)}`;
    if (spec >= 0) files += `M 100644 :${1_000_000 + spec} ${quote(prefix + shape.specName)}\n`;
    if (changelog >= 0) files += `M 100644 :${1_000_000 + changelog} ${quote(`${prefix}changelog`)}\n`;
    if (prefix) files += `M 100644 inline "src/upstream.c"\n${data(`/* commit ${k} */\n`)}`;
    parts.push(
      `commit refs/heads/main\nmark :${k + 1}\nauthor ${who} ${authorTime} +0000\ncommitter ${who} ${committerTime} +0000\n${data(message)}` +
        parents.map((p, i) => `${i === 0 ? 'from' : 'merge'} :${p + 1}\n`).join('') +
        files,
    );
  });
  mkdirSync(dir, { recursive: true });
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir, env });
  execFileSync('git', ['fast-import', '--quiet', '--export-marks=.git/marks'], { cwd: dir, env, input: parts.join(''), maxBuffer: 1 << 30 });
}

/** Checks out the commit a check names (detached, work tree clean). */
export function checkout(dir: string, commit: number): string {
  const marks = readFileSync(join(dir, '.git/marks'), 'utf8');
  const id = new RegExp(`^:${commit + 1} ([0-9a-f]+)$`, 'm').exec(marks)![1];
  execFileSync('git', ['checkout', '-q', '-f', '--detach', id], { cwd: dir });
  execFileSync('git', ['clean', '-q', '-f', '-d', '-x'], { cwd: dir });
  return id;
}
