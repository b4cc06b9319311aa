// Builds and reverts from the command palette in the real VS Code, on the world examples/make-world.mjs makes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import { activeExtension, openWorldOverlay, waitFor, workspaceFile, type E2ETest } from './harness';

interface Item extends vscode.TreeItem {
  children: Item[];
}
interface Api {
  builds: { getChildren(item?: Item): Item[]; results: Map<string, { components: { nevr: string }[]; repo: string | null }> };
}

export const tests: E2ETest[] = [
  {
    name: 'gitoverlay: Build… builds the world with rpmbuild; the Builds view lists every component as built',
    timeout: 120_000,
    async run() {
      const api = (await activeExtension()).exports as Api;
      const overlay = await openWorldOverlay();
      const result = (await vscode.commands.executeCommand('gitoverlay.build', overlay.toString(), [])) as { ok: boolean; components: { name: string; status: string; nevr: string }[] };
      assert.ok(result?.ok, JSON.stringify(result));
      assert.deepEqual(result.components.map((c) => c.status), result.components.map(() => 'built'));
      const root = api.builds.getChildren()[0];
      assert.equal(root.label, 'world/overlay.yml');
      assert.deepEqual(
        root.children.map((c) => `${c.label} ${String(c.description).split(' ')[0]}`).sort(),
        result.components.map((c) => `${c.name} built`).sort(),
      );
      // A component row opens its build log; its children list the log and the RPMs.
      for (const row of root.children) {
        assert.equal(row.command?.command, 'vscode.open', String(row.label));
        assert.match((row.command!.arguments![0] as vscode.Uri).path, /\.log$/);
        assert.ok(row.children.some((c) => /\.rpm$/.test(String(c.label)) && c.command?.command === 'gitoverlay.showRpm'), `${String(row.label)}: an RPM row`);
      }
    },
  },
  {
    name: 'the gitoverlay build task runs the CLI in a terminal and its result reaches the Builds view',
    timeout: 120_000,
    async run() {
      const api = (await activeExtension()).exports as Api;
      const tasks = await vscode.tasks.fetchTasks({ type: 'gitoverlay' });
      const task = tasks.find((t) => (t.definition as { file?: string }).file?.endsWith('world/overlay.yml'));
      assert.ok(task, `tasks: ${tasks.map((t) => t.name).join(', ')}`);
      assert.deepEqual(task.problemMatchers, ['$gitoverlay-rpmbuild']);
      // Also one task per component, and one per module document with components.
      assert.ok(tasks.some((t) => (t.definition as { component?: string }).component === 'greet'), tasks.map((t) => t.name).join(', '));
      assert.ok(tasks.some((t) => (t.definition as { file?: string }).file?.endsWith('world/motd-module.yaml')), tasks.map((t) => t.name).join(', '));
      // No two tasks alike (mistakes/overlay.yml names two components 'etcd').
      assert.equal(new Set(tasks.map((t) => t.name)).size, tasks.length, tasks.map((t) => t.name).join(', '));
      const ended = new Promise<number | undefined>((resolve) => {
        const sub = vscode.tasks.onDidEndTaskProcess((e) => {
          if (e.execution.task.name === task.name) {
            sub.dispose();
            resolve(e.exitCode);
          }
        });
      });
      const before = (api.builds.getChildren()[0]?.children ?? []).length;
      await vscode.tasks.executeTask(task);
      assert.equal(await ended, 0);
      // After a build through the command the task's rebuild reuses everything; alone it builds it all.
      const want = before ? ['reused'] : ['built', 'reused'];
      const deadline = Date.now() + 15_000;
      let statuses: string[] = [];
      while (Date.now() < deadline) {
        statuses = (api.builds.getChildren()[0]?.children ?? []).map((c) => String(c.description).split(' ')[0]);
        if (statuses.length && statuses.every((s) => want.includes(s)) && (before === 0 || statuses.every((s) => s === 'reused'))) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok(statuses.length > 0 && statuses.every((s) => want.includes(s)), `statuses: ${statuses.join(', ')}`);
    },
  },
  {
    name: 'gitoverlay: Revert Build… reverts a dist-git commit through the command and the next NEVR grows',
    timeout: 60_000,
    async run() {
      const spec = workspaceFile('world/distgit/greet/greet.spec');
      const dir = spec.fsPath.replace(/\/greet\.spec$/, '');
      // A breaking change lands in dist-git; the packager reverts it from the palette.
      const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'Pat', GIT_AUTHOR_EMAIL: 'pat@example.org', GIT_COMMITTER_NAME: 'Pat', GIT_COMMITTER_EMAIL: 'pat@example.org' };
      const text = require('node:fs').readFileSync(spec.fsPath, 'utf8') as string;
      require('node:fs').writeFileSync(spec.fsPath, text.replace('%build', '%build\nexit 1'));
      execFileSync('git', ['commit', '-q', '-am', 'Break the build'], { cwd: dir, env });
      const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir }).toString().trim();
      const cli = require('node:path').join(require('./harness').REPO_ROOT, 'bin/gitoverlay.js') as string;
      const before = JSON.parse(execFileSync(process.execPath, [cli, 'release', '--json', dir]).toString()) as { releaseNumber: number };
      const r = (await vscode.commands.executeCommand('gitoverlay.revert', spec.toString(), { commit: head, bump: true })) as {
        revertCommit: string | null;
        final: { nevr: string | null } | null;
      };
      assert.ok(r?.revertCommit, `revert answered: ${JSON.stringify(r)}`);
      const subject = execFileSync('git', ['log', '-1', '--format=%s'], { cwd: dir }).toString();
      assert.match(subject, /^Revert "/);
      assert.ok(r.final?.nevr, 'the next NEVR is known');
      const after = JSON.parse(execFileSync(process.execPath, [cli, 'release', '--json', dir]).toString()) as { releaseNumber: number };
      assert.equal(after.releaseNumber, before.releaseNumber + 1, 'the revert is one more release: dnf distro-sync moves users to it');
      assert.doesNotMatch(require('node:fs').readFileSync(spec.fsPath, 'utf8') as string, /exit 1/, 'the breaking change is gone');
    },
  },
  {
    name: 'the Builds view shows a build running, with a Cancel that stops it; the last finished build shows again',
    timeout: 120_000,
    async run() {
      const api = (await activeExtension()).exports as Api;
      const overlay = workspaceFile('world/overlay.yml');
      const before = api.builds.results.get(overlay.fsPath);
      assert.ok(before, 'an earlier build is in the view');
      // A fresh build of everything (the earlier one made every component reusable; --component greet rebuilds it).
      const building = vscode.commands.executeCommand('gitoverlay.build', overlay.toString(), ['greet']) as Thenable<unknown>;
      const row = await waitFor('a running row in the Builds view', () => api.builds.getChildren().find((r) => r.contextValue === 'gitoverlay.build.running'));
      assert.match(String(row.description), /^building greet… \(since /);
      assert.equal((row.iconPath as vscode.ThemeIcon).id, 'loading~spin');
      await vscode.commands.executeCommand('gitoverlay.cancelBuild', row);
      assert.equal(await building, undefined, 'a cancelled build has no result');
      const after = api.builds.getChildren().find((r) => String(r.label) === 'world/overlay.yml');
      assert.equal(after?.contextValue, 'gitoverlay.build.done', 'the last finished build shows again');
      assert.deepEqual(api.builds.results.get(overlay.fsPath), before);
      // No rpmbuild is left running.
      await waitFor('rpmbuild to end', () => !execFileSync('ps', ['-eo', 'args']).toString().split('\n').some((l) => /^rpmbuild /.test(l)), { timeout: 10_000 });
    },
  },
  {
    name: 'gitoverlay.build.outDir and gitoverlay.build.dist reach the build: the repository goes there, NEVRs carry the dist',
    timeout: 120_000,
    async run() {
      const config = vscode.workspace.getConfiguration('gitoverlay');
      await config.update('build.outDir', 'repo-elsewhere', vscode.ConfigurationTarget.Workspace);
      await config.update('build.dist', '.el9', vscode.ConfigurationTarget.Workspace);
      try {
        await new Promise((r) => setTimeout(r, 500));
        const overlay = workspaceFile('world/overlay.yml');
        const result = (await vscode.commands.executeCommand('gitoverlay.build', overlay.toString(), [])) as { ok: boolean; repo: string; components: { nevr: string }[] };
        assert.ok(result?.ok, JSON.stringify(result));
        assert.equal(result.repo, require('node:path').join(require('node:path').dirname(overlay.fsPath), 'repo-elsewhere'));
        assert.ok(result.components.every((c) => c.nevr.endsWith('.el9')), result.components.map((c) => c.nevr).join(', '));
      } finally {
        await config.update('build.outDir', undefined, vscode.ConfigurationTarget.Workspace);
        await config.update('build.dist', undefined, vscode.ConfigurationTarget.Workspace);
      }
    },
  },
  {
    name: "revert from the overlay: a component's lens and a Builds view row revert in that component's dist-git",
    timeout: 60_000,
    async run() {
      const api = (await activeExtension()).exports as Api;
      const overlay = workspaceFile('world/overlay.yml');
      const dir = workspaceFile('world/distgit/greet').fsPath;
      const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'Pat', GIT_AUTHOR_EMAIL: 'pat@example.org', GIT_COMMITTER_NAME: 'Pat', GIT_COMMITTER_EMAIL: 'pat@example.org' };
      const fs = require('node:fs') as typeof import('node:fs');
      const spec = `${dir}/greet.spec`;
      const breakIt = (what: string): string => {
        fs.writeFileSync(spec, fs.readFileSync(spec, 'utf8').replace('%build', `%build\n# ${what}\nexit 1`));
        execFileSync('git', ['commit', '-q', '-am', what], { cwd: dir, env });
        return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir }).toString().trim();
      };
      // The overlay's lens passes the component's index.
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(overlay));
      const lenses = await waitFor('the overlay\'s Revert… lenses', async () => {
        const all = (await vscode.commands.executeCommand('vscode.executeCodeLensProvider', overlay, 10)) as vscode.CodeLens[];
        const reverts = all.filter((l) => l.command?.command === 'gitoverlay.revertComponent');
        return reverts.length >= 3 && reverts;
      });
      const greet = lenses.find((l) => l.command!.arguments![1] === 1)!;
      let head = breakIt('Break greet from the overlay');
      let r = (await vscode.commands.executeCommand('gitoverlay.revertComponent', ...greet.command!.arguments!, { commit: head, bump: true })) as {
        revertCommit: string | null;
        overlay?: { component: string; before: string; after: string };
      };
      assert.ok(r?.revertCommit, JSON.stringify(r));
      // What the dialog says of the overlay build: its snapshot NEVR now and after the revert.
      const rel = (nevr: string) => Number(/-(\d+)\.\d{8}git[0-9a-f]{7}$/.exec(nevr)?.[1]);
      assert.equal(r.overlay?.component, 'greet', JSON.stringify(r.overlay));
      assert.equal(rel(r.overlay!.after), rel(r.overlay!.before) + 1, JSON.stringify(r.overlay));
      assert.match(execFileSync('git', ['log', '-1', '--format=%s'], { cwd: dir }).toString(), /^Revert "Break greet from the overlay"/);
      // A Builds view row carries its overlay and component.
      const row = api.builds.getChildren().find((x) => String(x.label) === 'world/overlay.yml')!.children.find((c) => String(c.label) === 'greet')!;
      assert.equal(row.contextValue, 'gitoverlay.component');
      head = breakIt('Break greet from the Builds view');
      r = (await vscode.commands.executeCommand('gitoverlay.revertComponent', row, undefined, { commit: head, bump: true })) as { revertCommit: string | null };
      assert.ok(r?.revertCommit, JSON.stringify(r));
      assert.match(execFileSync('git', ['log', '-1', '--format=%s'], { cwd: dir }).toString(), /^Revert "Break greet from the Builds view"/);
      assert.doesNotMatch(fs.readFileSync(spec, 'utf8'), /exit 1/);
    },
  },
  {
    name: "a module's build task publishes its modulemd; the Builds view and the palette open it read-only beside the document",
    timeout: 120_000,
    async run() {
      const api = (await activeExtension()).exports as Api;
      const module = workspaceFile('world/motd-module.yaml');
      const tasks = await vscode.tasks.fetchTasks({ type: 'gitoverlay' });
      const task = tasks.find((t) => (t.definition as { file?: string }).file === module.fsPath);
      assert.ok(task, tasks.map((t) => t.name).join(', '));
      const ended = new Promise<number | undefined>((resolve) => {
        const sub = vscode.tasks.onDidEndTaskProcess((e) => {
          if (e.execution.task.name === task.name) {
            sub.dispose();
            resolve(e.exitCode);
          }
        });
      });
      await vscode.tasks.executeTask(task);
      assert.equal(await ended, 0);
      // The CLI's result reaches the view (last-build.json): the module's row links what it published.
      const row = await waitFor('the module build in the Builds view', () => api.builds.getChildren().find((r) => String(r.label) === 'world/motd-module.yaml'));
      const published = row.children.find((c) => c.label === 'published modulemd');
      assert.ok(published?.command, row.children.map((c) => String(c.label)).join(', '));
      assert.match(String(published.description), /^motd:1\.0:\d+:\w+:\w+$/);
      await vscode.commands.executeCommand(published.command.command, ...(published.command.arguments ?? []));
      const doc = await waitFor('the published modulemd', () => vscode.window.visibleTextEditors.map((e) => e.document).find((d) => d.uri.scheme === 'gitoverlay-modulemd'));
      assert.equal(doc.languageId, 'yaml');
      const text = doc.getText();
      assert.match(text, /^ {8}ref: [0-9a-f]{40}$/m, 'refs pinned to commits');
      assert.match(text, /rpm-map:/);
      assert.match(text, /content:\n\s+- MIT/);
      // From the module document itself, the palette's Preview Published Modulemd opens the same.
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(module));
      await vscode.commands.executeCommand('workbench.action.closeOtherEditors');
      await vscode.commands.executeCommand('gitoverlay.previewPublishedModulemd');
      await waitFor('opened from the palette', () => vscode.window.visibleTextEditors.some((e) => e.document.uri.scheme === 'gitoverlay-modulemd'));
    },
  },
];
