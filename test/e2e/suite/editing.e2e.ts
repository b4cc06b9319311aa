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
  {
    name: 'the quick fixes the message already knows apply and re-validate: spec: external, an undefined alias, an unknown buildafter, a cycle',
    timeout: 60_000,
    async run() {
      const apply = async (file: string, code: string, title: RegExp, match?: (d: vscode.Diagnostic) => boolean): Promise<vscode.TextEditor> => {
        const editor = await openFile(file);
        const uri = editor.document.uri;
        const diag = await waitFor(`${code} in ${file}`, () => vscode.languages.getDiagnostics(uri).find((d) => codeOf(d) === code && (!match || match(d))), {
          describe: () => describeDiagnostics(vscode.languages.getDiagnostics(uri)),
        });
        const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diag.range, vscode.CodeActionKind.QuickFix.value);
        const fix = actions.find((a) => title.test(a.title));
        assert.ok(fix?.edit, `${code}: actions ${actions.map((a) => a.title).join(' | ')}`);
        const before = vscode.languages.getDiagnostics(uri).filter((d) => codeOf(d) === code).length;
        assert.ok(await vscode.workspace.applyEdit(fix.edit));
        await waitFor(`one ${code} fewer after "${fix.title}"`, () => vscode.languages.getDiagnostics(uri).filter((d) => codeOf(d) === code).length < before, {
          describe: () => describeDiagnostics(vscode.languages.getDiagnostics(uri)),
        });
        return editor;
      };
      const overlay = await apply('mistakes/overlay.yml', 'schema.enum', /^Change to 'internal'/);
      assert.match(overlay.document.getText(), /spec: internal/);
      await apply('mistakes/overlay.yml', 'overlay.undefined-alias', /github/);
      assert.match(overlay.document.getText(), /- src: github:coreos\/etcd\n[^]*- src: github:coreos\/etcd/);
      await revert(overlay);
      // A misspelt target (the file's 'nosuch' has no close name): the fix offers the close component.
      const broken = await openFile('mistakes/broken-module.yaml');
      const at = broken.document.getText().indexOf('nosuch');
      await broken.edit((b) => b.replace(new vscode.Range(broken.document.positionAt(at), broken.document.positionAt(at + 6)), 'gama'));
      const module = await apply('mistakes/broken-module.yaml', 'modulemd.buildafter-unknown', /gamma/, (d) => broken.document.getText(d.range) === 'gama');
      assert.doesNotMatch(module.document.getText(), /\bgama\b/);
      await apply('mistakes/broken-module.yaml', 'modulemd.buildafter-cycle', /^Remove/);
      await revert(module);
    },
  },
  {
    name: 'the NEVR lens follows a saved Version change by itself (no keystroke, no refresh)',
    timeout: 60_000,
    async run() {
      const editor = await openFile('dist-git/python-demo/python-demo.spec');
      const uri = editor.document.uri;
      const title = async (): Promise<string> => {
        const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 3);
        return l?.find((x) => x.command?.title.startsWith('python-demo-'))?.command?.title ?? '';
      };
      await waitFor('the lens', async () => (await title()).startsWith('python-demo-1.1-'), { timeout: 30_000 });
      const line = editor.document.getText().split('\n').findIndex((l) => /^Version:/.test(l));
      const text = editor.document.lineAt(line).text;
      try {
        await editor.edit((b) => b.replace(editor.document.lineAt(line).range, text.replace(/1\.1/, '1.2')));
        await editor.document.save();
        const saved = Date.now();
        // No keystroke, no manual refresh: the save alone brings the new NEVR (speed is the bench's
        // business; the time is printed for the record).
        await waitFor('the lens to show 1.2', async () => /^python-demo-1\.2-1 \(with uncommitted changes\)$/.test(await title()), { timeout: 5_000 });
        console.log(`    the lens showed the new NEVR ${Date.now() - saved} ms after the save`);
      } finally {
        await editor.edit((b) => b.replace(editor.document.lineAt(line).range, text));
        await editor.document.save();
      }
    },
  },
];
