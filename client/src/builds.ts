import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { failed, request, type BuildResult, type ComponentBuild } from './requests';
import { showSummary } from './notify-user';
import { buildSummary } from './summaries';
import { refusedUntrusted } from './trust';

export type { BuildResult } from './requests';

const ICON: Record<ComponentBuild['status'], string> = { built: 'pass', reused: 'history', failed: 'error', kept: 'circle-outline', skipped: 'dash' };

export class BuildItem extends vscode.TreeItem {
  constructor(label: string, readonly children: BuildItem[] = [], description?: string, icon?: string, command?: vscode.Command) {
    super(label, children.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    this.description = description;
    if (icon) this.iconPath = new vscode.ThemeIcon(icon);
    if (command) this.command = command;
  }
}

/** The "Builds" view: the last build of each overlay, its components, their RPMs and logs. */
export class BuildsView implements vscode.TreeDataProvider<BuildItem> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly results = new Map<string, BuildResult>();

  getTreeItem(item: BuildItem): vscode.TreeItem {
    return item;
  }

  getChildren(item?: BuildItem): BuildItem[] {
    if (item) return item.children;
    if (this.results.size === 0) return [new BuildItem('No build yet: run "gitoverlay: Build…"')];
    return [...this.results].map(([file, r]) => {
      const comps = r.components.map((c) => {
        const open = (p: string): vscode.Command => ({ command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.file(p)] });
        const children = [
          ...(c.log ? [new BuildItem('build log', [], path.basename(c.log), 'output', open(c.log))] : []),
          ...c.files.map((f) => new BuildItem(path.basename(f), [], undefined, 'package')),
          ...(c.error ? [new BuildItem(c.error, [], undefined, 'warning')] : []),
          ...(c.pendingArches.length ? [new BuildItem(`pending: ${c.pendingArches.join(', ')}`, [], undefined, 'clock')] : []),
        ];
        const node = new BuildItem(c.name, children, `${c.status} ${c.nevr}`, ICON[c.status]);
        node.collapsibleState = vscode.TreeItemCollapsibleState.Collapsed;
        return node;
      });
      const where = r.ok ? r.repo ?? '' : `failed; served: ${r.repo ?? 'none'}; partial: ${r.partial ?? 'none'}`;
      return new BuildItem(vscode.workspace.asRelativePath(file), comps, where, r.ok ? 'repo' : 'error');
    });
  }

  set(file: string, result: BuildResult): void {
    this.results.set(file, result);
    this.changed.fire();
  }
}

function overlayUri(given?: string | vscode.Uri): vscode.Uri | undefined {
  if (given) return typeof given === 'string' ? vscode.Uri.parse(given) : given;
  const active = vscode.window.activeTextEditor?.document.uri;
  return active && /(^|\/)(overlay\.ya?ml|[^/]+\.overlay\.ya?ml)$/.test(active.path) ? active : undefined;
}

async function pickOverlay(given?: string | vscode.Uri): Promise<vscode.Uri | undefined> {
  const direct = overlayUri(given);
  if (direct) return direct;
  const found = await vscode.workspace.findFiles('**/{overlay.yml,overlay.yaml,*.overlay.yml}', '**/{node_modules,.gitoverlay}/**', 50);
  if (found.length <= 1) return found[0];
  const pick = await vscode.window.showQuickPick(found.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u })), { title: 'gitoverlay: which overlay?' });
  return pick?.uri;
}

/** A task per overlay: `gitoverlay build` in the terminal, rpmbuild errors put on spec lines. */
class BuildTaskProvider implements vscode.TaskProvider {
  constructor(
    private readonly cli: string,
    private readonly client: LanguageClient,
  ) {}

