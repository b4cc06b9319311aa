#!/usr/bin/env node
// End-to-end tests in a real VS Code.
//
//   node test/e2e/run.mjs [--no-ui] [--update-screenshots] [--grep REGEX] [--electron]
//
// Mode A (default): code-server (scripts/code-server.mjs; installed into .vscode-test/ on first use) with
//   examples/ open and gitoverlay.vsix installed, driven by playwright-core with the system's chromium:
//   1. the API suite (test/e2e/suite/*.e2e.ts, compiled to out/test/e2e/suite/) runs inside the extension
//      host of a window opened with `payload` = extensionDevelopmentPath (this checkout, so dist/ is what
//      is tested) + extensionTestsPath; it writes its results to $GITOVERLAY_E2E_RESULTS;
//   2. the UI tests (test/e2e/ui.mjs) drive a second window (the installed VSIX) with the keyboard and
//      take screenshots;
//   3. the untrusted-workspace tests (test/e2e/untrusted.mjs): a second code-server with workspace trust on,
//      a fresh copy of examples/ opened and NOT trusted (Restricted Mode), the installed VSIX, GIT_TRACE set.
// Mode B (`--electron`, or VSCODE_EXECUTABLE set): the same API suite through @vscode/test-electron's
//   runTests in a desktop VS Code (VSCODE_EXECUTABLE=/path/to/code, or downloaded: VSCODE_VERSION, default
//   stable; needs a display, e.g. xvfb-run). UI and untrusted-workspace tests need mode A.
//
// Builds and packages first when the VSIX or the compiled suite is missing or older than the sources.
// Prints `✔ name (ms)` / `✖ name: error` per test and a last line `N passed, M failed`; exits 1 on any
// failure, on no tests at all, or when the run exceeds GITOVERLAY_E2E_TIMEOUT_MS (default 300000; the
// one-time code-server install is not counted). Environment: CHROMIUM (browser path, default
// /usr/bin/chromium), GITOVERLAY_E2E_GREP (same as --grep: only tests whose name matches).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CACHE_DIR, DEFAULT_SETTINGS, ensureCodeServer, ROOT, startCodeServer } from '../../scripts/code-server.mjs';

const args = process.argv.slice(2);
const flag = (f) => args.includes(f);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const GREP = option('--grep') ?? process.env.GITOVERLAY_E2E_GREP;
const ELECTRON = flag('--electron') || !!process.env.VSCODE_EXECUTABLE;
const TIMEOUT_MS = Number(process.env.GITOVERLAY_E2E_TIMEOUT_MS) || 300_000;
// The tests edit files (in memory, reverted); they work on a copy so examples/ in the checkout never changes.
const EXAMPLES = path.join(CACHE_DIR, 'e2e', 'workspace');
fs.rmSync(EXAMPLES, { recursive: true, force: true });
fs.mkdirSync(path.dirname(EXAMPLES), { recursive: true });
fs.cpSync(path.join(ROOT, 'examples'), EXAMPLES, { recursive: true, filter: (src) => !src.includes(`${path.sep}dist-git`) && !src.startsWith(path.join(ROOT, 'examples', 'world')) });
// The sample dist-git repository is made, not stored: a git repository cannot live inside this one.
spawnSync(process.execPath, [path.join(ROOT, 'examples/make-dist-git.mjs'), path.join(EXAMPLES, 'dist-git')], { stdio: 'ignore' });
// The buildable world (upstreams, dist-gits, overlay.yml with file:// URLs) for the build and revert tests.
spawnSync(process.execPath, [path.join(ROOT, 'examples/make-world.mjs'), path.join(EXAMPLES, 'world')], { stdio: 'ignore' });
const VSIX = path.join(ROOT, 'gitoverlay.vsix');
const SUITE = path.join(ROOT, 'out', 'test', 'e2e', 'suite', 'index.js');
const WORK = path.join(CACHE_DIR, 'e2e');
const SHOTS = path.join(WORK, 'screenshots');
const DOC_IMAGES = path.join(ROOT, 'docs', 'images');

