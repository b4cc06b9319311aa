import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { codesOf, LspClient } from './lsp-client';

/** The server survives its own faults: a failing request gets an error answer, and the others go on. */
describe('faults inside the language server', { timeout: 60_000 }, () => {
  let client: LspClient;
  before(async () => {
    client = new LspClient();
    await client.initialize();
  });
  after(() => client.close());

  const failure = async (method: string, params: unknown): Promise<{ code: number; message: string }> => {
    try {
      const r = await client.connection.sendRequest(method, params);
      throw new Error(`${method} answered ${JSON.stringify(r)}`);
    } catch (err) {
      return err as { code: number; message: string };
    }
  };

  test('a request whose handler throws is answered with an error, and the next one is served', async () => {
    const hover = await failure('textDocument/hover', {});
    assert.equal(hover.code, -32603);
    assert.match(hover.message, /textDocument\/hover failed/);
    const lens = await failure('textDocument/codeLens', {});
    assert.equal(lens.code, -32603);
    const open = await client.open('file:///faults/ok.yaml', 'document: modulemd\nversion: 2\ndata:\n  summary: s\n  description: d\n  license: {module: [MIT]}\n  bogus: 1\n');
    assert.deepEqual(codesOf(open.diagnostics), ['schema.unknown-key']);
  });

  test('our requests check their parameters: InvalidParams with the name of the bad one', async () => {
    for (const method of ['gitoverlay/preview', 'gitoverlay/buildroot', 'gitoverlay/resolve', 'gitoverlay/overlayComponents']) {
      const err = await failure(method, { uri: 42 });
      assert.equal(err.code, -32602, method);
      assert.equal(err.message, `${method}: "uri" must be a string`);
    }
    // The action requests answer { error } (what the Builds view and the revert command show).
    assert.deepEqual(await client.connection.sendRequest('gitoverlay/revertApply', { uri: 'file:///x', commit: ['HEAD'] }), { error: 'gitoverlay/revertApply: "commit" must be a string' });
    assert.deepEqual(await client.connection.sendRequest('gitoverlay/build', { uri: 'file:///x', components: [1] }), { error: 'gitoverlay/build: "components" must be a string array' });
  });

  test('a document the server cannot read (text null) is logged, not fatal: other documents keep their diagnostics', async () => {
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///faults/null.yaml', languageId: 'yaml', version: 1, text: null } });
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: 'file:///faults/never-opened.yaml', version: 2 }, contentChanges: [{ text: 'x' }] });
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { gitoverlay: 7 } });
    const next = await client.open('file:///faults/next.yaml', 'document: modulemd-defaults\nversion: 1\ndata:\n  module: m\n  stream: [1]\n');
    assert.ok(codesOf(next.diagnostics).length > 0);
    const symbols = await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri: 'file:///faults/next.yaml' } });
    assert.ok(Array.isArray(symbols) && symbols.length === 1);
  });

  test('a malformed trust notification leaves the workspace untrusted: nothing runs', async () => {
    await client.connection.sendNotification('gitoverlay/trust', null);
    const r = (await client.connection.sendRequest('gitoverlay/revertCandidates', { uri: 'file:///faults/x.spec' })) as { error?: string };
    assert.match(r.error ?? '', /not trusted/);
    await client.connection.sendNotification('gitoverlay/trust', { trusted: 'yes' });
    const again = (await client.connection.sendRequest('gitoverlay/revertCandidates', { uri: 'file:///faults/x.spec' })) as { error?: string };
    assert.match(again.error ?? '', /not trusted/);
  });
});
