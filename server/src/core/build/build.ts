import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { run } from '../git/exec';
import { resolveOverlay } from '../overlay/resolve';
import { BACKENDS, type Backend } from './backend';
import { coprBackend } from './backends/copr';
import { defaultChroots, validChroot } from '../copr/batches';
import { readCoprConfig } from '../copr/config';
import { runStateFile } from '../copr/run-state';
import { compose } from './compose';
import { makeCtx } from './context';
import { execute } from './executor';
import { exists } from './fs';
import { planOverlay } from './plan';
import { which } from './proc';
import { readState, takeLock } from './state';
import type { BackendChoice, BuildOptions, BuildResult } from './types';
import { excludeFromGit } from '../git/exclude';

/**
 * `gitoverlay build`: rdgo's build (reference §1.6) without mock. Each component of an overlay is
 * resolved, its Source0 made from the upstream mirror with `git archive`, its dist-git files taken
 * from the dist-git mirror (never from a work tree), then `rpmbuild -bs` and `rpmbuild -bb --nodeps`
 * with a private _topdir, in bwrap (no network) when installed. Results are composed into a yum
 * repository swapped in atomically; a failed run leaves the previous repository alone and keeps its
 * successes in `<out>.partial/`. Unchanged components (same cache key) are reused by hard link.
 *
 * This file is the entry point only: plan.ts (what to build, in which batches, cache keys) →
 * executor.ts through a backend (backend.ts, backends/) → compose.ts; state.ts (state file, lock).
 */

export type { BuildOptions, BuildResult, BuildStatus, ComponentBuild } from './types';
export type { BuildState } from './state';

/** Builds the overlay at `overlayPath` (its parsed value `overlay`) into a repository. */
export async function buildOverlay(overlayPath: string, overlay: unknown, options: BuildOptions = {}): Promise<BuildResult> {
  const progress = options.onProgress ?? (() => undefined);
  const signal = options.signal;
  const overlayDir = dirname(overlayPath);
  const out = options.out ?? join(overlayDir, 'build');
  const dist = options.dist ?? '.fc41';
  const cacheDir = options.cacheDir ?? join(overlayDir, '.gitoverlay', 'mirrors');
  const bwrap = options.sandbox === 'none' ? null : which('bwrap');
  const arch = (await run('rpm', ['--eval', '%_arch'], { signal })).stdout.toString().trim();
  const choice = options.backend ?? (which('mock') ? 'mock' : 'local');
  // mock's chroot: the option, else the overlay's root.mock (rdgo's), else the one %{dist} names.
  const rootMock = (overlay as { root?: { mock?: unknown } } | null)?.root?.mock;
  const mockChroot = options.mockChroot ?? (typeof rootMock === 'string' ? rootMock : undefined);
  const ctx = makeCtx({ overlayDir, cacheDir, out, dist, bwrap, arch, signal, backend: choice, mockChroot, moduleEnable: options.moduleEnable });
  const backend = await chooseBackend(choice, options, out, dist, arch);
  progress(`backend: ${describeBackend(choice, options)}`);
  // What the build writes beside a dist-git or overlay checkout never shows up as untracked files.
  await excludeFromGit(overlayDir, [out, `${out}.new`, `${out}.old`, `${out}.partial`, `${out}.work`, `${out}.copr.json`, join(overlayDir, '.gitoverlay')], signal);

  const resolution = await resolveOverlay(overlayPath, overlay, {
    ...(options.recordResolution === false ? { writeState: false } : {}),
    allowFile: options.allowFile ?? false,
    cacheDir,
    fetch: options.fetch ?? true,
    signal,
    onProgress: progress,
  });
  const plan = planOverlay(overlayPath, overlay, resolution.components, options.components);
  ctx.sourceDate = Math.max(0, ...resolution.components.map((c) => c.sourceDate ?? 0));

  const lock = await takeLock(out);
  try {
    // A run that died between the two renames of the swap left the previous repository at <out>.old.
    if (!(await exists(out)) && (await exists(`${out}.old`))) await rename(`${out}.old`, out);
    await rm(ctx.newDir, { recursive: true, force: true });
    await rm(ctx.workDir, { recursive: true, force: true });
    await mkdir(ctx.newDir, { recursive: true });
    await mkdir(ctx.workDir, { recursive: true });
  } catch (err) {
    await lock.release();
    throw err;
  }
  const previous = await readState(out);
  const partial = await readState(`${out}.partial`);

  let executed;
  try {
    executed = await execute(ctx, plan, backend, { jobs: options.jobs ?? 1, progress, previous, partial });
  } catch (err) {
    // Cancelled (or an internal fault): the previous repository stays as it was.
    await rm(ctx.newDir, { recursive: true, force: true });
    await rm(ctx.workDir, { recursive: true, force: true });
    await lock.release();
    throw err;
  }
  await rm(ctx.workDir, { recursive: true, force: true });
  try {
    return await compose(ctx, executed.components, executed.state, progress);
  } finally {
    await lock.release();
  }
}

/** The backend a run uses: copr with its credentials read now (a missing token fails before anything is built). */
async function chooseBackend(choice: BackendChoice, options: BuildOptions, out: string, dist: string, arch: string): Promise<Backend> {
  if (choice !== 'copr') {
    if (choice === 'mock' && !which('mock')) throw new Error('the mock backend needs mock, which is not installed (dnf install mock); use --backend local');
    const b = (BACKENDS as Record<string, Backend | undefined>)[choice];
    if (!b) throw new Error(`no ${choice} backend in this build of gitoverlay`);
    return b;
  }
  const c = options.copr;
  const m = c ? /^(@?[A-Za-z0-9_.-]+)\/([A-Za-z0-9_.+-]+)$/.exec(c.project) : null;
  if (!c || !m) throw new Error(`the copr backend needs a project as owner/project${c ? `, not '${c.project}'` : ''}`);
  const chroots = c.chroots?.length ? c.chroots : defaultChroots(dist, arch);
  const bad = chroots.filter((x) => !validChroot(x));
  if (bad.length) throw new Error(`not a Copr chroot name: ${bad.join(', ')}`);
  return coprBackend({
    config: await readCoprConfig(c.config),
    owner: m[1],
    project: m[2],
    chroots,
    pollMs: c.pollMs ?? 10_000,
    stateFile: runStateFile(out),
    onChroot: c.onChroot,
  });
}

function describeBackend(choice: BackendChoice, options: BuildOptions): string {
  if (choice === 'copr') return `copr (${options.copr?.project}; the SRPMs are made here, the packages built on Copr)`;
  if (choice === 'mock') return 'mock (each SRPM rebuilt in a mock chroot)';
  return `local (rpmbuild --nodeps on this host${which('mock') ? '' : '; mock is not installed'})`;
}