const results = []; // { name, ok, error?, duration }
const print = (r) => console.log(r.ok ? `✔ ${r.name} (${r.duration} ms)` : `✖ ${r.name}: ${r.error}`);
function record(r) {
  results.push(r);
  print(r);
}
function summary() {
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

// ---- build ----
function newestMtime(p) {
  let st;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const e of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, e)));
  return newest;
}
function ensureBuilt() {
  const newest = (list) => Math.max(...list.map((p) => newestMtime(path.join(ROOT, p))));
  const extensionInputs = newest(['client/src', 'server/src', 'schemas', 'syntaxes', 'package.json', 'README.md',
    'CHANGELOG.md', 'LICENSE', '.vscodeignore', 'tsconfig.base.json', 'client/tsconfig.json', 'server/tsconfig.json',
    'scripts/bundle.mjs']);
  const suiteInputs = newest(['test/e2e/suite', 'test/e2e/tsconfig.json', 'tsconfig.base.json']);
  const stale = [VSIX, path.join(ROOT, 'dist', 'extension.js'), path.join(ROOT, 'dist', 'server.js')]
    .filter((o) => newestMtime(o) < extensionInputs);
  // tsc -b leaves unchanged .js files alone but touches the project's .tsbuildinfo
  const suiteBuildInfo = path.join(ROOT, 'out', 'test-e2e.tsbuildinfo');
  if (newestMtime(suiteBuildInfo) < suiteInputs) stale.push(suiteBuildInfo);
  if (!fs.existsSync(SUITE)) stale.push(SUITE);
  if (stale.length === 0) return;
  console.log(`building and packaging (${stale.map((o) => path.relative(ROOT, o)).join(', ')} missing or older than the sources)`);
  const r = spawnSync('npm', ['run', 'package'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error('`npm run package` failed');
}

function readResults(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Prints results of the API suite as they appear; resolves with the final file (or undefined on timeout). */
async function followResults(file, deadline, failFast) {
  let shown = 0;
  for (;;) {
    const body = readResults(file);
    if (body) {
      for (const r of body.results.slice(shown)) record({ name: r.name, ok: r.ok, error: r.error, duration: r.duration });
      shown = body.results.length;
      if (body.done) return body;
    }
    const reason = failFast();
    if (reason || Date.now() > deadline) return { done: false, reason: reason ?? 'timed out', results: body?.results ?? [] };
    await new Promise((r) => setTimeout(r, 200));
  }
}

function chromiumPath() {
  const candidates = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  const found = candidates.find((p) => p && fs.existsSync(p));
  if (!found) throw new Error('no chromium found (apt-get install chromium, or set CHROMIUM=/path/to/browser)');
  return found;
}

// ---- mode A: code-server + chromium ----
/** Runs UI-style tests `{ name, timeout?, run(ctx) }` in order on `page`, each with its timeout. */
async function runList(tests, ctx, page, deadline) {
  for (const t of tests) {
    const started = Date.now();
    const left = deadline - started;
    let timer;
    try {
      if (left <= 0) throw new Error('not run: the overall timeout was reached');
      const ms = Math.min(t.timeout ?? 30_000, left);
      await Promise.race([
        t.run(ctx),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms))),
      ]);
      record({ name: t.name, ok: true, duration: Date.now() - started });
    } catch (e) {
      const file = path.join(WORK, `failed-${t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`);
      await page.screenshot({ path: file }).catch(() => {});
      record({ name: t.name, ok: false, error: `${(e?.message ?? String(e)).split('\n')[0]} (screenshot: ${path.relative(ROOT, file)})`, duration: Date.now() - started });
    } finally {
      clearTimeout(timer);
    }
  }
}

