import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { readSettings } from '../../server/src/lsp/settings';
import { buildTaskArgs } from './build-task-args';
import { BuildsView } from './builds-view';
import { failed, onNotification, request, type BuildResult, type RequestResult } from './requests';
import { showSummary } from './notify-user';
import { buildSummary } from './summaries';
import { refusedUntrusted } from './trust';

export type { BuildResult } from './requests';
export { BuildsView } from './builds-view';

function overlayUri(given?: string | vscode.Uri): vscode.Uri | undefined {
  if (given) return typeof given === 'string' ? vscode.Uri.parse(given) : given;
  const active = vscode.window.activeTextEditor?.document.uri;
  return active && /(^|\/)(overlay\.ya?ml|[^/]+\.overlay\.ya?ml)$/.test(active.path) ? active : undefined;
}

export async function pickOverlay(given?: string | vscode.Uri): Promise<vscode.Uri | undefined> {
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
      // One task per component name (an overlay naming two components alike gets one, not two the same).
      for (const n of new Set(names)) tasks.push(this.task({ type: 'gitoverlay', task: 'build', file: f.fsPath, component: n }));
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
    // Relative module metadata paths against the first workspace folder, as the server reads them.
    const settings = readSettings(vscode.workspace.getConfiguration().get('gitoverlay'), vscode.workspace.workspaceFolders?.[0]?.uri.fsPath);
    const args = [this.cli, 'build', ...buildTaskArgs(settings), ...(def.component ? ['--component', def.component] : []), def.file];
    // The editor's own Node runs the CLI: nothing to install, and no shell between the arguments.
    const exec = new vscode.ProcessExecution(process.execPath, args, { env: { ELECTRON_RUN_AS_NODE: '1' }, cwd: path.dirname(def.file) });
    const name = `build ${vscode.workspace.asRelativePath(def.file)}${def.component ? ` (${def.component})` : ''}`;
    const t = new vscode.Task(def, scope, name, 'gitoverlay', exec, ['$gitoverlay-rpmbuild']);
    t.group = vscode.TaskGroup.Build;
    return t;
  }
}

/** Runs a build from the editor: the view shows it running, with its cancel; the result replaces it. */
async function runBuild(client: LanguageClient, view: BuildsView, uri: vscode.Uri, components: string[], choice: BackendChoice = {}): Promise<BuildResult | undefined> {
  const file = uri.fsPath;
  const previous = view.results.get(file);
  const previousAt = view.finishedAt(file);
  const cancel = new vscode.CancellationTokenSource();
  view.start(file, components, () => cancel.cancel());
  try {
    const r = (await client.sendRequest('gitoverlay/build', { uri: uri.toString(), components, ...choice }, cancel.token)) as BuildResult | { error: string };
    if (failed(r)) {
      view.abandon(file, previous, previousAt);
      void vscode.window.showErrorMessage(`gitoverlay: ${cancel.token.isCancellationRequested ? 'build cancelled' : r.error}`);
      return undefined;
    }
    view.set(file, r);
    void showSummary(buildSummary(r));
    return r;
  } catch (err) {
    view.abandon(file, previous, previousAt);
    void vscode.window.showErrorMessage(`gitoverlay: ${cancel.token.isCancellationRequested ? 'build cancelled' : (err as Error).message}`);
    return undefined;
  } finally {
    cancel.dispose();
  }
}

/** `.gitoverlay/last-build*.json` (written by every CLI build, the tasks' too: one per built document) into the view. */
async function loadLastBuild(view: BuildsView, u: vscode.Uri, onlyIfUnknown = false): Promise<void> {
  try {
    const r = JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(u)).toString('utf8')) as BuildResult & { overlay?: string };
    const file = r.overlay ?? vscode.Uri.joinPath(u, '..', '..', 'overlay.yml').fsPath;
    if (onlyIfUnknown && view.finishedAt(file) !== undefined) return;
    view.set(file, r);
  } catch {
    /* half-written: the next change event brings the whole file */
  }
}

type BackendChoice = { backend?: string; copr?: string };

