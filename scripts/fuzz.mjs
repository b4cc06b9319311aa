// npm run fuzz -- --runs N [--seed S]: seeded mutations of the example corpus through the engine.
// Reports runs, failures (with the seed and path to replay) and the slowest case.
import fc from 'fast-check';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { corpus, mutate, mutationArb, checkInvariant } = require('../out/test/unit/fuzz-corpus.js');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '10000' }, seed: { type: 'string' } } });
const runs = Number(values.runs);
const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
const docs = corpus();
let slowest = { ms: 0, name: '', size: 0 };
let count = 0;
const t0 = performance.now();
const result = fc.check(
  fc.property(fc.nat({ max: docs.length - 1 }), mutationArb, (i, ms) => {
    const text = mutate(docs[i].text, ms);
    const s = performance.now();
    checkInvariant(docs[i].name, text);
    const ms2 = performance.now() - s;
    count++;
    if (ms2 > slowest.ms) slowest = { ms: ms2, name: docs[i].name, size: text.length };
  }),
  { seed, numRuns: runs },
);
console.log(`fuzz: ${count} runs in ${((performance.now() - t0) / 1000).toFixed(1)} s, seed ${seed}`);
console.log(`slowest: ${slowest.ms.toFixed(1)} ms on a mutation of ${slowest.name} (${slowest.size} chars)`);
if (result.failed) {
  console.log(`FAILED after ${result.numRuns} runs: ${result.errorInstance ?? result.error}`);
  console.log(`replay: npm run fuzz -- --runs ${runs} --seed ${seed}   (path ${result.counterexamplePath})`);
  console.log(`counterexample: ${JSON.stringify(result.counterexample).slice(0, 2000)}`);
  process.exit(1);
}
console.log('failures: 0');
