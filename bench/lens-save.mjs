// The NEVR lens after a save: a spec's Version changed on disk and saved, the language server (warm)
// sends workspace/codeLens/refresh, the editor asks for the lens again; the time from the save to the
// lens showing the new NEVR, median of several saves. The sample dist-git (examples/make-dist-git.mjs).
// No timed assertions: printed for the record (issue 14 asks for "within a second").
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const ROOT = join(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchLensSave() {
  const { LspClient } = require(join(ROOT, 'out/test/unit/lsp-client.js'));
  const root = mkdtempSync(join(tmpdir(), 'gitoverlay-bench-lens-'));
  execFileSync(process.execPath, [join(ROOT, 'examples/make-dist-git.mjs'), root], { stdio: 'ignore' });
  const dir = join(root, 'python-demo');
  const spec = join(dir, 'python-demo.spec');
  const uri = `file://${spec}`;
  const original = readFileSync(spec, 'utf8');
  const client = new LspClient();
  let refreshed = () => undefined;
  client.connection.onRequest('workspace/codeLens/refresh', () => (refreshed(), null));
  await client.initialize(dir);
  const title = async () => {
    const lenses = await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } });
    const r = await client.connection.sendRequest('codeLens/resolve', lenses[0]);
    return r.command?.title ?? '';
  };
  let version = 1;
  await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'rpm-spec', version, text: original } });
  for (let k = 0; !(await title()).startsWith('python-demo-'); k++) {
    if (k > 600) throw new Error('no NEVR lens');
    await new Promise((r) => setTimeout(r, 50));
  }
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const v = `1.${i + 2}`;
    const text = original.replace(/^(Version:\s*)\S+/m, `$1${v}`);
    writeFileSync(spec, text);
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [{ text }] });
    const t0 = performance.now();
    const refresh = new Promise((r) => (refreshed = r));
    await client.connection.sendNotification('textDocument/didSave', { textDocument: { uri } });
    // What the VS Code client sends on a save (client/src/previews.ts).
    await client.connection.sendNotification('gitoverlay/historyChanged', {});
    // The editor asks again when the server says so; so does this client (and polls, in case it does not).
    await Promise.race([refresh, new Promise((r) => setTimeout(r, 5000))]);
    const deadline = performance.now() + 30_000;
    while (!(await title()).startsWith(`python-demo-${v}-`)) {
      if (performance.now() > deadline) throw new Error(`the lens never showed ${v}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    times.push(performance.now() - t0);
  }
  writeFileSync(spec, original);
  await client.close();
  console.log(`\nNEVR lens after a saved Version change (language server warm, sample dist-git), median of ${RUNS}: ${median(times).toFixed(0)} ms (slowest ${Math.max(...times).toFixed(0)} ms)\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchLensSave();
