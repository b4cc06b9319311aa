import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { exists, linkTree } from '../build/fs';
import { which } from '../build/proc';
import { readState } from '../build/state';
import { bisectComponents, type BisectResult } from './bisect';
import { hostBaseFor, runTests, type StepResult } from './run-tests';
import { readTests } from './tests-file';
import { bisectCommits } from './bisect-commits';
import { componentViews } from '../rules/overlay/model';
import { parseYaml } from '../yaml/parse';
import { findCulprit, type Commits, type Culprit } from './culprit';

/**
 * `gitoverlay smoketest`: the raw compose (the build's repository) installed with real dnf into a
 * throw-away root, the declared commands run there in bwrap without network; the result kept per
 * compose id; on success the compose promoted to smoketested atomically (the previous one served
 * until then). The components whose NEVR changed since the last smoketested compose are reported:
 * on failure they are the suspects.
 */

export interface SmokeOptions {
  /** The raw compose (default build/ beside the overlay). */
  out?: string;
  /** The smoketested compose (default `<out>-smoketested`). */
  smoketested?: string;
  releasever?: string;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
}

export interface SmokeResult {
  id: string;
  ok: boolean;
  raw: string;
  smoketested: string;
  promoted: boolean;
  /** Component → NEVR of the raw compose. */
  nevrs: Record<string, string>;
  /** Components whose NEVR differs from the last smoketested compose's (all when there is none). */
  changed: { component: string; from: string | null; to: string }[];
  steps: StepResult[];
  /** On failure: the changed component that broke it (bisected among several) and its commits, the culprit when one. */
  culprit: Culprit | null;
  /** When several components changed: how the culprit component was found. */
  bisect: BisectResult | null;
  log: string;
  resultFile: string;
}

export class SmokeError extends Error {}

const COMPOSE_FILE = 'compose.json';

/** The id of a compose: its components' NEVRs. */
export function composeId(nevrs: Record<string, string>): string {
  return createHash('sha256').update(JSON.stringify(Object.entries(nevrs).sort())).digest('hex').slice(0, 12);
}

interface ComposeRecord {
  id: string;
  nevrs: Record<string, string>;
  commits: Record<string, Commits>;
}

async function previousCompose(smoketested: string): Promise<ComposeRecord | null> {
  try {
    return JSON.parse(await readFile(join(smoketested, COMPOSE_FILE), 'utf8')) as ComposeRecord;
  } catch {
    return null;
  }
}

