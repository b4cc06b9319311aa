import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as vscode from 'vscode';
import type { BuildsView } from './builds-view';

/**
 * The modulemd a module build published (its repository's modules.yaml: pinned refs, version,
 * context, licences, artifacts and rpm-map), read-only, beside the document it was built from.
 */
export const MODULEMD_SCHEME = 'gitoverlay-modulemd';

/** The read-only document of the modules.yaml in repository `repo`. */
export function publishedUri(repo: string): vscode.Uri {
  return vscode.Uri.from({ scheme: MODULEMD_SCHEME, path: `${repo}/modules.yaml` });
}

async function modulesYaml(repo: string): Promise<string> {
  const dir = path.join(repo, 'repodata');
  const file = (await readdir(dir)).find((f) => /(^|-)modules\.yaml(\.gz)?$/.test(f));
  if (!file) throw new Error(`${repo} has no modules.yaml (not a module build's repository)`);
  const data = await readFile(path.join(dir, file));
  return (file.endsWith('.gz') ? gunzipSync(data) : data).toString('utf8');
}

export function registerPublishedModulemd(context: vscode.ExtensionContext, view: BuildsView): void {
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(MODULEMD_SCHEME, {
      provideTextDocumentContent: async (u) => {
        try {
          return await modulesYaml(path.dirname(u.path));
        } catch (err) {
          return `# gitoverlay: ${(err as Error).message}\n`;
        }
      },
    }),
    vscode.commands.registerCommand('gitoverlay.previewPublishedModulemd', async (given?: vscode.Uri | string) => {
      const uri = typeof given === 'string' ? vscode.Uri.file(given) : (given ?? vscode.window.activeTextEditor?.document.uri);
      if (!uri) return;
      if (uri.scheme === MODULEMD_SCHEME) return openBeside(uri);
      const result = view.results.get(uri.fsPath);
      const repo = result && 'nsvca' in result ? (result.repo ?? result.partial) : null;
      if (!repo) {
        return void vscode.window.showInformationMessage(
          `gitoverlay: ${path.basename(uri.fsPath)} has no module build yet: run its build task (Terminal › Run Build Task…); the published modulemd lists what was built.`,
        );
      }
      return openBeside(publishedUri(repo));
    }),
  );
}

async function openBeside(uri: vscode.Uri): Promise<void> {
  const doc = await vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(uri), 'yaml');
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: false });
}
