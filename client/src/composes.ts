import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { failed, request, type SmokeResult } from './requests';
import { refusedUntrusted } from './trust';

/**
 * The Composes view and *gitoverlay: Smoke Test Compose*: each overlay's last smoke test (the raw
 * compose, whether it passed and was promoted to smoketested, each step, what changed since the last
 * good compose, the culprit when it failed) and, on failure, a notification naming the culprit with
 * one button to revert it (the component revert, release bumped on a collision).
 */

class Row extends vscode.TreeItem {
  constructor(label: string, readonly children: Row[] = [], description?: string, icon?: string, command?: vscode.Command) {
    super(label, children.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    this.description = description;
    if (icon) this.iconPath = new vscode.ThemeIcon(icon);
    if (command) this.command = command;
  }
}

export class ComposesView implements vscode.TreeDataProvider<Row> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  /** The last smoke test by overlay file (the end-to-end tests read it). */
  readonly results = new Map<string, SmokeResult>();

  set(file: string, r: SmokeResult): void {
    this.results.set(file, r);
    this.changed.fire();
  }

  getTreeItem(r: Row): vscode.TreeItem {
    return r;
  }

  getChildren(r?: Row): Row[] {
    if (r) return r.children;
    if (!this.results.size) return [new Row('No smoke test yet: run "gitoverlay: Smoke Test Compose"')];
    return [...this.results].map(([file, x]) => {
      const open = (p: string): vscode.Command => ({ command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.file(p)] });
      const children = [
        new Row(`raw ${x.id}`, [], `${x.ok ? 'passed' : 'FAILED'} · ${x.raw}`, x.ok ? 'pass' : 'error'),
        new Row('smoketested', [], `${x.promoted ? `${x.id} (promoted now)` : 'unchanged'} · ${x.smoketested}`, 'verified'),
        ...x.steps.map((s) => new Row(s.name, [], s.detail, s.ok ? 'pass' : 'error')),
        ...x.changed.map((c) => new Row(c.component, [], `${c.from ?? '(new)'} → ${c.to}`, 'diff')),
        ...(x.bisect ? [new Row('bisect', [], `${x.bisect.component ?? '?'}: ${x.bisect.tried} composes tried, ${x.bisect.rebuilt} packages rebuilt`, 'search')] : []),
        ...(x.culprit
          ? [
              new Row(
                `culprit: ${x.culprit.component}`,
                [],
                x.culprit.commit ? `${x.culprit.commit.id.slice(0, 12)} ${x.culprit.commit.subject}` : `${x.culprit.commits.length} ${x.culprit.where} commits`,
                'bug',
                x.culprit.commit ? { command: 'gitoverlay.revertCulprit', title: 'Revert', arguments: [file] } : undefined,
              ),
            ]
          : []),
        new Row('log', [], x.log, 'output', open(x.log)),
      ];
      return new Row(vscode.workspace.asRelativePath(file), children, x.ok ? 'passed, promoted' : 'FAILED', x.ok ? 'pass' : 'error');
    });
  }
}

/** The culprit of a failed smoke test reverted in its component's dist-git (the scripted component revert). */
async function revertCulprit(file: string, r: SmokeResult | undefined): Promise<unknown> {
  const c = r?.culprit;
  if (!c?.commit) return void vscode.window.showWarningMessage('gitoverlay: no single culprit commit to revert.');
  if (c.where !== 'dist-git') return void vscode.window.showWarningMessage(`gitoverlay: the culprit is upstream commit ${c.commit.id.slice(0, 12)}: revert it in the upstream repository.`);
  return vscode.commands.executeCommand('gitoverlay.revertComponent', vscode.Uri.file(file), c.component, { commit: c.commit.id, bump: true });
}

export function registerComposes(context: vscode.ExtensionContext, client: LanguageClient, pickOverlay: (given?: string | vscode.Uri) => Promise<vscode.Uri | undefined>): ComposesView {
  const view = new ComposesView();
  context.subscriptions.push(
    vscode.window.registerTreeDataProvider('gitoverlay.composes', view),
    vscode.commands.registerCommand('gitoverlay.smoketest', async (given?: string | vscode.Uri) => {
      if (refusedUntrusted('not testing', 'a smoke test runs dnf and bwrap')) return;
      const uri = await pickOverlay(given);
      if (!uri) return void vscode.window.showWarningMessage('gitoverlay: open an overlay.yml to smoke-test its compose.');
      const r = await request(client, 'gitoverlay/smoketest', { uri: uri.toString() });
      if (failed(r)) return void vscode.window.showErrorMessage(`gitoverlay: ${r.error}`);
      view.set(uri.fsPath, r);
      if (r.ok) {
        void vscode.window.showInformationMessage(`gitoverlay: compose ${r.id} passed its smoke test and is now smoketested.`);
        return r;
      }
      const who = r.culprit?.commit ? `${r.culprit.component}, ${r.culprit.where} commit ${r.culprit.commit.id.slice(0, 12)} "${r.culprit.commit.subject}"` : r.changed.map((c) => c.component).join(', ') || 'nothing changed';
      const actions = r.culprit?.commit && r.culprit.where === 'dist-git' ? ['Revert It', 'Show Log'] : ['Show Log'];
      void vscode.window.showErrorMessage(`gitoverlay: smoke test of compose ${r.id} failed; culprit: ${who}.`, ...actions).then((pick) => {
        if (pick === 'Revert It') void revertCulprit(uri.fsPath, r);
        else if (pick === 'Show Log') void vscode.window.showTextDocument(vscode.Uri.file(r.log));
      });
      return r;
    }),
    vscode.commands.registerCommand('gitoverlay.revertCulprit', (file: string) => revertCulprit(file, view.results.get(file))),
  );
  return view;
}