/** The build backend for this build, the settings' preselected; a Copr project asked for when none is set. */
async function pickBackend(): Promise<BackendChoice | undefined> {
  const config = vscode.workspace.getConfiguration('gitoverlay.build');
  const current = config.get<string>('backend', 'auto');
  const project = config.get<string>('copr.project', '');
  const items = [
    { label: 'Default', backend: undefined, description: current === 'auto' ? 'mock when installed, else local' : current },
    { label: 'local', backend: 'local', description: 'rpmbuild --nodeps on this machine (in bwrap when installed)' },
    { label: 'mock', backend: 'mock', description: 'each SRPM rebuilt in a mock chroot (needs mock)' },
    { label: 'copr', backend: 'copr', description: project ? `on Copr: ${project} (every architecture, x86_64 first)` : 'on Copr (asks for the project)' },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'gitoverlay: build where?' });
  if (!pick) return undefined;
  if (pick.backend !== 'copr' || project) return pick.backend ? { backend: pick.backend } : {};
  const given = await vscode.window.showInputBox({
    title: 'gitoverlay: Copr project',
    prompt: 'owner/project (created when missing; credentials from ~/.config/copr)',
    validateInput: (v) => (/^@?[\w.-]+\/[\w.+-]+$/.test(v) ? undefined : 'owner/project'),
  });
  return given ? { backend: 'copr', copr: given } : undefined;
}

const RPM_SCHEME = 'gitoverlay-rpm';

export function registerBuilds(context: vscode.ExtensionContext, client: LanguageClient): BuildsView {
  const view = new BuildsView(context.workspaceState);
  const cli = context.asAbsolutePath(path.join('dist', 'cli.js'));
  const watcher = vscode.workspace.createFileSystemWatcher('**/.gitoverlay/last-build*.json');
  watcher.onDidChange((u) => void loadLastBuild(view, u));
  watcher.onDidCreate((u) => void loadLastBuild(view, u));
  // Builds made while the window was closed (CLI, tasks) show up too.
  void vscode.workspace.findFiles('**/.gitoverlay/last-build*.json', '**/node_modules/**', 50).then((found) => found.forEach((u) => void loadLastBuild(view, u, true)));
  context.subscriptions.push(
    onNotification(client, 'gitoverlay/buildChroot', (p) => view.chroot(p)),
    watcher,
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
      // Where it builds: asked when the command is run from the palette (given components: a rebuild, the settings' backend).
      const choice = components ? {} : await pickBackend();
      if (!choice) return;
      return runBuild(client, view, uri, chosen, choice);
    }),
    vscode.commands.registerCommand('gitoverlay.cancelBuild', (item?: { file?: string }) => {
      if (item?.file) view.cancel(item.file);
    }),
    vscode.commands.registerCommand('gitoverlay.rebuild', (item?: { file?: string }) => {
      if (item?.file) return vscode.commands.executeCommand('gitoverlay.build', vscode.Uri.file(item.file), []);
    }),
    // A built package, read-only: its header and file list.
    vscode.workspace.registerTextDocumentContentProvider(RPM_SCHEME, {
      provideTextDocumentContent: async (u) => {
        const r = await request(client, 'gitoverlay/rpmInfo', { path: u.path });
        return failed(r) ? `gitoverlay: ${r.error}\n` : r.text;
      },
    }),
    vscode.commands.registerCommand('gitoverlay.showRpm', async (file: string) => {
      if (refusedUntrusted('not reading the package', 'reading it runs rpm')) return;
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: RPM_SCHEME, path: file }));
      await vscode.window.showTextDocument(doc, { preview: true });
    }),
    vscode.commands.registerCommand('gitoverlay.revert', (target?: string | vscode.Uri, scripted?: { commit: string; bump?: boolean; allow?: boolean; push?: boolean }) => revert(client, target, scripted)),
    // From the overlay (a component's lens) or the Builds view (a component row): the same revert, in
    // that component's dist-git.
    vscode.commands.registerCommand('gitoverlay.revertComponent', (overlay?: string | vscode.Uri | { file?: string; component?: string }, which?: number | string, scripted?: { commit: string; bump?: boolean; allow?: boolean; push?: boolean }) =>
      revertComponent(client, overlay, which, scripted),
    ),
  );
  return view;
}

