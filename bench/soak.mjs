// Memory soak: the language server keeps one large modulemd document open (bench/generate.mjs, 5,000
// components + 5,000 artifacts, ~1.1 MB) while it receives 10,000 typing-like incremental edits: single
// characters typed and deleted (backspace) in rationale and ref values all over the document,
// in bursts of 20-80 keystrokes; after each burst the soak waits for the diagnostics of the last version
// (the server checks the whole document then), and every 250 edits it asks for completion and hover at
// the cursor. The server's resident memory (VmRSS from /proc/<pid>/status; nothing forced, no
// --expose-gc) is read after opening, every 1,000 edits and at the end.
//
// Verdict "flat": past the warm-up (the samples from 20% of the edits on: 2,000..10,000), the median RSS
// of the last third of those samples (8,000, 9,000, 10,000 edits) is at most 1.25 × the median of the
// first third (2,000, 3,000, 4,000). Medians of three, because one sample can land just before or just
// after a major GC. The least-squares growth over the same samples (MiB per 1,000 edits) is printed too.
//
// With --peer the same edit script also runs through yaml-language-server (configured as in
// bench/lsp.mjs), side by side; it takes several more minutes (BENCH_SOAK_PEER=1 under `npm run bench`).
//
//   node bench/soak.mjs [--edits N] [--components N] [--peer] [--seed S]
//   (run by `npm run bench` after the LSP table; BENCH_SOAK=0 skips it)
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { bigModulemd } from './generate.mjs';
import { checkValidatesSchema, DOCS, Server, SERVERS, Timeout } from './lsp.mjs';
import { rng } from './rng.mjs';

const require = createRequire(import.meta.url);
const { TextDocument } = require('vscode-languageserver-textdocument');
const ROOT = join(import.meta.dirname, '..');
const WORK = join(ROOT, 'bench/.work');
const SAMPLE_EVERY = 1000;
const REQUEST_EVERY = 250;
const FLAT_FACTOR = 1.25;


/**
 * The edit script: a list of bursts, each a list of { range, text } changes plus where the cursor is.
 * No edit inserts or removes a line break, so line numbers never move; the text stays valid YAML
 * (values only), and every backspace stops short of the value's first character.
 */
export function editScript(text, edits, seed) {
  const random = rng(seed);
  const pick = (n) => Math.floor(random() * n);
  const lines = text.split('\n');
  // Places people type: the components' rationale and ref values, anywhere in the document (not
  // buildafter or profile entries: a changed name there is a different, unknown component).
  const sites = [];
  lines.forEach((l, i) => {
    const m = /^( {8}(?:rationale: |ref: ))/.exec(l);
    if (m) sites.push({ line: i, min: m[1].length + 1 });
  });
  const length = lines.map((l) => l.length);
  const letters = 'abcdefghijklmnopqrstuvwxyz     ,.-0123456789';
  const bursts = [];
  let site;
  let made = 0;
  while (made < edits) {
    site = sites[pick(sites.length)];
    // Bursts end on every SAMPLE_EVERY boundary, so memory is sampled at a quiet moment.
    const toBoundary = SAMPLE_EVERY - (made % SAMPLE_EVERY);
    const size = Math.min(20 + pick(61), edits - made, toBoundary);
    const changes = [];
    for (let k = 0; k < size; k++) {
      if (random() < 0.08) site = sites[pick(sites.length)]; // the cursor moves (a click elsewhere)
      const line = site.line;
      const end = length[line];
      if (random() < 0.25 && end > site.min) {
        changes.push({ range: { start: { line, character: end - 1 }, end: { line, character: end } }, text: '' });
        length[line]--;
      } else {
        const ch = letters[pick(letters.length)];
        changes.push({ range: { start: { line, character: end }, end: { line, character: end } }, text: ch });
        length[line]++;
      }
    }
    made += size;
    const last = changes[changes.length - 1].range.start;
    bursts.push({ changes, cursor: { line: last.line, character: length[last.line] } });
  }
  return bursts;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};

