// Side-by-side LSP benchmark: `gitoverlay lsp --stdio` against yaml-language-server 2.x (Red Hat's,
// configured with our modulemd v2 JSON Schema) on big generated modulemd documents. Both servers get
// exactly the same text, edits and positions. Prints one Markdown table per document size and writes
// bench/.work/lsp-results.json. No timed assertions: it only fails if a server does not work at all
// (e.g. yaml-language-server not validating against the schema).
//
//   node bench/lsp.mjs            (also run by `npm run bench` after the CLI table)
//   BENCH_LSP_SIZES=1000 node bench/lsp.mjs    (sizes; BENCH_LSP=0 skips this part of `npm run bench`)
//   BENCH_LSP_TIMEOUT_MS=30000                 (longest wait for one answer; past it: "timeout")
//   BENCH_LSP_DEBUG=1                          (servers' log messages and configuration requests)
//
// Raw numbers, nothing subtracted: gitoverlay debounces changes by ~120 ms and yaml-language-server
// by 200 ms (its validationDelayMs), and yaml-language-server also debounces the first validation on
// open, which gitoverlay does not.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bigModulemd } from './generate.mjs';

const require = createRequire(import.meta.url);
const ROOT = join(import.meta.dirname, '..');
const WORK = join(ROOT, 'bench/.work');
const SCHEMA = join(ROOT, 'schemas/modulemd-stream-v2.schema.json');
const YLS_BIN = join(ROOT, 'node_modules/yaml-language-server/bin/yaml-language-server');
// The documents exist only in the editor (didOpen carries the text), never on disk. They must not sit
// under a dot-directory such as bench/.work: yaml-language-server matches `yaml.schemas` globs with
// picomatch without `dot: true`, so `*.yaml` (made `**/*.yaml`) never matches a path through `.work/`
// and the document silently gets no schema at all.
export const DOCS = join(ROOT, 'bench/lsp-docs');
const REPEATS = 5;
const SIZES = (process.env.BENCH_LSP_SIZES ?? '1000,5000').split(',').map(Number);
/** Longest wait for one answer or one publish; past it the metric reads "timeout" and the run goes on. */
const WAIT_MS = Number(process.env.BENCH_LSP_TIMEOUT_MS ?? 30000);

/** The `yaml` settings section, sent with didChangeConfiguration and answered to workspace/configuration. */
const YAML_SETTINGS = {
  validate: true,
  hover: true,
  completion: true,
  schemas: { [pathToFileURL(SCHEMA).href]: ['*.yaml'] },
  schemaStore: { enable: false },
};

