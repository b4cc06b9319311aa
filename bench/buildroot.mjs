// Buildroot resolution over a generated index: 1,000 modules (2 streams each, 25 binary RPMs per
// build = 50,000 artifacts), a default stream for every module, runtime requires chaining modules,
// and 20,000 repository packages. Times loading the modules.yaml text, the non-modular buildroot
// (every default stream: Ursa Prime) and a module build's expansions. Target: resolution < 100 ms.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const ROOT = join(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const MODULES = 1000;
const STREAMS = 2;
const RPMS_PER_BUILD = 25;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function generate() {
  const docs = [];
  for (let m = 0; m < MODULES; m++) {
    for (let s = 1; s <= STREAMS; s++) {
      // Every tenth module needs the one before it (any stream): requirement chains to follow.
      const req = m % 10 === 0 && m > 0 ? `, mod${m - 1}: []` : '';
      const rpms = Array.from({ length: RPMS_PER_BUILD }, (_, k) => `    - mod${m}-pkg${k}-0:${s}.0-1.fc41.x86_64\n`).join('');
      docs.push(`---
document: modulemd
version: 2
data:
  name: mod${m}
  stream: "${s}"
  version: 2024010100000${s}
  context: c0ffee42
  arch: x86_64
  summary: generated
  description: generated
  license: {module: [MIT]}
  dependencies:
  - buildrequires: {platform: [f41]}
    requires: {platform: [f41]${req}}
  artifacts:
    rpms:
${rpms}...
`);
    }
    docs.push(`---\ndocument: modulemd-defaults\nversion: 1\ndata:\n  module: mod${m}\n  stream: "${1 + (m % STREAMS)}"\n...\n`);
  }
  const subject = `document: modulemd
version: 2
data:
  name: demo
  stream: "1"
  summary: s
  description: d
  license: {module: [MIT]}
  dependencies:
  - buildrequires: {platform: [f41], ${Array.from({ length: 20 }, (_, i) => `mod${i * 37}: []`).join(', ')}}
  - buildrequires: {platform: [-f39], ${Array.from({ length: 6 }, (_, i) => `mod${i * 101 + 5}: ["1", "2"]`).join(', ')}}
`;
  return { modules: docs.join(''), subject };
}

export async function benchBuildroot() {
  const { ModuleIndex, readModuleText, streamsOfDocument } = require(join(ROOT, 'out/server/src/core/buildroot/index.js'));
  const { resolveModule, resolveNonModular } = require(join(ROOT, 'out/server/src/core/buildroot/resolve.js'));
  const { parseYaml } = require(join(ROOT, 'out/server/src/core/yaml/parse.js'));
  const { modules, subject } = generate();
  const packages = Array.from({ length: 20000 }, (_, i) => ({ name: `base${i}`, nevra: `base${i}-0:1-1.fc41.x86_64` }));

  const load = [];
  let index;
  for (let i = 0; i < Math.min(RUNS, 3); i++) {
    const t0 = performance.now();
    index = new ModuleIndex();
    index.addFile(readModuleText(modules, 'modules.yaml'));
    index.addPackages(packages);
    load.push(performance.now() - t0);
  }
  const streams = parseYaml(subject).documents.flatMap((d) => streamsOfDocument(d, 'demo.yaml'));
  // The nonModular cache is built on the first resolution; both timings below start warm, as an editor would be.
  resolveNonModular(index, { platform: 'platform:f41' });
  const timeIt = (fn) => {
    const times = [];
    let out;
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      out = fn();
      times.push(performance.now() - t0);
    }
    return { ms: median(times), out };
  };
  const plain = timeIt(() => resolveNonModular(index, { platform: 'platform:f41' }));
  const mod = timeIt(() => resolveModule(streams, index, { platform: 'platform:f41' }));
  // Without defaults every list expands: 2^6 = 64 combinations in the second entry.
  const bare = new ModuleIndex();
  bare.addFile({ ...readModuleText(modules, 'modules.yaml'), defaults: [] });
  bare.addPackages(packages);
  resolveModule(streams, bare, { platform: 'platform:f41' });
  const wide = timeIt(() => resolveModule(streams, bare, { platform: 'platform:f41' }));

  const e = plain.out.expansions[0];
  console.log(`\nbuildroot resolution: ${MODULES} modules × ${STREAMS} streams, ${MODULES * STREAMS * RPMS_PER_BUILD} artifacts, ${packages.length} repository packages; median of ${RUNS}\n`);
  console.log('| what | result | time |');
  console.log('|---|---|---|');
  console.log(`| load modules.yaml (${(modules.length / 1048576).toFixed(1)} MiB) into the index | ${MODULES * STREAMS} builds, ${MODULES} defaults | ${median(load).toFixed(0)} ms |`);
  console.log(`| non-modular buildroot (platform + every default stream) | ${e.modules.length} modules, ${e.rpms.length} rpms | ${plain.ms.toFixed(1)} ms |`);
  console.log(`| module with 20 + 6 buildrequires, defaults known | ${mod.out.expansions.length} expansions | ${mod.ms.toFixed(1)} ms |`);
  console.log(`| same module, no defaults (lists expand) | ${wide.out.expansions.length} expansions | ${wide.ms.toFixed(1)} ms |`);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchBuildroot();
