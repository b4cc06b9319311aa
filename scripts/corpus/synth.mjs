// One dictionary of synthetic words per file: every run of ASCII letters becomes a made-up word of the
// same length and case pattern, the same word always the same stand-in (one-to-one), drawn
// deterministically from a hash. Used by the corpus reshapers (modulemd, overlays, dist-git histories).
import { createHash } from 'node:crypto';

const RESERVED = new Set(['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null', 'nan', 'inf']);
const VOWELS = 'aeiou';
const CONSONANTS = 'bcdfghjklmnprstvz';

/** A fresh dictionary: returns synth(word) → its stand-in. */
export function wordSynth() {
  const dict = new Map();
  const used = new Set();
  return function synth(word) {
    const lower = word.toLowerCase();
    let out = dict.get(lower);
    // one letter carries no text: kept; short words fall back to any letters, then to themselves,
    // when the synthetic space is used up (the mapping must stay one-to-one)
    if (lower.length === 1) out = lower;
    for (let salt = 0; out === undefined; salt++) {
      const h = createHash('sha256').update(`${salt}:${lower}`).digest();
      let w = '';
      for (let i = 0; i < lower.length; i++)
        w += salt > 200 ? String.fromCharCode(97 + (h[i % 32] % 26)) : i % 2 ? VOWELS[h[i % 32] % 5] : CONSONANTS[h[(i + 7) % 32] % CONSONANTS.length];
      if (salt > 2000 && !used.has(lower)) w = lower;
      if ((w !== lower || salt > 2000) && !used.has(w) && !RESERVED.has(w)) {
        out = w;
        used.add(w);
        dict.set(lower, w);
      }
    }
    let cased = '';
    for (let i = 0; i < word.length; i++) cased += word[i] === word[i].toUpperCase() && word[i] !== word[i].toLowerCase() ? out[i].toUpperCase() : out[i];
    return cased;
  };
}
