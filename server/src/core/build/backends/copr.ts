import { createWriteStream } from 'node:fs';
import { appendFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { run } from '../../git/exec';
import { rounds, submissions } from '../../copr/batches';
import { CoprClient, CoprError, type CoprBuildChroot, type CoprProject } from '../../copr/client';
import type { CoprConfig } from '../../copr/config';
import { readRunState, writeRunState, type CoprRunState } from '../../copr/run-state';
import { persist, watchBuilds } from '../../copr/watch';
import type { Backend, Built, ChrootResult, RemoteItem } from '../backend';
import type { Ctx } from '../context';
import { listFiles } from '../fs';
import { prepareTopdir } from '../rpmbuild';

/**
 * The `copr` backend: SRPMs made here (as the local backend makes them), uploaded to a Copr project
 * and built there. The overlay's batches become Copr's batches (with_build_id / after_build_id), so
 * Copr orders the builds. x86_64 first: every batch on the primary chroot; when all succeeded, the
 * other chroots; a primary failure stops the run, a secondary one is reported per chroot. The
 * primary chroot's packages are downloaded into the repository; the others stay in Copr's
 * repositories (their URLs are reported). Submissions are recorded as they happen (run-state.ts).
 */

export interface CoprBackendOptions {
  config: CoprConfig;
  owner: string;
  project: string;
  chroots: string[];
  pollMs: number;
  /** `<out>.copr.json`. */
  stateFile: string;
  /** Each component × chroot state as it changes. */
  onChroot?: (name: string, chroot: CoprBuildChroot, buildId: number) => void;
}

type Outcome = Built | { error: string; chroots?: Record<string, ChrootResult> };

interface Srpm {
  item: RemoteItem;
  path: string;
  nevr: string;
  /** Version-Release as Copr lists it for the build (source_package.version). */
  vr: string;
}

export function coprBackend(o: CoprBackendOptions): Backend {
  const buildAll = async (ctx: Ctx, batches: RemoteItem[][], progress: (line: string) => void): Promise<Map<string, Outcome>> => {
    const out = new Map<string, Outcome>();
    const client = new CoprClient(o.config, ctx.signal);
    const watchOpts = { owner: o.owner, project: o.project, pollMs: o.pollMs, signal: ctx.signal, progress, onChroot: o.onChroot };
    const { primary, secondary } = rounds(o.chroots);
    progress(`copr: ${o.config.url}, project ${o.owner}/${o.project}; ${primary} first${secondary.length ? `, then ${secondary.join(', ')}` : ''}`);
    const project = await ensureProject(client, o, watchOpts);

    // SRPMs first, here; a component whose SRPM fails is not submitted.
    const srpms = new Map<string, Srpm>();
    for (const item of batches.flat()) {
      const r = await makeSrpm(ctx, item, progress);
      if ('error' in r) out.set(item.planned.c.name, r);
      else srpms.set(item.planned.c.name, r);
    }
    const keys = Object.fromEntries([...srpms].map(([name, s]) => [name, s.item.key]));
    const recorded = await readRunState(o.stateFile, o.config.url, o.owner, o.project, keys);
    if (recorded) progress(`copr: continuing the run recorded in ${o.stateFile}`);
    const state: CoprRunState = recorded ?? {
      version: 1,
      url: o.config.url,
      owner: o.owner,
      project: o.project,
      started: Math.floor(Date.now() / 1000) - 1,
      keys,
      rounds: {},
    };
    await writeRunState(o.stateFile, state);
    const order = submissions(batches.map((b) => b.map((i) => i.planned.c.name).filter((n) => srpms.has(n))));
    const chrootsOf = new Map<string, Record<string, ChrootResult>>();
    const record = (name: string, c: CoprBuildChroot, id: number): void => {
      const m = chrootsOf.get(name) ?? {};
      m[c.name] = { state: c.state, buildId: id, resultUrl: c.result_url, repoUrl: project.chroot_repos?.[c.name] ?? null };
      chrootsOf.set(name, m);
    };

    const runRound = async (chroots: string[]): Promise<Map<string, CoprBuildChroot[]>> => {
      const roundKey = chroots.join(',');
      const ids = (state.rounds[roundKey] ??= {});
      for (const sub of order) {
        if (ids[sub.name] !== undefined) {
          progress(`copr: ${sub.name} already submitted as build ${ids[sub.name]} (${roundKey}): not submitted again`);
          continue;
        }
        const s = srpms.get(sub.name)!;
        const adopted = await adopt(client, o, state, recorded !== null, sub.name, s.vr, chroots, watchOpts);
        const id = adopted ?? (await submit(client, o, s.path, chroots, sub.with !== undefined ? ids[sub.with] : undefined, sub.after !== undefined ? ids[sub.after] : undefined, progress));
        ids[sub.name] = id;
        await writeRunState(o.stateFile, state);
        const how = sub.with ? `with ${sub.with}'s batch` : sub.after ? `after ${sub.after}'s batch` : 'first batch';
        progress(`copr: ${sub.name} ${adopted !== undefined ? 'found already submitted' : 'submitted'} as build ${id} (${roundKey}, ${how})`);
      }
      const done = await watchBuilds(client, order.map((s) => ({ name: s.name, id: ids[s.name] })), {
        ...watchOpts,
        onChroot: (name, c, id) => {
          record(name, c, id);
          o.onChroot?.(name, c, id);
        },
      });
      for (const [name, cs] of done) for (const c of cs) record(name, c, ids[name]);
      return done;
    };

    const first = await runRound([primary]);
    const failedPrimary = order.filter((s) => first.get(s.name)?.find((c) => c.name === primary)?.state !== 'succeeded').map((s) => s.name);
    if (failedPrimary.length) progress(`copr: ${failedPrimary.join(', ')} failed on ${primary}: the other chroots are not submitted`);
    else if (secondary.length) await runRound(secondary);

    for (const [name, s] of srpms) {
      const chroots = chrootsOf.get(name) ?? {};
      const mine = chroots[primary];
      const logPath = join(ctx.newDir, name, 'build.log');
      const lines = Object.entries(chroots).map(([c, r]) => `copr: ${c}: ${r.state}, build ${r.buildId}, results ${r.resultUrl ?? '-'}\n`);
      await appendFile(logPath, lines.join(''));
      if (mine?.state !== 'succeeded') {
        const log = mine?.resultUrl ? `${mine.resultUrl}/builder-live.log.gz` : null;
        out.set(name, { error: `Copr build ${mine?.buildId ?? '-'} ${mine?.state ?? 'not submitted'} on ${primary}${log ? ` (log: ${log})` : ''}`, chroots });
        continue;
      }
      try {
        const files = await download(client, mine.buildId!, primary, mine.resultUrl!, join(ctx.newDir, name), watchOpts);
        out.set(name, { nevr: s.nevr, files: [`${name}/${basename(s.path)}`, ...files.map((f) => `${name}/${f}`)].sort(), pendingArches: [], chroots });
      } catch (err) {
        out.set(name, { error: `downloading the results of build ${mine.buildId}: ${(err as Error).message}`, chroots });
      }
    }
    return out;
  };
  return {
    build: () => Promise.reject(new Error('the copr backend builds whole runs (buildAll)')),
    useRoots: async () => undefined,
    buildAll,
  };
}

/** The project, created with the run's chroots when missing, its chroots extended when some are not enabled. */
async function ensureProject(client: CoprClient, o: CoprBackendOptions, opts: Parameters<typeof persist>[2]): Promise<CoprProject> {
  // The token first: a refused one stops the run before anything is built.
  const who = await persist('checking the API token', () => client.authCheck(), opts);
  opts.progress(`copr: authenticated as ${who.name}`);
  const found = await persist('reading the project', () => client.getProject(o.owner, o.project), opts);
  if (!found) {
    opts.progress(`copr: creating project ${o.owner}/${o.project} with ${o.chroots.join(', ')}`);
    return client.addProject(o.owner, o.project, o.chroots, 'Built by gitoverlay from an overlay of git repositories.');
  }
  const enabled = Object.keys(found.chroot_repos ?? {});
  const missing = o.chroots.filter((c) => !enabled.includes(c));
  if (!missing.length) return found;
  opts.progress(`copr: enabling ${missing.join(', ')} in ${o.owner}/${o.project}`);
  return client.editProject(o.owner, o.project, [...enabled, ...missing]);
}

/** `rpmbuild -bs` here; the SRPM goes into the component's directory of the new repository. */
async function makeSrpm(ctx: Ctx, item: RemoteItem, progress: (line: string) => void): Promise<Srpm | { error: string }> {
  const { c, raw } = item.planned;
  const dest = join(ctx.newDir, c.name);
  await mkdir(dest, { recursive: true });
  await writeFile(join(dest, `${c.name}.spec`), c.spec);
  const log = createWriteStream(join(dest, 'build.log'));
  try {
    progress(`[${item.n}] making the SRPM of ${c.name} ...`);
    const { top, rpmbuild } = await prepareTopdir(ctx, c, raw, log, 'copr');
    await rpmbuild('-bs');
    const srpm = (await listFiles(join(top, 'SRPMS'))).find((f) => f.endsWith('.src.rpm'));
    if (!srpm) throw new Error('rpmbuild -bs produced no SRPM');
    const path = join(dest, basename(srpm));
    await rename(join(top, 'SRPMS', srpm), path);
    const q = await run('rpm', ['-qp', '--nosignature', '--qf', '%{NAME}\\n%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\n%{VERSION}-%{RELEASE}', path], { signal: ctx.signal });
    const [name, evr, vr] = q.stdout.toString().split('\n');
    return { item, path, nevr: `${name}-${evr}`, vr };
  } catch (err) {
    if (ctx.signal?.aborted) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    log.write(`\nFAILED: ${msg}\n`);
    progress(`[${item.n}] FAILED ${c.name}: ${msg}`);
    return { error: msg };
  } finally {
    await new Promise<void>((r) => log.end(r));
  }
}

/**
 * A resumed run whose last submission was sent but not recorded (the process died in between): a
 * build of this package, same version and chroots, submitted since the run started, is taken as ours.
 */
async function adopt(client: CoprClient, o: CoprBackendOptions, state: CoprRunState, resumed: boolean, name: string, vr: string, chroots: string[], opts: Parameters<typeof persist>[2]): Promise<number | undefined> {
  if (!resumed) return undefined;
  const builds = await persist(`listing builds of ${name}`, () => client.listBuilds(o.owner, o.project, name), opts);
  const same = (a: string[], b: string[]): boolean => a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);
  const mine = builds.find((b) => (b.submitted_on ?? 0) >= state.started && b.source_package?.version === vr && same(b.chroots, chroots) && b.state !== 'canceled');
  return mine?.id;
}

