import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { refusedUntrusted } from './trust';
import { showSummary } from './notify-user';
import { failed, notify, request } from './requests';
import { resolveSummary } from './summaries';

export const PREVIEW_SCHEME = 'gitoverlay-preview';

type Kind = 'changelog' | 'spec' | 'component-spec' | 'component-changelog';

/**
 * Read-only previews of what the build system generates (the %autochangelog text, the processed
 * spec), beside the editor; refreshed when files are saved or HEAD moves.
 */
export class PreviewProvider implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly client: LanguageClient) {}

  static uriFor(source: vscode.Uri, kind: Kind, index?: number): vscode.Uri {
    const name = source.path.split('/').pop() ?? 'spec';
    const title =
      kind === 'changelog' ? `${name} (changelog)` : kind === 'spec' ? `${name} (generated)` : `${name} component ${(index ?? 0) + 1} (${kind === 'component-spec' ? 'generated spec' : 'changelog'})`;
    return vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${title}`, query: JSON.stringify({ kind, source: source.toString(), index }) });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const { kind, source, index } = JSON.parse(uri.query) as { kind: Kind; source: string; index?: number };
    const r = await request(this.client, 'gitoverlay/preview', { uri: source, kind, index });
    return r.text;
  }

  /**
   * Recomputes every open preview. The open ones are asked of VS Code, not remembered: setting a preview's
   * language closes and reopens it. The language client may hold a notification back while a later
   * request goes out: wait for it.
   */
  async refresh(): Promise<void> {
    await notify(this.client, 'gitoverlay/historyChanged').catch(() => undefined);
    for (const doc of vscode.workspace.textDocuments) if (doc.uri.scheme === PREVIEW_SCHEME) this.changed.fire(doc.uri);
  }

  async show(source: vscode.Uri | undefined, kind: Kind, index?: number): Promise<void> {
    const target = source ?? vscode.window.activeTextEditor?.document.uri;
    if ((kind === 'component-spec' || kind === 'component-changelog') && target) {
      const doc = await vscode.workspace.openTextDocument(PreviewProvider.uriFor(target, kind, index));
      await vscode.languages.setTextDocumentLanguage(doc, 'rpm-spec').then(undefined, () => undefined);
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
      return;
    }
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
    vscode.commands.registerCommand('gitoverlay.previewComponentSpec', (uri: string, index: number) => provider.show(vscode.Uri.parse(uri), 'component-spec', index)),
    vscode.commands.registerCommand('gitoverlay.previewComponentChangelog', (uri: string, index: number) => provider.show(vscode.Uri.parse(uri), 'component-changelog', index)),
    vscode.commands.registerCommand('gitoverlay.resolveOverlay', async (uri?: string) => {
      if (refusedUntrusted('not resolving', 'resolving runs git')) return;
      const target = uri ?? vscode.window.activeTextEditor?.document.uri.toString();
      if (!target) return;
      const r = await request(client, 'gitoverlay/resolve', { uri: target });
      if (failed(r)) return void vscode.window.showErrorMessage(`gitoverlay: ${r.error}`);
      void showSummary(resolveSummary(r.components));
      void provider.refresh();
    }),
    vscode.workspace.onDidSaveTextDocument(() => void provider.refresh()),
  );
  // Commits, checkouts and resets move HEAD or a ref: refresh what is shown.
  const heads = vscode.workspace.createFileSystemWatcher('**/.git/{HEAD,logs/HEAD,refs/heads/**}');
  heads.onDidChange(() => void provider.refresh());
  heads.onDidCreate(() => void provider.refresh());
  context.subscriptions.push(heads);
  return provider;
}
