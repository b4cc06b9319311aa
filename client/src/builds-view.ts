import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BuildChrootState, BuildResult, ComponentBuild } from './requests';

const ICON: Record<ComponentBuild['status'], string> = { built: 'pass', reused: 'history', failed: 'error', kept: 'circle-outline', skipped: 'dash' };
const STATE_KEY = 'gitoverlay.builds';

export class BuildItem extends vscode.TreeItem {
  constructor(label: string, readonly children: BuildItem[] = [], description?: string, icon?: string, command?: vscode.Command) {
    super(label, children.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    this.description = description;
    if (icon) this.iconPath = new vscode.ThemeIcon(icon);
    if (command) this.command = command;
  }
  /** The overlay (or module) file a top-level row stands for, or a component row's overlay. */
  file?: string;
  /** A component row's component. */
  component?: string;
}

/** A build the view shows: running (with its cancel), or finished (with its result and when). */
type Entry =
  | { running: true; started: number; components: string[]; cancel: () => void; chroots: Map<string, BuildChrootState> }
  | { running: false; finished: number; result: BuildResult };

/** Codicons for Copr's states. */
const STATE_ICON: Record<string, string> = { succeeded: 'pass', failed: 'error', canceled: 'circle-slash', running: 'loading~spin', pending: 'clock', importing: 'cloud-upload', starting: 'clock', skipped: 'dash', forked: 'repo-forked' };

const open = (p: string): vscode.Command => ({ command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.file(p)] });
const clock = (t: number): string => new Date(t).toLocaleTimeString();

/**
 * The "Builds" view: each overlay's running or last build, its components, their RPMs and logs. Kept
 * in the workspace state, so a window reload shows the last builds again.
 */
