import type { CancellationToken, Connection } from 'vscode-languageserver/node';
import { simpleGit } from 'simple-git';
import { dirname, resolve } from 'node:path';
import { run } from '../core/git/exec';
import { buildOverlay, type BuildResult } from '../core/build/build';
import { recordLastBuild } from '../core/build/last-build';
import { smoketest, type SmokeResult } from '../core/compose/smoketest';
import { applyRevert } from '../core/revert/apply';
import { componentDistgit } from '../core/revert/component';
import { overlayRevertNEVR } from '../core/revert/overlay-nevr';
import { revertCandidates } from '../core/revert/candidates';
import { previewRevert } from '../core/revert/preview';
import { componentViews } from '../core/rules/overlay/model';
import { UntrustedError } from './autospec';
import type { Trust } from './trust';
import type { BuildChrootState } from '../protocol';

/**
 * Builds and reverts for the editor: they run programs, so never in an untrusted workspace; builds
 * show progress in a cancellable notification.
 */
export class ActionService {
  allowFile = false;
  /** gitoverlay.build.* settings: the repository directory, components built at once, %{dist}. */
  buildSettings: {
    out?: string;
    jobs: number;
    dist: string;
    backend: 'auto' | 'local' | 'mock' | 'copr';
    copr: { project: string; chroots: string[]; config: string; pollSeconds: number };
  } = { jobs: 1, dist: '.fc41', backend: 'auto', copr: { project: '', chroots: [], config: '', pollSeconds: 10 } };

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

  /** A build; cancelled from its progress notification or by the request's own cancellation (the Builds view). */
  async build(path: string, overlay: unknown, components?: string[], token?: CancellationToken, choice: { backend?: string; copr?: string; moduleEnable?: string[] } = {}): Promise<BuildResult> {
    this.guard('build', 'git or rpmbuild');
    const b = this.buildSettings;
    const backend = choice.backend ?? (b.backend === 'auto' ? undefined : b.backend);
    if (backend !== undefined && backend !== 'local' && backend !== 'mock' && backend !== 'copr') throw new Error(`unknown build backend '${backend}'`);
    const project = choice.copr ?? b.copr.project;
    if (backend === 'copr' && !project) throw new Error('a Copr build needs a project: set gitoverlay.build.copr.project (owner/project)');
    const result = await this.withProgress('gitoverlay: building', path, token, (signal, onProgress) =>
      buildOverlay(path, overlay, {
        components: components?.length ? components : undefined,
        allowFile: this.allowFile,
        out: this.buildSettings.out ? resolve(dirname(path), this.buildSettings.out) : undefined,
        jobs: this.buildSettings.jobs,
        dist: this.buildSettings.dist,
        backend,
        moduleEnable: choice.moduleEnable,
        copr:
          backend === 'copr'
            ? {
                project,
                chroots: b.copr.chroots.length ? b.copr.chroots : undefined,
                config: b.copr.config || undefined,
                pollMs: b.copr.pollSeconds * 1000,
                onChroot: (component, c, buildId) =>
                  void this.connection.sendNotification('gitoverlay/buildChroot', { file: path, component, chroot: c.name, state: c.state, buildId, resultUrl: c.result_url } satisfies BuildChrootState),
              }
            : undefined,
        signal,
        onProgress,
      }),
    );
    recordLastBuild(path, result, false);
    return result;
  }

  /** The smoke test of the overlay's raw compose (the build's repository), with progress; promotes it when it passes. */
  async smoketest(path: string, token?: CancellationToken): Promise<SmokeResult> {
    this.guard('run a smoke test', 'dnf and bwrap');
    return this.withProgress('gitoverlay: smoke test', path, token, (signal, onProgress) =>
      smoketest(path, { out: this.buildSettings.out ? resolve(dirname(path), this.buildSettings.out) : undefined, signal, onProgress }),
    );
  }

  /** Long work with a cancellable progress notification (and the request's own cancellation); its lines logged too. */
  private async withProgress<T>(title: string, path: string, token: CancellationToken | undefined, work: (signal: AbortSignal, onProgress: (line: string) => void) => Promise<T>): Promise<T> {
    const progress = await this.connection.window.createWorkDoneProgress();
    const abort = new AbortController();
    progress.begin(title, undefined, path, true);
    progress.token.onCancellationRequested(() => abort.abort());
    token?.onCancellationRequested(() => abort.abort());
    try {
      return await work(abort.signal, (line) => {
        progress.report(line);
        this.connection.console.log(line);
      });
    } finally {
      progress.done();
    }
  }

  /** `rpm -qp --info --list` of a built package (an argument array, `--` before the path). */
  async rpmInfo(path: string): Promise<{ text: string }> {
    this.guard('read a built package', 'rpm');
    if (!path.endsWith('.rpm')) throw new Error(`${path} is not an RPM package`);
    const r = await run('rpm', ['-qp', '--info', '--list', '--', path], { okCodes: [1] });
    if (r.code !== 0) throw new Error(`rpm cannot read ${path}: ${r.stderr.trim().split('\n').pop() ?? ''}`);
    return { text: r.stdout.toString() };
  }

  /** The dist-git spec an overlay component's revert happens in (cloned beside the overlay when remote). */
  async componentDistgit(path: string, overlay: unknown, index: number) {
    this.guard('revert', 'git');
    return componentDistgit(path, overlay, index, { allowFile: this.allowFile });
  }

  /** The overlay build's NEVR before and after reverting COMMIT in the component's dist-git. */
  async overlayRevertNEVR(path: string, overlay: unknown, index: number, spec: string, commit: string) {
    this.guard('revert', 'git');
    return overlayRevertNEVR(path, overlay, index, spec, commit, { allowFile: this.allowFile });
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
