import fc from 'fast-check';
import { test } from 'node:test';
import { checkInvariant, corpus, mutate, mutationArb } from './fuzz-corpus';

/** A short fixed-seed slice of `npm run fuzz`: the engine never throws and every range is inside the text. */
test('fuzz slice: 400 seeded mutations of the example corpus', () => {
  const docs = corpus();
  fc.assert(
    fc.property(fc.nat({ max: docs.length - 1 }), mutationArb, (i, ms) => {
      checkInvariant(docs[i].name, mutate(docs[i].text, ms));
    }),
    { seed: 20261122, numRuns: 400 },
  );
});
