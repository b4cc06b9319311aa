import * as path from 'node:path';
import { workspace, type ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { registerPreviews } from './previews';

let client: LanguageClient | undefined;

/** Starts the gitoverlay language server for YAML documents and RPM spec files; wires previews. */
export async function activate(context: ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'untitled', language: 'yaml' },
      { scheme: 'file', language: 'rpm-spec' },
      { scheme: 'file', pattern: '**/*.spec' },
    ],
    synchronize: {
      configurationSection: 'gitoverlay',
      fileEvents: workspace.createFileSystemWatcher('**/*.{yaml,yml}'),
    },
    // In an untrusted workspace the server validates but runs nothing (no git, no builds).
    initializationOptions: { settings: workspace.getConfiguration('gitoverlay'), trusted: workspace.isTrusted },
  };
  client = new LanguageClient('gitoverlay', 'gitoverlay', serverOptions, clientOptions);
  await client.start();
  registerPreviews(context, client);
  context.subscriptions.push(workspace.onDidGrantWorkspaceTrust(() => void client?.sendNotification('gitoverlay/trust', { trusted: true })));
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
