// Smoke tests of a compose in the real VS Code: promoted when they pass; on failure the culprit named
// and reverted with one command; the next build and smoke test promote again.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activeExtension, openWorldOverlay, type E2ETest } from './harness';

interface Item extends vscode.TreeItem {
  children: Item[];
}
interface Api {
  composes: { getChildren(item?: Item): Item[]; results: Map<string, { ok: boolean; id: string; culprit: { component: string; commit: { id: string } | null } | null }> };
}

const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'Pat', GIT_AUTHOR_EMAIL: 'pat@example.org', GIT_COMMITTER_NAME: 'Pat', GIT_COMMITTER_EMAIL: 'pat@example.org' };

export const tests: E2ETest[] = [
  {
    name: 'gitoverlay: Smoke Test Compose promotes a good compose; a breaking commit is named, reverted with one command, and the next compose passes',
    timeout: 240_000,
    async run() {
      const api = (await activeExtension()).exports as Api;
      const overlay = await openWorldOverlay();
      const world = overlay.fsPath.replace(/\/overlay\.yml$/, '');
      writeFileSync(join(world, 'gitoverlay.tests.yml'), 'install:\n  - packages: [greet, tools]\ncommands:\n  - name: greet greets\n    run: [greet]\n    expect-output: HELLO\n');
      const build = async () => {
        const r = (await vscode.commands.executeCommand('gitoverlay.build', overlay.toString(), [])) as { ok: boolean } | undefined;
        assert.ok(r?.ok, JSON.stringify(r));
      };
      const smoke = async () => (await vscode.commands.executeCommand('gitoverlay.smoketest', overlay.toString())) as { ok: boolean; id: string; culprit: { component: string; commit: { id: string; subject: string } | null } | null };

      await build();
      const good = await smoke();
      assert.ok(good?.ok, JSON.stringify(good));
      const row = api.composes.getChildren().find((r) => String(r.label) === 'world/overlay.yml');
      assert.ok(row, 'the Composes view lists the overlay');
      assert.match(String(row.description), /passed, promoted/);

      // A dist-git commit installs greet without its execute bit.
      const dg = join(world, 'distgit', 'greet');
      const spec = join(dg, 'greet.spec');
      writeFileSync(spec, readFileSync(spec, 'utf8').replace('install -Dm755 greet', 'install -Dm644 greet'));
      execFileSync('git', ['commit', '-q', '-am', 'Install greet as a plain file'], { cwd: dg, env });
      const breaking = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dg }).toString().trim();
      await build();
      const bad = await smoke();
      assert.equal(bad.ok, false);
      assert.equal(bad.culprit?.component, 'greet');
      assert.equal(bad.culprit?.commit?.id, breaking);
      const failedRow = api.composes.getChildren().find((r) => String(r.label) === 'world/overlay.yml')!;
      const culpritRow = failedRow.children.find((c) => String(c.label) === 'culprit: greet');
      assert.equal(culpritRow?.command?.command, 'gitoverlay.revertCulprit', failedRow.children.map((c) => String(c.label)).join(', '));

      // One command (the notification's Revert It, the culprit row): reverted in greet's dist-git.
      await vscode.commands.executeCommand(culpritRow!.command!.command, ...(culpritRow!.command!.arguments ?? []));
      const subject = execFileSync('git', ['log', '-1', '--format=%s'], { cwd: dg }).toString().trim();
      assert.equal(subject, 'Revert "Install greet as a plain file"');
      await build();
      const healed = await smoke();
      assert.ok(healed.ok, JSON.stringify(healed));
      assert.notEqual(healed.id, good.id);
    },
  },
];