/** Least-squares slope of RSS over edits, in MiB per 1,000 edits. */
function slope(points) {
  if (points.length < 2) return NaN;
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.edits, 0) / n;
  const my = points.reduce((s, p) => s + p.rss, 0) / n;
  const sxy = points.reduce((s, p) => s + (p.edits - mx) * (p.rss - my), 0);
  const sxx = points.reduce((s, p) => s + (p.edits - mx) ** 2, 0);
  return (sxy / sxx) * 1000;
}

async function soakServer(spec, text, bursts, edits) {
  const server = new Server(spec.name, spec.args);
  const r = { server: spec.name, samples: [], diagnosticsMs: [], requestMs: [], notes: [] };
  const t0 = performance.now();
  try {
    await server.start();
    if (spec.name !== 'gitoverlay') r.schemaProbe = await checkValidatesSchema(server);
    const uri = pathToFileURL(join(DOCS, 'soak-modulemd.yaml')).href;
    let doc = TextDocument.create(uri, 'yaml', 1, text);
    let since = performance.now();
    await server.open(uri, 1, text);
    const opened = await server.waitDiagnostics(uri, 1, since);
    r.openMs = opened.t - since;
    server.published.length = 0;
    const sample = (n) => r.samples.push({ edits: n, ...server.memory() });
    sample(0);
    let made = 0;
    let nextRequest = REQUEST_EVERY;
    const P = server.P;
    for (const burst of bursts) {
      for (const change of burst.changes) {
        doc = TextDocument.update(doc, [change], doc.version + 1);
        since = performance.now();
        await server.change(uri, doc.version, change.range, change.text);
      }
      made += burst.changes.length;
      // The pause after a burst: the server checks the whole document; wait for that version's publish.
      try {
        const p = await server.waitDiagnostics(uri, doc.version, since);
        r.diagnosticsMs.push(p.t - since);
        r.lastDiagnostics = p.diagnostics.length;
      } catch (err) {
        if (!(err instanceof Timeout)) throw err;
        r.notes.push(err.message);
      }
      server.published.length = 0;
      if (made >= nextRequest) {
        nextRequest += REQUEST_EVERY;
        for (const [type, position] of [
          [P.CompletionRequest.type, burst.cursor],
          [P.HoverRequest.type, { line: burst.cursor.line, character: 10 }],
        ]) {
          const t = performance.now();
          try {
            await server.request(type, { textDocument: { uri }, position }, type.method);
            r.requestMs.push(performance.now() - t);
          } catch (err) {
            if (!(err instanceof Timeout)) throw err;
            r.notes.push(err.message);
          }
        }
      }
      if (made % SAMPLE_EVERY === 0 || made === edits) sample(made);
    }
    r.finalLength = doc.getText().length;
  } catch (err) {
    r.notes.push(`stopped: ${err.message}`);
  }
  r.seconds = (performance.now() - t0) / 1000;
  r.shutdown = await server.stop();
  const warm = r.samples.filter((s) => s.edits >= edits * 0.2);
  if (warm.length < 3) r.verdict = 'too few samples (--edits 3000 at least)';
  else if (warm.at(-1).edits === edits) {
    const third = Math.ceil(warm.length / 3);
    const first = warm.slice(0, third);
    const last = warm.slice(-third);
    r.window = { first: first.map((s) => s.edits), last: last.map((s) => s.edits) };
    r.firstMedianMiB = median(first.map((s) => s.rssMiB));
    r.lastMedianMiB = median(last.map((s) => s.rssMiB));
    r.growth = r.lastMedianMiB / r.firstMedianMiB;
    r.slopeMiBPer1000 = slope(warm.map((s) => ({ edits: s.edits, rss: s.rssMiB })));
    r.verdict = r.growth <= FLAT_FACTOR ? 'flat' : 'GROWING';
  } else r.verdict = 'incomplete';
  return r;
}