export const SERVERS = [
  { name: 'gitoverlay', args: [join(ROOT, 'bin/gitoverlay.js'), 'lsp', '--stdio'] },
  { name: 'yaml-language-server', args: [YLS_BIN, '--stdio'] },
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

export class Timeout extends Error {}

export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Timeout(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** One language server process and a protocol connection to it, with every publishDiagnostics kept. */
export class Server {
  constructor(name, args) {
    this.name = name;
    this.args = args;
    this.published = []; // { uri, version, diagnostics, t }
    this.waiters = [];
    this.stderr = '';
    this.configRequests = 0;
  }

  async start() {
    const P = require('vscode-languageserver-protocol/node');
    this.P = P;
    this.proc = spawn(process.execPath, this.args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => this.proc.once('exit', (code, signal) => resolve({ code, signal })));
    this.proc.stderr.on('data', (b) => {
      this.stderr = (this.stderr + b).slice(-4000);
    });
    this.proc.stdin.on('error', () => {}); // a server that died: reported by the timeouts instead
    const c = P.createProtocolConnection(new P.StreamMessageReader(this.proc.stdout), new P.StreamMessageWriter(this.proc.stdin));
    this.connection = c;
    c.onNotification(P.PublishDiagnosticsNotification.type, (p) => {
      this.published.push({ ...p, t: performance.now() });
      this.waiters.splice(0).forEach((w) => w());
    });
    // Answer what an editor answers: configuration by section, registrations, progress tokens.
    c.onRequest(P.ConfigurationRequest.type, (params) => {
      this.configRequests++;
      if (process.env.BENCH_LSP_DEBUG) console.error(`[${this.name} config] ${JSON.stringify(params.items)}`);
      return params.items.map((item) => (item.section === 'yaml' ? YAML_SETTINGS : null));
    });
    c.onRequest(P.RegistrationRequest.type, () => null);
    c.onRequest(P.UnregistrationRequest.type, () => null);
    c.onRequest(P.WorkDoneProgressCreateRequest.type, () => null);
    c.onNotification(P.LogMessageNotification.type, (m) => { if (process.env.BENCH_LSP_DEBUG) console.error(`[${this.name} log] ${m.message}`); });
    c.onNotification(P.TelemetryEventNotification.type, () => {});
    c.onError(() => {});
    c.listen();

    const init = await withTimeout(
      c.sendRequest(P.InitializeRequest.type, {
        processId: process.pid,
        rootUri: pathToFileURL(ROOT).href,
        workspaceFolders: [{ uri: pathToFileURL(ROOT).href, name: 'gitoverlay' }],
        capabilities: {
          workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false }, workspaceFolders: true },
          textDocument: {
            synchronization: { dynamicRegistration: false, didSave: false },
            publishDiagnostics: { versionSupport: true, relatedInformation: true },
            completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
            hover: { contentFormat: ['markdown', 'plaintext'] },
          },
        },
      }),
      WAIT_MS,
      `${this.name} initialize`,
    );
    this.capabilities = init.capabilities;
    this.serverInfo = init.serverInfo;
    await c.sendNotification(P.InitializedNotification.type, {});
    await c.sendNotification(P.DidChangeConfigurationNotification.type, { settings: { yaml: YAML_SETTINGS } });
  }

  get supportsCompletion() {
    return !!this.capabilities?.completionProvider;
  }

  get supportsHover() {
    return !!this.capabilities?.hoverProvider;
  }

  /**
   * The first publish for `uri` that belongs to `version`: with a version field it must match; a
   * publish without one (yaml-language-server) counts only if it arrived after `since`, the moment the
   * open/change was sent. Resolves with the publish, or rejects with Timeout.
   */
  waitDiagnostics(uri, version, since, accept = () => true) {
    const find = () =>
      this.published.find(
        (p) => p.uri === uri && (p.version != null ? p.version === version : p.t >= since) && accept(p),
      );
    const wait = async () => {
      for (;;) {
        const found = find();
        if (found) return found;
        await new Promise((resolve) => this.waiters.push(resolve));
      }
    };
    return withTimeout(wait(), this.waitMs ?? WAIT_MS, `${this.name} diagnostics for ${uri}@${version}`);
  }

  open(uri, version, text) {
    return this.connection.sendNotification(this.P.DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'yaml', version, text },
    });
  }

  change(uri, version, range, text) {
    return this.connection.sendNotification(this.P.DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ range, text }],
    });
  }

  close(uri) {
    return this.connection.sendNotification(this.P.DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  request(type, params, what) {
    return withTimeout(this.connection.sendRequest(type, params), this.waitMs ?? WAIT_MS, `${this.name} ${what}`);
  }

  memory() {
    try {
      const status = readFileSync(`/proc/${this.proc.pid}/status`, 'utf8');
      const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
      return { rssMiB: kib('VmRSS') / 1024, peakRssMiB: kib('VmHWM') / 1024 };
    } catch {
      return { rssMiB: NaN, peakRssMiB: NaN };
    }
  }

  /** shutdown + exit; SIGKILL if the process has not gone within a few seconds. Never throws. */
  async stop() {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) return 'already exited';
    let how = 'clean';
    try {
      await withTimeout(this.connection.sendRequest(this.P.ShutdownRequest.type), 5000, `${this.name} shutdown`);
      await this.connection.sendNotification(this.P.ExitNotification.type);
    } catch {
      how = 'no answer to shutdown';
    }
    try {
      await withTimeout(this.exited, 5000, `${this.name} exit`);
    } catch {
      this.proc.kill('SIGKILL');
      await this.exited;
      how += ', killed';
    }
    this.connection.dispose();
    return how;
  }
}

const live = new Set();
process.on('exit', () => {
  for (const s of live) if (s.proc.exitCode === null && s.proc.signalCode === null) s.proc.kill('SIGKILL');
});

/** Small document with one unknown key: a server that validates against the schema must flag it. */
export async function checkValidatesSchema(server) {
  const uri = pathToFileURL(join(DOCS, 'probe-unknown-key.yaml')).href;
  const text = bigModulemd(3).replace('\n  summary:', '\n  bogus_key: 1\n  summary:');
  const since = performance.now();
  await server.open(uri, 1, text);
  const line = text.split('\n').indexOf('  bogus_key: 1');
  const flags = (d) => /bogus_key/.test(d.message) || d.range.start.line === line;
  const hit = (p) => p.diagnostics.some(flags);
  try {
    // yaml-language-server may publish once before its configuration arrives; wait for the flagged one.
    const p = await server.waitDiagnostics(uri, 1, since, hit);
    return p.diagnostics.find(flags).message;
  } catch (err) {
    const got = server.published.filter((p) => p.uri === uri).map((p) => p.diagnostics.map((d) => d.message));
    throw new Error(`${server.name} does not validate against ${SCHEMA}: no diagnostic on 'bogus_key' (got ${JSON.stringify(got)}; ${err.message})\n${server.stderr}`);
  } finally {
    await server.close(uri);
  }
}

