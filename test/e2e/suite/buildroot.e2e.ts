// The Buildroot view in the real VS Code: the sample module gets the default nodejs stream.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activeExtension, openFile, waitFor, type E2ETest } from './harness';

interface Item extends vscode.TreeItem {
  children: Item[];
}
interface Api {
  buildroot: { refresh(uri?: vscode.Uri): Promise<void>; getChildren(item?: Item): Item[] };
}

export const tests: E2ETest[] = [
  {
    name: 'Buildroot view: modules/webapp.yaml gets nodejs:20 (default stream) and the platform, with their RPMs',
    timeout: 40_000,
    async run() {
      const ext = await activeExtension();
      const api = ext.exports as Api;
      assert.ok(api?.buildroot, 'the extension exports its Buildroot view');
      const editor = await openFile('modules/webapp.yaml');
      const modules = await waitFor('modules in the Buildroot view', async () => {
        await api.buildroot.refresh(editor.document.uri);
        const group = api.buildroot.getChildren().find((i) => i.label === 'Modules');
        return group && group.children.some((c) => String(c.label).startsWith('nodejs:')) ? group.children : undefined;
      }, { timeout: 30_000 });
      const nodejs = modules.find((m) => String(m.label).startsWith('nodejs:'))!;
      assert.equal(nodejs.label, 'nodejs:20:4120250101000000:c0ffee42');
      assert.equal(nodejs.description, 'default stream');
      // Its tooltip names the file that defines it, and a click opens that file.
      assert.match((nodejs.tooltip as vscode.MarkdownString).value, /from `built\/nodejs-20\.yaml`/);
      assert.equal(nodejs.command?.command, 'vscode.open');
      assert.match((nodejs.command!.arguments![0] as vscode.Uri).path, /\/built\/nodejs-20\.yaml$/);
      assert.ok(modules.some((m) => String(m.label).startsWith('platform:f41') && m.description === 'platform'));
      const rpms = api.buildroot.getChildren().find((i) => i.label === 'RPMs')!;
      assert.deepEqual(rpms.children.map((r) => r.label), ['nodejs', 'nodejs-libs', 'npm']);
    },
  },
];