  /** One task per overlay (all its components, and one per component) and per module document. */
  async provideTasks(): Promise<vscode.Task[]> {
    const files = await vscode.workspace.findFiles('**/{overlay.yml,*.overlay.yml}', '**/{node_modules,.gitoverlay}/**', 50);
    const tasks: vscode.Task[] = [];
    for (const f of files) {
      tasks.push(this.task({ type: 'gitoverlay', task: 'build', file: f.fsPath }));
      const names = await request(this.client, 'gitoverlay/overlayComponents', { uri: f.toString() }).catch(() => [] as string[]);
      for (const n of names) tasks.push(this.task({ type: 'gitoverlay', task: 'build', file: f.fsPath, component: n }));
    }
    const modules = await request(this.client, 'gitoverlay/buildableModules').catch(() => [] as string[]);
    for (const m of modules) tasks.push(this.task({ type: 'gitoverlay', task: 'build', file: vscode.Uri.parse(m).fsPath }));
    return tasks;
  }

  resolveTask(task: vscode.Task): vscode.Task | undefined {
    const d = task.definition as { type: string; task?: string; file?: string; component?: string };
    return d.task === 'build' && d.file ? this.task(d as { type: string; task: string; file: string; component?: string }, task.scope) : undefined;
  }

  task(def: { type: string; task: string; file: string; component?: string }, scope: vscode.TaskScope | vscode.WorkspaceFolder = vscode.TaskScope.Workspace): vscode.Task {
    const args = [this.cli, 'build', ...(def.component ? ['--component', def.component] : []), def.file];
    // The editor's own Node runs the CLI: nothing to install, and no shell between the arguments.
    const exec = new vscode.ProcessExecution(process.execPath, args, { env: { ELECTRON_RUN_AS_NODE: '1' }, cwd: path.dirname(def.file) });
    const name = `build ${vscode.workspace.asRelativePath(def.file)}${def.component ? ` (${def.component})` : ''}`;
    const t = new vscode.Task(def, scope, name, 'gitoverlay', exec, ['$gitoverlay-rpmbuild']);
    t.group = vscode.TaskGroup.Build;
    return t;
  }
}

export function registerBuilds(context: vscode.ExtensionContext, client: LanguageClient): BuildsView {
  const view = new BuildsView();
  const cli = context.asAbsolutePath(path.join('dist', 'cli.js'));
  context.subscriptions.push(
    vscode.window.registerTreeDataProvider('gitoverlay.builds', view),
    vscode.tasks.registerTaskProvider('gitoverlay', new BuildTaskProvider(cli, client)),
    vscode.commands.registerCommand('gitoverlay.build', async (given?: string | vscode.Uri, components?: string[]) => {
      if (refusedUntrusted('not building', 'a build runs git and rpmbuild')) return;
      const uri = await pickOverlay(given);
      if (!uri) return void vscode.window.showWarningMessage('gitoverlay: open an overlay.yml to build it.');
      let chosen = components;
      if (!chosen) {
        const names = await request(client, 'gitoverlay/overlayComponents', { uri: uri.toString() });
        const pick = await vscode.window.showQuickPick([{ label: 'All components', all: true }, ...names.map((n) => ({ label: n, all: false }))], {
          title: 'gitoverlay: build which components?',
          canPickMany: false,
        });
        if (!pick) return;
        chosen = pick.all ? [] : [pick.label];
      }
      const r = await request(client, 'gitoverlay/build', { uri: uri.toString(), components: chosen });
      if (failed(r)) return void vscode.window.showErrorMessage(`gitoverlay: ${r.error}`);
      view.set(uri.fsPath, r);
      void showSummary(buildSummary(r));
      return r;
    }),
    // Builds run as tasks (the CLI in a terminal) report through .gitoverlay/last-build.json.
    ...(() => {
      const w = vscode.workspace.createFileSystemWatcher('**/.gitoverlay/last-build.json');
      const load = async (u: vscode.Uri) => {
        try {
          const r = JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(u)).toString('utf8')) as BuildResult & { overlay?: string };
          view.set(r.overlay ?? vscode.Uri.joinPath(u, '..', '..', 'overlay.yml').fsPath, r);
        } catch {
          /* half-written: the next change event brings the whole file */
        }
      };
      w.onDidChange(load);
      w.onDidCreate(load);
      return [w];
    })(),
    vscode.commands.registerCommand('gitoverlay.revert', (target?: string | vscode.Uri, scripted?: { commit: string; bump?: boolean; allow?: boolean; push?: boolean }) => revert(client, target, scripted)),
  );
  return view;
}

