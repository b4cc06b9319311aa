import { existsSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { git } from '../git/exec';
import { expandComponent, labelOf } from '../overlay/expand';
import { checkRef, checkRemote } from '../overlay/url';

export interface ComponentDistgit {
  component: string;
  /** The dist-git spec to revert in: the repository itself when local, else a working clone. */
  spec: string;
  /** The dist-git URL as written in the overlay (credentials hidden). */
  remote: string;
  /** true: the overlay's own dist-git work tree; false: a clone under .gitoverlay/work/ that pushes to it. */
  local: boolean;
}

/**
 * Where an overlay component's build can be reverted: its dist-git repository. A local one (a path or
 * file:// URL, when allowed) that has a work tree is used as it is; a remote one gets a working clone
 * beside the overlay (`.gitoverlay/work/<dist-git name>`, on the overlay's branch), whose `origin` is the
 * dist-git remote, so a revert there is pushed to the dist-git the overlay builds from.
 */
export async function componentDistgit(overlayPath: string, overlay: unknown, which: number | string, options: { allowFile: boolean; signal?: AbortSignal }): Promise<ComponentDistgit> {
  const o = (typeof overlay === 'object' && overlay !== null ? overlay : {}) as Record<string, unknown>;
  const list = Array.isArray(o.components) ? o.components : [];
  const index = typeof which === 'number' ? which : list.findIndex((raw, i) => labelOf(raw, i) === which);
  if (index < 0 || index >= list.length) throw new Error(`no component ${JSON.stringify(which)} in ${overlayPath}`);
  const dir = dirname(overlayPath);
  const plan = expandComponent(o, list[index], index, dir);
  if (!plan.distgit) {
    throw new Error(`component '${plan.name}' has no dist-git (spec: internal): revert the upstream commit in its own repository`);
  }
  const remote = checkRemote(plan.distgit.url, { allowFile: options.allowFile, baseDir: dir });
  const specName = `${plan.distgit.name}.spec`;
  if (remote.kind === 'file' && existsSync(join(remote.url, '.git'))) {
    return { component: plan.name, spec: join(remote.url, specName), remote: remote.display, local: true };
  }
  // A remote (or a bare local) dist-git: a working clone beside the overlay.
  const work = join(dir, '.gitoverlay', 'work', plan.distgit.name);
  if (!existsSync(join(work, '.git'))) {
    await mkdir(dirname(work), { recursive: true });
    const args = ['-c', `protocol.file.allow=${options.allowFile ? 'always' : 'never'}`, 'clone', '--quiet'];
    if (plan.distgit.refKind === 'branch' || plan.distgit.refKind === 'default-branch') args.push('--branch', checkRef('branch', plan.distgit.ref));
    await git([...args, '--', remote.url, work], { signal: options.signal, env: { GIT_TERMINAL_PROMPT: '0' } });
  } else if (!statSync(work).isDirectory()) {
    throw new Error(`${work} is in the way of a working clone of ${remote.display}`);
  }
  return { component: plan.name, spec: join(work, specName), remote: remote.display, local: false };
}
