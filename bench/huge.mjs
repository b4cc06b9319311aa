// A huge document must not hold up the others. Each server gets a 10 MB modulemd document (bench/
// generate.mjs, 44,000 components) and, right after it, a small document with one unknown key; the
// table shows how long the small document waits for its diagnostics and for an outline (documentSymbol),
// and how long the huge one takes. Same texts, same order, for gitoverlay and yaml-language-server.
//
//   node bench/huge.mjs [--components N] [--broken]
//   (run by `npm run bench`; BENCH_HUGE=0 skips it). --broken puts a syntax error near the top of the
//   huge document (the slower error-tolerant parser then reads all of it).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { bigModulemd } from './generate.mjs';

import { DOCS, Server, SERVERS } from './lsp.mjs';

/** Longest wait for one answer here (yaml-language-server takes over 30 s). */
const WAIT_MS = 120_000;

const SMALL = 'document: modulemd\nversion: 2\ndata:\n  summary: s\n  description: d\n  license:\n    module: [MIT]\n  bogus: 1\n';

export async function runHugeBench({ components = 44000, broken = false } = {}) {
  mkdirSync(DOCS, { recursive: true });
  let huge = bigModulemd(components).replace(/\n\.\.\.\n$/, '\n  bogus: 1\n...\n');
  if (broken) huge = huge.replace('  summary: A generated', '  summary: [A generated');
  const mib = (huge.length / 2 ** 20).toFixed(1);
  console.log(`\nA ${mib} MiB modulemd document (${components} components${broken ? ', a syntax error on line 10' : ''}) opened, then a small one at once, node ${process.version}\n`);
  const rows = [];
  for (const { name, args } of SERVERS) {
    const server = new Server(name, args);
    server.waitMs = WAIT_MS;
    const row = { name };
    try {
      await server.start();
      const hugeUri = pathToFileURL(join(DOCS, 'huge.yaml')).href;
      const smallUri = pathToFileURL(join(DOCS, 'small.yaml')).href;
      const t0 = performance.now();
      await server.open(hugeUri, 1, huge);
      await server.open(smallUri, 1, SMALL);
      const nonEmpty = (p) => p.diagnostics.length > 0;
      const hugeDone = server.waitDiagnostics(hugeUri, 1, t0, nonEmpty).then(
        (p) => (row.huge = p.t - t0),
        () => (row.huge = 'timeout'),
      );
      await server.waitDiagnostics(smallUri, 1, t0, nonEmpty).then(
        (p) => (row.small = p.t - t0),
        () => (row.small = 'timeout'),
      );
      await server.request('textDocument/documentSymbol', { textDocument: { uri: smallUri } }, 'documentSymbol').then(
        () => (row.symbols = performance.now() - t0),
        () => (row.symbols = 'timeout'),
      );
      await hugeDone;
      row.rss = server.memory().peakRssMiB;
    } catch (err) {
      row.error = err.message;
    } finally {
      await server.stop();
    }
    rows.push(row);
  }
  const ms = (v) => (typeof v === 'number' ? `${v.toFixed(0)} ms` : (v ?? '—'));
  console.log(`| from the opens to | ${rows.map((r) => r.name).join(' | ')} |`);
  console.log(`|---|${rows.map(() => '---').join('|')}|`);
  console.log(`| small document's diagnostics | ${rows.map((r) => ms(r.small)).join(' | ')} |`);
  console.log(`| small document's outline | ${rows.map((r) => ms(r.symbols)).join(' | ')} |`);
  console.log(`| huge document's diagnostics | ${rows.map((r) => ms(r.huge)).join(' | ')} |`);
  console.log(`| peak resident memory | ${rows.map((r) => (r.rss ? `${r.rss.toFixed(0)} MiB` : '—')).join(' | ')} |`);
  for (const r of rows) if (r.error) console.log(`${r.name}: ${r.error}`);
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { components: { type: 'string', default: '44000' }, broken: { type: 'boolean', default: false } } });
  await runHugeBench({ components: Number(values.components), broken: values.broken });
}
