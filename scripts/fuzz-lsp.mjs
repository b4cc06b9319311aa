// The language-server half of `npm run fuzz` (scripts/fuzz.mjs --target lsp|both): the real server
// (`gitoverlay lsp --stdio`) driven over stdio with seeded mutations of the example corpus.
//
// Each run works on one of a bounded set of document slots (--docs, default 24 open at most): it either
// closes the slot's document and opens a freshly mutated corpus document, or changes the open one with
// the mutator's edits sent as incremental didChange ranges (sometimes a full-text change). It waits for
// the publishDiagnostics of that version, then sends completion, hover, documentSymbol, foldingRange,
// codeAction (with the published diagnostics) and definition at random positions (a few of them out of
// range on purpose). Several runs are in flight at once (--concurrency, default 8); runs on the same
// slot never overlap, so each slot's documents depend only on the seed, not on timing.
//
// A failure is: a request not answered within 2 s (or never), diagnostics for the version not published
// within 2 s, an InternalError (-32603) response (a handler threw), a published diagnostic outside the
// document, an error logged by the server (window/logMessage Error: a check that threw and was caught),
// "Unhandled"/"Uncaught" on its stderr, or the server exiting. Every failure prints the run, the seed,
// the document and the request, and writes a replay file (node scripts/fuzz.mjs --replay FILE).
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const ROOT = join(import.meta.dirname, '..');
const P = require('vscode-languageserver-protocol/node');
const { TextDocument } = require('vscode-languageserver-textdocument');

export const LIMIT_MS = 2000;
/** Past this an unanswered request stops being waited for ("never answered"). */
const GIVE_UP_MS = 30000;
const FAILURE_DIR = join(ROOT, 'test/.tmp/fuzz-lsp');
const MAX_FAILURES = 20;

/** RSS and peak RSS of a process in MiB, from /proc (NaN elsewhere). */
export function rssMiB(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
  } catch {
    return { rss: NaN, peak: NaN };
  }
}

/** A compact LSP client over stdio: publishes are matched per uri and version, every response timed. */
class FuzzClient {
  constructor(onProblem) {
    this.onProblem = onProblem;
    this.waiting = new Map(); // `${uri}@${version}` → resolve(params)
    this.early = new Map(); // publishes nobody waited for yet
    this.stderr = '';
    this.proc = spawn(process.execPath, [join(ROOT, 'bin/gitoverlay.js'), 'lsp', '--stdio'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    this.exit = new Promise((resolve) => this.proc.once('exit', (code, signal) => resolve({ code, signal })));
    this.exited = false;
    void this.exit.then((e) => {
      this.exited = true;
      if (!this.closing) this.onProblem(`server exited (code ${e.code}, signal ${e.signal})\n${this.stderr.slice(-2000)}`);
    });
    this.proc.stdin.on('error', () => {});
    this.proc.stderr.on('data', (b) => {
      const s = String(b);
      this.stderr = (this.stderr + s).slice(-20000);
      if (/Unhandled|Uncaught/i.test(s)) this.onProblem(`server stderr: ${s.slice(0, 2000)}`);
    });
    const c = P.createProtocolConnection(new P.StreamMessageReader(this.proc.stdout), new P.StreamMessageWriter(this.proc.stdin));
    this.connection = c;
    c.onNotification(P.PublishDiagnosticsNotification.type, (p) => {
      if (p.version == null) return; // the empty publish after a close
      const key = `${p.uri}@${p.version}`;
      const w = this.waiting.get(key);
      if (w) {
        this.waiting.delete(key);
        w(p);
      } else this.early.set(key, p);
    });
    c.onNotification(P.LogMessageNotification.type, (m) => {
      if (m.type === P.MessageType.Error) this.onProblem(`server logged an error: ${m.message.slice(0, 2000)}`);
    });
    c.onRequest(P.ConfigurationRequest.type, (params) => params.items.map(() => null));
    c.onRequest(P.RegistrationRequest.type, () => null);
    c.onRequest(P.UnregistrationRequest.type, () => null);
    c.onRequest(P.WorkDoneProgressCreateRequest.type, () => null);
    c.onRequest('workspace/codeLens/refresh', () => null);
    c.onNotification(P.TelemetryEventNotification.type, () => {});
    c.onError(() => {});
    c.listen();
  }

  async initialize(workspace) {
    const uri = pathToFileURL(workspace).href;
    await this.connection.sendRequest(P.InitializeRequest.type, {
      processId: process.pid,
      rootUri: uri,
      workspaceFolders: [{ uri, name: 'examples' }],
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
        textDocument: { publishDiagnostics: { versionSupport: true }, synchronization: { dynamicRegistration: false } },
      },
    });
    await this.connection.sendNotification(P.InitializedNotification.type, {});
  }

  /** The publish for uri@version, or null after `ms`. */
  diagnostics(uri, version, ms) {
    const key = `${uri}@${version}`;
    const early = this.early.get(key);
    if (early) {
      this.early.delete(key);
      return Promise.resolve(early);
    }
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.waiting.delete(key);
        resolve(null);
      }, ms);
      this.waiting.set(key, (p) => {
        clearTimeout(t);
        resolve(p);
      });
    });
  }

  /** { ms, result } or { ms, error } or { ms: Infinity, unanswered: true }. */
  async request(method, params) {
    const t0 = performance.now();
    let timer;
    const gaveUp = new Promise((resolve) => {
      timer = setTimeout(() => resolve({ ms: Infinity, unanswered: true }), GIVE_UP_MS);
    });
    const answer = this.connection.sendRequest(method, params).then(
      (result) => ({ ms: performance.now() - t0, result }),
      (error) => ({ ms: performance.now() - t0, error }),
    );
    const r = await Promise.race([answer, gaveUp]);
    clearTimeout(timer);
    return r;
  }

  async close() {
    this.closing = true;
    if (this.exited) return 'already exited';
    try {
      await Promise.race([this.connection.sendRequest(P.ShutdownRequest.type), new Promise((_, no) => setTimeout(() => no(new Error('no answer')), 5000))]);
      await this.connection.sendNotification(P.ExitNotification.type);
      const e = await Promise.race([this.exit, new Promise((resolve) => setTimeout(() => resolve(null), 5000))]);
      if (e) return e.code === 0 ? 'clean' : `exit code ${e.code}`;
    } catch {
      /* killed below */
    }
    this.proc.kill('SIGKILL');
    return 'no clean shutdown, killed';
  }
}