export async function runSoak({ edits = 10000, components = 5000, peer = false, seed = 20261122 } = {}) {
  const text = bigModulemd(components);
  const bursts = editScript(text, edits, seed);
  const specs = SERVERS.filter((s) => s.name === 'gitoverlay' || (peer && existsSync(s.args[0])));
  const results = [];
  for (const spec of specs) results.push(await soakServer(spec, text, bursts, edits));

  const kib = (Buffer.byteLength(text) / 1024).toFixed(0);
  const out = [];
  out.push(`\nMemory soak: modulemd v2 with ${components} components (${kib} KiB), ${edits} typing-like edits in ${bursts.length} bursts (diagnostics awaited after each), completion + hover every ${REQUEST_EVERY} edits; VmRSS in MiB, node ${process.version}\n`);
  out.push(`| edits | ${results.map((r) => r.server).join(' | ')} |`);
  out.push(`|---|${results.map(() => '---').join('|')}|`);
  const rows = [...new Set(results.flatMap((r) => r.samples.map((s) => s.edits)))].sort((a, b) => a - b);
  for (const n of rows) {
    out.push(`| ${n === 0 ? '0 (opened)' : n} | ${results.map((r) => r.samples.find((s) => s.edits === n)?.rssMiB.toFixed(0) ?? '—').join(' | ')} |`);
  }
  const cell = (f) => results.map(f).join(' | ');
  const w = results.find((r) => r.window)?.window;
  const first = w ? w.first.join(', ') : '—';
  const last = w ? w.last.join(', ') : '—';
  const from = w ? w.first[0] : Math.round(edits * 0.2);
  out.push(`| peak (VmHWM) | ${cell((r) => r.samples.at(-1)?.peakRssMiB.toFixed(0) ?? '—')} |`);
  out.push(`| median at ${first} → median at ${last} edits | ${cell((r) => (r.growth ? `${r.firstMedianMiB.toFixed(0)} → ${r.lastMedianMiB.toFixed(0)} (${r.growth.toFixed(2)}×)` : '—'))} |`);
  out.push(`| growth from ${from} edits on (least squares) | ${cell((r) => (Number.isFinite(r.slopeMiBPer1000) ? `${r.slopeMiBPer1000.toFixed(1)} MiB / 1,000 edits` : '—'))} |`);
  out.push(`| verdict (last-third median ≤ ${FLAT_FACTOR} × first-third median) | ${cell((r) => r.verdict)} |`);
  out.push(`| burst → diagnostics (median) | ${cell((r) => `${median(r.diagnosticsMs).toFixed(0)} ms`)} |`);
  out.push(`| completion / hover (median) | ${cell((r) => `${median(r.requestMs).toFixed(0)} ms`)} |`);
  out.push(`| soak wall time | ${cell((r) => `${r.seconds.toFixed(0)} s`)} |`);
  for (const r of results) for (const note of [...new Set(r.notes)]) out.push(`\n- ${r.server}: ${note}`);
  console.log(out.join('\n'));

  mkdirSync(WORK, { recursive: true });
  const file = join(WORK, 'soak-results.json');
  writeFileSync(file, JSON.stringify({ node: process.version, date: new Date().toISOString(), edits, components, seed, sizeKiB: Number(kib), bursts: bursts.length, results }, null, 2) + '\n');
  console.log(`\n(JSON: ${file})`);
  return results;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      edits: { type: 'string', default: '10000' },
      components: { type: 'string', default: '5000' },
      seed: { type: 'string', default: '20261122' },
      peer: { type: 'boolean', default: false },
    },
  });
  const results = await runSoak({ edits: Number(values.edits), components: Number(values.components), seed: Number(values.seed), peer: values.peer });
  if (results.find((r) => r.server === 'gitoverlay')?.verdict !== 'flat') process.exitCode = 1;
}
