// npm run fuzz -- --runs N [--seed S] [--target engine|lsp|both]: seeded mutations of the example corpus,
// through the engine (checkText in-process) and through the language server over stdio
// (scripts/fuzz-lsp.mjs). Both targets get N runs with the same seed; the default is both.
// Reports runs, failures (with the seed to replay) and the slowest case; exits 1 on any failure.
//
//   --target engine|lsp|both   (default both)
//   --docs D                   lsp: at most D documents open at once (default 24)
//   --concurrency C            lsp: runs in flight at once (default 8)
//   --replay FILE              lsp: replay one failure file written by a failed run
import fc from 'fast-check';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { fuzzLsp, replayLsp } from './fuzz-lsp.mjs';

const require = createRequire(import.meta.url);
const { corpus, mutate, mutationEdit, mutationArb, checkInvariant } = require('../out/test/unit/fuzz-corpus.js');
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10000' },
    seed: { type: 'string' },
    target: { type: 'string', default: 'both' },
    docs: { type: 'string', default: '24' },
    concurrency: { type: 'string', default: '8' },
    replay: { type: 'string' },
  },
});
if (values.replay) {
  await replayLsp(values.replay);
  process.exit(0);
}
const runs = Number(values.runs);
const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
if (!['engine', 'lsp', 'both'].includes(values.target)) throw new Error(`--target engine|lsp|both, not ${values.target}`);
const docs = corpus();

function fuzzEngine() {
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
  console.log(`fuzz engine: ${count} runs in ${((performance.now() - t0) / 1000).toFixed(1)} s, seed ${seed}`);
  console.log(`slowest: ${slowest.ms.toFixed(1)} ms on a mutation of ${slowest.name} (${slowest.size} chars)`);
  if (result.failed) {
    console.log(`FAILED after ${result.numRuns} runs: ${result.errorInstance ?? result.error}`);
    console.log(`replay: npm run fuzz -- --target engine --runs ${runs} --seed ${seed}   (path ${result.counterexamplePath})`);
    console.log(`counterexample: ${JSON.stringify(result.counterexample).slice(0, 2000)}`);
    return false;
  }
  console.log('failures: 0');
  return true;
}

let ok = true;
if (values.target !== 'lsp') ok = fuzzEngine() && ok;
if (values.target !== 'engine') {
  if (values.target === 'both') console.log('');
  const r = await fuzzLsp({ runs, seed, docs: Number(values.docs), concurrency: Number(values.concurrency), fc, corpus: docs, mutationArb, mutate, mutationEdit });
  ok = r.failures.length === 0 && ok;
}
process.exit(ok ? 0 : 1);
