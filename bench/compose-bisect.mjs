// Issue 18's bisect cost: 64 changed components, one of which breaks the smoke test. Composes tried
// and packages rebuilt (none: the two composes' packages are reused), and the time, with real dnf
// and bwrap. No timed assertions; `npm run bench` (BENCH_BISECT=0 skips it).
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const ROOT = join(import.meta.dirname, '..');

function repoOf(dir, n, culprit, version) {
  const top = mkdtempSync(join(tmpdir(), 'go-bisect-build-'));
  for (let i = 0; i < n; i++) {
    const name = `c${String(i).padStart(2, '0')}`;
    const text = i === culprit ? 'broken' : 'ok';
    const spec = join(top, `${name}.spec`);
    writeFileSync(spec, `Name: ${name}\nVersion: ${version}\nRelease: 1\nSummary: s\nLicense: MIT\nBuildArch: noarch\n%description\nd\n%install\nmkdir -p %{buildroot}/usr/share/${name}\necho ${text} > %{buildroot}/usr/share/${name}/state\n%files\n/usr/share/${name}\n`);
    const out = join(dir, name);
    mkdirSync(out, { recursive: true });
    execFileSync('rpmbuild', ['-bb', '--define', `_topdir ${top}`, '--define', `_rpmdir ${out}`, '--define', '_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm', spec], { stdio: 'ignore' });
  }
  execFileSync('createrepo_c', ['--no-database', dir], { stdio: 'ignore' });
}

export async function benchBisect({ suspects = Number(process.env.BENCH_BISECT_SUSPECTS ?? 64), culprit = 37 } = {}) {
  const { bisectComponents } = require(join(ROOT, 'out/server/src/core/compose/bisect.js'));
  const { runTests, hostBaseFor } = require(join(ROOT, 'out/server/src/core/compose/run-tests.js'));
  const { which } = require(join(ROOT, 'out/server/src/core/build/proc.js'));
  const base = mkdtempSync(join(tmpdir(), 'go-bench-bisect-'));
  const good = join(base, 'good');
  const raw = join(base, 'raw');
  let t = performance.now();
  repoOf(good, suspects, -1, '1');
  repoOf(raw, suspects, culprit, '2');
  const prepare = performance.now() - t;
  const names = Array.from({ length: suspects }, (_, i) => `c${String(i).padStart(2, '0')}`);
  const tests = { file: 'bench', repos: [], install: [{ name: 'all', packages: names }], commands: [{ name: 'nothing broken', run: ['sh', '-c', '! grep -l broken /usr/share/c*/state'] }], components: {} };
  const log = createWriteStream(join(base, 'bisect.log'));
  const hostBase = await hostBaseFor(tests, base);
  const opts = { releasever: '41', components: [], bwrap: which('bwrap'), log, logPath: join(base, 'bisect.log'), progress: () => undefined, hostBase };
  t = performance.now();
  const r = await bisectComponents(raw, good, names, names, async (repo) => {
    const steps = await runTests(repo, tests, opts);
    return steps.every((s) => s.ok);
  });
  const ms = performance.now() - t;
  log.end();
  console.log(`\nBisect: ${suspects} suspects, one breaks the smoke test (c${culprit}); real dnf installs and bwrap runs per compose\n`);
  console.log('| what | value |');
  console.log('|---|---|');
  console.log(`| culprit named | ${r.component} |`);
  console.log(`| composes tried | ${r.tried} (log2 ${suspects} = ${Math.log2(suspects).toFixed(0)}) |`);
  console.log(`| packages rebuilt | ${r.rebuilt} |`);
  console.log(`| bisect time | ${(ms / 1000).toFixed(1)} s (${(ms / r.tried / 1000).toFixed(1)} s a compose: hard links, createrepo_c, dnf install of ${suspects} packages, the command) |`);
  console.log(`| making the two composes (not part of the bisect) | ${(prepare / 1000).toFixed(1)} s |`);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchBisect();
