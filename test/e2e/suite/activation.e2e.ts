// The extension is there, is the checkout's (not an installed copy), and activates on a modulemd file.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activeExtension, EXTENSION_ID, openFile, REPO_ROOT, type E2ETest } from './harness';

export const tests: E2ETest[] = [
  {
    name: `${EXTENSION_ID} is present and activates when examples/mistakes/broken-module.yaml is opened`,
    async run() {
      assert.ok(vscode.extensions.getExtension(EXTENSION_ID), `${EXTENSION_ID} is not installed`);
      const editor = await openFile('mistakes/broken-module.yaml');
      assert.equal(editor.document.languageId, 'yaml');
      await activeExtension();
    },
  },
  {
    name: 'the extension under test is loaded from this checkout (extensionDevelopmentPath)',
    async run() {
      const ext = await activeExtension();
      assert.equal(path.resolve(ext.extensionUri.fsPath), REPO_ROOT);
      assert.equal(ext.extensionKind, vscode.ExtensionKind.Workspace);
    },
  },
];
