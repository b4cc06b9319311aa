import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completeRelease } from '../autospec/compute';
import { autospecFor, type Autospec } from '../autospec/run';
import { git } from '../git/exec';
import { compareEVR } from '../overlay/rpmvercmp';
import { autospecAtHead, evrOf, producedNEVRs, specRelative, type ProducedNEVR } from './nevr';

/** Thrown for a commit that cannot be reverted here (bad ref, not reachable, a merge...). */
export class RevertRefused extends Error {}

export interface Collision {
  /** The earlier commits whose NEVR the revert's equals or sorts at or below (same epoch-version). */
  with: ProducedNEVR[];
  /** The smallest N for `[bump release: N]` making the new NEVR sort above all of them. */
  bump: number;
  /** The NEVR the revert gets with that bump. */
  bumpedNEVR: string;
}

export interface RevertPreview {
  /** The commit to revert, resolved. */
  commit: string;
  subject: string;
  specPath: string;
  before: ProducedNEVR;
  after: ProducedNEVR;
  /** After sorts below before (a version bump undone): informational, rpm sees a downgrade. */
  downgrade: boolean;
  collision: Collision | null;
}

/** Resolves REF to a commit reachable from HEAD, refusing option-like or odd refs. */
export async function resolveRevertable(top: string, ref: string): Promise<{ id: string; subject: string }> {
  if (ref === '' || ref.startsWith('-')) throw new RevertRefused(`refusing revision '${ref}'`);
  if (/[\0\n]/.test(ref)) throw new RevertRefused('refusing a revision with control characters');
  const r = await git(['rev-parse', '--verify', '-q', '--end-of-options', `${ref}^{commit}`], { cwd: top, okCodes: [1] });
  const id = r.stdout.toString().trim();
  if (r.code !== 0 || !/^[0-9a-f]{40,64}$/.test(id)) throw new RevertRefused(`'${ref}' is not a commit`);
  const anc = await git(['merge-base', '--is-ancestor', id, 'HEAD'], { cwd: top, okCodes: [1] });
  if (anc.code !== 0) throw new RevertRefused(`${id.slice(0, 12)} is not reachable from HEAD`);
  const info = (await git(['log', '-1', '--format=%P%x00%s', id], { cwd: top })).stdout.toString();
  const [parents, subject] = info.replace(/\n$/, '').split('\0');
  const n = parents.trim() ? parents.trim().split(/\s+/).length : 0;
  if (n === 0) throw new RevertRefused(`${id.slice(0, 12)} is the root commit; reverting it removes everything`);
  if (n > 1) throw new RevertRefused(`${id.slice(0, 12)} is a merge; revert it by hand with git revert -m`);
  return { id, subject };
}

/** The identity a simulated revert commits with: the repository's, else a placeholder. */
async function identity(top: string): Promise<NodeJS.ProcessEnv> {
  const get = async (key: string): Promise<string> => (await git(['config', '--get', key], { cwd: top, okCodes: [1] })).stdout.toString().trim();
  const name = (await get('user.name')) || 'gitoverlay';
  const email = (await get('user.email')) || 'gitoverlay@localhost';
  return { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email };
}

/**
 * The collision of AFTER with what the history already produced: every earlier NEVR with the same
 * epoch-version that AFTER equals or sorts at or below, and the `[bump release: N]` that clears them.
 */
export function findCollision(after: ProducedNEVR, history: Iterable<ProducedNEVR>, exclude?: string): Collision | null {
  const afterEVR = evrOf(after);
  if (afterEVR === null) return null;
  const same = [...history].filter((p) => p.commit !== exclude && p.epochVersion === after.epochVersion && evrOf(p) !== null);
  const hits = same.filter((p) => compareEVR(afterEVR, evrOf(p)!) <= 0);
  if (hits.length === 0) return null;
  let n = after.releaseNumber + 1;
  const releaseFor = (k: number): string => completeRelease(k, afterFlags(after));
  while (!same.every((p) => compareEVR(`${after.epochVersion}-${releaseFor(n)}`, evrOf(p)!) > 0)) n++;
  return { with: hits, bump: n, bumpedNEVR: `${after.name ?? '?'}-${after.epochVersion}-${releaseFor(n)}` };
}

const flagsOf = new WeakMap<ProducedNEVR, Parameters<typeof completeRelease>[1]>();
function afterFlags(p: ProducedNEVR): Parameters<typeof completeRelease>[1] {
  return flagsOf.get(p) ?? { prerelease: false, base: 1 };
}

/**
 * What reverting COMMIT would do to the NEVR: simulated in a temporary `git clone --shared` (the
 * repository itself is not touched), then rpmautospec's release computed on the result.
 */
export async function previewRevert(
  specOrDir: string,
  ref: string,
  /** Sees the temporary clone at HEAD ('head'), after the revert ('reverted') and after the bump amend ('bumped'). */
  onClone?: (dir: string, stage: 'head' | 'reverted' | 'bumped') => Promise<void>,
): Promise<RevertPreview> {
  const a = await autospecAtHead(specOrDir);
  const top = a.history.top;
  if (!top || !a.history.head) throw new RevertRefused(`${a.history.dir} is not in a git repository with commits`);
  const { id, subject } = await resolveRevertable(top, ref);
  const rel = specRelative(a);
  const produced = producedNEVRs(a);
  const before = produced.get(a.history.head)!;

  const tmp = await mkdtemp(join(tmpdir(), 'gitoverlay-revert-'));
  try {
    const clone = join(tmp, 'repo');
    await git(['clone', '--shared', '-q', '--no-checkout', '--', top, clone]);
    await git(['checkout', '-q', '--detach', a.history.head], { cwd: clone });
    await onClone?.(clone, 'head');
    const env = await identity(top);
    const rv = await git(['revert', '--no-edit', '--end-of-options', id], { cwd: clone, env, okCodes: [1] });
    if (rv.code !== 0) throw new RevertRefused(`${id.slice(0, 12)} does not revert cleanly on HEAD (conflicts); revert it by hand`);
    await onClone?.(clone, 'reverted');
    const sim = await autospecFor(join(clone, rel), { rev: 'HEAD' });
    const after = afterOf(sim);
    const collision = findCollision(after, produced.values());
    if (collision) {
      // Check the proposal the way it will be applied: amend with the magic comment, recompute.
      const msg = (await git(['log', '-1', '--format=%B'], { cwd: clone })).stdout.toString().trimEnd();
      await git(['commit', '-q', '--amend', '-m', `${msg}\n\n[bump release: ${collision.bump}]`], { cwd: clone, env });
      const bumped = afterOf(await autospecFor(join(clone, rel), { rev: 'HEAD' }));
      collision.bumpedNEVR = bumped.nevr ?? collision.bumpedNEVR;
      await onClone?.(clone, 'bumped');
    }
    const afterEVR = evrOf(after);
    const beforeEVR = evrOf(before);
    const downgrade = afterEVR !== null && beforeEVR !== null && compareEVR(afterEVR, beforeEVR) < 0;
    return { commit: id, subject, specPath: a.history.specPath, before, after, downgrade, collision };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

function afterOf(sim: Autospec): ProducedNEVR {
  const p = producedNEVRs(sim).get(sim.history.head!)!;
  flagsOf.set(p, sim.result.commits.get(sim.history.head!)!.flags);
  return p;
}
