import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Backend, RemoteItem } from './backend';
import type { Ctx } from './context';
import { exists, linkTree } from './fs';
import { componentKey, type OverlayPlan } from './plan';
import { abortError } from './proc';
import type { BuildState, StateEntry } from './state';
import type { ComponentBuild } from './types';

/**
 * Runs an overlay plan through a backend: batch after batch, up to `jobs` components of a batch at
 * once, each one reused (same cache key), carried over (not selected) or built into `<out>.new/`
 * with its log and spec beside it; progress reported; cancellation stops the run with an AbortError.
 */

export async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/** The commits a component was built from (what a smoke test's culprit search walks). */
const commitsOf = (c: { upstream: { commit: string } | null; distgit: { commit: string } | null }) => ({ upstream: c.upstream?.commit ?? null, distgit: c.distgit?.commit ?? null });

export interface ExecuteOptions {
  jobs: number;
  progress: (line: string) => void;
  /** The state of the repository served now, and of the previous failed run's `<out>.partial`. */
  previous: BuildState | null;
  partial: BuildState | null;
}

/** Every component's result in overlay order, and the state the new repository will hold. */
export async function execute(ctx: Ctx, plan: OverlayPlan, backend: Backend, options: ExecuteOptions): Promise<{ components: ComponentBuild[]; state: BuildState }> {
  const { out, signal } = ctx;
  const { progress, previous, partial } = options;
  const results = new Map<string, ComponentBuild>();
  const state: BuildState = { version: 1, dist: ctx.dist, components: {} };
  const total = plan.order.length;
  let counter = 0;

  const handle = async (name: string): Promise<void> => {
    const planned = plan.byName.get(name)!;
    const { c, raw } = planned;
    const n = ++counter;
    const logPath = join(ctx.newDir, c.name, 'build.log');
    if (c.error !== undefined) {
      progress(`[${n}/${total}] ${name}: cannot resolve: ${c.error}`);
      results.set(name, {
        name,
        nevr: c.nevr,
        status: 'failed',
        log: null,
        files: [],
        error: c.error,
        pendingArches: [],
      });
      return;
    }
    // Results of another backend are other packages (mock checks BuildRequires, local does not).
    const builder =
      ctx.backend === 'local'
        ? undefined
        : `${ctx.backend}${ctx.backend === 'mock' && ctx.mockChroot ? `:${ctx.mockChroot}` : ''}${ctx.backend === 'mock' && ctx.moduleEnable.length ? `+${ctx.moduleEnable.join(',')}` : ''}`;
    const key = componentKey(planned, ctx.dist, ctx.rootKeys, builder);
    /** A component built before, linked into the new repository as it is. */
    const carryOver = async (dir: string, prev: StateEntry, status: 'kept' | 'reused'): Promise<void> => {
      await linkTree(join(dir, name), join(ctx.newDir, name));
      state.components[name] = prev;
      results.set(name, { name, nevr: prev.nevr, status, log: logPath, files: prev.files, pendingArches: prev.pendingArches });
    };
    // Not selected: carried over from the previous repository as it is.
    if (!planned.selected) {
      const prev = previous?.components[name];
      if (prev && (await exists(join(out, name)))) {
        await carryOver(out, prev, 'kept');
        progress(`[${n}/${total}] keeping ${name} (not selected)`);
      } else {
        results.set(name, {
          name,
          nevr: c.nevr,
          status: 'skipped',
          log: null,
          files: [],
          pendingArches: [],
        });
        progress(`[${n}/${total}] skipping ${name} (not selected, no previous build)`);
      }
      return;
    }
    for (const [dir, st] of [
      [out, previous],
      [`${out}.partial`, partial],
    ] as const) {
      const prev = st?.components[name];
      if (prev?.key === key && (await exists(join(dir, name)))) {
        progress(`[${n}/${total}] reusing ${name} (${prev.nevr})`);
        await carryOver(dir, prev, 'reused');
        return;
      }
    }
    if (backend.buildAll) {
      // A backend that takes whole batches (Copr): collected here, submitted below.
      remote.set(name, { planned, key, n });
      return;
    }
    progress(`[${n}/${total}] building ${name} ...`);
    await mkdir(join(ctx.newDir, name), { recursive: true });
    // The spec rpmbuild reads, beside its log: rpmbuild's "error: line N" points into it.
    await writeFile(join(ctx.newDir, name, `${name}.spec`), c.spec);
    const log = createWriteStream(logPath);
    const started = Date.now();
    try {
      const built = await backend.build(ctx, c, raw, log);
      state.components[name] = { key, ...built, commits: commitsOf(c) };
      results.set(name, { name, status: 'built', log: logPath, ...built });
      progress(`[${n}/${total}] built ${name}: ${built.nevr} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (err) {
      if (signal?.aborted) throw abortError();
      const msg = err instanceof Error ? err.message : String(err);
      log.write(`\nFAILED: ${msg}\n`);
      results.set(name, {
        name,
        nevr: c.nevr,
        status: 'failed',
        log: logPath,
        files: [],
        error: msg,
        pendingArches: [],
      });
      progress(`[${n}/${total}] FAILED ${name}: ${msg} (log: ${logPath})`);
    } finally {
      await new Promise<void>((r) => log.end(r));
    }
  };

  const remote = new Map<string, RemoteItem>();
  if (backend.buildAll) {
    for (const batch of plan.batches) for (const name of batch) await handle(name);
    const built = await backend.buildAll(
      ctx,
      plan.batches.map((batch) => batch.filter((name) => remote.has(name)).map((name) => remote.get(name)!)),
      progress,
    );
    for (const [name, { key }] of remote) {
      const r = built.get(name)!;
      const logPath = join(ctx.newDir, name, 'build.log');
      if ('error' in r) results.set(name, { name, nevr: plan.byName.get(name)!.c.nevr, status: 'failed', log: logPath, files: [], error: r.error, pendingArches: [], ...(r.chroots ? { chroots: r.chroots } : {}) });
      else {
        const c = plan.byName.get(name)!.c;
        state.components[name] = { key, nevr: r.nevr, files: r.files, pendingArches: r.pendingArches, commits: commitsOf(c), ...(r.chroots ? { chroots: r.chroots } : {}) };
        results.set(name, { name, status: 'built', log: logPath, ...r });
      }
    }
    return { components: plan.order.map((name) => results.get(name)!), state };
  }
  for (const batch of plan.batches) {
    await pool(batch, options.jobs, handle);
    if (signal?.aborted) throw abortError();
    // The srpmroot components' results go into every later build (and into their cache keys).
    if (batch.some((name) => plan.byName.get(name)!.raw.srpmroot)) {
      const roots = batch.flatMap((name) => (state.components[name] ? [{ name, entry: state.components[name] }] : []));
      for (const r of roots) ctx.rootKeys.push(r.entry.key);
      await backend.useRoots(ctx, roots, progress);
    }
  }
  return { components: plan.order.map((name) => results.get(name)!), state };
}
