import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { WorkspaceIndex } from '../core/index/workspace';
import { ActionService } from './actions';
import { AutospecService } from './autospec';
import { BuildrootService } from './buildroot';
import type { ServerContext } from './context';
import { installFaultHandlers } from './faults';
import { registerGitoverlayHandlers } from './handlers/gitoverlay';
import { registerLanguageHandlers } from './handlers/language';
import { registerLensHandlers } from './handlers/lenses';
import { OverlayService } from './overlay';
import { DocumentPipeline, isSpec } from './pipeline';
import { readSettings } from './settings';
import { Trust } from './trust';
import { indexFile, scanWorkspace } from './workspace';

export type { Settings } from './settings';

/** Wires the engine to LSP: the document pipeline, the services and the handlers; nothing else. */
export function startServer(connection: Connection = createConnection(ProposedFeatures.all)): Connection {
  installFaultHandlers(connection);
  const documents = new TextDocuments(TextDocument);
  const index = new WorkspaceIndex();
  const trust = new Trust();
  const autospec = new AutospecService(connection, trust);
  const buildroots = new BuildrootService();
  const pipeline = new DocumentPipeline(connection, documents, index, buildroots, autospec);
  const ctx: ServerContext = {
    connection,
    documents,
    index,
    pipeline,
    trust,
    autospec,
    overlays: new OverlayService(connection, trust),
    buildroots,
    actions: new ActionService(connection, trust),
  };
  let folders: string[] = [];
  let pullConfiguration = false;

  const applySettings = (raw: unknown): void => {
    const s = readSettings(raw, folders[0]);
    if (autospec.errorOnUnparseable !== s.errorOnUnparseableSpec) {
      autospec.errorOnUnparseable = s.errorOnUnparseableSpec;
      void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
      pipeline.republish(isSpec);
    }
    ctx.overlays.allowFile = s.allowFileUrls;
    ctx.actions.allowFile = s.allowFileUrls;
    ctx.actions.buildSettings = {
      out: s.buildOutDir || undefined,
      jobs: s.buildJobs,
      dist: s.buildDist,
      backend: s.buildBackend,
      copr: { project: s.coprProject, chroots: s.coprChroots, config: s.coprConfig, pollSeconds: s.coprPollSeconds },
    };
    buildroots.configure({ moduleRepos: s.moduleRepos, defaultsDirs: s.defaultsDirs, platform: s.platform });
    pipeline.configure(s.enable, s.strictUnknownKeys);
  };

  connection.onInitialize((params: InitializeParams) => {
    folders = (params.workspaceFolders ?? []).map((f) => URI.parse(f.uri).fsPath);
    if (folders.length === 0 && params.rootUri) folders = [URI.parse(params.rootUri).fsPath];
    pullConfiguration = !!params.capabilities.workspace?.configuration;
    const init = params.initializationOptions as { settings?: unknown; trusted?: boolean } | undefined;
    applySettings(init?.settings);
    trust.trusted = init?.trusted !== false;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        completionProvider: { triggerCharacters: [':', ' ', '-', '[', ','], resolveProvider: false },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        documentSymbolProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        foldingRangeProvider: true,
        codeLensProvider: { resolveProvider: true },
      },
      serverInfo: { name: 'gitoverlay' },
    };
  });

  connection.onInitialized(() => {
    if (pullConfiguration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'gitoverlay' });
      void connection.workspace.getConfiguration('gitoverlay').then(applySettings, () => undefined);
    }
    if (folders.length) {
      void scanWorkspace(index, folders, (uri) => documents.get(uri) !== undefined, pipeline.moduleText, pipeline.readBig).then(
        (n) => connection.console.log(`gitoverlay: indexed ${index.size} module file(s) among ${n} YAML file(s)`),
        (err) => connection.console.error(`gitoverlay: workspace scan failed: ${err}`),
      );
    }
  });

  connection.onDidChangeConfiguration((change) => {
    const pushed = (change.settings as { gitoverlay?: unknown } | undefined)?.gitoverlay;
    if (pushed !== undefined) applySettings(pushed);
    else if (pullConfiguration) void connection.workspace.getConfiguration('gitoverlay').then(applySettings, () => undefined);
  });

  connection.onDidChangeWatchedFiles((params) => {
    for (const change of params.changes) {
      if (documents.get(change.uri)) continue; // the open editor's text wins
      if (change.type === 3) (index.remove(change.uri), buildroots.setText(change.uri, undefined));
      else void indexFile(index, change.uri, pipeline.moduleText, pipeline.readBig);
    }
  });

  registerGitoverlayHandlers(ctx);
  registerLensHandlers(ctx);
  registerLanguageHandlers(ctx);
  pipeline.listen();
  documents.listen(connection);
  connection.listen();
  return connection;
}
