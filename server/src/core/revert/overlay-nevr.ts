import { git } from '../git/exec';
import { resolveOverlay, type ResolvedComponent } from '../overlay/resolve';
import { previewRevert } from './preview';

export interface OverlayRevertNEVR {
  component: string;
  /** What the overlay builds from the dist-git as it is now (the upstream as mirrored, no fetch). */
  before: string;
  /** What it builds once the revert is in its dist-git. */
  after: string;
  /** The same with the `[bump release: N]` a collision calls for, when it does. */
  bumped?: string;
  /** The NEVR holds the revert commit's id (rdgo's literal Release): the real one is known once committed. */
  namesRevertCommit: boolean;
}

const nevrOf = (c: ResolvedComponent | undefined, what: string): string => {
  if (!c) throw new Error(`no such component (${what})`);
  if (c.error) throw new Error(`${c.name}: ${c.error} (${what})`);
  return c.nevr;
};

/**
 * The NEVR an overlay component's build gets before and after reverting COMMIT in its dist-git: the
 * component resolved as the overlay builds it (upstream snapshot in Version, snapinfo in Release), with
 * its dist-git taken from the clone where previewRevert() simulates the revert: at HEAD, then after the
 * revert. Nothing is written: no state, no commit in the real repository.
 */
export async function overlayRevertNEVR(
  overlayPath: string,
  overlay: unknown,
  index: number,
  specPath: string,
  commit: string,
  options: { allowFile: boolean; signal?: AbortSignal },
): Promise<OverlayRevertNEVR> {
  const base = { allowFile: options.allowFile, signal: options.signal, only: index, writeState: false };
  const seen: Partial<Record<'head' | 'reverted' | 'bumped', { nevr: string; head: string; name: string }>> = {};
  await previewRevert(specPath, commit, async (dir, stage) => {
    const head = (await git(['rev-parse', 'HEAD'], { cwd: dir })).stdout.toString().trim();
    const c = (await resolveOverlay(overlayPath, overlay, { ...base, distgitAt: { dir, commit: head } })).components[0];
    seen[stage] = { nevr: nevrOf(c, stage === 'head' ? 'as the dist-git is now' : 'after the revert'), head, name: c!.name };
  });
  if (!seen.head || !seen.reverted) throw new Error('the revert was not simulated');
  const names = (s?: { nevr: string; head: string }): boolean => !!s && s.nevr.includes(s.head.slice(0, 7));
  return { component: seen.head.name, before: seen.head.nevr, after: seen.reverted.nevr, ...(seen.bumped ? { bumped: seen.bumped.nevr } : {}), namesRevertCommit: names(seen.reverted) || names(seen.bumped) };
}
