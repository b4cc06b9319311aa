import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { failed, request, type RequestResult } from './requests';

type Answer = RequestResult<'gitoverlay/buildroot'>;

export class BuildrootItem extends vscode.TreeItem {
  constructor(
    label: string,
    readonly children: BuildrootItem[] = [],
    description?: string,
    icon?: string,
  ) {
    super(label, children.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    this.description = description;
    if (icon) this.iconPath = new vscode.ThemeIcon(icon);
  }
}

const BUILDROOT_FILE = /\.(ya?ml|spec(\.in)?)$/;

/**
 * The "Buildroot" view: for the active module, overlay or spec, the modules a build would get (each
 * with the reason it is there) and their RPMs, per stream expansion.
 */
export class BuildrootView implements vscode.TreeDataProvider<BuildrootItem> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: BuildrootItem[] = [];
  /** The document shown (kept when focus moves to a non-module editor). */
  source: vscode.Uri | undefined;
  /** The view's header line: which document it shows. */
  onSource: (description: string | undefined) => void = () => undefined;

  constructor(private readonly client: LanguageClient) {}

  getTreeItem(item: BuildrootItem): vscode.TreeItem {
    return item;
  }

  getChildren(item?: BuildrootItem): BuildrootItem[] {
    return item ? item.children : this.roots;
  }

  async refresh(uri = vscode.window.activeTextEditor?.document.uri): Promise<void> {
    if (uri && uri.scheme === 'file' && BUILDROOT_FILE.test(uri.path)) this.source = uri;
    if (!this.source) {
      this.roots = [new BuildrootItem('Open a module, overlay or spec file')];
      this.changed.fire();
      return;
    }
    this.onSource(vscode.workspace.asRelativePath(this.source));
    const answer = await request(this.client, 'gitoverlay/buildroot', { uri: this.source.toString() });
    this.roots = toItems(answer, this.source);
    this.changed.fire();
  }
}

/**
 * A warning or error row: the full text as tooltip (labels are cut at the view's width); a click
 * opens the setting it names, else goes to the line of the document it points at.
 */
function problemItem(text: string, icon: string, lines: Record<string, number>, source: vscode.Uri): BuildrootItem {
  const item = new BuildrootItem(text, [], undefined, icon);
  item.tooltip = text;
  const setting = /\b(gitoverlay\.[A-Za-z]+(?:\.[A-Za-z]+)*)/.exec(text)?.[1];
  const line = lines[text];
  if (setting) item.command = { command: 'workbench.action.openSettings', title: 'Open Settings', arguments: [setting] };
  else if (line !== undefined) {
    item.command = { command: 'vscode.open', title: 'Go to line', arguments: [source, { selection: new vscode.Range(line, 0, line, 0) }] };
  }
  return item;
}

function toItems(answer: Answer, source: vscode.Uri): BuildrootItem[] {
  if (failed(answer)) return [new BuildrootItem(answer.error, [], undefined, 'info')];
  const r = answer.resolution;
  const items: BuildrootItem[] = [];
  r.expansions.forEach((e, i) => {
    const modules = e.modules.map((m) => {
      const item = new BuildrootItem(m.nsvc, [], m.reason, 'package');
      // Which file defines it, and a click opens it.
      const file = m.source.startsWith('/') ? vscode.Uri.file(m.source) : undefined;
      item.tooltip = new vscode.MarkdownString(`**${m.nsvc}**\n\n${m.reason}\n\nfrom ${file ? `\`${vscode.workspace.asRelativePath(file)}\`` : m.source}`);
      if (file) item.command = { command: 'vscode.open', title: 'Open', arguments: [file] };
      return item;
    });
    const rpms = e.rpms.map((n) => {
      const item = new BuildrootItem(n, [], undefined, 'file-binary');
      item.tooltip = `${n}: a binary package this buildroot installs`;
      return item;
    });
    const children = [new BuildrootItem('Modules', modules, String(modules.length), 'layers'), new BuildrootItem('RPMs', rpms, String(rpms.length), 'archive')];
    if (e.batches.length) children.push(new BuildrootItem('Batches', e.batches.map((b, k) => new BuildrootItem(`${k + 1}`, [], b.join(', '), 'list-ordered')), String(e.batches.length), 'list-ordered'));
    if (e.warnings.length) children.push(new BuildrootItem('Warnings', e.warnings.map((w) => problemItem(w, 'warning', answer.lines, source)), String(e.warnings.length), 'warning'));
    const br = Object.entries(e.buildrequires).map(([m, s]) => `${m}:${s}`).join(', ');
    if (r.expansions.length === 1) items.push(...children);
    else items.push(new BuildrootItem(`Expansion ${i + 1}`, children, br, 'git-branch'));
  });
  for (const err of r.errors) items.push(problemItem(err, 'error', answer.lines, source));
  return items;
}

const BUILDROOT_SCHEME = 'gitoverlay-buildroot';

/** The buildroot report as a read-only document beside the editor (nothing to save on close). */
class BuildrootReports implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  async show(text: string, name: string): Promise<void> {
    const uri = vscode.Uri.from({ scheme: BUILDROOT_SCHEME, path: `/${name}` });
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  }
}

export function registerBuildrootView(context: vscode.ExtensionContext, client: LanguageClient): BuildrootView {
  const view = new BuildrootView(client);
  const reports = new BuildrootReports();
  const tree = vscode.window.createTreeView('gitoverlay.buildroot', { treeDataProvider: view, showCollapseAll: true });
  view.onSource = (description) => (tree.description = description);
  const showPreview = (text: string, name: string): Promise<void> => reports.show(text, name);
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(BUILDROOT_SCHEME, reports),
    tree,
    vscode.window.onDidChangeActiveTextEditor((e) => e && void view.refresh(e.document.uri)),
    vscode.workspace.onDidSaveTextDocument(() => void view.refresh()),
    vscode.commands.registerCommand('gitoverlay.refreshBuildroot', () => view.refresh()),
    vscode.commands.registerCommand('gitoverlay.previewBuildroot', async (uri?: vscode.Uri) => {
      const target = uri ?? view.source ?? vscode.window.activeTextEditor?.document.uri;
      if (!target) return;
      const answer = await request(client, 'gitoverlay/buildroot', { uri: target.toString() });
      await showPreview(failed(answer) ? `# ${answer.error}\n` : answer.report, `${target.path.split('/').pop()} (buildroot)`);
    }),
  );
  void view.refresh();
  return view;
}
