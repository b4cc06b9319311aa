// Entry point of the end-to-end suite (the `extensionTestsPath` module): VS Code's extension host calls
// `run()` once the window is up, with the extension under test loaded from `extensionDevelopmentPath`.
// test/e2e/run.mjs starts it in code-server (default) or through @vscode/test-electron.
//
// Tests: every `*.e2e.js` file in this folder exports `tests: E2ETest[]` (see harness.ts). Each test runs
// in turn with its timeout. Results are written, after every test, as JSON to resultsPath():
//   { "done": boolean, "vscodeVersion", "uiKind", "results": [{ "name", "file", "ok", "error"?, "duration" }] }
// `done` is true once all tests ran. `$GITOVERLAY_E2E_GREP` (a regular expression) runs only tests whose
// name matches. run() rejects when a test failed, so a desktop VS Code exits non-zero too.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_TIMEOUT_MS, resultsPath, type E2ETest, type TestResult } from './harness';

interface Loaded extends E2ETest {
  file: string;
}

function loadTests(): Loaded[] {
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.e2e.js')).sort();
  const all: Loaded[] = [];
  for (const file of files) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(__dirname, file)) as { tests?: E2ETest[] };
    if (!Array.isArray(mod.tests)) throw new Error(`${file} does not export \`tests: E2ETest[]\``);
    for (const t of mod.tests) all.push({ ...t, file });
  }
  const grep = process.env.GITOVERLAY_E2E_GREP;
  return grep ? all.filter((t) => new RegExp(grep).test(t.name)) : all;
}

function withTimeout(test: E2ETest): Promise<void> {
  const ms = test.timeout ?? DEFAULT_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    Promise.resolve().then(() => test.run()),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function message(e: unknown): string {
  if (e instanceof Error) return e.message || String(e);
  return String(e);
}

export async function run(): Promise<void> {
  const out = resultsPath();
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const results: TestResult[] = [];
  const write = (done: boolean, fatal?: string) => {
    const body = { done, fatal, vscodeVersion: vscode.version, uiKind: vscode.UIKind[vscode.env.uiKind], results };
    const tmp = `${out}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(body, null, 2) + '\n');
    fs.renameSync(tmp, out); // the runner never reads a half-written file
  };

  let tests: Loaded[];
  try {
    tests = loadTests();
  } catch (e) {
    write(true, `loading the tests failed: ${message(e)}`);
    throw e;
  }
  write(false);
  for (const test of tests) {
    const started = Date.now();
    try {
      await withTimeout(test);
      results.push({ name: test.name, file: test.file, ok: true, duration: Date.now() - started });
      console.log(`[e2e] ✔ ${test.name}`);
    } catch (e) {
      results.push({ name: test.name, file: test.file, ok: false, error: message(e), duration: Date.now() - started });
      console.log(`[e2e] ✖ ${test.name}: ${message(e)}`);
    }
    write(false);
  }
  write(true);
  const failed = results.filter((r) => !r.ok).length;
  if (failed > 0) throw new Error(`${failed} of ${results.length} end-to-end tests failed`);
}
