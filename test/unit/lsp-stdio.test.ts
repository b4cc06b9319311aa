import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { ROOT, streamV2 } from './helpers';

/** Talks to `gitoverlay lsp --stdio` exactly as another editor would. */
describe('gitoverlay lsp --stdio', () => {
  let server: ChildProcess;
  let connection: ProtocolConnection;
  const published: PublishDiagnosticsParams[] = [];
  const waiters: (() => void)[] = [];

  before(async () => {
    server = spawn(process.execPath, [join(ROOT, 'bin/gitoverlay.js'), 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    connection = createProtocolConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      published.push(p);
      waiters.splice(0).forEach((w) => w());
    });
    connection.listen();
    const init = await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {} });
    assert.equal(init.serverInfo?.name, 'gitoverlay');
    await connection.sendNotification('initialized', {});
  });

  after(() => {
    connection.dispose();
    server.kill();
  });

  async function next(uri: string, version: number): Promise<PublishDiagnosticsParams> {
    for (;;) {
      const found = published.find((p) => p.uri === uri && p.version === version);
      if (found) return found;
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no diagnostics for ${uri}@${version}`)), 10000);
        waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  test('publishes diagnostics on open, at the node, with code and source', async () => {
    const uri = 'file:///work/mod.yaml';
    await connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'yaml', version: 1, text: streamV2('  bogus: 1\n') },
    });
    const p = await next(uri, 1);
    assert.equal(p.diagnostics.length, 1);
    const d = p.diagnostics[0];
    assert.equal(d.code, 'schema.unknown-key');
    assert.equal(d.source, 'gitoverlay');
    assert.deepEqual(d.range, { start: { line: 9, character: 2 }, end: { line: 9, character: 7 } });
  });

  test('incremental edits re-validate and publish for the new version only', async () => {
    const uri = 'file:///work/mod2.yaml';
    await connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'yaml', version: 1, text: streamV2('  bogus: 1\n') },
    });
    await next(uri, 1);
    // Fix the key in two quick edits: only the last version may be published.
    await connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 9, character: 2 }, end: { line: 9, character: 7 } }, text: 'xmd' }],
    });
    await connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 3 },
      contentChanges: [{ range: { start: { line: 9, character: 5 }, end: { line: 9, character: 8 } }, text: ': {}' }],
    });
    const p = await next(uri, 3);
    assert.deepEqual(p.diagnostics, []);
    assert.equal(published.filter((x) => x.uri === uri && x.version === 2).length, 0, 'no stale version published');
  });

  test('a YAML file that is not an overlay or modulemd gets no diagnostics', async () => {
    const uri = 'file:///work/.github/workflows/ci.yml';
    await connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'yaml', version: 1, text: 'on: [push\njobs: {}\n' },
    });
    const p = await next(uri, 1);
    assert.deepEqual(p.diagnostics, []);
  });
});
