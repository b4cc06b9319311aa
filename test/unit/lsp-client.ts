import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { ROOT } from './helpers';

/** A real LSP client over stdio to `gitoverlay lsp --stdio`, as another editor would drive it. */
export class LspClient {
  readonly connection: ProtocolConnection;
  private readonly server: ChildProcess;
  private readonly published: PublishDiagnosticsParams[] = [];
  private readonly waiters: (() => void)[] = [];
  private readonly texts = new Map<string, TextDocument>();
  readonly configurationRequests: unknown[] = [];
  settings: Record<string, unknown> = {};

  constructor() {
    this.server = spawn(process.execPath, [join(ROOT, 'bin/gitoverlay.js'), 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.connection = createProtocolConnection(new StreamMessageReader(this.server.stdout!), new StreamMessageWriter(this.server.stdin!));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.published.push(p);
      this.waiters.splice(0).forEach((w) => w());
    });
    this.connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) => {
      this.configurationRequests.push(params);
      return params.items.map((i) => (i.section === 'gitoverlay' ? this.settings : null));
    });
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onNotification('window/logMessage', () => undefined);
    this.connection.listen();
  }

  async initialize(workspace?: string): Promise<Awaited<ReturnType<ProtocolConnection['sendRequest']>>> {
    const folders = workspace ? [{ uri: `file://${workspace}`, name: 'ws' }] : null;
    const result = await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: workspace ? `file://${workspace}` : null,
      workspaceFolders: folders,
      capabilities: { workspace: { configuration: true } },
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  async open(uri: string, text: string, version = 1, timeoutMs?: number): Promise<PublishDiagnosticsParams> {
    this.texts.set(uri, TextDocument.create(uri, 'yaml', version, text));
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version, text } });
    return this.diagnostics(uri, version, timeoutMs);
  }

  text(uri: string): string {
    return this.texts.get(uri)!.getText();
  }

  /** Applies edits like an editor (incremental sync) and waits for the new version's diagnostics. */
  async edit(uri: string, edits: TextEdit[], timeoutMs?: number): Promise<PublishDiagnosticsParams> {
    const doc = this.texts.get(uri)!;
    const version = doc.version + 1;
    const changes = [...edits]
      .sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character)
      .map((e) => ({ range: e.range, text: e.newText }));
    const next = TextDocument.create(uri, 'yaml', version, TextDocument.applyEdits(doc, edits));
    this.texts.set(uri, next);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
    return this.diagnostics(uri, version, timeoutMs);
  }

  /**
   * The latest diagnostics published for URI (at VERSION), waiting for them; with `until`, for the
   * latest that satisfies it (a module's buildrequires checks follow its own diagnostics).
   */
  async diagnostics(uri: string, version?: number, timeoutMs = 10000, until?: (p: PublishDiagnosticsParams) => boolean): Promise<PublishDiagnosticsParams> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = [...this.published].reverse().find((p) => p.uri === uri && (version === undefined || p.version === version) && (!until || until(p)));
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no diagnostics for ${uri}@${version}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  publishedFor(uri: string): PublishDiagnosticsParams[] {
    return this.published.filter((p) => p.uri === uri);
  }

  async close(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification('exit');
    } catch {
      /* already gone */
    }
    this.connection.dispose();
    this.server.kill();
  }
}

/** Position of the first occurrence of `needle` (plus `delta` characters) in `text`. */
export function positionOf(text: string, needle: string, delta = 0): { line: number; character: number } {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`not found: ${needle}`);
  const before = text.slice(0, i + delta).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

export function codesOf(diags: Diagnostic[]): string[] {
  return diags.map((d) => String(d.code));
}
