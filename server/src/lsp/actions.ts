import type { Connection } from 'vscode-languageserver/node';
import { simpleGit } from 'simple-git';
import { dirname } from 'node:path';
import { buildOverlay, type BuildResult } from '../core/build/build';
import { applyRevert } from '../core/revert/apply';
import { revertCandidates } from '../core/revert/candidates';
import { previewRevert } from '../core/revert/preview';
import { componentViews } from '../core/rules/overlay/model';
import { UntrustedError } from './autospec';
import type { Trust } from './trust';

/**
 * Builds and reverts for the editor: they run programs, so never in an untrusted workspace; builds
 * show progress in a cancellable notification.
 */
export class ActionService {
  allowFile = false;

  constructor(
    private readonly connection: Connection,
    private readonly trust: Trust,
  ) {}

  private guard(enables: string, programs = 'git'): void {
    if (!this.trust.trusted) throw new UntrustedError(enables, programs);
  }

  components(overlay: unknown): string[] {
    return componentViews(overlay).map((c) => c.name ?? `component ${c.index + 1}`);
  }

  async build(path: string, overlay: unknown, components?: string[]): Promise<BuildResult> {
    this.guard('build', 'git or rpmbuild');
    const progress = await this.connection.window.createWorkDoneProgress();
    const abort = new AbortController();
    progress.begin('gitoverlay: building', undefined, path, true);
    progress.token.onCancellationRequested(() => abort.abort());
    try {
      return await buildOverlay(path, overlay, {
        components: components?.length ? components : undefined,
        allowFile: this.allowFile,
        signal: abort.signal,
        onProgress: (line) => {
          progress.report(line);
          this.connection.console.log(line);
        },
      });
    } finally {
      progress.done();
    }
  }

  async candidates(path: string) {
    this.guard('revert');
    return revertCandidates(path);
  }

  async preview(path: string, commit: string) {
    this.guard('revert');
    return previewRevert(path, commit);
  }

  async revert(path: string, commit: string, options: { bumpOnCollision?: boolean; allowCollision?: boolean }) {
    this.guard('revert');
    return applyRevert(path, commit, options);
  }

  /** `git push` of the repository holding `path`, never forced. */
  async push(path: string): Promise<{ ok: boolean; summary: string }> {
    this.guard('push');
    try {
      const r = await simpleGit(dirname(path)).push();
      return { ok: true, summary: `pushed ${r.pushed.map((p) => p.local).join(', ') || 'nothing new'}` };
    } catch (err) {
      return { ok: false, summary: (err as Error).message };
    }
  }
}
