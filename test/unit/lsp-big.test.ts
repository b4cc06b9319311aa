import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WorkspaceIndex } from '../../server/src/core/index/workspace';
import { BigDocuments, SUPERSEDED } from '../../server/src/lsp/big-documents';
import { manyComponents } from './helpers';
import { codesOf, LspClient, positionOf } from './lsp-client';

const HEAD = 'document: modulemd\nversion: 2\ndata:\n';

/** A 10 MB module document; `broken` puts a syntax error on line 10 so the slower full parser runs. */
function huge(broken: boolean): string {
  const text = `${HEAD}  name: huge\n  stream: s\n  summary: s\n  description: d\n  license:\n    module: [MIT]\n  components:\n    rpms:\n${manyComponents()}  bogus: 1\n`;
  return broken ? text.replace('rationale: r', 'rationale: [r') : text;
}
/** How long a huge document's diagnostics may take on a loaded CI machine (a bound, not a measure). */
const SLOW = 60_000;
const SMALL = `${HEAD}  summary: s\n  description: d\n  license:\n    module: [MIT]\n  bogus: 1\n`;

describe('a huge document never blocks the others', { timeout: 120_000 }, () => {
  let client: LspClient;
  before(async () => {
    client = new LspClient();
    await client.initialize();
  });
  after(() => client.close());

  test('a small document opened while a broken 10 MB one is checked gets its diagnostics first', async () => {
    const order: string[] = [];
    const bigUri = 'file:///big/huge.yaml';
    const smallUri = 'file:///big/small.yaml';
    const bigDone = client.open(bigUri, huge(true), 1, SLOW).then((p) => (order.push('huge'), p));
    // Sent right after: on one thread it would wait for the huge document's parse (seconds).
    const small = await client.open(smallUri, SMALL).then((p) => (order.push('small'), p));
    assert.deepEqual(codesOf(small.diagnostics), ['schema.unknown-key']);
    // Requests on the small document are answered meanwhile too.
    const symbols = (await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri: smallUri } })) as { name: string }[];
    assert.deepEqual(symbols.map((s) => s.name), ['(name from repository):(stream from branch)']);
    order.push('small-symbols');
    const bigDiags = await bigDone;
    assert.deepEqual(order, ['small', 'small-symbols', 'huge']);
    assert.deepEqual(codesOf(bigDiags.diagnostics), ['yaml.syntax']);
    assert.equal(bigDiags.diagnostics[0].range.start.line, 13);
  });

  test('requests on the huge document are answered from the worker: symbols, completion, hover', async () => {
    const uri = 'file:///big/huge-ok.yaml';
    const text = huge(false);
    const diags = await client.open(uri, text, 1, SLOW);
    assert.deepEqual(codesOf(diags.diagnostics), ['schema.unknown-key']);
    assert.equal(diags.diagnostics[0].range.start.line, text.split('\n').length - 2, 'on the last line');
    const symbols = (await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as { name: string; children?: { name: string }[] }[];
    assert.ok(JSON.stringify(symbols).includes('c59999'));
    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'rationale') })) as { contents: { value: string } };
    assert.match(hover.contents.value, /rationale/i);
    const completion = (await client.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: text.split('\n').length - 2, character: 2 } })) as { label: string }[];
    assert.ok(completion.some((c) => c.label === 'summary' || c.label === 'api' || c.label === 'profiles'), completion.map((c) => c.label).join(','));
    // The worker's analysis fed the workspace index: a small document completes the huge one's module name.
    const dep = `${HEAD}  summary: s\n  description: d\n  license:\n    module: [MIT]\n  dependencies:\n    - buildrequires:\n        \n`;
    await client.open('file:///big/dep.yaml', dep);
    const names = (await client.connection.sendRequest('textDocument/completion', { textDocument: { uri: 'file:///big/dep.yaml' }, position: { line: 9, character: 8 } })) as { label: string }[];
    assert.ok(names.some((c) => c.label === 'huge'), names.map((c) => c.label).join(','));
  });

  test('an edit supersedes the running check: only the new version is published', async () => {
    const uri = 'file:///big/edited.yaml';
    const text = huge(true);
    const first = client.open(uri, text, 1, SLOW).catch(() => null);
    const fixed = await client.edit(uri, [{ range: { start: positionOf(text, 'rationale: [r', 11), end: positionOf(text, 'rationale: [r', 12) }, newText: '' }], SLOW);
    assert.deepEqual(codesOf(fixed.diagnostics), ['schema.unknown-key']);
    void first;
    assert.deepEqual(client.publishedFor(uri).map((p) => p.version), [2], 'version 1 was never published');
  });

  test('a huge document cut down to a small one is checked and answered on the main thread again', async () => {
    const uri = 'file:///big/shrinks.yaml';
    const text = huge(false);
    await client.open(uri, text, 1, SLOW);
    const lines = text.split('\n');
    const small = await client.edit(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: lines.length - 1, character: 0 } }, newText: SMALL }], SLOW);
    assert.deepEqual(codesOf(small.diagnostics), ['schema.unknown-key']);
    // One publish per version, each with its own version's diagnostics (the huge one's result, finished
    // after the edit, must not be published as version 2: the server's document object is updated in place).
    assert.deepEqual(
      client.publishedFor(uri).map((p) => [p.version, p.diagnostics.map((d) => d.range.start.line)]),
      [
        [1, [lines.length - 2]],
        [2, [7]],
      ],
    );
    const symbols = (await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as { name: string }[];
    assert.equal(symbols.length, 1);
  });
});