/** Line and character positions in the generated document, the same for both servers. */
function positions(text, n) {
  const lines = text.split('\n');
  const rationaleLine = (i) => {
    const at = lines.indexOf(`      pkg${i}:`);
    if (at < 0 || !lines[at + 1].startsWith('        rationale: ')) throw new Error(`pkg${i} not found in the generated document`);
    return at + 1;
  };
  const mid = Math.floor(n / 2);
  // Five edits, one per component pkg{mid+1..mid+5}: replace the rationale's value (one line, so
  // every later position stays where it was).
  const edits = Array.from({ length: REPEATS }, (_, k) => {
    const i = mid + 1 + k;
    const line = rationaleLine(i);
    const col = '        rationale: '.length;
    return { line, range: { start: { line, character: col }, end: { line, character: lines[line].length } }, text: `Edited rationale ${k} of component ${i}.` };
  });
  // The completion line: an empty line with 8 spaces, inserted right after pkg{mid}'s rationale.
  const hoverLine = rationaleLine(mid);
  const insertAt = { line: hoverLine + 1, character: 0 };
  return {
    mid,
    edits,
    insert: { range: { start: insertAt, end: insertAt }, text: '        \n' },
    completion: { line: hoverLine + 1, character: 8 },
    hover: { line: hoverLine, character: 10 }, // inside `rationale` of pkg{mid}
  };
}

function countItems(result) {
  if (!result) return 0;
  return Array.isArray(result) ? result.length : (result.items?.length ?? 0);
}

async function timeOrTimeout(fn) {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof Timeout) return { timeout: err.message };
    throw err;
  }
}

async function benchServer(spec, n, text) {
  const server = new Server(spec.name, spec.args);
  live.add(server);
  const r = { server: spec.name };
  const notes = [];
  try {
    const t0 = performance.now();
    await server.start();
    r.initializeMs = performance.now() - t0;
    r.serverVersion = server.serverInfo?.version ?? null;
    r.schemaProbe = await checkValidatesSchema(server);

    const uri = pathToFileURL(join(DOCS, `modulemd-${n}.yaml`)).href;
    const pos = positions(text, n);
    let version = 1;

    // open → first publish for version 1
    let since = performance.now();
    await server.open(uri, version, text);
    const opened = await timeOrTimeout(() => server.waitDiagnostics(uri, version, since));
    if (opened.timeout) {
      r.openMs = null;
      notes.push(opened.timeout);
      throw new Timeout('skipping the rest: the document was never validated');
    }
    r.openMs = opened.t - since;
    r.openDiagnostics = opened.diagnostics.length;
    if (opened.diagnostics.length) r.openDiagnosticSample = opened.diagnostics.slice(0, 3).map((d) => d.message);

    // 5 incremental edits, each waited for
    const changes = [];
    for (const e of pos.edits) {
      version++;
      since = performance.now();
      await server.change(uri, version, e.range, e.text);
      const p = await timeOrTimeout(() => server.waitDiagnostics(uri, version, since));
      if (p.timeout) {
        notes.push(p.timeout);
        break;
      }
      changes.push(p.t - since);
    }
    r.changeMsAll = changes;
    r.changeMs = changes.length === REPEATS ? median(changes) : null;

    // insert the empty, indented line; wait for its diagnostics so completion runs on a quiet server
    version++;
    since = performance.now();
    await server.change(uri, version, pos.insert.range, pos.insert.text);
    const inserted = await timeOrTimeout(() => server.waitDiagnostics(uri, version, since));
    if (inserted.timeout) notes.push(inserted.timeout);
    else r.insertLineDiagnostics = inserted.diagnostics.length;

    const P = server.P;
    for (const [key, supported, type, position, count] of [
      ['completion', server.supportsCompletion, P.CompletionRequest.type, pos.completion, countItems],
      ['hover', server.supportsHover, P.HoverRequest.type, pos.hover, (h) => (h?.contents ? 1 : 0)],
    ]) {
      if (!supported) {
        r[`${key}Ms`] = 'n/a';
        continue;
      }
      const times = [];
      let last;
      for (let k = 0; k < REPEATS; k++) {
        const t = performance.now();
        const res = await timeOrTimeout(() => server.request(type, { textDocument: { uri }, position }, key));
        if (res?.timeout) {
          notes.push(res.timeout);
          break;
        }
        times.push(performance.now() - t);
        last = res;
      }
      r[`${key}MsAll`] = times;
      r[`${key}Ms`] = times.length === REPEATS ? median(times) : null;
      r[`${key}Result`] = count(last);
      if (key === 'completion' && last) r.completionSample = (Array.isArray(last) ? last : last.items).slice(0, 5).map((i) => i.label);
      if (key === 'hover' && last?.contents) {
        const c = last.contents;
        r.hoverSample = String(typeof c === 'string' ? c : (c.value ?? JSON.stringify(c))).slice(0, 120);
      }
    }

    const extra = server.published.filter((p) => p.uri === uri).length - (2 + REPEATS);
    if (extra > 0) notes.push(`${extra} more publishDiagnostics than edits for the big document`);
  } catch (err) {
    if (!(err instanceof Timeout)) {
      await server.stop();
      live.delete(server);
      throw err;
    }
    notes.push(err.message);
  }
  Object.assign(r, server.memory());
  r.configurationRequests = server.configRequests;
  r.shutdown = await server.stop();
  live.delete(server);
  r.notes = notes;
  return r;
}