/**
 * One upload into its batch. Copr refuses a batch that already finished (builds are quick, or the run
 * was resumed): joining one becomes following it; following a build that finished outside any batch
 * (a batch of one) is no wait at all once it succeeded.
 */
export async function submit(client: CoprClient, o: CoprBackendOptions, srpm: string, chroots: string[], withId: number | undefined, afterId: number | undefined, progress: (line: string) => void): Promise<number> {
  const base = { ownername: o.owner, projectname: o.project, chroots };
  const upload = (batch: { with_build_id?: number; after_build_id?: number }) => client.uploadBuild(srpm, { ...base, ...batch });
  const refused = (err: unknown): err is CoprError => err instanceof CoprError && err.status === 400;
  const after = async (id: number): Promise<number> => {
    try {
      return (await upload({ after_build_id: id })).id;
    } catch (err) {
      if (!refused(err)) throw err;
      const state = (await client.getBuild(id)).state;
      if (state !== 'succeeded') throw err;
      progress(`copr: build ${id} already succeeded (${err.message}); submitting without waiting for it`);
      return (await upload({})).id;
    }
  };
  if (withId !== undefined) {
    try {
      return (await upload({ with_build_id: withId })).id;
    } catch (err) {
      if (!refused(err)) throw err;
      progress(`copr: joining build ${withId}'s batch refused (${err.message}); submitting after it instead`);
      return after(withId);
    }
  }
  return afterId !== undefined ? after(afterId) : (await upload({})).id;
}

/** The binary packages a chroot produced (built-packages), downloaded from its result directory. */
async function download(client: CoprClient, buildId: number, chroot: string, resultUrl: string, dest: string, opts: Parameters<typeof persist>[2]): Promise<string[]> {
  const built = await persist(`packages of build ${buildId}`, () => client.builtPackages(buildId), opts);
  const files: string[] = [];
  for (const p of built[chroot]?.packages ?? []) {
    if (p.arch === 'src') continue;
    const file = `${p.name}-${p.version}-${p.release}.${p.arch}.rpm`;
    const body = await persist(`downloading ${file}`, async () => {
      let r: Response;
      try {
        r = await fetch(`${resultUrl}/${file}`, { signal: opts.signal });
      } catch (err) {
        if (opts.signal?.aborted) throw err;
        throw new CoprError(`cannot download ${resultUrl}/${file}: ${(err as Error).message}`, 0, file);
      }
      if (!r.ok) throw new CoprError(`${resultUrl}/${file}: HTTP ${r.status}`, r.status, file);
      return Buffer.from(await r.arrayBuffer());
    }, opts);
    await writeFile(join(dest, file), body);
    files.push(file);
  }
  if (!files.length) throw new Error(`Copr lists no binary package for ${chroot}`);
  return files;
}
