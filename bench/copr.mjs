// The Copr backend's own cost for a 300-component overlay (issue 16): planning the submissions,
// submitting every build with its batch options, one poll of all of them, cancelling them, against
// the local Copr service (test/support/copr-service.mjs) with its builds held back so only the
// client's work and the service's answers are measured. Requests counted on the service's side.
// No timed assertions: a table, run by `npm run bench` (BENCH_COPR=0 skips it).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const ROOT = join(import.meta.dirname, '..');

export async function benchCopr({ components = Number(process.env.BENCH_COPR_COMPONENTS ?? 300), batchSize = 30 } = {}) {
  const { submissions } = require(join(ROOT, 'out/server/src/core/copr/batches.js'));
  const { submit } = require(join(ROOT, 'out/server/src/core/build/backends/copr.js'));
  const { CoprClient } = require(join(ROOT, 'out/server/src/core/copr/client.js'));
  const { watchBuilds } = require(join(ROOT, 'out/server/src/core/copr/watch.js'));
  const { startCoprService } = await import(join(ROOT, 'test/support/copr-service.mjs'));

  // One small SRPM stands for every component: the upload's size is not what is measured.
  const top = mkdtempSync(join(tmpdir(), 'go-bench-copr-'));
  writeFileSync(join(top, 'c.spec'), 'Name: c\nVersion: 1\nRelease: 1\nSummary: s\nLicense: MIT\nBuildArch: noarch\n%description\nd\n%files\n');
  execFileSync('rpmbuild', ['-bs', '--define', `_topdir ${top}`, '--define', `_sourcedir ${top}`, join(top, 'c.spec')], { stdio: 'ignore' });
  const srpm = join(top, 'SRPMS', readdirSync(join(top, 'SRPMS'))[0]);

  // Held back: nothing leaves "pending" while the client works.
  const svc = await startCoprService({ delays: { pending: 3_600_000 } });
  const rows = [];
  try {
    const client = new CoprClient({ url: svc.url, login: 'jdoe-api-login', token: 'jdoe-api-token', file: 'bench' });
    await client.addProject('jdoe', 'bench', ['fedora-41-x86_64'], '');
    const names = Array.from({ length: components }, (_, i) => `c${String(i).padStart(3, '0')}`);
    const batches = [];
    for (let i = 0; i < names.length; i += batchSize) batches.push(names.slice(i, i + batchSize));

    let t = performance.now();
    const order = submissions(batches);
    rows.push(['plan the submissions (batches → with/after)', `${(performance.now() - t).toFixed(2)} ms`, '0']);

    const heap0 = process.memoryUsage();
    const seen0 = svc.state.requests.length;
    t = performance.now();
    const ids = {};
    const o = { owner: 'jdoe', project: 'bench' };
    for (const s of order) ids[s.name] = await submit(client, o, srpm, ['fedora-41-x86_64'], s.with ? ids[s.with] : undefined, s.after ? ids[s.after] : undefined, () => undefined);
    const submitMs = performance.now() - t;
    const heap1 = process.memoryUsage();
    rows.push([`submit ${components} builds (${batches.length} batches)`, `${submitMs.toFixed(0)} ms (${(submitMs / components).toFixed(1)} ms each)`, String(svc.state.requests.length - seen0)]);

    // One poll of every build: a list of the project's newest, then each build's chroots the first time.
    const ac = new AbortController();
    const seen1 = svc.state.requests.length;
    let polls = 0;
    t = performance.now();
    const watching = watchBuilds(client, order.map((s) => ({ name: s.name, id: ids[s.name] })), {
      owner: 'jdoe',
      project: 'bench',
      pollMs: 50,
      signal: ac.signal,
      progress: (line) => {
        if (/cancelled build/.test(line)) return;
      },
      onChroot: () => undefined,
    });
    // The first poll asks for every build's chroots (all new); the next ones only list.
    const lists = () => svc.state.requests.slice(seen1).flatMap((r, i) => (r.path.startsWith('/api_3/build/list') ? [i] : []));
    while (lists().length < 4) await new Promise((r) => setTimeout(r, 5));
    const at = lists();
    const firstPoll = performance.now() - t;
    const firstRequests = at[1] - at[0];
    polls = 2;
    const later = (at[3] - at[1]) / polls;
    rows.push(['follow them: the first poll (every build new, none started)', `${(firstPoll / 4).toFixed(0)} ms a poll (the 50 ms pause included)`, String(firstRequests)]);
    rows.push(['follow them: each later poll (nothing changed)', '-', later.toFixed(1)]);

    const seen2 = svc.state.requests.length;
    t = performance.now();
    ac.abort();
    await watching.catch(() => undefined);
    rows.push([`cancel all ${components} on Copr`, `${(performance.now() - t).toFixed(0)} ms`, String(svc.state.requests.length - seen2)]);
    rows.push(['client memory while submitting (heap used / RSS growth)', `${((heap1.heapUsed - heap0.heapUsed) / 1e6).toFixed(1)} MB / ${((heap1.rss - heap0.rss) / 1e6).toFixed(1)} MB`, '-']);
  } finally {
    await svc.stop();
  }
  console.log(`\nCopr backend: ${components} components against the local Copr service (builds held back; requests counted by the service)\n`);
  console.log('| step | time | requests |');
  console.log('|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchCopr();
