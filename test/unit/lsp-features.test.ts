import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { CodeAction, CompletionItem, DocumentSymbol, Hover, Location, MarkupContent } from 'vscode-languageserver-protocol/node';
import { codesOf, LspClient, positionOf } from './lsp-client';

const NODEJS_20 = `document: modulemd
version: 2
data:
  name: nodejs
  stream: "20"
  summary: Javascript runtime
  description: Node.js 20.
  license:
    module: [MIT]
  profiles:
    default:
      rpms: [nodejs]
    development:
      rpms: [nodejs, nodejs-devel]
`;
const NODEJS_22 = NODEJS_20.replace('stream: "20"', 'stream: "22"').replace('Node.js 20.', 'Node.js 22.');
const DEFAULTS = `document: modulemd-defaults
version: 1
data:
  module: nodejs
  stream: "20"
  profiles:
    "20": [default]
`;
const APP = `document: modulemd
version: 2
data:
  name: app
  stream: main
  summary: An application
  description: Built on nodejs.
  license:
    module: [MIT]
  dependencies:
    - buildrequires:
        platform: [f41]
        nodejs: ["20"]
      requires:
        platform: [f41]
  components:
    rpms:
      libfoo:
        rationale: The library
      app:
        rationale: The application
        buildafter: [libfoo]
      docs:
        rationale: Documentation
        buildafter:
          - app
  artifacts:
    rpms:
      - app-0:1.2-3.module_f41+1+abc.x86_64
`;

function labels(items: CompletionItem[] | { items: CompletionItem[] } | null): string[] {
  const list = Array.isArray(items) ? items : (items?.items ?? []);
  return list.map((i) => i.label);
}

