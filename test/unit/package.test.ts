import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { read, ROOT } from './helpers';

// The VSIX holds only what .vscodeignore keeps: a bundle left out (say, the analysis worker) would
// only fail in the installed extension, on the first huge document.
test('every bundle scripts/bundle.mjs writes is packaged in the VSIX', () => {
  const outfiles = [...read(join(ROOT, 'scripts/bundle.mjs')).matchAll(/outfile: '([^']+)'/g)].map((m) => m[1]);
  assert.deepEqual(outfiles.sort(), ['dist/analysis-worker.js', 'dist/autospec.js', 'dist/check.js', 'dist/cli.js', 'dist/extension.js', 'dist/server.js']);
  const kept = read(join(ROOT, '.vscodeignore')).split('\n');
  for (const file of outfiles) assert.ok(kept.includes(`!${file}`), `.vscodeignore keeps ${file}`);
});
