import { simpleGit, type SimpleGit } from 'simple-git';
import { git } from '../git/exec';
import { autospecAtHead, producedNEVRs, type ProducedNEVR } from './nevr';
import { previewRevert, RevertRefused, type RevertPreview } from './preview';

export { RevertRefused };

export interface ApplyOptions {
  /** Amend the revert with `[bump release: N]` when its NEVR collides with an earlier one. */
  bumpOnCollision?: boolean;
  /** Revert even though the NEVR collides (no bump). */
  allowCollision?: boolean;
  /** `git push` (no force) after reverting. */
  push?: boolean;
  /** Only preview. */
  dryRun?: boolean;
  /**
   * Extra environment for the git processes simple-git runs (tests pin dates with it): given, they
   * run with PATH, HOME and these only (simple-git refuses variables like GIT_CONFIG_GLOBAL here).
   */
  env?: NodeJS.ProcessEnv;
}

export interface ApplyResult {
  preview: RevertPreview;
  /** The revert commit made (null on a dry run or when refused). */
  revertCommit: string | null;
  /** The bump added to the revert's message, if any. */
  bumped: number | null;
  /** HEAD's NEVR after the revert (and bump), as rpmautospec computes it. */
  final: ProducedNEVR | null;
  /** `git push`: what the remote answered. */
  push: { ok: boolean; summary: string } | null;
  /** Set when nothing was done because of an unhandled collision. */
  refusedCollision: boolean;
}

/**
 * Why the work tree is not fit for a revert of COMMIT, or null: tracked changes (staged or not), or
 * untracked files at paths the revert writes.
 */
export async function dirtyReason(top: string, commit: string): Promise<string | null> {
  const st = (await git(['status', '--porcelain=v1', '-z', '--untracked-files=all'], { cwd: top })).stdout.toString();
  const entries = st.split('\0').filter(Boolean);
  const tracked: string[] = [];
  const untracked = new Set<string>();
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    const code = e.slice(0, 2);
    const path = e.slice(3);
    if (code === '??') untracked.add(path);
    else if (code !== '!!') {
      tracked.push(path);
      if (code[0] === 'R' || code[0] === 'C') i++; // the rename's source follows
    }
  }
  if (tracked.length) return `the work tree has uncommitted changes (${tracked.slice(0, 5).join(', ')}${tracked.length > 5 ? ', ...' : ''}); commit or stash them first`;
  if (untracked.size) {
    const touched = (await git(['diff-tree', '--no-commit-id', '--name-only', '-r', '-z', '--root', commit], { cwd: top })).stdout
      .toString()
      .split('\0')
      .filter(Boolean);
    const hit = touched.filter((p) => untracked.has(p));
    if (hit.length) return `untracked files the revert would overwrite: ${hit.join(', ')}; move them away first`;
  }
  return null;
}

function sg(top: string, env?: NodeJS.ProcessEnv): SimpleGit {
  const g = simpleGit({ baseDir: top });
  return env ? g.env({ PATH: process.env.PATH, HOME: process.env.HOME, ...env }) : g;
}

/**
 * Reverts COMMIT in the dist-git repository of SPECORDIR: refuses a dirty work tree, option-like
 * refs and commits not reachable from HEAD; handles a NEVR collision as asked; pushes if asked.
 */
export async function applyRevert(specOrDir: string, ref: string, options: ApplyOptions = {}): Promise<ApplyResult> {
  if (ref === '' || ref.startsWith('-')) throw new RevertRefused(`refusing revision '${ref}'`);
  const a = await autospecAtHead(specOrDir);
  const top = a.history.top;
  if (!top) throw new RevertRefused(`${a.history.dir} is not in a git repository`);
  const preview = await previewRevert(specOrDir, ref);
  const result: ApplyResult = { preview, revertCommit: null, bumped: null, final: null, push: null, refusedCollision: false };
  const dirty = await dirtyReason(top, preview.commit);
  if (dirty) throw new RevertRefused(dirty);
  if (preview.collision && !options.bumpOnCollision && !options.allowCollision) {
    result.refusedCollision = true;
    return result;
  }
  if (options.dryRun) return result;

  const g = sg(top, options.env);
  // A full commit id after --end-of-options: nothing in it can be read as an option.
  await g.revert(preview.commit, ['--no-edit', '--end-of-options']);
  if (preview.collision && options.bumpOnCollision) {
    const msg = (await git(['log', '-1', '--format=%B'], { cwd: top })).stdout.toString().trimEnd();
    await g.commit(`${msg}\n\n[bump release: ${preview.collision.bump}]`, undefined, { '--amend': null });
    result.bumped = preview.collision.bump;
  }
  const after = await autospecAtHead(specOrDir);
  result.revertCommit = after.history.head;
  result.final = producedNEVRs(after).get(after.history.head!) ?? null;
  if (options.push) {
    try {
      const r = await g.push();
      const lines = [...(r.pushed ?? []).map((p) => `${p.local} -> ${p.remote}${p.alreadyUpdated ? ' (up to date)' : ''}`)];
      if (r.update) lines.push(`${r.update.head.local} -> ${r.update.head.remote} (${r.update.hash.from}..${r.update.hash.to})`);
      lines.push(...(r.remoteMessages?.all ?? []).map((m) => `remote: ${m}`));
      result.push = { ok: true, summary: [...new Set(lines)].join('\n') || `pushed to ${r.repo ?? 'the remote'}` };
    } catch (err) {
      result.push = { ok: false, summary: (err as Error).message.trim() };
    }
  }
  return result;
}
