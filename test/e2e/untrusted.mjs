// Untrusted-workspace tests: what a user sees when gitoverlay runs in VS Code's Restricted Mode. test/e2e/run.mjs
// starts a second code-server with workspace trust ON (no --disable-workspace-trust, user setting
// security.workspace.trust.enabled: true) on a fresh copy of examples/ with its sample dist-git repository,
// the packaged gitoverlay.vsix installed and GIT_TRACE set for the server and everything it starts, so
// every git process that runs leaves a line in ctx.gitTrace. code-server 4.100.3 asks "Do you trust the
// authors of the files in this folder?" when the folder opens; openUntrusted() answers "No, I don't trust
// the authors", as a careful user would with a repository from elsewhere.
//
// Each test gets ctx = { page, workspace, gitTrace }; they share the window, in order, and leave no
// notification behind. Helpers are the UI tests' (ui.mjs).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { quickOpen, runCommand, waitForText } from './ui.mjs';

const SPEC = 'dist-git/python-demo/python-demo.spec';

/** Opens the folder and refuses to trust it; resolves with the trust dialog's text. */
export async function openUntrusted(page, url) {
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 30_000 });
  const dialog = page.locator('.monaco-dialog-box', { hasText: 'Do you trust the authors of the files in this folder?' });
  await dialog.waitFor({ timeout: 30_000 });
  const text = await dialog.innerText();
  await dialog.locator('a.monaco-button', { hasText: "No, I don't trust the authors" }).click();
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 30_000 });
  return text;
}

/** Git processes started so far (GIT_TRACE writes a `trace: ...` line for each). */
function gitRuns(file) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').filter((l) => / trace: (built-in|exec|run_command): /.test(l));
  } catch {
    return [];
  }
}

const toasts = (page) => page.locator('.notifications-toasts');

/** The warning gitoverlay shows for `title`; checks its text and button, then clears it. */
async function refusedWith(page, title, message) {
  await page.keyboard.press('Escape'); // nothing left open by an earlier test
  await runCommand(page, title);
  await waitForText(toasts(page), [message, 'Manage Workspace Trust'], 15_000);
  const toast = toasts(page).locator('.notification-toast', { hasText: message });
  // Refused up front: no overlay or commit picker opened.
  assert.equal(await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ visible: true }).count(), 0, 'a quick pick opened');
  return toast;
}

async function clearNotifications(page) {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'detached', timeout: 5_000 }).catch(() => {});
}

