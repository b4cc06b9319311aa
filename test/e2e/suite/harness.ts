// The end-to-end suite's tiny test harness. It runs INSIDE the VS Code extension host (code-server's or a
// desktop VS Code's), so every test has the real `vscode` API at hand.
//
// Adding tests: put a file `<feature>.e2e.ts` next to this one that exports `tests: E2ETest[]`; index.ts
// picks up every `*.e2e.js` in this folder (sorted by file name) — nothing else to register.
import * as path from 'node:path';
import * as vscode from 'vscode';

export interface E2ETest {
  /** Shown by the runner as `✔ name (ms)` / `✖ name: error`; keep it unique. */
  name: string;
  /** Milliseconds before the test fails as timed out (default DEFAULT_TIMEOUT_MS). */
  timeout?: number;
  run: () => Promise<void>;
}

export interface TestResult {
  name: string;
  /** The suite file the test came from (e.g. `diagnostics.e2e.js`). */
  file: string;
  ok: boolean;
  error?: string;
  /** Milliseconds. */
  duration: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const EXTENSION_ID = 'gitoverlay.gitoverlay';
/** The checkout (this file runs from out/test/e2e/suite/). */
export const REPO_ROOT = path.resolve(__dirname, '../../../..');

/**
 * Where the results go: `$GITOVERLAY_E2E_RESULTS` (the runner sets it), else
 * `<checkout>/.vscode-test/e2e-results.json`.
 */
export function resultsPath(): string {
  return process.env.GITOVERLAY_E2E_RESULTS || path.join(REPO_ROOT, '.vscode-test', 'e2e-results.json');
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Polls `probe` until it returns something other than undefined/false and returns that. On timeout, fails
 * with `what` and, if given, `describe()` of the last state (say what was there instead).
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  { timeout = 20_000, interval = 100, describe }: { timeout?: number; interval?: number; describe?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout / 1000} s waiting for ${what}${describe ? `; ${describe()}` : ''}`);
    }
    await sleep(interval);
  }
}

/** A file of the opened workspace (the runner opens examples/). */
export function workspaceFile(relative: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open (the runner opens examples/)');
  return vscode.Uri.joinPath(folder.uri, ...relative.split('/'));
}

/** Opens a workspace file in an editor. */
/**
 * The sample world's overlay, opened in an editor (the language server builds only what it has
 * analysed), with file:// remotes allowed (the world's remotes are local repositories).
 */
export async function openWorldOverlay(): Promise<vscode.Uri> {
  await vscode.workspace.getConfiguration('gitoverlay').update('allowFileUrls', true, vscode.ConfigurationTarget.Workspace);
  await sleep(500);
  const overlay = workspaceFile('world/overlay.yml');
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(overlay));
  return overlay;
}

export async function openFile(relative: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(workspaceFile(relative));
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** The gitoverlay extension, activated (fails if it is missing or does not activate in `timeout` ms). */
export async function activeExtension(timeout = 15_000): Promise<vscode.Extension<unknown>> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) {
    const ids = vscode.extensions.all.map((e) => e.id).filter((id) => !id.startsWith('vscode.'));
    throw new Error(`extension ${EXTENSION_ID} is not installed; non-builtin extensions: ${ids.join(', ') || 'none'}`);
  }
  await waitFor(`${EXTENSION_ID} to activate`, () => ext.isActive, { timeout });
  return ext;
}

/** A diagnostic's code as text (`code` may be a string, a number or `{ value, target }`). */
export function codeOf(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  if (c === undefined) return undefined;
  return typeof c === 'object' ? String(c.value) : String(c);
}

/** `line:character` (0-based, as the API has them) severity source/code message per diagnostic, for failure messages. */
export function describeDiagnostics(ds: readonly vscode.Diagnostic[]): string {
  if (ds.length === 0) return 'no diagnostics';
  return ds
    .map((d) => `${d.range.start.line}:${d.range.start.character} ${vscode.DiagnosticSeverity[d.severity]} ${d.source ?? '-'}/${codeOf(d)} ${JSON.stringify(d.message)}`)
    .join(' | ');
}
