#!/usr/bin/env node
// Differential run of modulemd-validator (live) against gitoverlay's engine on a corpus.
//   node scripts/corpus/differential.mjs MANIFEST [--root DIR] [--all]
// MANIFEST: a JSON array of {id, local|file, kind}; files are resolved against --root (default: the
// manifest's directory). The validator runs without --type, and for a single modulemd-packager
// document with --type modulemd-packager-vN too; that typed run is the verdict compared (libmodulemd
// ignores packager documents when reading an index). gitoverlay runs as `bin/gitoverlay.js check
// --format json`; its verdict is invalid when at least one diagnostic has error severity.
// Prints one row per disagreement (all rows with --all), then "N/M files agree".
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const args = process.argv.slice(2);
const manifestPath = args.find((a) => !a.startsWith('--') && args[args.indexOf(a) - 1] !== '--root');
if (!manifestPath) {
  console.error('usage: differential.mjs MANIFEST [--root DIR] [--all]');
  process.exit(2);
}
const rootIdx = args.indexOf('--root');
const root = rootIdx >= 0 ? resolve(args[rootIdx + 1]) : dirname(resolve(manifestPath));
const showAll = args.includes('--all');
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));

function validator(file, type) {
  const r = spawnSync('python3', [join(here, 'mmdval.py'), file, ...(type ? [type] : [])], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mmdval.py failed on ${file}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function gitoverlayBatch(files) {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'gitoverlay.js'), 'check', '--format', 'json', ...files], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (r.status === 2 || !r.stdout) throw new Error(`gitoverlay check failed: ${r.stderr}`);
  const out = new Map();
  for (const f of JSON.parse(r.stdout).files) out.set(resolve(f.path), f.diagnostics);
  return out;
}

const rows = [];
const files = manifest.map((e) => resolve(root, e.local ?? e.file));
const go = new Map();
for (let i = 0; i < files.length; i += 40) for (const [k, v] of gitoverlayBatch(files.slice(i, i + 40))) go.set(k, v);

let agree = 0;
for (const [i, e] of manifest.entries()) {
  const file = files[i];
  const untyped = validator(file);
  const packager = /^modulemd-packager-v\d$/.test(e.kind ?? '') ? e.kind : null;
  const v = packager ? validator(file, packager) : untyped;
  const diags = go.get(file);
  const errors = (diags ?? []).filter((d) => d.severity === 'error').sort((a, b) => a.range.start.line - b.range.start.line);
  const g = {
    verdict: diags === undefined ? 'not-checked' : errors.length ? 'invalid' : 'valid',
    line: errors.length ? errors[0].range.start.line + 1 : null,
    code: errors[0]?.code ?? null,
    message: errors[0]?.message ?? null,
    errors: errors.length,
  };
  const same = g.verdict === v.verdict;
  if (same) agree++;
  rows.push({ id: e.id, kind: e.kind, file, same, validator: v, untyped: packager ? untyped : undefined, gitoverlay: g });
}

const fmt = (s) => (s == null ? '-' : String(s).replace(/\s+/g, ' '));
for (const r of rows) {
  if (r.same && !showAll) continue;
  console.log(`${r.same ? 'AGREE' : 'DISAGREE'}  ${r.id}  [${r.kind}]`);
  console.log(`  file:       ${r.file}`);
  console.log(`  validator:  ${r.validator.verdict} line ${fmt(r.validator.firstErrorLine)} (${r.validator.args.join(' ') || 'no --type'}) ${fmt(r.validator.message)}`);
  if (r.untyped) console.log(`  (untyped:   ${r.untyped.verdict} line ${fmt(r.untyped.firstErrorLine)} ${fmt(r.untyped.message)})`);
  console.log(`  gitoverlay: ${r.gitoverlay.verdict} line ${fmt(r.gitoverlay.line)} ${r.gitoverlay.code ? `[${r.gitoverlay.code}] ` : ''}${fmt(r.gitoverlay.message)}${r.gitoverlay.errors > 1 ? ` (+${r.gitoverlay.errors - 1} more errors)` : ''}`);
}
const table = rows.filter((r) => !r.same);
console.log('');
console.log('id | validator verdict | validator line | gitoverlay verdict | gitoverlay line | code | message');
for (const r of table)
  console.log([r.id, r.validator.verdict, fmt(r.validator.firstErrorLine), r.gitoverlay.verdict, fmt(r.gitoverlay.line), fmt(r.gitoverlay.code), fmt(r.gitoverlay.message)].join(' | '));
console.log('');
console.log(`${agree}/${rows.length} files agree`);
if (process.env.DIFFERENTIAL_JSON) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(process.env.DIFFERENTIAL_JSON, JSON.stringify(rows, null, 1));
}