/**
 * "gitoverlay: Revert Build…": pick a commit that changed the spec, see the NEVR before and after,
 * revert (adding [bump release: N] when the NEVR would collide), push only when asked.
 * `scripted` answers the prompts (tests and keybindings).
 */
async function revert(client: LanguageClient, target?: string | vscode.Uri, scripted?: { commit: string; bump?: boolean; allow?: boolean; push?: boolean }): Promise<unknown> {
  if (refusedUntrusted('not reverting', 'a revert runs git')) return;
  const uri = target ? (typeof target === 'string' ? vscode.Uri.parse(target) : target) : vscode.window.activeTextEditor?.document.uri;
  if (!uri || !/\.spec$/.test(uri.path)) return void vscode.window.showWarningMessage('gitoverlay: open the dist-git spec whose build you want to revert.');
  let commit = scripted?.commit;
  if (!commit) {
    const list = await request(client, 'gitoverlay/revertCandidates', { uri: uri.toString() });
    if (failed(list)) return void vscode.window.showErrorMessage(`gitoverlay: ${list.error}`);
    const pick = await vscode.window.showQuickPick(
      list.map((c) => ({ label: c.subject, description: c.nevr?.nevr ?? '', detail: `${c.id.slice(0, 10)} · ${c.author} · ${c.date.slice(0, 10)}`, id: c.id })),
      { title: 'gitoverlay: revert which commit?', matchOnDetail: true },
    );
    if (!pick) return;
    commit = pick.id;
  }
  const p = await request(client, 'gitoverlay/revertPreview', { uri: uri.toString(), commit });
  if (failed(p)) {
    void vscode.window.showErrorMessage(`gitoverlay: ${p.error}`);
    return p;
  }
  const change = `${p.before.nevr} → ${p.after.nevr}`;
  let bump = scripted?.bump ?? false;
  let allow = scripted?.allow ?? false;
  if (!scripted) {
    const options = p.collision ? [`Revert and add [bump release: ${p.collision.bump}]`, 'Revert anyway'] : ['Revert'];
    const detail = p.collision
      ? `${change} collides with what was already built (${p.collision.with.map((w) => w.nevr).join(', ')}): with [bump release: ${p.collision.bump}] the build is ${p.collision.bumpedNEVR}.`
      : `${change}${p.downgrade ? ' (a downgrade: rpm sorts it below the current build)' : ''}`;
    const choice = await vscode.window.showInformationMessage(`Revert "${p.subject}"?`, { modal: true, detail }, ...options);
    if (!choice) return;
    bump = choice.startsWith('Revert and add');
    allow = choice === 'Revert anyway';
  }
  const r = await request(client, 'gitoverlay/revertApply', { uri: uri.toString(), commit, bumpOnCollision: bump, allowCollision: allow });
  if (failed(r)) {
    void vscode.window.showErrorMessage(`gitoverlay: ${r.error}`);
    return r;
  }
  if (r.refusedCollision) return void vscode.window.showWarningMessage('gitoverlay: not reverted, the NEVR would collide with an earlier build.');
  const done = `gitoverlay: reverted; the next build is ${r.final?.nevr ?? '?'}${r.bumped ? ` ([bump release: ${r.bumped}])` : ''}`;
  const push = scripted ? (scripted.push ? 'Push' : undefined) : await vscode.window.showInformationMessage(done, 'Push');
  if (push === 'Push') {
    const pushed = await request(client, 'gitoverlay/push', { uri: uri.toString() });
    if (failed(pushed) || !pushed.ok) void vscode.window.showErrorMessage(`gitoverlay: push failed: ${failed(pushed) ? pushed.error : pushed.summary}`);
  }
  return r;
}