describe('language server features over stdio', () => {
  let ws: string;
  let client: LspClient;
  const uri = (name: string): string => `file://${join(ws, name)}`;

  before(async () => {
    ws = mkdtempSync(join(tmpdir(), 'gitoverlay-lsp-'));
    mkdirSync(join(ws, 'modules'));
    mkdirSync(join(ws, 'defaults'));
    writeFileSync(join(ws, 'modules/nodejs-20.yaml'), NODEJS_20);
    writeFileSync(join(ws, 'modules/nodejs-22.yaml'), NODEJS_22);
    writeFileSync(join(ws, 'defaults/nodejs.yaml'), DEFAULTS);
    writeFileSync(join(ws, 'modules/app.yaml'), APP);
    client = new LspClient();
    const init = (await client.initialize(ws)) as { capabilities: Record<string, unknown> };
    for (const cap of ['completionProvider', 'hoverProvider', 'codeActionProvider', 'documentSymbolProvider', 'definitionProvider', 'referencesProvider', 'foldingRangeProvider']) {
      assert.ok(init.capabilities[cap], cap);
    }
    // The workspace scan runs after `initialized`; give it a moment to index the module files.
    await new Promise((r) => setTimeout(r, 500));
  });

  after(async () => {
    await client.close();
  });

  const completion = async (u: string, position: { line: number; character: number }): Promise<CompletionItem[]> => {
    const r = (await client.connection.sendRequest('textDocument/completion', { textDocument: { uri: u }, position })) as CompletionItem[];
    return r ?? [];
  };

  test("each diagnostic's code links to its row of docs/rules.md (the editor shows the code as a link)", async () => {
    const published = await client.open('file:///tmp/gitoverlay-code-links/module.yaml', NODEJS_20.replace('name: nodejs', 'name: linkdemo').replace('  license:', '  licence: x\n  license:'));
    const d = published.diagnostics.find((x) => x.code === 'schema.unknown-key');
    assert.ok(d?.codeDescription, JSON.stringify(published.diagnostics));
    const url = new URL(d.codeDescription.href);
    assert.equal(url.protocol, 'file:');
    assert.match(url.pathname, /\/docs\/rules\.md$/);
    const line = Number(/^#L(\d+)$/.exec(url.hash)?.[1]);
    assert.match(readFileSync(fileURLToPath(url), 'utf8').split('\n')[line - 1], /^\| `schema\.unknown-key` \|/);
  });

  test('completion offers the keys missing at the cursor, required first, with snippets', async () => {
    const u = uri('modules/new.yaml');
    const text = 'document: modulemd\nversion: 2\ndata:\n  name: x\n  \n';
    await client.open(u, text);
    const items = await completion(u, { line: 4, character: 2 });
    const names = labels(items);
    for (const k of ['summary', 'description', 'license', 'dependencies', 'components', 'profiles']) assert.ok(names.includes(k), k);
    assert.ok(!names.includes('name'), 'a key already present is not offered');
    const license = items.find((i) => i.label === 'license')!;
    assert.equal(license.insertTextFormat, 2);
    assert.match((license.textEdit as { newText: string }).newText, /^license:\n {2}module:\n {4}- \$\{1\}$/);
    assert.match(license.detail ?? '', /required/);
    assert.match((license.documentation as MarkupContent).value, /license/i);
    assert.ok(items.findIndex((i) => i.label === 'summary') >= 0);
    const sorted = [...items].sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? '')).map((i) => i.label);
    assert.ok(sorted.indexOf('summary') < sorted.indexOf('api'), 'required keys sort first');
  });

  test('in a half-typed (invalid) document, keys written above and below the cursor are not offered', async () => {
    const u = uri('modules/half.yaml');
    const text = 'document: modulemd\nversion: 2\ndata:\n  components:\n    rpms:\n      a:\n        rationale: r\n        buildor\n        ref: main\n';
    await client.open(u, text);
    const names = labels(await completion(u, { line: 7, character: 15 }));
    assert.ok(names.includes('buildorder'), names.join(','));
    assert.ok(!names.includes('rationale') && !names.includes('ref'), names.join(','));
  });

  test('accepting a completion item produces a document that validates', async () => {
    const u = uri('modules/accept.yaml');
    const text = 'document: modulemd\nversion: 2\ndata:\n  summary: s\n  description: d\n  \n';
    const first = await client.open(u, text);
    assert.ok(codesOf(first.diagnostics).includes('schema.required'));
    const items = await completion(u, { line: 5, character: 2 });
    const license = items.find((i) => i.label === 'license')!;
    const edit = license.textEdit as { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string };
    // Expand the snippet as the editor does (placeholder ${1} → MIT, relative indentation kept).
    const expanded = edit.newText.replace('${1}', 'MIT').replace(/\n/g, '\n  ');
    const after = await client.edit(u, [{ range: edit.range, newText: expanded }]);
    assert.deepEqual(after.diagnostics, [], client.text(u));
  });

  test('enum and boolean values, document types and versions', async () => {
    const u = uri('modules/values.yaml');
    await client.open(u, 'document: \nversion: 2\n---\ndocument: modulemd\nversion: 2\ndata:\n  static_context: \n');
    assert.ok(labels(await completion(u, { line: 0, character: 10 })).includes('modulemd-packager'));
    assert.deepEqual(labels(await completion(u, { line: 6, character: 18 })), ['true', 'false']);
    const o = uri('overlay.yml');
    await client.open(o, 'aliases:\n  - name: github\n    url: https://github.com/\ndistgit:\n  prefix: github\ncomponents:\n  - src: \n    distgit:\n      patches: \n');
    assert.deepEqual(labels(await completion(o, { line: 8, character: 15 })), ['keep', 'drop']);
    assert.deepEqual(labels(await completion(o, { line: 6, character: 9 })), ['github:', 'distgit']);
    // Aliases show the URL they stand for, in src and in distgit.prefix.
    assert.equal((await completion(o, { line: 6, character: 9 })).find((i) => i.label === 'github:')?.detail, '→ https://github.com/');
    assert.equal((await completion(o, { line: 4, character: 10 })).find((i) => i.label === 'github')?.detail, '→ https://github.com/');
    const v = uri('modules/version.yaml');
    await client.open(v, 'document: modulemd-packager\nversion: \n');
    assert.deepEqual(labels(await completion(v, { line: 1, character: 9 })), ['2', '3']);
  });

  test('buildafter completes the other components of the stream', async () => {
    const u = uri('modules/app.yaml');
    const text = APP.replace('          - app\n', '          - app\n          - \n');
    await client.open(u, text);
    const pos = positionOf(text, '          - \n', 12);
    assert.deepEqual(labels(await completion(u, pos)).sort(), ['libfoo']);
  });

  test('dependencies complete module names and their streams from the workspace, the default marked', async () => {
    const u = uri('modules/deps.yaml');
    const text = `document: modulemd\nversion: 2\ndata:\n  summary: s\n  description: d\n  license:\n    module: [MIT]\n  dependencies:\n    - buildrequires:\n        nodejs: [\n      requires:\n        \n`;
    await client.open(u, text);
    const modules = labels(await completion(u, { line: 11, character: 8 }));
    assert.ok(modules.includes('platform') && modules.includes('nodejs'), modules.join(','));
    const streams = await completion(u, { line: 9, character: 17 });
    assert.deepEqual(labels(streams).slice(0, 2).sort(), ['20', '22']);
    assert.match(streams.find((s) => s.label === '20')!.detail ?? '', /default stream/);
    assert.equal((streams.find((s) => s.label === '20')!.textEdit as { newText: string }).newText, '"20"', 'numeric streams are quoted');
  });

  test('modulemd-defaults complete module, stream and profile names', async () => {
    const u = uri('defaults/new.yaml');
    const text = 'document: modulemd-defaults\nversion: 1\ndata:\n  module: nodejs\n  stream: \n  profiles:\n    "22": [\n';
    await client.open(u, text);
    assert.deepEqual(labels(await completion(u, { line: 4, character: 10 })).sort(), ['20', '22']);
    assert.deepEqual(labels(await completion(u, { line: 6, character: 11 })).sort(), ['default', 'development']);
  });

  test('hover: schema description, NEVRA parts, and what the workspace knows of a dependency', async () => {
    const u = uri('modules/app.yaml');
    await client.open(u, APP, 2);
    const hover = async (needle: string, delta = 1): Promise<string> => {
      const h = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: u }, position: positionOf(APP, needle, delta) })) as Hover | null;
      return h ? (h.contents as MarkupContent).value : '';
    };
    assert.match(await hover('rationale: The library'), /\*\*rationale\*\*/);
    assert.match(await hover('rationale: The library'), /why/i);
    const nevra = await hover('app-0:1.2-3', 3);
    assert.match(nevra, /\| app \| 0 \| 1\.2 \| 3\.module_f41\+1\+abc \| x86_64 \|/);
    const dep = await hover('nodejs: ["20"]', 2);
    assert.match(dep, /\*\*nodejs\*\*/);
    // One line per stream, with the files that define it (relative to the hovered document).
    assert.match(dep, /`nodejs:20` — Javascript runtime — defined in `nodejs-20\.yaml`/);
    assert.match(dep, /`nodejs:22` — Javascript runtime — defined in `nodejs-22\.yaml`/);
    assert.match(dep, /Default stream: `20`/);
    // The same stream in a second file: one line still, naming both files.
    mkdirSync(join(ws, 'built'), { recursive: true });
    writeFileSync(join(ws, 'built/nodejs-20.yaml'), NODEJS_20);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri('built/nodejs-20.yaml'), type: 1 }] });
    await new Promise((r) => setTimeout(r, 300));
    const twice = await hover('nodejs: ["20"]', 2);
    assert.equal(twice.match(/`nodejs:20`/g)?.length, 1, `nodejs:20 listed once: ${twice}`);
    assert.match(twice, /`nodejs:20` — Javascript runtime — defined in `nodejs-20\.yaml`, `\.\.\/built\/nodejs-20\.yaml`/);
    rmSync(join(ws, 'built'), { recursive: true, force: true });
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri('built/nodejs-20.yaml'), type: 3 }] });
    await new Promise((r) => setTimeout(r, 300));
  });

  test('document symbols: name:stream with components and profiles', async () => {
    const u = uri('modules/app.yaml');
    const symbols = (await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri: u } })) as DocumentSymbol[];
    assert.equal(symbols.length, 1);
    assert.equal(symbols[0].name, 'app:main');
    const components = symbols[0].children!.find((s) => s.name === 'components')!;
    assert.deepEqual(components.children!.map((c) => c.name), ['libfoo', 'app', 'docs']);
    assert.equal(components.children![0].detail, 'The library');
    const o = uri('overlay-symbols.yml');
    await client.open(o, 'aliases:\n  - name: gh\n    url: https://github.com/\ndistgit: {prefix: gh}\ncomponents:\n  - src: gh:coreos/etcd.git\n  - distgit: go-srpm-macros\n');
    const os = (await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri: o } })) as DocumentSymbol[];
    assert.deepEqual(os.find((s) => s.name === 'components')!.children!.map((c) => c.name), ['etcd', 'go-srpm-macros']);
  });

  test('go to definition from a buildafter entry; references of a component', async () => {
    const u = uri('modules/app.yaml');
    const def = (await client.connection.sendRequest('textDocument/definition', { textDocument: { uri: u }, position: positionOf(APP, 'buildafter: [libfoo]', 14) })) as Location;
    assert.deepEqual(def.range.start, positionOf(APP, 'libfoo:'));
    const refs = (await client.connection.sendRequest('textDocument/references', {
      textDocument: { uri: u },
      position: positionOf(APP, '      app:\n', 7),
      context: { includeDeclaration: true },
    })) as Location[];
    assert.deepEqual(
      refs.map((r) => r.range.start),
      [positionOf(APP, '      app:\n', 6), positionOf(APP, '          - app', 12)],
    );
  });

  test('folding ranges cover mappings and lists', async () => {
    const u = uri('modules/app.yaml');
    const ranges = (await client.connection.sendRequest('textDocument/foldingRange', { textDocument: { uri: u } })) as { startLine: number; endLine: number }[];
    const data = positionOf(APP, 'data:').line;
    assert.ok(ranges.some((r) => r.startLine === data && r.endLine >= positionOf(APP, 'x86_64').line));
    const rpms = positionOf(APP, 'rpms:\n      libfoo').line;
    assert.ok(ranges.some((r) => r.startLine === rpms));
  });

  describe('quick fixes, applied and re-validated', () => {
    const fix = async (name: string, text: string, code: string, title: RegExp): Promise<string[]> => {
      const u = uri(name);
      const opened = await client.open(u, text);
      const diag = opened.diagnostics.find((d) => d.code === code);
      assert.ok(diag, `${code} in ${codesOf(opened.diagnostics).join(',')}`);
      const actions = (await client.connection.sendRequest('textDocument/codeAction', {
        textDocument: { uri: u },
        range: diag.range,
        context: { diagnostics: [diag] },
      })) as CodeAction[];
      const action = actions.find((a) => title.test(a.title));
      assert.ok(action, `no action ${title} in ${actions.map((a) => a.title).join(' | ')}`);
      const after = await client.edit(u, action.edit!.changes![u]);
      assert.ok(!codesOf(after.diagnostics).includes(code), `${code} still there:\n${client.text(u)}`);
      return codesOf(after.diagnostics);
    };
    const base = 'document: modulemd\nversion: 2\ndata:\n  summary: s\n  description: d\n  license:\n    module: [MIT]\n';

    test('rename an unknown key to the close match', async () => {
      assert.deepEqual(await fix('fix1.yaml', base + '  profles:\n    default:\n      rpms: [a]\n', 'schema.unknown-key', /Change to 'profiles'/), []);
    });
    test('quote a numeric stream', async () => {
      assert.deepEqual(await fix('fix2.yaml', base + '  stream: 1.10\n', 'yaml.numeric-string', /Quote as "1.10"/), []);
    });
    test('insert missing summary, description and license', async () => {
      const noSummary = 'document: modulemd\nversion: 2\ndata:\n  name: x\n  description: d\n  license:\n    module: [MIT]\n';
      assert.deepEqual(await fix('fix3.yaml', noSummary, 'schema.required', /Add the missing 'summary'/), []);
      const noLicense = 'document: modulemd\nversion: 2\ndata:\n  summary: s\n  description: d\n';
      assert.deepEqual(await fix('fix4.yaml', noLicense, 'schema.required', /Add the missing 'license'/), []);
    });
    test('remove a duplicate key', async () => {
      assert.deepEqual(await fix('fix5.yaml', base.replace('  description: d\n', '  description: d\n  summary: again\n'), 'yaml.duplicate-key', /Remove the duplicate key/), []);
    });
    test('quote a non-string defines value', async () => {
      const overlay = 'aliases:\n  - name: gh\n    url: https://github.com/\ndistgit: {prefix: gh}\nroot: {mock: fedora-41-$arch}\ncomponents:\n  - src: gh:a/b\n    defines:\n      with_tests: 0\n';
      assert.deepEqual(await fix('fix6.overlay.yml', overlay, 'overlay.defines-not-string', /Quote as "0"/), []);
    });
    test('make buildorder and buildafter consistent', async () => {
      const mixed = base + '  components:\n    rpms:\n      a:\n        rationale: r\n        buildorder: 1\n      b:\n        rationale: r\n        buildorder: 2\n      c:\n        rationale: r\n        buildafter: [a]\n      d:\n        rationale: r\n        buildafter: [c]\n';
      assert.deepEqual(await fix('fix7.yaml', mixed, 'modulemd.buildorder-buildafter-stream', /Convert buildorder to buildafter/), []);
      const both = base + '  components:\n    rpms:\n      a:\n        rationale: r\n      b:\n        rationale: r\n        buildorder: 5\n        buildafter: [a]\n';
      assert.deepEqual(await fix('fix8.yaml', both, 'modulemd.buildorder-buildafter-component', /Remove buildorder/), []);
    });
    test('split a mixed positive/negative stream list', async () => {
      const mixed = base + '  dependencies:\n    - buildrequires:\n        platform:\n          - -f40\n          - f41\n';
      assert.deepEqual(await fix('fix9.yaml', mixed, 'modulemd.mixed-streams', /Keep only f41/), []);
      assert.deepEqual(await fix('fix10.yaml', base + '  dependencies:\n    - requires:\n        platform: [-f40, f41, -f39]\n', 'modulemd.mixed-streams', /Keep only the exclusions/), []);
    });
  });

  test('a module file created in the workspace is known to completion after the watcher reports it', async () => {
    writeFileSync(join(ws, 'modules/perl.yaml'), NODEJS_20.replace('name: nodejs', 'name: perl').replace('stream: "20"', 'stream: "5.40"'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri('modules/perl.yaml'), type: 1 }] });
    await new Promise((r) => setTimeout(r, 300));
    const u = uri('modules/deps2.yaml');
    await client.open(u, 'document: modulemd\nversion: 2\ndata:\n  dependencies:\n    - requires:\n        perl: [\n');
    assert.deepEqual(labels(await completion(u, { line: 5, character: 15 })), ['5.40']);
  });

  test('strictUnknownKeys: false turns unknown keys into warnings (as dnf reads them)', async () => {
    client.settings = { strictUnknownKeys: false };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    // The server pulls the new settings (workspace/configuration) before it re-checks.
    for (let i = 0; i < 50 && client.configurationRequests.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100));
    const u = uri('modules/lenient.yaml');
    const d = await client.open(u, 'document: modulemd\nversion: 2\ndata:\n  summary: s\n  description: d\n  license:\n    module: [MIT]\n  bogus: 1\n');
    assert.equal(d.diagnostics.length, 1);
    assert.equal(d.diagnostics[0].severity, 2);
    client.settings = {};
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
  });
});