export const untrustedTests = [
  {
    name: 'untrusted: with workspace trust on and the folder not trusted, code-server shows Restricted Mode',
    async run({ page }) {
      await waitForText(page.locator('.statusbar'), ['Restricted Mode'], 10_000);
    },
  },
  {
    name: 'untrusted: validation still works: diagnostics for broken-module.yaml and mistakes/overlay.yml',
    timeout: 45_000,
    async run({ page }) {
      // One file at a time (a closed file's problems go): the panel only renders the rows that fit.
      const panel = page.locator('.markers-panel');
      const checks = [
        ['mistakes/broken-module.yaml', ["Unknown key 'licence'", 'buildafter cycle', 'schema.unknown-key']],
        ['mistakes/overlay.yml', ["Unknown key 'overide-version'", "Alias 'gitlab' is not defined", 'overlay.undefined-alias']],
      ];
      for (const [file, problems] of checks) {
        await quickOpen(page, file);
        await page.locator('.editor-group-container.active .monaco-editor .squiggly-error').first().waitFor({ timeout: 20_000 });
        await page.keyboard.press('Control+Shift+M');
        await panel.waitFor({ state: 'visible', timeout: 10_000 });
        await waitForText(panel, [file.split('/').pop(), ...problems]);
        await page.keyboard.press('Control+Shift+M'); // hides the panel again
        await page.keyboard.press('Control+W');
      }
    },
  },
  {
    name: 'untrusted: "gitoverlay: Build…" is refused with a notification saying the workspace is not trusted',
    async run({ page }) {
      await quickOpen(page, 'overlay.yml');
      await refusedWith(page, 'gitoverlay: Build…', 'gitoverlay: not building, this workspace is not trusted (a build runs git and rpmbuild).');
      await clearNotifications(page);
    },
  },
  {
    name: 'untrusted: "gitoverlay: Resolve Overlay Components" is refused with a notification saying why',
    async run({ page }) {
      await quickOpen(page, 'overlay.yml');
      await refusedWith(page, 'gitoverlay: Resolve Overlay Components', 'gitoverlay: not resolving, this workspace is not trusted (resolving runs git).');
      await clearNotifications(page);
    },
  },
  {
    name: 'untrusted: "gitoverlay: Revert Build…" is refused saying why; its button opens Manage Workspace Trust',
    async run({ page }) {
      await quickOpen(page, SPEC);
      const toast = await refusedWith(page, 'gitoverlay: Revert Build…', 'gitoverlay: not reverting, this workspace is not trusted (a revert runs git).');
      await toast.locator('.monaco-button', { hasText: 'Manage Workspace Trust' }).click();
      await waitForText(page.locator('.workspace-trust-editor'), ['You are in Restricted Mode'], 10_000);
      await page.keyboard.press('Control+W');
      await page.locator('.tabs-container .tab', { hasText: 'Workspace Trust' }).waitFor({ state: 'detached', timeout: 5_000 });
      await clearNotifications(page);
    },
  },
  {
    name: 'untrusted: the NEVR CodeLens and "Preview Changelog" of a dist-git spec say the workspace is not trusted',
    timeout: 45_000,
    async run({ page }) {
      await quickOpen(page, SPEC);
      const lens = page.locator('.editor-group-container.active .codelens-decoration').first();
      await waitForText(lens, ['gitoverlay: This workspace is not trusted: gitoverlay does not run git here. Trust the workspace to compute releases and changelogs.']);
      await runCommand(page, 'gitoverlay: Preview Changelog');
      const preview = page.locator('.editor-group-container', { has: page.locator('.tab.active', { hasText: 'python-demo.spec (changelog)' }) });
      await waitForText(preview.locator('.view-lines'), ['# gitoverlay could not compute this preview:', '# This workspace is not trusted: gitoverlay does not run git here.']);
    },
  },
  {
    name: 'untrusted: no git process ran while the workspace was not trusted (GIT_TRACE)',
    async run({ gitTrace }) {
      const runs = gitRuns(gitTrace);
      assert.deepEqual(runs, [], `git ran ${runs.length} time(s): ${runs.slice(0, 5).join(' | ')}`);
    },
  },
  {
    name: 'untrusted → trusted: after "Trust" the same lens shows python-demo-1.1-2 and the open preview the changelog (git runs)',
    timeout: 60_000,
    async run({ page, gitTrace }) {
      await quickOpen(page, SPEC);
      const previewTab = page.locator('.tab', { hasText: 'python-demo.spec (changelog)' });
      if ((await previewTab.count()) === 0) {
        await runCommand(page, 'gitoverlay: Preview Changelog');
        await previewTab.waitFor({ timeout: 10_000 });
      }
      const specGroup = page.locator('.editor-group-container', { has: page.locator('.tab.active', { hasText: 'python-demo.spec', hasNotText: '(changelog)' }) });
      await waitForText(specGroup.locator('.codelens-decoration').first(), ['This workspace is not trusted']);
      // The trust editor opens in the preview's group: the spec (and its lens) stays visible while trust changes.
      const preview = page.locator('.editor-group-container', { has: page.locator('.tab.active', { hasText: 'python-demo.spec (changelog)' }) });
      await previewTab.click();
      await runCommand(page, 'Workspaces: Manage Workspace Trust');
      const trustEditor = page.locator('.workspace-trust-editor');
      await waitForText(trustEditor, ['You are in Restricted Mode'], 10_000);
      await trustEditor.locator('a.monaco-button', { hasText: /^Trust$/ }).click();
      await waitForText(trustEditor, ['You trust this folder'], 10_000);
      assert.doesNotMatch(await page.locator('.statusbar').innerText(), /Restricted Mode/);
      await waitForText(specGroup.locator('.codelens-decoration').first(), ['python-demo-1.1-2'], 30_000);
      await page.keyboard.press('Control+W'); // the trust editor; the preview is shown again
      await previewTab.click();
      await page.keyboard.press('Control+Home'); // only the lines in view are in the page
      await waitForText(preview.locator('.view-lines'), ['* Fri Jan 03 2025 Pat Packager <pat@example.org> - 1.1-2'], 30_000);
      assert.ok(gitRuns(gitTrace).length > 0, 'GIT_TRACE saw no git process after trusting: the "no git ran" check above could not have failed');
    },
  },
];
