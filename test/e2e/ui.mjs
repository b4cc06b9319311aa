// UI tests: what a user sees in the workbench, driven through chromium by playwright-core against the
// code-server that test/e2e/run.mjs started (with the packaged gitoverlay.vsix installed, no
// extensionDevelopmentPath: these tests cover the VSIX).
//
// Adding tests: push `{ name, timeout?, run: async (ctx) => {} }` to `uiTests`; ctx has
//   page       a playwright-core Page showing the workbench with examples/ open (shared, in order)
//   workspace  the folder it shows (a copy of examples/)
//   shot(name) saves a screenshot: always under .vscode-test/e2e/screenshots/, and into docs/images/ when
//              the run was given --update-screenshots (or that image does not exist yet)
//   helpers    quickOpen(page, file), runCommand(page, title), waitForText(locator, texts, timeout)
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Ctrl+P, type the file's path, pick that very file; resolves once its editor tab is active. */
export async function quickOpen(page, file) {
  const base = file.split('/').pop();
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(file);
  // The row of that very file: its label is the name, its description the folder (a recently opened
  // file of the same name elsewhere may be listed first).
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
  const rows = page.locator('.quick-input-list .monaco-list-row', { hasText: base });
  if (dir) {
    // Waited for: right after typing, the list may still show the unfiltered recent files.
    const escaped = dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const exact = rows.filter({ has: page.locator('.label-description', { hasText: new RegExp(`(^|/)${escaped}$`) }) }).first();
    await exact.waitFor({ timeout: 15_000 });
    await exact.click();
  } else {
    await rows.first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
  }
  // .first(): with two editor groups, another group's active tab may hold the same name (a preview of it)
  await page.locator('.tabs-container .tab.active', { hasText: base }).first().waitFor({ timeout: 10_000 });
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().waitFor({ timeout: 10_000 });
}

/** F1, type a command's title, Enter. */
export async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/** Waits until the element's text contains every one of `texts`; fails naming the missing ones and the text.
 * Non-breaking spaces (an editor's rendered lines use them) count as spaces. */