/** Derives run i's own seed from the master seed: each run's choices are independent of timing. */
const runSeed = (seed, i) => (seed ^ Math.imul(i + 1, 0x9e3779b1)) | 0;

const METHODS = ['textDocument/completion', 'textDocument/hover', 'textDocument/documentSymbol', 'textDocument/foldingRange', 'textDocument/codeAction', 'textDocument/definition'];

export async function fuzzLsp({ runs, seed, docs: slotCount = 24, concurrency = 8, fc, corpus, mutationArb, mutate, mutationEdit, log = console.log }) {
  const arb = fc.record({
    slot: fc.noBias(fc.nat({ max: slotCount - 1 })),
    action: fc.noBias(fc.nat({ max: 99 })), // < 15: reopen, < 20: full-text change, else incremental edits
    doc: fc.noBias(fc.nat({ max: corpus.length - 1 })),
    mutations: mutationArb,
    positions: fc.array(fc.record({ at: fc.nat(), wild: fc.nat({ max: 19 }), line: fc.nat(), character: fc.nat() }), { minLength: 4, maxLength: 4 }),
    action2: fc.record({ diagnostic: fc.nat(), useDiagnostic: fc.boolean(), end: fc.nat() }),
  });
  const paramsOf = (i) => fc.sample(arb, { seed: runSeed(seed, i), numRuns: 1 })[0];

  const failures = [];
  let stop = false;
  let current = null; // context of the run that last touched the server, for server-wide problems
  const fail = (what, ctx = current) => {
    const n = failures.length + 1;
    if (n > MAX_FAILURES) {
      stop = true;
      return;
    }
    const f = { what, run: ctx?.run, seed, name: ctx?.name, uri: ctx?.uri, version: ctx?.version, method: ctx?.method, params: ctx?.params };
    mkdirSync(FAILURE_DIR, { recursive: true });
    const file = join(FAILURE_DIR, `seed-${seed}-failure-${n}.json`);
    writeFileSync(file, JSON.stringify({ ...f, text: ctx?.text }, null, 2) + '\n');
    failures.push({ ...f, file });
    log(`FAILURE ${n}: ${what}\n  run ${ctx?.run} of seed ${seed}: ${ctx?.name} ${ctx?.uri}@${ctx?.version}${ctx?.method ? ` ${ctx.method} ${JSON.stringify(ctx.params?.position ?? ctx.params?.range ?? '')}` : ''}\n  replay: node scripts/fuzz.mjs --replay ${file}   (or the whole sequence: npm run fuzz -- --target lsp --runs ${runs} --seed ${seed})`);
  };

  const client = new FuzzClient((what) => fail(what));
  const t0 = performance.now();
  await client.initialize(join(ROOT, 'examples'));
  const rssStart = rssMiB(client.proc.pid);

  const slots = Array.from({ length: slotCount }, () => ({ doc: null, name: '', gen: 0, tail: Promise.resolve() }));
  const times = new Float64Array(runs * METHODS.length);
  let nTimes = 0;
  const diagnosticTimes = new Float64Array(runs);
  let nDiagnosticTimes = 0;
  let requests = 0;
  let errorResponses = 0;
  let published = 0;
  let opens = 0;
  let changes = 0;
  let slowest = { ms: 0 };
  let slowestDiagnostics = { ms: 0 };

  async function doRun(i, p) {
    const slot = slots[p.slot];
    let doc = slot.doc;
    const base = { run: i, name: slot.name };
    let sent;
    if (!doc || p.action < 15) {
      if (doc) await client.connection.sendNotification(P.DidCloseTextDocumentNotification.type, { textDocument: { uri: doc.uri } });
      const src = corpus[p.doc];
      const text = mutate(src.text, p.mutations);
      slot.name = src.name;
      const uri = `file:///fuzz/s${p.slot}/g${slot.gen++}/${src.name}`;
      doc = TextDocument.create(uri, 'yaml', 1, text);
      slot.doc = doc;
      sent = performance.now();
      await client.connection.sendNotification(P.DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text } });
      opens++;
    } else {
      let contentChanges;
      if (p.action < 20) contentChanges = [{ text: mutate(doc.getText(), p.mutations) }];
      else {
        // The mutator's edits, each a range on the text the previous one left (LSP applies them in order).
        contentChanges = [];
        let t = TextDocument.create(doc.uri, 'yaml', 0, doc.getText());
        for (const m of p.mutations) {
          const e = mutationEdit(t.getText(), m);
          const change = { range: { start: t.positionAt(e.offset), end: t.positionAt(e.offset + e.length) }, text: e.text };
          contentChanges.push(change);
          t = TextDocument.update(t, [change], 0);
        }
      }
      doc = TextDocument.update(doc, contentChanges, doc.version + 1);
      slot.doc = doc;
      sent = performance.now();
      await client.connection.sendNotification(P.DidChangeTextDocumentNotification.type, { textDocument: { uri: doc.uri, version: doc.version }, contentChanges });
      changes++;
    }
    const text = doc.getText();
    const ctx = { ...base, name: slot.name, uri: doc.uri, version: doc.version, text };
    current = ctx;

    const pub = await client.diagnostics(doc.uri, doc.version, GIVE_UP_MS);
    const dms = performance.now() - sent;
    if (!pub) return fail(`no diagnostics for version ${doc.version} within ${GIVE_UP_MS} ms`, ctx);
    published++;
    diagnosticTimes[nDiagnosticTimes++] = dms;
    if (dms > slowestDiagnostics.ms) slowestDiagnostics = { ms: dms, name: ctx.name, size: text.length, version: doc.version };
    if (dms > LIMIT_MS) fail(`diagnostics took ${dms.toFixed(0)} ms (limit ${LIMIT_MS})`, ctx);
    for (const d of pub.diagnostics) {
      const { start, end } = d.range;
      if (start.line < 0 || start.character < 0 || end.line >= doc.lineCount || end.line < start.line || (end.line === start.line && end.character < start.character) || !d.message) {
        fail(`diagnostic outside the document (${doc.lineCount} lines): ${JSON.stringify(d).slice(0, 500)}`, ctx);
      }
    }

    // Positions: an offset in the text, or (1 in 20) any line and character, possibly past the end.
    const pos = p.positions.map((q) => (q.wild === 0 ? { line: q.line % (doc.lineCount + 3), character: q.character % 200 } : doc.positionAt(q.at % (text.length + 1))));
    const textDocument = { uri: doc.uri };
    const diags = pub.diagnostics;
    const a = p.action2;
    const chosen = a.useDiagnostic && diags.length ? diags[a.diagnostic % diags.length] : null;
    // codeAction on a published diagnostic's range (with it), or on a random range (with those it touches).
    const from = doc.offsetAt(pos[3]);
    const range = chosen ? chosen.range : { start: doc.positionAt(from), end: doc.positionAt(Math.min(text.length, from + (a.end % 80))) };
    const codeActionDiags = chosen ? [chosen] : diags.filter((d) => d.range.start.line <= range.end.line && d.range.end.line >= range.start.line);
    const calls = [
      ['textDocument/completion', { textDocument, position: pos[0] }],
      ['textDocument/hover', { textDocument, position: pos[1] }],
      ['textDocument/documentSymbol', { textDocument }],
      ['textDocument/foldingRange', { textDocument }],
      ['textDocument/codeAction', { textDocument, range, context: { diagnostics: codeActionDiags } }],
      ['textDocument/definition', { textDocument, position: pos[2] }],
    ];
    const answers = await Promise.all(calls.map(([method, params]) => ((requests++), client.request(method, params))));
    answers.forEach((r, k) => {
      const [method, params] = calls[k];
      const rctx = { ...ctx, method, params };
      if (r.unanswered) return fail(`${method} not answered within ${GIVE_UP_MS} ms`, rctx);
      times[nTimes++] = r.ms;
      if (r.ms > slowest.ms) slowest = { ms: r.ms, method, name: ctx.name, size: text.length, version: doc.version };
      if (r.ms > LIMIT_MS) fail(`${method} took ${r.ms.toFixed(0)} ms (limit ${LIMIT_MS})`, rctx);
      if (r.error) {
        errorResponses++;
        if (r.error.code === P.ErrorCodes.InternalError || !(r.error instanceof P.ResponseError)) fail(`${method} answered with an internal error ${r.error.code}: ${r.error.message}`, rctx);
      }
    });
  }

  let next = 0;
  let done = 0;
  let lastReport = performance.now();
  async function lane() {
    while (next < runs && !stop && !client.exited) {
      const i = next++;
      const p = paramsOf(i);
      const slot = slots[p.slot];
      // Runs on one slot keep their order (taken in index order, chained), whatever the timing.
      const mine = slot.tail.then(() => (stop || client.exited ? undefined : doRun(i, p)));
      slot.tail = mine.catch(() => {});
      try {
        await mine;
      } catch (err) {
        fail(`fuzzer error: ${err.stack ?? err}`, { run: i });
      }
      done++;
      if (performance.now() - lastReport > 30000) {
        lastReport = performance.now();
        console.error(`  lsp: ${done} runs, ${requests} requests, ${failures.length} failures, ${((lastReport - t0) / 1000).toFixed(0)} s, server RSS ${rssMiB(client.proc.pid).rss.toFixed(0)} MiB`);
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  const seconds = (performance.now() - t0) / 1000;
  const rssEnd = rssMiB(client.proc.pid);
  const shutdown = await client.close();
  if (shutdown !== 'clean' && !failures.length) fail(`shutdown: ${shutdown}`);

  const f1 = (x) => (x < 100 ? x.toFixed(1) : x.toFixed(0));
  const percentiles = (xs) => {
    const sorted = Array.from(xs).sort((x, y) => x - y);
    const at = (q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN);
    return `median ${f1(at(0.5))} ms, p99 ${f1(at(0.99))} ms, p99.9 ${f1(at(0.999))} ms`;
  };
  log(`fuzz lsp: ${done} runs in ${seconds.toFixed(1)} s, seed ${seed} (${concurrency} runs in flight, at most ${slotCount} open documents; ${opens} opens, ${changes} changes)`);
  log(`requests: ${requests} sent, ${requests - errorResponses} answered with a result, ${errorResponses} with an error; ${published} publishDiagnostics awaited`);
  log(`response times: ${percentiles(times.subarray(0, nTimes))}; open/change → diagnostics: ${percentiles(diagnosticTimes.subarray(0, nDiagnosticTimes))}`);
  if (slowest.method) log(`slowest response: ${f1(slowest.ms)} ms ${slowest.method} on a mutation of ${slowest.name} (${slowest.size} chars, version ${slowest.version})`);
  if (slowestDiagnostics.name) log(`slowest diagnostics: ${f1(slowestDiagnostics.ms)} ms on a mutation of ${slowestDiagnostics.name} (${slowestDiagnostics.size} chars, version ${slowestDiagnostics.version})`);
  log(`server RSS: ${rssStart.rss.toFixed(0)} MiB after initialize, ${rssEnd.rss.toFixed(0)} MiB at the end (peak ${rssEnd.peak.toFixed(0)} MiB); shutdown ${shutdown}`);
  log(`failures: ${failures.length}${stop ? ` (stopped after ${MAX_FAILURES})` : ''}`);
  return { runs: done, failures };
}

/** Replays one failure file: opens its document, waits for diagnostics, sends its request, prints the answer. */
export async function replayLsp(file, log = console.log) {
  const f = JSON.parse(readFileSync(file, 'utf8'));
  const problems = [];
  const client = new FuzzClient((what) => problems.push(what));
  await client.initialize(join(ROOT, 'examples'));
  const t = performance.now();
  await client.connection.sendNotification(P.DidOpenTextDocumentNotification.type, { textDocument: { uri: f.uri, languageId: 'yaml', version: f.version, text: f.text } });
  const pub = await client.diagnostics(f.uri, f.version, GIVE_UP_MS);
  log(`diagnostics: ${pub ? `${pub.diagnostics.length} after ${(performance.now() - t).toFixed(0)} ms` : 'none'}`);
  if (f.method) {
    const r = await client.request(f.method, { ...f.params, textDocument: { uri: f.uri } });
    log(`${f.method}: ${r.unanswered ? 'unanswered' : `${r.ms.toFixed(1)} ms`} ${JSON.stringify(r.error ? { code: r.error.code, message: r.error.message } : r.result)?.slice(0, 3000)}`);
  }
  log(`shutdown: ${await client.close()}`);
  for (const p of problems) log(`problem: ${p}`);
}
