import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

export const PREVIEW_SCHEME = 'gitoverlay-preview';

type Kind = 'changelog' | 'spec';

/**
 * Read-only previews of what the build system generates (the %autochangelog text, the processed
 * spec), beside the editor; refreshed when files are saved or HEAD moves.
 */
export class PreviewProvider implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly open = new Set<string>();

  constructor(private readonly client: LanguageClient) {}

  static uriFor(source: vscode.Uri, kind: Kind): vscode.Uri {
    const name = source.path.split('/').pop() ?? 'spec';
    return vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${kind === 'changelog' ? `${name} (changelog)` : `${name} (generated)`}`, query: JSON.stringify({ kind, source: source.toString() }) });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const { kind, source } = JSON.parse(uri.query) as { kind: Kind; source: string };
    this.open.add(uri.toString());
    const r = await this.client.sendRequest<{ text: string }>('gitoverlay/preview', { uri: source, kind });
    return r.text;
  }

  refresh(): void {
    void this.client.sendNotification('gitoverlay/historyChanged');
    for (const u of this.open) this.changed.fire(vscode.Uri.parse(u));
  }

  forget(uri: vscode.Uri): void {
    this.open.delete(uri.toString());
  }

  async show(source: vscode.Uri | undefined, kind: Kind): Promise<void> {
    const target = source ?? vscode.window.activeTextEditor?.document.uri;
    if (!target || !/\.spec(\.in)?$/.test(target.path)) {
      void vscode.window.showWarningMessage('gitoverlay: open a .spec file to preview its changelog or generated spec.');
      return;
    }
    const uri = PreviewProvider.uriFor(target, kind);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'rpm-spec').then(undefined, () => undefined);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
  }
}

export function registerPreviews(context: vscode.ExtensionContext, client: LanguageClient): PreviewProvider {
  const provider = new PreviewProvider(client);
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, provider),
    vscode.commands.registerCommand('gitoverlay.previewChangelog', (uri?: string | vscode.Uri) => provider.show(typeof uri === 'string' ? vscode.Uri.parse(uri) : uri, 'changelog')),
    vscode.commands.registerCommand('gitoverlay.previewSpec', (uri?: string | vscode.Uri) => provider.show(typeof uri === 'string' ? vscode.Uri.parse(uri) : uri, 'spec')),
    vscode.workspace.onDidSaveTextDocument(() => provider.refresh()),
    vscode.workspace.onDidCloseTextDocument((d) => d.uri.scheme === PREVIEW_SCHEME && provider.forget(d.uri)),
  );
  // Commits, checkouts and resets move HEAD or a ref: refresh what is shown.
  const heads = vscode.workspace.createFileSystemWatcher('**/.git/{HEAD,logs/HEAD,refs/heads/**}');
  heads.onDidChange(() => provider.refresh());
  heads.onDidCreate(() => provider.refresh());
  context.subscriptions.push(heads);
  return provider;
}