async function runInCodeServer(deadline, cleanups) {
  const { chromium } = await import('playwright-core');
  const resultsFile = path.join(WORK, `results-${process.pid}.json`);
  fs.rmSync(resultsFile, { force: true });
  fs.mkdirSync(SHOTS, { recursive: true });

  const phases = [];
  let mark = Date.now();
  const phase = (name) => {
    phases.push(`${name} ${((Date.now() - mark) / 1000).toFixed(1)} s`);
    mark = Date.now();
  };
  cleanups.push(() => phases.length && console.log(`(${phases.join(', ')})`));
  const cs = await startCodeServer({
    workspace: EXAMPLES,
    vsix: VSIX,
    extensionDevelopmentPath: ROOT,
    env: { GITOVERLAY_E2E_RESULTS: resultsFile, ...(GREP ? { GITOVERLAY_E2E_GREP: GREP } : {}) },
  });
  cleanups.push(() => cs.stop());
  cleanups.push(() => fs.rmSync(resultsFile, { force: true }));
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // our own handlers close the browser and stop code-server (playwright's would exit the process first)
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  cleanups.unshift(() => browser.close()); // before code-server stops
  const consoleLog = fs.createWriteStream(path.join(WORK, 'browser-console.log'));
  const newPage = async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e.message}\n`));
    return page;
  };
  const serverDied = () => (cs.exited() ? `code-server exited: ${JSON.stringify(cs.exited())}` : undefined);

  // 1. API suite in the extension host
  const api = await newPage();
  phase('code-server + chromium start');
  await api.goto(cs.workbenchUrl({ extensionTestsPath: SUITE }));
  const body = await followResults(resultsFile, deadline, serverDied);
  if (!body.done) {
    record({ name: 'API suite', ok: false, error: `${body.reason} before the suite finished (${body.results.length} test(s) reported); code-server log: ${cs.logFile}, browser console: ${path.join(WORK, 'browser-console.log')}`, duration: 0 });
    await api.screenshot({ path: path.join(WORK, 'api-suite-timeout.png') }).catch(() => {});
    return;
  }
  if (body.fatal) record({ name: 'API suite', ok: false, error: body.fatal, duration: 0 });
  await api.context().close();
  phase('API suite window');

  // 2. UI tests in a window with the installed VSIX
  if (flag('--no-ui')) return;
  const { uiTests } = await import('./ui.mjs');
  const selected = uiTests.filter((t) => !GREP || new RegExp(GREP).test(t.name));
  if (selected.length > 0) {
    const page = await newPage();
    const updateDocs = flag('--update-screenshots');
    const shot = async (name) => {
      const file = path.join(SHOTS, name);
      await page.screenshot({ path: file });
      const doc = path.join(DOC_IMAGES, name);
      if (updateDocs || !fs.existsSync(doc)) {
        fs.mkdirSync(DOC_IMAGES, { recursive: true });
        fs.copyFileSync(file, doc);
      }
    };
    await page.goto(cs.folderUrl);
    await page.locator('.monaco-workbench').waitFor({ timeout: 30_000 });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 30_000 });
    phase('UI window load');
    await runList(selected, { page, shot, cs, workspace: EXAMPLES }, page, deadline);
    await page.context().close();
    phase('UI tests');
  }

  // 3. An untrusted workspace: a second code-server with workspace trust on (test/e2e/untrusted.mjs)
  const { untrustedTests, openUntrusted } = await import('./untrusted.mjs');
  const untrusted = untrustedTests.filter((t) => !GREP || new RegExp(GREP).test(t.name));
  if (untrusted.length === 0) return;
  await cs.stop(); // two cores: one VS Code at a time
  const page = await newPage();
  const ctx = await openUntrustedWorkspace(page, openUntrusted, cleanups);
  phase('untrusted code-server + window');
  if (ctx) await runList(untrusted, ctx, page, deadline);
  phase('untrusted tests');
}

/**
 * Starts code-server with workspace trust ON (no --disable-workspace-trust, security.workspace.trust.enabled)
 * on a fresh copy of examples/ with its dist-git repository and the packaged VSIX, opens the folder and
 * answers the trust dialog with "No". GIT_TRACE makes every git process that the server, its extension hosts
 * or the language server start write a line to a file. Resolves with the tests' ctx, or undefined after
 * recording why the window could not be opened.
 */
async function openUntrustedWorkspace(page, openUntrusted, cleanups) {
  const workspace = path.join(WORK, 'untrusted');
  fs.rmSync(workspace, { recursive: true, force: true });
  fs.cpSync(path.join(ROOT, 'examples'), workspace, { recursive: true, filter: (src) => !src.includes(`${path.sep}dist-git`) });
  spawnSync(process.execPath, [path.join(ROOT, 'examples/make-dist-git.mjs'), path.join(workspace, 'dist-git')], { stdio: 'ignore' });
  const gitTrace = path.join(WORK, `untrusted-git-trace-${process.pid}.log`);
  fs.rmSync(gitTrace, { force: true });
  cleanups.push(() => fs.rmSync(gitTrace, { force: true }));
  const started = Date.now();
  try {
    const server = await startCodeServer({
      workspace,
      vsix: VSIX,
      trust: true,
      // The trust editor opens as a tab of its own instead of replacing the changelog preview (a preview-mode tab).
      settings: { 'workbench.editor.enablePreview': false },
      env: { GIT_TRACE: gitTrace },
    });
    cleanups.push(() => server.stop());
    await openUntrusted(page, server.folderUrl);
    return { page, workspace, gitTrace };
  } catch (e) {
    const file = path.join(WORK, 'failed-untrusted-open.png');
    await page.screenshot({ path: file }).catch(() => {});
    record({ name: 'untrusted: open the folder and answer the trust dialog with "No"', ok: false, error: `${(e?.message ?? String(e)).split('\n')[0]} (screenshot: ${path.relative(ROOT, file)})`, duration: Date.now() - started });
    return undefined;
  }
}

// ---- mode B: @vscode/test-electron ----
async function runInElectron(cleanups) {
  const mod = await import('@vscode/test-electron');
  const runTests = mod.runTests ?? mod.default?.runTests;
  const resultsFile = path.join(WORK, `results-${process.pid}.json`);
  fs.rmSync(resultsFile, { force: true });
  const dataDir = fs.mkdtempSync(path.join(CACHE_DIR, 'electron-'));
  cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const userDataDir = path.join(dataDir, 'user-data');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(DEFAULT_SETTINGS, null, 2));
  let error;
  try {
    await runTests({
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE || undefined,
      version: process.env.VSCODE_VERSION || undefined,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: SUITE,
      launchArgs: [EXAMPLES, '--user-data-dir', userDataDir, '--extensions-dir', path.join(dataDir, 'extensions'),
        '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
      extensionTestsEnv: { GITOVERLAY_E2E_RESULTS: resultsFile, ...(GREP ? { GITOVERLAY_E2E_GREP: GREP } : {}) },
    });
  } catch (e) {
    error = e;
  }
  const body = readResults(resultsFile);
  fs.rmSync(resultsFile, { force: true });
  for (const r of body?.results ?? []) record(r);
  if (body?.fatal) record({ name: 'API suite', ok: false, error: body.fatal, duration: 0 });
  if (!body?.done) record({ name: 'API suite', ok: false, error: `VS Code ended before the suite finished${error ? `: ${error.message ?? error}` : ''}`, duration: 0 });
  console.log('(UI and untrusted-workspace tests run only against code-server: node test/e2e/run.mjs without --electron)');
}

async function main() {
  const cleanups = [];
  let cleaning;
  const cleanup = () => (cleaning ??= (async () => {
    for (const c of cleanups) {
      try {
        await c();
      } catch {}
    }
  })());
  const bail = async (why, code) => {
    console.error(`\n${why}`);
    const hard = setTimeout(() => process.exit(code), 15_000);
    await cleanup();
    clearTimeout(hard);
    summary();
    process.exit(code);
  };
  process.once('SIGINT', () => bail('interrupted', 130));
  process.once('SIGTERM', () => bail('terminated', 143));

  fs.mkdirSync(WORK, { recursive: true });
  for (const f of fs.readdirSync(WORK)) if (/^failed-.*\.png$|^api-suite-timeout\.png$/.test(f)) fs.rmSync(path.join(WORK, f));
  ensureBuilt();
  if (!ELECTRON) await ensureCodeServer(); // the one-time install does not count against the timeout
  const started = Date.now();
  const deadline = started + TIMEOUT_MS;
  const watchdog = setTimeout(() => bail(`✖ the run exceeded ${TIMEOUT_MS / 1000} s`, 1), TIMEOUT_MS + 20_000);
  try {
    if (ELECTRON) await runInElectron(cleanups);
    else await runInCodeServer(deadline, cleanups);
  } catch (e) {
    record({ name: 'e2e runner', ok: false, error: e?.stack ?? String(e), duration: Date.now() - started });
  } finally {
    await cleanup();
    clearTimeout(watchdog);
  }
  const code = summary();
  if (results.length === 0) console.error('no tests ran');
  process.exit(code);
}

if (path.resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) await main();