export async function smoketest(overlayPath: string, options: SmokeOptions = {}): Promise<SmokeResult> {
  const progress = options.onProgress ?? (() => undefined);
  const { signal } = options;
  const dir = dirname(overlayPath);
  const raw = options.out ?? join(dir, 'build');
  const smoketested = options.smoketested ?? `${raw}-smoketested`;
  const tests = await readTests(dir);
  const state = await readState(raw);
  if (!state) throw new SmokeError(`no raw compose at ${raw}: run gitoverlay build first`);
  const bwrap = which('bwrap');
  if (!bwrap) throw new SmokeError('the smoke test runs its commands in bwrap, which is not installed (apt install bubblewrap / dnf install bubblewrap)');
  const nevrs = Object.fromEntries(Object.entries(state.components).map(([k, v]) => [k, v.nevr]));
  const id = composeId(nevrs);
  const commits = Object.fromEntries(Object.entries(state.components).flatMap(([k, v]) => (v.commits ? [[k, v.commits]] : [])));
  const good = await previousCompose(smoketested);
  const before = good?.nevrs ?? null;
  const changed = Object.entries(nevrs)
    .filter(([k, v]) => !before || before[k] !== v)
    .map(([component, to]) => ({ component, from: before?.[component] ?? null, to }));
  const results = join(dir, '.gitoverlay', 'composes');
  await mkdir(results, { recursive: true });
  const logPath = join(results, `${id}.log`);
  const log = createWriteStream(logPath);
  const steps: StepResult[] = [];
  const releasever = options.releasever ?? (/\.fc(\d+)$/.exec(state.dist)?.[1] ?? '41');
  const hostDir = await mkdtemp(join(tmpdir(), 'gitoverlay-hostbase-'));
  let bisect: BisectResult | null = null;
  let culprit: Culprit | null = null;
  try {
    const hostBase = await hostBaseFor(tests, hostDir, signal);
    if (hostBase) log.write('no base repositories: this host lends its interpreters to the sandbox (gitoverlay-host-base)\n');
    const runOpts = { releasever, bwrap, log: log as WriteStream, logPath, signal, progress, hostBase };
    progress(`smoke test of compose ${id} (${raw}); changed since the last smoketested: ${changed.map((c) => c.component).join(', ') || 'nothing'}`);
    steps.push(...(await runTests(raw, tests, { ...runOpts, components: changed.map((c) => c.component) })));
    const ok = steps.length > 0 && steps.every((x) => x.ok);
    // The reaction: which changed component, then which of its commits.
    let suspect = !ok && changed.length === 1 ? changed[0].component : null;
    if (!ok && changed.length > 1 && good) {
      progress(`bisecting ${changed.length} suspects with the last smoketested compose's builds (nothing is rebuilt)`);
      bisect = await bisectComponents(raw, smoketested, Object.keys(nevrs), changed.map((c) => c.component), async (repo, fromRaw) => {
        log.write(`\n# bisect: ${fromRaw.join(', ')} from raw, the rest from ${smoketested}\n`);
        const r = await runTests(repo, tests, { ...runOpts, components: fromRaw, progress: () => undefined });
        const passed = r.length > 0 && r.every((x) => x.ok);
        progress(`bisect: with ${fromRaw.join(', ')} new the compose ${passed ? 'passes' : 'fails'}`);
        return passed;
      }, signal);
      suspect = bisect.component;
      progress(`bisect: ${suspect} (${bisect.tried} composes tried, ${bisect.rebuilt} packages rebuilt)`);
    }
    if (suspect) {
      culprit = await findCulprit(join(dir, '.gitoverlay', 'mirrors'), suspect, good?.commits[suspect], commits[suspect]);
      if (culprit && !culprit.commit) {
        // Several commits: the component built at commits of the range, the first bad one found.
        const name = suspect;
        const overlay = parseYaml(await readFile(overlayPath, 'utf8')).documents[0]?.value;
        const index = componentViews(overlay).findIndex((v) => v.name === name);
        if (index >= 0) {
          progress(`bisecting ${culprit.commits.length} ${culprit.where} commits of ${name}`);
          const found = await bisectCommits(overlayPath, overlay, index, name, culprit.where, [...culprit.commits].reverse(), raw, async (repo) => {
            const r = await runTests(repo, tests, { ...runOpts, components: [name], progress: () => undefined });
            return r.length > 0 && r.every((x) => x.ok);
          }, { signal, progress });
          culprit = { ...culprit, commit: found.commit, bisected: found.tried };
        }
      }
      if (culprit) progress(`culprit: ${culprit.component}, ${culprit.commit ? `${culprit.where} commit ${culprit.commit.id.slice(0, 12)} "${culprit.commit.subject}"` : `${culprit.commits.length} ${culprit.where} commits`}`);
    }
  } finally {
    await new Promise<void>((r) => log.end(r));
    await rm(hostDir, { recursive: true, force: true });
  }
  const ok = steps.length > 0 && steps.every((x) => x.ok);
  let promoted = false;
  if (ok) {
    await promote(raw, smoketested, { id, nevrs, commits });
    promoted = true;
    progress(`promoted compose ${id} to ${smoketested}`);
  }
  const resultFile = join(results, `${id}.json`);
  const result: SmokeResult = { id, ok, raw, smoketested, promoted, nevrs, changed, steps, culprit, bisect, log: logPath, resultFile };
  await writeFile(resultFile, JSON.stringify({ ...result, time: new Date().toISOString() }, null, 2) + '\n');
  return result;
}

/** raw → smoketested, swapped in atomically (hard links: no copy of the packages). */
async function promote(raw: string, smoketested: string, compose: ComposeRecord): Promise<void> {
  const next = `${smoketested}.new`;
  const old = `${smoketested}.old`;
  await rm(next, { recursive: true, force: true });
  await linkTree(raw, next);
  await writeFile(join(next, COMPOSE_FILE), JSON.stringify(compose, null, 2) + '\n');
  await rm(old, { recursive: true, force: true });
  const had = await exists(smoketested);
  if (had) await rename(smoketested, old);
  await rename(next, smoketested);
  if (had) await rm(old, { recursive: true, force: true });
}
