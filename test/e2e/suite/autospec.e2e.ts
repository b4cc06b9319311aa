// Release and changelog from git history in the real VS Code: the CodeLens over Release: and the preview.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { openFile, REPO_ROOT, waitFor, workspaceFile, type E2ETest } from './harness';

const SPEC = 'dist-git/python-demo/python-demo.spec';

export const tests: E2ETest[] = [
  {
    name: 'CodeLens over Release: shows the NEVR rpmautospec would compute (python-demo-1.1-2)',
    timeout: 40_000,
    async run() {
      const editor = await openFile(SPEC);
      const lenses = await waitFor('a resolved NEVR lens', async () => {
        const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri, 3);
        return l?.find((x) => x.command?.title.startsWith('python-demo-')) ? l : undefined;
      }, { timeout: 30_000 });
      const nevr = lenses.find((x) => x.command?.title.startsWith('python-demo-'))!;
      assert.equal(nevr.command!.title, 'python-demo-1.1-2');
      assert.equal(nevr.range.start.line, 2, 'on the Release: line');
      assert.ok(lenses.some((l) => l.command?.command === 'gitoverlay.previewChangelog'));
      assert.ok(lenses.some((l) => l.command?.command === 'gitoverlay.previewSpec'));
    },
  },
  {
    name: 'Preview changelog opens beside the spec and matches `gitoverlay changelog`',
    timeout: 40_000,
    async run() {
      const editor = await openFile(SPEC);
      await vscode.commands.executeCommand('gitoverlay.previewChangelog', editor.document.uri.toString());
      const preview = await waitFor('the preview editor', () =>
        vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'gitoverlay-preview' && e.document.uri.path.includes('(changelog)')),
      { timeout: 30_000 });
      const cli = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/gitoverlay.js'), 'changelog', '--no-pager', path.dirname(workspaceFile(SPEC).fsPath)], { encoding: 'utf8' });
      assert.equal(cli.status, 0, cli.stderr);
      assert.equal(preview.document.getText(), cli.stdout);
      assert.match(preview.document.getText(), /^\* Fri Jan 03 2025 Pat Packager <pat@example\.org> - 1\.1-2\n- Rebuild for Python 3\.13\n/);
    },
  },
];
