import * as path from 'node:path';
import { workspace, type ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { pickOverlay, registerBuilds, type BuildsView } from './builds';
import { registerComposes, type ComposesView } from './composes';
import { registerPublishedModulemd } from './published-modulemd';
import { registerBuildrootView, type BuildrootView } from './buildroot-view';
import { registerPreviews } from './previews';
import { notify } from './requests';

let client: LanguageClient | undefined;

/** Starts the gitoverlay language server for YAML documents and RPM spec files; wires previews. */
/** What the extension exports: the end-to-end tests read the Buildroot view through it. */
export interface GitoverlayApi {
  buildroot: BuildrootView;
  builds: BuildsView;
  composes: ComposesView;
}

export async function activate(context: ExtensionContext): Promise<GitoverlayApi> {
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
  const previews = registerPreviews(context, client);
  const buildroot = registerBuildrootView(context, client);
  // Once trusted, what said "not trusted" is computed: the server refreshes its lenses, open previews reload.
  context.subscriptions.push(
    workspace.onDidGrantWorkspaceTrust(async () => {
      // Awaited: the previews' requests must reach the server after it knows.
      if (client) await notify(client, 'gitoverlay/trust', { trusted: true }).catch(() => undefined);
      await previews.refresh();
    }),
  );
  const builds = registerBuilds(context, client);
  registerPublishedModulemd(context, builds);
  const composes = registerComposes(context, client, pickOverlay);
  return { buildroot, builds, composes };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