describe('a huge module file in the workspace', { timeout: 120_000 }, () => {
  test('is read by the worker during the scan: its module completes and resolves in a small document', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitoverlay-big-'));
    writeFileSync(join(dir, 'huge.yaml'), huge(false).replace('  stream: s\n', '  stream: s\n  version: 1\n  context: c0ffee42\n'));
    const client = new LspClient();
    try {
      await client.initialize(dir);
      const uri = `file://${dir}/dep.yaml`;
      const dep = `${HEAD}  summary: s\n  description: d\n  license:\n    module: [MIT]\n  dependencies:\n    - buildrequires:\n        \n`;
      await client.open(uri, dep);
      let labels: string[] = [];
      for (let i = 0; i < 100 && !labels.includes('huge'); i++) {
        const items = (await client.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 9, character: 8 } })) as { label: string }[];
        labels = items.map((c) => c.label);
        if (!labels.includes('huge')) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(labels.includes('huge'), labels.join(','));
      const r = (await client.connection.sendRequest('gitoverlay/buildroot', { uri: `file://${dir}/needs.yaml` })) as { report?: string; error?: string };
      assert.match(r.error ?? '', /ENOENT/, 'a file that does not exist: a clear error');
      writeFileSync(join(dir, 'needs.yaml'), `${HEAD}  summary: s\n  description: d\n  license:\n    module: [MIT]\n  dependencies:\n    - buildrequires:\n        huge: [s]\n`);
      const ok = (await client.connection.sendRequest('gitoverlay/buildroot', { uri: `file://${dir}/needs.yaml` })) as { report: string };
      assert.match(ok.report, /huge:s:1:c0ffee42/);
    } finally {
      await client.close();
    }
  });
});

describe('buildrequires of a huge open document', { timeout: 120_000 }, () => {
  test('are checked against the workspace modules like a small document\'s (sites and streams from the worker)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitoverlay-bigdeps-'));
    writeFileSync(join(dir, 'nodejs.yaml'), `${HEAD}  name: nodejs\n  stream: "20"\n  version: 1\n  context: c0ffee42\n  summary: s\n  description: d\n  license:\n    module: [MIT]\n`);
    const client = new LspClient();
    try {
      await client.initialize(dir);
      const text = (streams: string) =>
        `${HEAD}  name: app\n  stream: s\n  summary: s\n  description: d\n  license:\n    module: [MIT]\n  dependencies:\n    - buildrequires:\n        nodejs: [${streams}]\n  components:\n    rpms:\n${manyComponents()}`;
      const uri = `file://${dir}/app.yaml`;
      // The scan must have indexed nodejs.yaml before the check (else there is nothing to check against):
      // a small document completes its name once it has.
      const probe = `file://${dir}/probe.yaml`;
      await client.open(probe, `${HEAD}  summary: s\n  description: d\n  license:\n    module: [MIT]\n  dependencies:\n    - buildrequires:\n        \n`);
      for (let i = 0; i < 100; i++) {
        const items = (await client.connection.sendRequest('textDocument/completion', { textDocument: { uri: probe }, position: { line: 9, character: 8 } })) as { label: string }[];
        if (items.some((c) => c.label === 'nodejs')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const bad = await client.open(uri, text('"18"'), 1, SLOW);
      const d = bad.diagnostics.find((x) => x.code === 'buildroot.no-stream');
      assert.ok(d, codesOf(bad.diagnostics).join(', '));
      assert.equal(d.message, "No stream of 'nodejs' matches [18]; known: 20");
      assert.deepEqual(d.range.start, { line: 11, character: 8 });
      const good = await client.edit(uri, [{ range: { start: { line: 11, character: 17 }, end: { line: 11, character: 21 } }, newText: '"20"' }], SLOW);
      assert.deepEqual(codesOf(good.diagnostics), []);
      const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 11, character: 10 } })) as { contents: { value: string } };
      assert.match(hover.contents.value, /In the buildroot: `nodejs:20:1:c0ffee42` \(/);
    } finally {
      await client.close();
    }
  });
});

describe('the analysis worker queue', { timeout: 120_000 }, () => {
  test('a newer version cancels the running analysis (the worker is restarted) and drops queued requests', async () => {
    const docs = new Map<string, { version: number; text: string }>();
    const big = new BigDocuments((uri) => docs.get(uri), new WorkspaceIndex(), () => ({}), () => undefined);
    try {
      docs.set('file:///a.yaml', { version: 1, text: huge(true) });
      const v1 = big.analyze('file:///a.yaml', 1);
      const symbols = big.request('textDocument/documentSymbol', 'file:///a.yaml', 1, { textDocument: { uri: 'file:///a.yaml' } });
      await new Promise((r) => setTimeout(r, 300)); // the worker is parsing version 1 now
      docs.set('file:///a.yaml', { version: 2, text: SMALL });
      const v2 = big.analyze('file:///a.yaml', 2);
      assert.equal(await v1, SUPERSEDED);
      await assert.rejects(symbols, (err: { code: number }) => err.code === -32801, 'ContentModified');
      const r = await v2;
      assert.notEqual(r, SUPERSEDED);
      assert.deepEqual(r !== SUPERSEDED && r.diagnostics.map((d) => d.code), ['schema.unknown-key']);
      assert.equal(big.starts, 2, 'the worker parsing version 1 was terminated');
    } finally {
      big.dispose();
    }
  });

  test('a failing worker answers with an error and the next job gets a new worker', async () => {
    const docs = new Map([['file:///b.yaml', { version: 1, text: SMALL }]]);
    const broken = new BigDocuments((uri) => docs.get(uri), new WorkspaceIndex(), () => ({}), () => undefined, '/nonexistent/worker.js');
    await assert.rejects(broken.analyze('file:///b.yaml', 1), /analysis of file:\/\/\/b.yaml stopped/);
    broken.dispose();
  });
});