export class BuildsView implements vscode.TreeDataProvider<BuildItem> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly state?: vscode.Memento) {
    const saved = state?.get<[string, { finished: number; result: BuildResult }][]>(STATE_KEY) ?? [];
    for (const [file, e] of saved) this.entries.set(file, { running: false, ...e });
  }

  /** The finished builds, by file (the end-to-end tests read them). */
  get results(): Map<string, BuildResult> {
    return new Map([...this.entries].flatMap(([f, e]) => (e.running ? [] : [[f, e.result] as [string, BuildResult]])));
  }

  getTreeItem(item: BuildItem): vscode.TreeItem {
    return item;
  }

  getChildren(item?: BuildItem): BuildItem[] {
    if (item) return item.children;
    if (this.entries.size === 0) return [new BuildItem('No build yet: run "gitoverlay: Build…"')];
    // A running build first: what the packager is watching.
    const order = [...this.entries].sort(([, a], [, b]) => Number(b.running) - Number(a.running));
    return order.map(([file, e]) => {
      const label = vscode.workspace.asRelativePath(file);
      if (e.running) {
        const what = e.components.length ? e.components.join(', ') : 'all components';
        // A remote build: each component × chroot as Copr reports it, updated live.
        const live = [...e.chroots.values()].map((c) => {
          const r = new BuildItem(`${c.component} · ${c.chroot}`, [], `${c.state} (build ${c.buildId})`, STATE_ICON[c.state] ?? 'circle-outline');
          r.tooltip = c.resultUrl ? `${c.resultUrl}/builder-live.log.gz` : undefined;
          if (c.resultUrl && c.state === 'failed') r.command = { command: 'vscode.open', title: 'Open log', arguments: [vscode.Uri.parse(`${c.resultUrl}/builder-live.log.gz`)] };
          return r;
        });
        const row = new BuildItem(label, live, `building ${what}… (since ${clock(e.started)})`, 'loading~spin');
        // A new id once the remote states arrive: the row then opens (VS Code keeps the state per id,
        // and the row was first shown without children).
        row.id = `${file}\0running\0${live.length > 0}`;
        if (live.length) row.collapsibleState = vscode.TreeItemCollapsibleState.Expanded;
        row.contextValue = 'gitoverlay.build.running';
        row.tooltip = `Building ${what} of ${file}. Cancel from here or from the progress notification.`;
        row.file = file;
        return row;
      }
      const r = e.result;
      const comps = r.components.map((c) => this.component(c, r, file));
      // A module build: the modulemd it published, read-only.
      const repo = r.repo ?? r.partial;
      if ('nsvca' in r && repo && r.ok) {
        const row = new BuildItem('published modulemd', [], String(r.nsvca), 'file-code', {
          command: 'gitoverlay.previewPublishedModulemd',
          title: 'Preview Published Modulemd',
          arguments: [vscode.Uri.from({ scheme: 'gitoverlay-modulemd', path: `${repo}/modules.yaml` })],
        });
        row.tooltip = `${repo}/repodata: modules.yaml as the build published it (refs pinned, licences, artifacts, rpm-map)`;
        comps.unshift(row);
      }
      const where = r.ok ? (r.repo ?? '') : `failed; served: ${r.repo ?? 'none'}; partial: ${r.partial ?? 'none'}`;
      const row = new BuildItem(label, comps, `${r.ok ? 'built' : 'failed'} ${clock(e.finished)} · ${where}`, r.ok ? 'repo' : 'error');
      row.contextValue = 'gitoverlay.build.done';
      row.tooltip = `${file}\n${r.ok ? 'Built' : 'Failed'} at ${new Date(e.finished).toLocaleString()}\nRepository: ${r.repo ?? 'none'}${r.partial ? `\nPartial results: ${r.partial}` : ''}`;
      row.file = file;
      return row;
    });
  }

  private component(c: ComponentBuild, r: BuildResult, file: string): BuildItem {
    const repo = r.repo ?? r.partial;
    const children = [
      ...(c.log ? [new BuildItem('build log', [], path.basename(c.log), 'output', open(c.log))] : []),
      // A remote build's chroots first: what a packager looks for after a Copr run.
      ...Object.entries(c.chroots ?? {}).map(([chroot, x]) => {
        const row = new BuildItem(chroot, [], `${x.state}${x.buildId ? ` (Copr build ${x.buildId})` : ''}`, STATE_ICON[x.state] ?? 'circle-outline');
        row.tooltip = [x.resultUrl && `results: ${x.resultUrl}`, x.repoUrl && `repository: ${x.repoUrl}`].filter(Boolean).join('\n') || undefined;
        if (x.state === 'failed' && x.resultUrl) row.command = { command: 'vscode.open', title: 'Open log', arguments: [vscode.Uri.parse(`${x.resultUrl}/builder-live.log.gz`)] };
        return row;
      }),
      ...c.files.map((f) => {
        const full = repo && !path.isAbsolute(f) ? path.join(repo, f) : f;
        // An RPM opens as its header and file list (rpm -qip --list), read-only.
        const row = new BuildItem(path.basename(f), [], undefined, 'package', { command: 'gitoverlay.showRpm', title: 'Show RPM', arguments: [full] });
        row.tooltip = full;
        row.contextValue = 'gitoverlay.rpm';
        return row;
      }),
      ...(c.error ? [new BuildItem(c.error, [], undefined, 'warning')] : []),
      ...(c.pendingArches.length ? [new BuildItem(`pending: ${c.pendingArches.join(', ')}`, [], undefined, 'clock')] : []),
    ];
    const node = new BuildItem(c.name, children, `${c.status} ${c.nevr}`, ICON[c.status], c.log ? open(c.log) : undefined);
    node.collapsibleState = vscode.TreeItemCollapsibleState.Collapsed;
    node.tooltip = `${c.name}: ${c.status} ${c.nevr}${c.error ? `\n${c.error}` : ''}${c.log ? '\nClick to open the build log.' : ''}`;
    node.contextValue = 'gitoverlay.component';
    node.file = file;
    node.component = c.name;
    return node;
  }

  /** A build starts: the row shows it running, with its cancel. */
  start(file: string, components: string[], cancel: () => void): void {
    this.entries.set(file, { running: true, started: Date.now(), components, cancel, chroots: new Map() });
    this.changed.fire();
  }

  /** A remote build's component × chroot changed state (the server's gitoverlay/buildChroot). */
  chroot(s: BuildChrootState): void {
    const e = this.entries.get(s.file);
    if (!e?.running) return;
    e.chroots.set(`${s.component}\0${s.chroot}`, s);
    this.changed.fire();
  }

  /** The component × chroot states of a running build (the end-to-end tests read them). */
  liveChroots(file: string): BuildChrootState[] {
    const e = this.entries.get(file);
    return e?.running ? [...e.chroots.values()] : [];
  }

  cancel(file: string): void {
    const e = this.entries.get(file);
    if (e?.running) e.cancel();
  }

  set(file: string, result: BuildResult): void {
    this.entries.set(file, { running: false, finished: Date.now(), result });
    this.changed.fire();
    void this.save();
  }

  /** A build that ended without a result (refused, cancelled before starting): the previous one shows again. */
  abandon(file: string, previous: BuildResult | undefined, finished?: number): void {
    if (previous) this.entries.set(file, { running: false, finished: finished ?? Date.now(), result: previous });
    else this.entries.delete(file);
    this.changed.fire();
  }

  finishedAt(file: string): number | undefined {
    const e = this.entries.get(file);
    return e && !e.running ? e.finished : undefined;
  }

  private async save(): Promise<void> {
    const done = [...this.entries].flatMap(([f, e]) => (e.running ? [] : [[f, { finished: e.finished, result: e.result }]]));
    await this.state?.update(STATE_KEY, done);
  }
}
