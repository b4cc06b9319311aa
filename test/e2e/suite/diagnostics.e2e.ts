// Diagnostics reach the editor through the language server, on the exact nodes.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { codeOf, describeDiagnostics, openFile, sleep, waitFor, workspaceFile, type E2ETest } from './harness';

const errorsOf = (uri: vscode.Uri) =>
  vscode.languages.getDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);

export const tests: E2ETest[] = [
  {
    name: "broken-module.yaml: schema.unknown-key on 'licence' (7:2) and a modulemd.buildafter-cycle",
    async run() {
      const { document } = await openFile('mistakes/broken-module.yaml');
      const uri = document.uri;
      const found = await waitFor(
        'schema.unknown-key at 7:2 and modulemd.buildafter-cycle',
        () => {
          const ds = vscode.languages.getDiagnostics(uri);
          const unknown = ds.find((d) => codeOf(d) === 'schema.unknown-key' && d.range.start.line === 7 && d.range.start.character === 2);
          const cycle = ds.find((d) => codeOf(d) === 'modulemd.buildafter-cycle');
          return unknown && cycle ? { unknown, cycle } : undefined;
        },
        { describe: () => `diagnostics: ${describeDiagnostics(vscode.languages.getDiagnostics(uri))}` },
      );
      assert.equal(found.unknown.source, 'gitoverlay');
      assert.equal(found.unknown.severity, vscode.DiagnosticSeverity.Error);
      assert.equal(document.getText(found.unknown.range), 'licence');
      assert.match(found.unknown.message, /Unknown key 'licence'/);
      assert.match(found.cycle.message, /buildafter cycle/);
    },
  },
  {
    name: 'modules/nodejs.yaml has no error diagnostics',
    async run() {
      const uri = workspaceFile('modules/nodejs.yaml');
      const editor = await openFile('modules/nodejs.yaml');
      // A clean file publishes nothing, which looks the same as a server that never looked at it. So first
      // prove the server validates this document: add an unknown key (in memory, never saved) and wait for
      // its diagnostic; then revert to the file on disk and wait until the server has re-validated it.
      const probeKey = 'e2e_probe_key';
      const dataLine = editor.document.getText().split('\n').findIndex((l) => /^data:\s*$/.test(l));
      assert.ok(dataLine >= 0, "nodejs.yaml has no top-level 'data:' line");
      const edited = await editor.edit((b) => b.insert(new vscode.Position(dataLine + 1, 0), `  ${probeKey}: 1\n`));
      assert.ok(edited, 'could not edit the document');
      const probe = (d: vscode.Diagnostic) => d.message.includes(probeKey);
      await waitFor('a diagnostic on the probe key', () => vscode.languages.getDiagnostics(uri).some(probe), {
        describe: () => `diagnostics: ${describeDiagnostics(vscode.languages.getDiagnostics(uri))}`,
      });
      await vscode.commands.executeCommand('workbench.action.files.revert');
      assert.equal(editor.document.isDirty, false, 'the document is still modified after revert');
      await waitFor('the probe diagnostic to go after reverting', () => !vscode.languages.getDiagnostics(uri).some(probe), {
        describe: () => `diagnostics: ${describeDiagnostics(vscode.languages.getDiagnostics(uri))}`,
      });
      await sleep(500); // nothing else arrives late
      const errors = errorsOf(uri);
      assert.equal(errors.length, 0, `expected no errors, got: ${describeDiagnostics(errors)}`);
    },
  },
];
