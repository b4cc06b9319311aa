// Completion, quick fixes and the outline, driven through VS Code's own commands. Every edit is made in
// memory and reverted, so the sample workspace stays as it is on disk.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { codeOf, describeDiagnostics, openFile, sleep, waitFor, type E2ETest } from './harness';

async function revert(editor: vscode.TextEditor): Promise<void> {
  await vscode.window.showTextDocument(editor.document);
  await vscode.commands.executeCommand('workbench.action.files.revert');
}

export const tests: E2ETest[] = [
  {
    name: 'completion: typing "buildor" in a component and accepting the suggestion writes buildorder',
    async run() {
      const editor = await openFile('modules/nodejs.yaml');
      const lines = editor.document.getText().split('\n');
      const libuv = lines.findIndex((l) => /^ {6}libuv:/.test(l));
      assert.ok(libuv > 0);
      try {
        // A new key line inside the libuv component, with the start of a key typed.
        await editor.edit((b) => b.insert(new vscode.Position(libuv + 1, 0), '        buildor\n'));
        editor.selection = new vscode.Selection(libuv + 1, 15, libuv + 1, 15);
        const list = await waitFor('completion items from the server', async () => {
          const r = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, new vscode.Position(libuv + 1, 15));
          return r.items.some((i) => i.label === 'buildorder') ? r : undefined;
        });
        const item = list.items.find((i) => i.label === 'buildorder')!;
        assert.equal(item.kind, vscode.CompletionItemKind.Property);
        assert.ok(!list.items.some((i) => i.label === 'rationale'), 'keys already present are not offered');
        // Now through the editor's own suggest widget, as a packager would.
        await vscode.commands.executeCommand('editor.action.triggerSuggest');
        await sleep(1500);
        await vscode.commands.executeCommand('acceptSelectedSuggestion');
        const line = await waitFor('the accepted suggestion in the text', () => {
          const t = editor.document.lineAt(libuv + 1).text;
          return /^ {8}buildorder: ?/.test(t) ? t : undefined;
        }, { describe: () => `line is ${JSON.stringify(editor.document.lineAt(libuv + 1).text)}` });
        assert.match(line, /^ {8}buildorder: ?/);
      } finally {
        await revert(editor);
      }
    },
  },
  {
    name: "quick fix: \"Change to 'license'\" renames the misspelt key and the error goes away",
    async run() {
      const editor = await openFile('mistakes/broken-module.yaml');
      const uri = editor.document.uri;
      try {
        const diag = await waitFor('the unknown-key diagnostic', () => vscode.languages.getDiagnostics(uri).find((d) => codeOf(d) === 'schema.unknown-key'));
        const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diag.range, vscode.CodeActionKind.QuickFix.value);
        const fix = actions.find((a) => a.title === "Change to 'license'");
        assert.ok(fix?.edit, `actions: ${actions.map((a) => a.title).join(' | ')}`);
        assert.ok(fix.isPreferred);
        assert.ok(await vscode.workspace.applyEdit(fix.edit));
        assert.equal(editor.document.getText(diag.range), 'license');
        await waitFor('the unknown-key diagnostic to go', () => !vscode.languages.getDiagnostics(uri).some((d) => codeOf(d) === 'schema.unknown-key'), {
          describe: () => describeDiagnostics(vscode.languages.getDiagnostics(uri)),
        });
        // And the required-key error it stood for does not appear in its place.
        assert.ok(!vscode.languages.getDiagnostics(uri).some((d) => codeOf(d) === 'schema.required'));
      } finally {
        await revert(editor);
      }
    },
  },
  {
    name: 'outline: nodejs:20 with its components and profiles',
    async run() {
      const editor = await openFile('modules/nodejs.yaml');
      const symbols = await waitFor('document symbols', async () => {
        const s = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', editor.document.uri);
        return s?.length ? s : undefined;
      });
      assert.equal(symbols[0].name, 'nodejs:20');
      const components = symbols[0].children.find((c) => c.name === 'components');
      assert.deepEqual(components?.children.map((c) => c.name), ['libuv', 'nghttp2', 'nodejs']);
      const profiles = symbols[0].children.find((c) => c.name === 'profiles');
      assert.deepEqual(profiles?.children.map((c) => c.name), ['default', 'development']);
    },
  },
  {
    name: 'go to definition: from a buildafter entry to the component',
    async run() {
      const editor = await openFile('modules/nodejs.yaml');
      const text = editor.document.getText();
      const at = editor.document.positionAt(text.indexOf('buildafter: [libuv') + 'buildafter: ['.length + 1);
      const defs = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', editor.document.uri, at);
      assert.equal(defs.length, 1);
      const range = 'targetRange' in defs[0] ? defs[0].targetRange : defs[0].range;
      assert.equal(editor.document.getText(range), 'libuv');
      assert.equal(range.start.line, editor.document.positionAt(text.indexOf('      libuv:')).line);
    },
  },
];
