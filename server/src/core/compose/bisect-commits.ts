import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linkTree } from '../build/fs';
import { buildOverlay } from '../build/build';

/**
 * The first bad commit of one component, when its range between the good build and the bad one holds
 * several: the component built at a commit of the range (the overlay as written, with that component
 * frozen there: `freeze` on its dist-git or upstream), into a copy of the raw compose (hard links: the
 * other components and the srpmroot macros as they are; what the cache holds is reused), tested, and
 * the range halved, as `git bisect` does. The good end passes, the bad end fails.
 */

export interface CommitBisect {
  commit: { id: string; subject: string };
  /** Builds made and tested. */
  tried: number;
}

/** The overlay with component `index` frozen at `commit` in its dist-git or upstream. */
export function frozenOverlay(overlay: unknown, index: number, where: 'dist-git' | 'upstream', commit: string): unknown {
  const copy = structuredClone(overlay) as { components: Record<string, unknown>[] };
  const c = copy.components[index];
  if (where === 'upstream') {
    c.freeze = commit;
  } else {
    const dg = typeof c.distgit === 'object' && c.distgit !== null ? (c.distgit as Record<string, unknown>) : typeof c.distgit === 'string' ? { name: c.distgit } : {};
    delete dg.branch;
    delete dg.tag;
    c.distgit = { ...dg, freeze: commit };
  }
  return copy;
}

export async function bisectCommits(
  overlayPath: string,
  overlay: unknown,
  index: number,
  component: string,
  where: 'dist-git' | 'upstream',
  /** Oldest first; the last one is the bad build's. */
  commits: readonly { id: string; subject: string }[],
  raw: string,
  passes: (repo: string) => Promise<boolean>,
  options: { signal?: AbortSignal; progress: (line: string) => void },
): Promise<CommitBisect> {
  let lo = 0;
  let hi = commits.length - 1;
  let tried = 0;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const c = commits[mid];
    const base = await mkdtemp(join(tmpdir(), 'gitoverlay-bisect-build-'));
    const out = join(base, 'compose');
    try {
      await linkTree(raw, out);
      options.progress(`bisect: building ${component} at ${where} commit ${c.id.slice(0, 12)} "${c.subject}"`);
      const built = await buildOverlay(overlayPath, frozenOverlay(overlay, index, where, c.id), {
        out,
        components: [component],
        allowFile: true,
        fetch: false,
        backend: 'local',
        recordResolution: false,
        signal: options.signal,
      });
      const ok = built.ok && (await passes(out));
      tried++;
      options.progress(`bisect: ${component} at ${c.id.slice(0, 12)} ${ok ? 'passes' : 'fails'}`);
      if (ok) lo = mid + 1;
      else hi = mid;
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  }
  return { commit: commits[lo], tried };
}
