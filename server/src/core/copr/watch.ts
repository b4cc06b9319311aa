import { setTimeout as sleep } from 'node:timers/promises';
import { CoprError, FINISHED, type CoprBuild, type CoprBuildChroot, type CoprClient } from './client';

/**
 * Follows Copr builds until every one is finished: each unfinished build asked for its chroots'
 * states every `pollMs`; a change is reported as a line (component, chroot, state, where the log is).
 * A lost connection or a server error is reported and retried with a growing pause: the run resumes
 * where it was, from the build ids it holds. Cancelling (the signal) cancels the builds on Copr.
 */

export interface Watched {
  name: string;
  id: number;
}

export interface WatchOptions {
  /** The project the builds are in: one list of its newest builds per poll says which changed. */
  owner: string;
  project: string;
  pollMs: number;
  signal?: AbortSignal;
  progress: (line: string) => void;
  /** Each chroot's state as it changes (the Builds view). */
  onChroot?: (name: string, chroot: CoprBuildChroot, buildId: number) => void;
}

/** Retries `fn` while Copr cannot be reached or answers 5xx; other refusals are thrown. */
export async function persist<T>(what: string, fn: () => Promise<T>, options: Pick<WatchOptions, 'pollMs' | 'signal' | 'progress'>): Promise<T> {
  let pause = options.pollMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof CoprError) || !err.transient || options.signal?.aborted) throw err;
      options.progress(`copr: ${what}: ${err.message}; trying again in ${(pause / 1000).toFixed(1)} s`);
      await sleep(pause, undefined, { signal: options.signal });
      pause = Math.min(pause * 2, 60_000);
    }
  }
}

/** Builds whose chroots may change without the build's own state changing (one chroot done, another running). */
const ACTIVE = new Set(['starting', 'running']);
/** Builds not started yet: all their chroots share the build's state. */
const WAITING = new Set(['importing', 'pending', 'waiting']);

/** Every build's chroots once all are finished, by component name. */
export async function watchBuilds(client: CoprClient, builds: readonly Watched[], options: WatchOptions): Promise<Map<string, CoprBuildChroot[]>> {
  const done = new Map<string, CoprBuildChroot[]>();
  const seen = new Map<string, string>();
  let cancelling: Promise<void> | undefined;
  const onAbort = (): void => {
    cancelling = cancelAll(client, builds.filter((b) => !done.has(b.name)), options.progress);
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  /** Each build's state at the last poll: its chroots are asked for only when it changed, or while it runs. */
  const buildState = new Map<number, string>();
  try {
    while (done.size < builds.length) {
      if (options.signal?.aborted) break;
      let states: Map<number, CoprBuild>;
      try {
        // One request for the states of every build of this run (the newest of the project)...
        const open = builds.filter((b) => !done.has(b.name));
        const listed = await persist('listing the builds', () => client.listBuilds(options.owner, options.project, undefined, Math.max(100, 2 * open.length)), options);
        states = new Map(listed.map((b) => [b.id, b]));
        // ...and one per build that page did not reach (older than it).
        for (const b of open) if (!states.has(b.id)) states.set(b.id, await persist(`build ${b.id}`, () => client.getBuild(b.id), options));
      } catch (err) {
        if (options.signal?.aborted) break;
        throw err;
      }
      for (const b of builds) {
        if (done.has(b.name)) continue;
        const build = states.get(b.id)!;
        const state = build.state;
        const changed = buildState.get(b.id) !== state;
        buildState.set(b.id, state);
        if (!changed && !ACTIVE.has(state)) continue;
        let chroots: CoprBuildChroot[];
        if (WAITING.has(state) && build.chroots?.length) {
          // Not started: every chroot is where the build is; nothing to ask.
          chroots = build.chroots.map((name) => ({ name, state, result_url: null, started_on: null, ended_on: null }));
        } else {
          try {
            chroots = await persist(`build ${b.id} of ${b.name}`, () => client.buildChroots(b.id), options);
          } catch (err) {
            if (options.signal?.aborted) break;
            throw err;
          }
        }
        for (const c of chroots) {
          const k = `${b.name}\0${c.name}`;
          if (seen.get(k) === c.state) continue;
          seen.set(k, c.state);
          options.onChroot?.(b.name, c, b.id);
          const where = c.state === 'failed' && c.result_url ? ` (log: ${c.result_url}/builder-live.log.gz)` : '';
          options.progress(`copr: ${b.name} #${b.id} ${c.name}: ${c.state}${where}`);
        }
        if (chroots.length > 0 && chroots.every((c) => FINISHED.has(c.state))) done.set(b.name, chroots);
      }
      if (done.size < builds.length) await sleep(options.pollMs, undefined, { signal: options.signal }).catch(() => undefined);
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  if (options.signal?.aborted) {
    // The builds on Copr are cancelled before the run reports itself cancelled.
    await (cancelling ?? cancelAll(client, builds.filter((b) => !done.has(b.name)), options.progress));
    throw abortError();
  }
  return done;
}

/** Cancels builds on Copr (those already finished answer with an error, which is only reported). */
export async function cancelAll(client: CoprClient, builds: readonly Watched[], progress: (line: string) => void): Promise<void> {
  await Promise.all(
    builds.map(async (b) => {
      try {
        await client.cancel(b.id);
        progress(`copr: cancelled build ${b.id} (${b.name})`);
      } catch (err) {
        progress(`copr: cancelling build ${b.id} (${b.name}): ${(err as Error).message}`);
      }
    }),
  );
}

function abortError(): Error {
  const e = new Error('the build was cancelled');
  e.name = 'AbortError';
  return e;
}