const fmtMs = (v) => (v === 'n/a' ? 'n/a' : v == null ? 'timeout' : `${v < 100 ? v.toFixed(1) : v.toFixed(0)} ms`);
const fmtMiB = (v) => (Number.isFinite(v) ? `${v.toFixed(0)} MiB` : '—');
const ratio = (a, b) => (typeof a === 'number' && typeof b === 'number' && a > 0 ? `${(b / a).toFixed(1)}×` : '—');

function table(n, size, lineCount, [g, y]) {
  const rows = [
    ['open → diagnostics', 'openMs', fmtMs],
    [`change → diagnostics (median of ${REPEATS})`, 'changeMs', fmtMs],
    [`completion (median of ${REPEATS})`, 'completionMs', fmtMs],
    [`hover (median of ${REPEATS})`, 'hoverMs', fmtMs],
    ['resident memory after (VmRSS)', 'rssMiB', fmtMiB],
    ['peak resident memory (VmHWM)', 'peakRssMiB', fmtMiB],
    ['initialize (spawn → result)', 'initializeMs', fmtMs],
  ];
  const out = [];
  out.push(`\nLSP over stdio, modulemd v2 with ${n} components (${size} KiB, ${lineCount} lines), node ${process.version}\n`);
  out.push('| metric | gitoverlay | yaml-language-server | ratio (yls ÷ gitoverlay) |');
  out.push('|---|---|---|---|');
  for (const [label, key, fmt] of rows) out.push(`| ${label} | ${fmt(g[key])} | ${fmt(y[key])} | ${ratio(g[key], y[key])} |`);
  out.push(`| diagnostics on the (valid) document | ${g.openDiagnostics ?? '—'} | ${y.openDiagnostics ?? '—'} | |`);
  const answered = (r) => `${r.completionResult ?? 'n/a'} / ${r.hoverResult == null ? 'n/a' : r.hoverResult ? 'yes' : 'empty'}`;
  out.push(`| completion items / hover answered | ${answered(g)} | ${answered(y)} | |`);
  for (const r of [g, y]) for (const note of r.notes) out.push(`\n- ${r.server}: ${note}`);
  return out.join('\n');
}

export async function runLspBench() {
  if (!existsSync(YLS_BIN)) {
    console.log('\nLSP benchmark skipped: yaml-language-server is not installed (npm install).');
    return null;
  }
  mkdirSync(WORK, { recursive: true });
  const results = {
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
    date: new Date().toISOString(),
    yamlLanguageServer: JSON.parse(readFileSync(join(ROOT, 'node_modules/yaml-language-server/package.json'), 'utf8')).version,
    repeats: REPEATS,
    settings: { yaml: YAML_SETTINGS },
    note: 'raw times, debounces included: gitoverlay ~120 ms on change, yaml-language-server 200 ms on open and change',
    sizes: [],
  };
  for (const n of SIZES) {
    const text = bigModulemd(n);
    const size = Number((Buffer.byteLength(text) / 1024).toFixed(0));
    const lineCount = text.split('\n').length;
    const servers = [];
    for (const spec of SERVERS) servers.push(await benchServer(spec, n, text));
    results.sizes.push({ n, sizeKiB: size, lines: lineCount, servers: Object.fromEntries(servers.map((s) => [s.server, s])) });
    console.log(table(n, size, lineCount, servers));
  }
  const out = join(WORK, 'lsp-results.json');
  writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  console.log(`\n(JSON: ${out})`);
  return results;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await runLspBench();
}