/** Reverts a build of one overlay component: finds its dist-git (a working clone when remote), then as revert(). */
async function revertComponent(
  client: LanguageClient,
  overlay?: string | vscode.Uri | { file?: string; component?: string },
  which?: number | string,
  scripted?: { commit: string; bump?: boolean; allow?: boolean; push?: boolean },
): Promise<unknown> {
  if (refusedUntrusted('not reverting', 'a revert runs git')) return;
  // A Builds view row carries its overlay file and component name.
  const row = overlay && typeof overlay === 'object' && !(overlay instanceof vscode.Uri) ? overlay : undefined;
  const uri = row?.file ? vscode.Uri.file(row.file) : typeof overlay === 'string' ? vscode.Uri.parse(overlay) : (overlay as vscode.Uri | undefined) ?? vscode.window.activeTextEditor?.document.uri;
  if (!uri) return;
  let index = typeof which === 'number' ? which : -1;
  const name = typeof which === 'string' ? which : row?.component;
  if (name !== undefined) {
    const names = await request(client, 'gitoverlay/overlayComponents', { uri: uri.toString() });
    index = names.indexOf(name);
    if (index < 0) return void vscode.window.showErrorMessage(`gitoverlay: no component '${name}' in ${vscode.workspace.asRelativePath(uri)}`);
  }
  const where = await request(client, 'gitoverlay/componentDistgit', { uri: uri.toString(), index });
  if (failed(where)) {
    void vscode.window.showErrorMessage(`gitoverlay: ${where.error}`);
    return where;
  }
  if (!scripted && !where.local) void vscode.window.showInformationMessage(`gitoverlay: reverting in a working clone of ${where.remote} (${vscode.workspace.asRelativePath(where.spec)}); Push sends the revert there.`);
  return revert(client, vscode.Uri.file(where.spec), scripted, { uri: uri.toString(), index });
}

/**
 * "gitoverlay: Revert Build…": pick a commit that changed the spec, see the NEVR before and after,
 * revert (adding [bump release: N] when the NEVR would collide), push only when asked.
 * `scripted` answers the prompts (tests and keybindings).
 */
async function revert(
  client: LanguageClient,
  target?: string | vscode.Uri,
  scripted?: { commit: string; bump?: boolean; allow?: boolean; push?: boolean },
  /** Reverting an overlay component's build: the dialog also says what the overlay build becomes. */
  overlay?: { uri: string; index: number },
): Promise<unknown> {
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
  const overlayNEVR = overlay ? request(client, 'gitoverlay/revertOverlayNEVR', { ...overlay, spec: uri.toString(), commit }) : undefined;
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
    const distgit = p.collision
      ? `${change} collides with what was already built (${p.collision.with.map((w) => w.nevr).join(', ')}): with [bump release: ${p.collision.bump}] the build is ${p.collision.bumpedNEVR}.`
      : `${change}${p.downgrade ? ' (a downgrade: rpm sorts it below the current build)' : ''}`;
    const detail = overlayNEVR ? `Dist-git build: ${distgit}\n${overlayLine(await overlayNEVR)}` : distgit;
    const choice = await vscode.window.showInformationMessage(`Revert "${p.subject}"?`, { modal: true, detail }, ...options);
    if (!choice) return;
    bump = choice.startsWith('Revert and add');
    allow = choice === 'Revert anyway';
  }
  // Simulated before the real revert is made (it clones the repository as it is now).
  const overlayAnswer = overlayNEVR ? await overlayNEVR : undefined;
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
  return overlayAnswer ? { ...r, overlay: overlayAnswer } : r;
}

/** The dialog's line on the overlay build: its NEVR now and after the revert (snapshot Release). */
function overlayLine(o: RequestResult<'gitoverlay/revertOverlayNEVR'>): string {
  if (failed(o)) return `Overlay build: not computed (${o.error}).`;
  const note = o.namesRevertCommit ? ' (its Release names the revert commit, whose id is known once it is made)' : '';
  return `Overlay build of ${o.component}: ${o.before} → ${o.after}${o.bumped ? ` (with the bump: ${o.bumped})` : ''}${note}.`;
}
