import {
  createConnection,
  DiagnosticSeverity,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type Diagnostic as LspDiagnostic,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { checkText } from '../core/check/check';
import type { Diagnostic } from '../core/types';

const SEVERITY: Record<Diagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toLsp(d: Diagnostic): LspDiagnostic {
  return {
    range: d.range,
    severity: SEVERITY[d.severity],
    code: d.code,
    source: d.source,
    message: d.message,
    data: d.data,
    relatedInformation: undefined,
  };
}

const DEBOUNCE_MS = 120;

/** Wires the engine to LSP: validate on open and change, publish per document version. */
export function startServer(connection: Connection = createConnection(ProposedFeatures.all)): Connection {
  const documents = new TextDocuments(TextDocument);
  const timers = new Map<string, NodeJS.Timeout>();
  let enabled = true;

  const validate = (doc: TextDocument): void => {
    if (!enabled) return;
    const path = URI.parse(doc.uri).fsPath || doc.uri;
    let diagnostics: LspDiagnostic[] = [];
    try {
      diagnostics = checkText(path, doc.getText()).diagnostics.map(toLsp);
    } catch (err) {
      connection.console.error(`gitoverlay: checking ${doc.uri} failed: ${(err as Error).stack ?? err}`);
    }
    // Never publish for a version the editor has already moved past.
    if (documents.get(doc.uri)?.version !== doc.version) return;
    void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
  };

  const schedule = (doc: TextDocument): void => {
    clearTimeout(timers.get(doc.uri));
    timers.set(
      doc.uri,
      setTimeout(() => {
        timers.delete(doc.uri);
        const current = documents.get(doc.uri);
        if (current) validate(current);
      }, DEBOUNCE_MS),
    );
  };

  connection.onInitialize(() => ({
    capabilities: { textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental } },
    serverInfo: { name: 'gitoverlay' },
  }));

  connection.onDidChangeConfiguration((change) => {
    const settings = (change.settings as { gitoverlay?: { enable?: boolean } } | undefined)?.gitoverlay;
    enabled = settings?.enable !== false;
    for (const doc of documents.all()) {
      if (enabled) validate(doc);
      else void connection.sendDiagnostics({ uri: doc.uri, diagnostics: [] });
    }
  });

  documents.onDidOpen((e) => validate(e.document));
  documents.onDidChangeContent((e) => schedule(e.document));
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    timers.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}