export async function waitForText(locator, texts, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  let text = '';
  for (;;) {
    // bounded: a locator that matches nothing would otherwise wait out playwright's own timeout
    const wait = Math.max(100, Math.min(2_000, deadline - Date.now()));
    text = ((await locator.innerText({ timeout: wait }).catch(() => '')) ?? '').replace(/\u00a0/g, ' ');
    const missing = texts.filter((t) => !text.includes(t));
    if (missing.length === 0) return text;
    if (Date.now() > deadline) {
      throw new Error(`${missing.map((t) => JSON.stringify(t)).join(', ')} not shown within ${timeout / 1000} s; text was: ${JSON.stringify(text.slice(0, 600))}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Ctrl+Shift+M: the Problems panel, once it is visible. */
async function openProblems(page) {
  await page.keyboard.press('Control+Shift+M');
  const panel = page.locator('.markers-panel');
  await panel.waitFor({ state: 'visible', timeout: 10_000 });
  return panel;
}

/** The Settings editor is open on SETTING (searched, its TITLE shown); then closes it. */
async function closeSettingsOn(page, setting, title) {
  const settings = page.locator('.settings-editor');
  await settings.waitFor({ state: 'visible', timeout: 20_000 });
  await waitForText(settings, [title], 20_000);
  const search = await page.locator('.settings-editor .suggest-input-container .view-lines').first().innerText();
  assert.equal(search.replace(/\u00a0/g, ' ').trim(), setting);
  await page.keyboard.press('Control+W');
}

/** Goes to a 1-based line:column with Ctrl+G. */
async function goTo(page, line, column) {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`:${line}:${column}`); // Ctrl+G opens quick access with ':'; fill() replaces it
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 10_000 });
  await page.locator('.statusbar', { hasText: `Ln ${line}, Col ${column}` }).waitFor({ timeout: 5_000 });
}

const BROKEN = 'mistakes/broken-module.yaml';

export const uiTests = [
  {
    name: "ui: the editor underlines 'licence' and its hover explains it (editor-diagnostics.png)",
    timeout: 60_000,
    async run({ page, shot }) {
      await quickOpen(page, BROKEN);
      const editor = page.locator('.editor-group-container.active .monaco-editor').first();
      // squiggles come from the language server through the installed VSIX
      await editor.locator('.squiggly-error').first().waitFor({ timeout: 20_000 });
      await goTo(page, 8, 4); // inside `licence` (line 8, 1-based)
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+I'); // Show or Focus Hover
      const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'Unknown key' }).first();
      await hover.waitFor({ state: 'visible', timeout: 10_000 });
      const text = await hover.innerText();
      assert.match(text, /Unknown key 'licence' in 'data'; did you mean 'license'/);
      assert.match(text, /schema\.unknown-key/);
      await shot('editor-diagnostics.png');
      await page.keyboard.press('Escape');
    },
  },
  {
    name: "ui: the Problems panel lists Unknown key 'licence' and the buildafter cycle (problems-panel.png)",
    timeout: 60_000,
    async run({ page, shot }) {
      await quickOpen(page, BROKEN);
      const panel = await openProblems(page);
      await waitForText(panel, ["Unknown key 'licence'", 'buildafter cycle', 'broken-module.yaml']);
      await shot('problems-panel.png');
    },
  },
  {
    name: 'ui: a diagnostic code in the Problems panel is a link that opens its row of docs/rules.md',
    timeout: 60_000,
    async run({ page }) {
      await quickOpen(page, BROKEN);
      const panel = await openProblems(page);
      await panel.locator('a', { hasText: 'schema.unknown-key' }).first().click({ timeout: 20_000 });
      await page.locator('.tabs-container .tab.active', { hasText: 'rules.md' }).first().waitFor({ timeout: 15_000 });
      // Opened at the code's row: it is on screen.
      await waitForText(page.locator('.editor-group-container.active .monaco-editor .view-lines').first(), ['schema.unknown-key']);
      await page.keyboard.press('Control+W');
    },
  },
  {
    name: "ui: running a gitoverlay build task keeps the Problems panel's diagnostics (builds report under an owner of their own)",
    timeout: 90_000,
    async run({ page }) {
      await quickOpen(page, BROKEN);
      // "Tasks: Run Task" itself (a fuzzy match would rank "Tasks: Restart Running Task" first).
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill('>Tasks: Run Task');
      await page.locator('.quick-input-list .monaco-list-row[aria-label^="Tasks: Run Task"]').first().click({ timeout: 10_000 });
      // First the task types (contributed ones are listed once the providers answered), then the type's tasks.
      await page.locator('.quick-input-list').getByText('gitoverlay', { exact: true }).first().click({ timeout: 30_000 });
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'broken-module.yaml' }).first().click({ timeout: 30_000 });
      // The task starts (its problem matcher clears the markers of its owner) and ends at once: the
      // broken module does not build.
      await page.locator('.terminal-outer-container, .terminal-wrapper').first().waitFor({ state: 'attached', timeout: 30_000 });
      await page.waitForTimeout(5_000);
      const panel = await openProblems(page);
      await waitForText(panel, ["Unknown key 'licence'", 'buildafter cycle'], 15_000);
    },
  },
  {
    name: 'ui: "gitoverlay: Revert Build…" through its quick pick and dialog, with the release bump offered (revert-dialog.png)',
    timeout: 90_000,
    async run({ page, shot }) {
      await quickOpen(page, 'dist-git/python-demo/python-demo.spec');
      await runCommand(page, 'gitoverlay: Revert Build…');
      // The quick pick lists the commits that changed the spec, with the NEVR each produced.
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 20_000 });
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Update to 1.1' }).first();
      await row.waitFor({ timeout: 30_000 });
      await waitForText(row, ['python-demo-1.1-1']);
      await input.fill('Update to 1.1');
      await page.keyboard.press('Enter');
      // Reverting the version bump restarts the count: the dialog offers the bump.
      const dialog = page.locator('.monaco-dialog-box');
      await waitForText(dialog, ['Revert "Update to 1.1"?', 'python-demo-1.1-2 → python-demo-1.0-1', 'collides']);
      await shot('revert-dialog.png');
      await dialog.locator('a.monaco-button', { hasText: 'Revert and add [bump release: 2]' }).click();
      await waitForText(page.locator('.notifications-toasts'), ['reverted; the next build is python-demo-1.0-2', '[bump release: 2]'], 30_000);
    },
  },
  {
    name: 'ui: the spec editor title shows "Preview Generated Spec" as an icon, not a wide label',
    timeout: 60_000,
    async run({ page }) {
      await quickOpen(page, 'dist-git/python-demo/python-demo.spec');
      const action = page.locator('.editor-group-container.active .editor-actions .action-label[aria-label^="Preview Generated Spec"]').first();
      await action.waitFor({ state: 'visible', timeout: 15_000 });
      assert.match(await action.getAttribute('class'), /codicon-open-preview/);
      assert.equal((await action.innerText()).trim(), '', 'an icon, no text');
    },
  },
  {
    name: 'ui: Preview Buildroot opens a read-only document that closes without asking to save',
    timeout: 60_000,
    async run({ page }) {
      await quickOpen(page, 'world/motd-module.yaml');
      await runCommand(page, 'gitoverlay: Preview Buildroot');
      const tab = page.locator('.tabs-container .tab.active', { hasText: '(buildroot)' }).first();
      await tab.waitFor({ timeout: 20_000 });
      await page.keyboard.type('x');
      await waitForText(page.locator('.monaco-editor-overlaymessage, .notifications-toasts').first(), ['read-only'], 10_000).catch(() => undefined);
      await page.keyboard.press('Control+W');
      await page.waitForTimeout(1_000);
      assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no "save changes?" dialog');
      assert.equal(await page.locator('.tabs-container .tab', { hasText: '(buildroot)' }).count(), 0, 'the preview is closed');
    },
  },
  {
    name: 'ui: after a window reload the Builds view still lists the last build; an RPM row opens its header and files',
    timeout: 90_000,
    async run({ page }) {
      // This window opened after the API suite built world/overlay.yml in another one: the view restores it.
      await page.keyboard.press('Control+Shift+E');
      const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Builds' }) }).first();
      await pane.waitFor({ timeout: 15_000 });
      const header = pane.locator('.pane-header').first();
      if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
      await waitForText(pane, ['world/overlay.yml', 'built'], 20_000);
      // The pane is small and its list renders only what is visible: other builds' rows collapsed.
      const other = pane.locator('.monaco-list-row[aria-expanded="true"]', { hasText: 'motd-module.yaml' }).first();
      if (await other.isVisible().catch(() => false)) await other.locator('.monaco-tl-twistie').click();
      await pane.locator('.monaco-list-row', { hasText: 'greet' }).first().click();
      const rpm = pane.locator('.monaco-list-row', { hasText: /greet-.*\.rpm/ }).first();
      if (!(await rpm.isVisible().catch(() => false))) await page.keyboard.press('ArrowRight');
      await rpm.click({ timeout: 15_000 });
      const editor = page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
      await waitForText(editor, ['Name', 'greet', 'Version'], 20_000);
    },
  },
  {
    name: 'ui: Buildroot view rows act: a warning naming a setting opens that setting, a warning about the document goes to its line',
    timeout: 90_000,
    async run({ page }) {
      const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Buildroot' }) }).first();
      const showPane = async () => {
        await page.keyboard.press('Control+Shift+E');
        await pane.waitFor({ timeout: 15_000 });
        const header = pane.locator('.pane-header').first();
        if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
      };
      // The view is short: collapse its sections, then open Warnings (rows out of sight are not rendered).
      const openWarnings = async (text) => {
        await pane.locator('.monaco-list-row', { hasText: 'Modules' }).first().waitFor({ timeout: 30_000 });
        // The header's actions show while the pointer is over it.
        await pane.locator('.pane-header').first().hover();
        await pane.locator('.pane-header .action-label[aria-label*="Collapse"]').first().click({ timeout: 10_000 });
        const warnings = pane.locator('.monaco-list-row', { hasText: 'Warnings' }).first();
        await warnings.click({ timeout: 15_000 });
        if ((await warnings.getAttribute('aria-expanded')) !== 'true') await page.keyboard.press('ArrowRight');
        return pane.locator('.monaco-list-row', { hasText: text }).first();
      };
      // A spec outside any overlay or module: no platform is known; the note names the setting.
      await quickOpen(page, 'dist-git/python-demo/python-demo.spec');
      await showPane();
      await (await openWarnings('set gitoverlay.platform')).click({ timeout: 15_000 });
      await closeSettingsOn(page, 'gitoverlay.platform', 'Platform');
      // A module with `platform: [-f40, f41]`: the warning row goes to that line.
      await quickOpen(page, 'mistakes/broken-module.yaml');
      await showPane();
      await (await openWarnings('mixes positive and negative streams')).click({ timeout: 15_000 });
      const status = page.locator('.statusbar-item', { hasText: /Ln \d+, Col/ }).first();
      await waitForText(status, ['Ln 12,'], 15_000);
    },
  },
  {
    name: "ui: a notification naming a setting has an Open Settings button that opens it (file URLs refused while gitoverlay.allowFileUrls is off)",
    timeout: 90_000,
    async run({ page, workspace }) {
      const settingsFile = join(workspace, '.vscode/settings.json');
      const original = readFileSync(settingsFile, 'utf8');
      try {
        writeFileSync(settingsFile, '{ "gitoverlay.allowFileUrls": false }\n');
        await page.waitForTimeout(2_000); // the settings file is watched; the language server gets the change
        await quickOpen(page, 'world/overlay.yml');
        await runCommand(page, 'gitoverlay: Resolve Overlay Components');
        const toast = page.locator('.notification-toast', { hasText: 'gitoverlay.allowFileUrls' }).first();
        await toast.waitFor({ timeout: 30_000 });
        await toast.locator('.monaco-button', { hasText: 'Open Settings' }).first().click();
        await closeSettingsOn(page, 'gitoverlay.allowFileUrls', 'Allow File Urls');
      } finally {
        writeFileSync(settingsFile, original);
        await page.waitForTimeout(2_000);
      }
    },
  },
  {
    name: 'ui: "gitoverlay: Build…" on Copr (the local Copr service): backend and project picked, component × chroot states live in the Builds view (builds-copr.png)',
    timeout: 240_000,
    async run({ page, shot, workspace }) {
      // Copr itself cannot be reached here: the local service (copr-frontend's API v3, real rpmbuild) stands in.
      const { startCoprService } = await import('../support/copr-service.mjs');
      const svc = await startCoprService({ delays: { running: 2_000 } });
      const home = mkdtempSync(join(tmpdir(), 'go-ui-copr-'));
      const config = join(home, 'copr');
      writeFileSync(config, `[copr-cli]\nlogin = jdoe-api-login\nusername = jdoe\ntoken = jdoe-api-token\ncopr_url = ${svc.url}\n`);
      const settingsFile = join(workspace, '.vscode/settings.json');
      const original = readFileSync(settingsFile, 'utf8');
      try {
        // (The original has comments: replaced for the test, put back after.)
        const settings = { 'gitoverlay.allowFileUrls': true, 'gitoverlay.build.copr.config': config, 'gitoverlay.build.copr.pollSeconds': 0.2,
          'gitoverlay.build.copr.chroots': ['fedora-41-x86_64', 'fedora-41-aarch64'] };
        writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
        await page.waitForTimeout(2_000); // the settings file is watched; the language server gets the change
        await quickOpen(page, 'world/overlay.yml');
        // Not runCommand: a recently used "gitoverlay: Revert Build…" would be the first match.
        await page.keyboard.press('F1');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible', timeout: 10_000 });
        await input.fill('>gitoverlay: Build…');
        await page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: /^gitoverlay: Build…$/ }) }).first().click({ timeout: 10_000 });
        await page.locator('.quick-input-list .monaco-list-row', { hasText: 'All components' }).first().waitFor({ timeout: 20_000 });
        await page.keyboard.press('Enter');
        // Where: the backends offered, copr picked; no project in the settings, so it is asked for.
        const copr = page.locator('.quick-input-list .monaco-list-row', { hasText: 'copr' }).first();
        await copr.waitFor({ timeout: 20_000 });
        await waitForText(page.locator('.quick-input-list'), ['local', 'mock', 'copr', 'on Copr']);
        await input.fill('copr');
        await page.keyboard.press('Enter');
        await waitForText(page.locator('.quick-input-widget'), ['owner/project'], 10_000);
        await input.fill('jdoe/ui-world');
        // The box validates as it is typed into: Enter counts once the value is checked.
        for (let i = 0; i < 10 && (await page.locator('.quick-input-widget').isVisible()); i++) {
          await page.waitForTimeout(300);
          await page.keyboard.press('Enter');
        }
        // The Builds view: each component on each chroot, as Copr reports it, while the build runs.
        await page.keyboard.press('Control+Shift+E');
        const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Builds' }) }).first();
        await pane.waitFor({ timeout: 15_000 });
        const header = pane.locator('.pane-header').first();
        if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
        await waitForText(pane, ['hello-macros · fedora-41-x86_64', 'running'], 90_000);
        await shot('builds-copr.png');
        await waitForText(pane, ['fedora-41-aarch64'], 120_000);
        // Done: the components built, the x86_64 packages in the repository, every chroot listed per component.
        await waitForText(pane, ['world/overlay.yml', 'built'], 120_000);
        await pane.locator('.monaco-list-row', { hasText: 'greet' }).first().locator('.monaco-tl-twistie').click();
        // The pane is small: walk down to the chroot rows (the list only renders what is visible).
        for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
        await waitForText(pane, ['fedora-41-x86_64', 'fedora-41-aarch64', 'succeeded', 'Copr build'], 20_000);
        const uploads = svc.state.requests.filter((r) => r.path.startsWith('/api_3/build/create/upload') && (r.status ?? 0) < 400);
        assert.equal(uploads.length, 6, 'three components on two chroots');
        assert.deepEqual(uploads.slice(0, 3).map((r) => r.json.chroots.join()), ['fedora-41-x86_64', 'fedora-41-x86_64', 'fedora-41-x86_64'], 'x86_64 first');
      } finally {
        writeFileSync(settingsFile, original);
        await svc.stop();
        await page.waitForTimeout(2_000);
      }
    },
  },
];
