#!/usr/bin/env node
// Reshape every document of a real-world corpus manifest (see collect.py) into
// test/fixtures/real-world/modulemd/<id>.yaml, run modulemd-validator live on the reshaped file and
// keep it only when its verdict and first error line (and, for a packager document, those of the
// --type run) equal the original's. Writes the fixtures' manifest.json and prints what was dropped.
//   node scripts/corpus/build-fixtures.mjs /work/corpus/modulemd/manifest.json
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reshapeText } from './reshape.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = resolve(here, '..', '..', 'test', 'fixtures', 'real-world', 'modulemd');
const manifestPath = process.argv[2];
const root = dirname(resolve(manifestPath));
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));

const validator = (file, type) => {
  const v = JSON.parse(spawnSync('python3', [join(here, 'mmdval.py'), file, ...(type ? [type] : [])], { encoding: 'utf8' }).stdout);
  if (v.message) v.message = v.message.split(dirname(file) + '/').join('');
  return v;
};
const same = (a, b) => a.verdict === b.verdict && a.firstErrorLine === b.firstErrorLine;

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const kept = [];
const dropped = [];
for (const e of manifest) {
  const original = readFileSync(join(root, e.local), 'utf8');
  const reshaped = reshapeText(original);
  const file = join(outDir, `${e.id}.yaml`);
  if (reshaped.split('\n').length !== original.split('\n').length) {
    dropped.push({ id: e.id, reason: 'line count changed' });
    continue;
  }
  writeFileSync(file, reshaped);
  const v = validator(file);
  const typed = e.validatorTyped ? validator(file, e.kind) : undefined;
  let reason = null;
  if (!same(v, e.validator)) reason = `untyped: ${e.validator.verdict}@${e.validator.firstErrorLine} -> ${v.verdict}@${v.firstErrorLine} (${v.message ?? ''} / was ${e.validator.message ?? ''})`;
  else if (typed && !same(typed, e.validatorTyped)) reason = `typed: ${e.validatorTyped.verdict}@${e.validatorTyped.firstErrorLine} -> ${typed.verdict}@${typed.firstErrorLine} (${typed.message ?? ''} / was ${e.validatorTyped.message ?? ''})`;
  if (reason) {
    rmSync(file);
    dropped.push({ id: e.id, kind: e.kind, reason });
    continue;
  }
  kept.push({
    id: e.id,
    file: `${e.id}.yaml`,
    kind: e.kind,
    documents: e.documents,
    original: { repo: e.repo, commit: e.commit, path: e.path, sha256: e.sha256, license: e.license },
    validator: { ...v, args: v.args },
    ...(typed ? { validatorTyped: typed } : {}),
  });
}
writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(kept, null, 1) + '\n');
console.log(`${kept.length} kept, ${dropped.length} dropped`);
for (const d of dropped) console.log(`dropped ${d.id} [${d.kind ?? ''}]: ${d.reason}`);
