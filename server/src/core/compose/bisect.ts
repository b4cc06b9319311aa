import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../git/exec';
import { exists, linkTree } from '../build/fs';

/**
 * Which changed component broke a compose, found without rebuilding anything: composes made of the
 * good compose's builds of some suspects and the raw compose's builds of the others (hard links,
 * createrepo_c), tested, halving the suspects each time (one culprit assumed, as git bisect does).
 * A suspect the good compose lacks (new) is always taken from raw.
 */

export interface BisectResult {
  component: string | null;
  /** Composes made and tested. */
  tried: number;
  /** Packages rebuilt: none, by construction (the runs reuse the two composes' packages). */
  rebuilt: 0;
  /** Each step: the suspects taken from raw, and whether the compose passed. */
  steps: { fromRaw: string[]; passed: boolean }[];
}

/** A repository with `fromRaw` components from raw and every other from good (or raw when good lacks it). */
async function mixed(raw: string, good: string, components: readonly string[], fromRaw: ReadonlySet<string>, signal?: AbortSignal): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gitoverlay-bisect-'));
  for (const c of components) {
    const src = !fromRaw.has(c) && (await exists(join(good, c))) ? join(good, c) : join(raw, c);
    if (await exists(src)) await linkTree(src, join(dir, c));
  }
  await run('createrepo_c', ['--no-database', dir], { signal });
  return dir;
}

export async function bisectComponents(
  raw: string,
  good: string,
  components: readonly string[],
  suspects: readonly string[],
  passes: (repo: string, fromRaw: string[]) => Promise<boolean>,
  signal?: AbortSignal,
): Promise<BisectResult> {
  const result: BisectResult = { component: null, tried: 0, rebuilt: 0, steps: [] };
  let candidates = [...suspects];
  while (candidates.length > 1) {
    const half = candidates.slice(0, Math.ceil(candidates.length / 2));
    const repo = await mixed(raw, good, components, new Set(half), signal);
    try {
      const ok = await passes(repo, half);
      result.tried++;
      result.steps.push({ fromRaw: half, passed: ok });
      // Fails with these new: one of them; passes: one of the others.
      candidates = ok ? candidates.slice(half.length) : half;
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  }
  result.component = candidates[0] ?? null;
  return result;
}
