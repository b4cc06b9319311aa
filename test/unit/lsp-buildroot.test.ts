import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Hover, MarkupContent } from 'vscode-languageserver-protocol/node';
import { LspClient, positionOf } from './lsp-client';
import { ROOT } from './helpers';

interface Answer {
  resolution: { expansions: { buildrequires: Record<string, string>; modules: { nsvc: string; reason: string; source: string }[]; rpms: string[] }[]; errors: string[] };
  report: string;
  lines: Record<string, number>;
}

describe('buildroots in the language server (the sample workspace)', () => {
  let client: LspClient;
  let ws: string;
  before(async () => {
    ws = mkdtempSync(join(tmpdir(), 'gitoverlay-lsp-buildroot-'));
    cpSync(join(ROOT, 'examples'), ws, { recursive: true, filter: (s) => !s.includes('dist-git') && !s.startsWith(join(ROOT, 'examples', 'world')) });
    client = new LspClient();
    await client.initialize(ws);
    await new Promise((r) => setTimeout(r, 700)); // the workspace scan
  });
  after(() => client.close());

  test('webapp buildrequires nodejs: [] and gets the default stream, with its RPMs', async () => {
    const uri = `file://${join(ws, 'modules/webapp.yaml')}`;
    await client.open(uri, readFileSync(join(ws, 'modules/webapp.yaml'), 'utf8'));
    const a = (await client.connection.sendRequest('gitoverlay/buildroot', { uri })) as Answer;
    assert.equal(a.resolution.expansions.length, 1);
    const e = a.resolution.expansions[0];
    assert.deepEqual(e.buildrequires, { platform: 'f41', nodejs: '20' });
    const nodejs = e.modules.find((m) => m.nsvc.startsWith('nodejs:'));
    // With the file that defines it (the Buildroot view opens it).
    assert.deepEqual(nodejs, { nsvc: 'nodejs:20:4120250101000000:c0ffee42', reason: 'default stream', source: join(ws, 'built/nodejs-20.yaml') });
    assert.ok(e.modules.some((m) => m.nsvc.startsWith('platform:f41') && m.reason === 'platform'));
    assert.ok(e.rpms.includes('nodejs') && e.rpms.includes('npm') && e.rpms.includes('nodejs-libs'));
    assert.match(a.report, /nodejs:20:4120250101000000:c0ffee42 +default stream/);
  });

  test('hover on a buildrequire says which stream the buildroot gets and why', async () => {
    const uri = `file://${join(ws, 'modules/webapp.yaml')}`;
    const text = readFileSync(join(ws, 'modules/webapp.yaml'), 'utf8');
    const h = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'nodejs: []', 2) })) as Hover;
    assert.match((h.contents as MarkupContent).value, /In the buildroot: `nodejs:20:4120250101000000:c0ffee42` \(default stream\)/);
  });

  test('a buildrequire no stream matches is an error on it; several streams without a default warn', async () => {
    const uri = `file://${join(ws, 'modules/broken-deps.yaml')}`;
    const text = 'document: modulemd\nversion: 2\ndata:\n  summary: s\n  description: d\n  license:\n    module: [MIT]\n  dependencies:\n    - buildrequires:\n        platform: [f41]\n        nodejs: ["18"]\n        python: [3.13]\n';
    await client.open(uri, text);
    const d = await client.diagnostics(uri, 1, 10000, (p) => p.diagnostics.some((x) => String(x.code).startsWith('buildroot.')));
    const codes = d.diagnostics.map((x) => `${x.code}@${x.range.start.line + 1}`);
    assert.ok(codes.includes('buildroot.no-stream@11'), codes.join(', '));
    const noStream = d.diagnostics.find((x) => x.code === 'buildroot.no-stream' && x.range.start.line === 10)!;
    assert.equal(noStream.severity, 1);
    assert.match(String(noStream.message), /No stream of 'nodejs' matches \[18\]; known: 20, 22/);
    // python is unknown to the workspace: a warning that says how to teach it.
    assert.ok(d.diagnostics.some((x) => x.code === 'buildroot.no-stream' && x.severity === 2 && /python/.test(String(x.message))));
  });

  test("the Buildroot view's warnings point at their line: the buildafter cycle, the unknown buildafter, the mixed streams", async () => {
    const path = join(ws, 'mistakes/broken-module.yaml');
    const text = readFileSync(path, 'utf8');
    const uri = `file://${path}`;
    await client.open(uri, text);
    const a = (await client.connection.sendRequest('gitoverlay/buildroot', { uri })) as Answer;
    const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle));
    const at = (prefix: RegExp) => Object.entries(a.lines).find(([w]) => prefix.test(w));
    const cycle = at(/^buildafter cycle: /);
    assert.ok(cycle, Object.keys(a.lines).join(' | '));
    assert.equal(cycle[1], lineOf(`${/^buildafter cycle: ([^ ]+)/.exec(cycle[0])![1]}:`));
    const unknown = at(/^Buildafter 'nosuch' of '([^']+)'/)!;
    assert.equal(unknown[1], lineOf(`${/of '([^']+)'/.exec(unknown[0])![1]}:`));
    const mixed = at(/^platform: \[/)!;
    assert.equal(mixed[1], lineOf('platform: [-f40, f41]'));
  });

  test("a module's own diagnostics are published at once, not after the module index: the buildroot checks join them", async () => {
    const uri = `file://${join(ws, 'modules/own-first.yaml')}`;
    const text = 'document: modulemd\nversion: 2\ndata:\n  summary: s\n  description: d\n  licence:\n    module: [MIT]\n  dependencies:\n    - buildrequires:\n        platform: [f41]\n        nodejs: ["18"]\n';
    // A module file changed on disk: the index must be built again before the buildroot checks.
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: `file://${join(ws, 'built/nodejs-22.yaml')}`, type: 2 }] });
    await client.open(uri, text);
    const full = await client.diagnostics(uri, 1, 10000, (p) => p.diagnostics.some((x) => x.code === 'buildroot.no-stream'));
    const all = client.publishedFor(uri);
    // Every publish holds the unknown key; the first came before the buildroot checks.
    for (const p of all) assert.ok(p.diagnostics.some((x) => /licence/.test(String(x.message))), JSON.stringify(p.diagnostics));
    assert.ok(all.length >= 2 && !all[0].diagnostics.some((x) => String(x.code).startsWith('buildroot.')), `${all.length} publishes`);
    assert.ok(full.diagnostics.some((x) => x.code === 'buildroot.no-stream'));
  });
});
