import assert from 'node:assert/strict';
import fc from 'fast-check';
import { after, before, test } from 'node:test';
import { LspClient } from './lsp-client';
import { corpus, mutate, mutationArb } from './fuzz-corpus';

/**
 * A fixed-seed slice of fuzzing through the language server: every mutated document gets its
 * diagnostics, and completion and hover at a random place are answered, each within 2 s.
 */
let client: LspClient;
before(async () => {
  client = new LspClient();
  await client.initialize();
});
after(() => client.close());

test('language server fuzz slice: 60 mutated documents, each answered within 2 s', async () => {
  const docs = corpus();
  const samples = fc.sample(fc.tuple(fc.nat({ max: docs.length - 1 }), mutationArb, fc.nat(), fc.nat()), { seed: 7, numRuns: 60 });
  let n = 0;
  for (const [i, ms, lineSeed, charSeed] of samples) {
    const text = mutate(docs[i].text, ms);
    const uri = `file:///fuzz/${n++}/${docs[i].name}`;
    const started = Date.now();
    await client.open(uri, text);
    const lines = text.split('\n');
    const line = lineSeed % lines.length;
    const position = { line, character: charSeed % (lines[line].length + 1) };
    const answers = await Promise.all([
      client.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position }),
      client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position }),
      client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } }),
    ]);
    assert.equal(answers.length, 3);
    assert.ok(Date.now() - started < 2000, `${docs[i].name} mutation ${n}: ${Date.now() - started} ms`);
  }
});
