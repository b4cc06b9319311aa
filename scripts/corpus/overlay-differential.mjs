#!/usr/bin/env node
// Differential test: rdgo's own verdict (scripts/corpus/rdgo-verdict.py, run live
// against an rpmdistro-gitoverlay checkout given with --rdgo-src) against
// `gitoverlay check --format json` on the same overlay files.
//
//   node scripts/corpus/overlay-differential.mjs --rdgo-src DIR [--python PY]
//        (--manifest MANIFEST.json | FILE...)
//
// A manifest is a JSON array of {id, local, ...}; files given directly get
// their path as id. Each file is checked by both sides as `overlay.yml` in a
// directory of its own (rdgo only ever reads `<workdir>/overlay.yml`).
// Agreement: rdgo says "error" exactly when gitoverlay reports at least one
// error-severity diagnostic. Lines are compared too, reported separately.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');

function parseArgs(argv) {
  const opts = { python: '/usr/bin/python3', files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--rdgo-src') opts.rdgoSrc = argv[++i];
    else if (a === '--python') opts.python = argv[++i];
    else if (a === '--manifest') opts.manifest = argv[++i];
    else if (a === '--help' || a === '-h') opts.help = true;
    else opts.files.push(a);
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
if (opts.help || !opts.rdgoSrc || (!opts.manifest && opts.files.length === 0)) {
  console.error('usage: overlay-differential.mjs --rdgo-src DIR [--python PY] (--manifest M.json | FILE...)');
  process.exit(opts.help ? 0 : 2);
}

let entries;
if (opts.manifest) {
  entries = JSON.parse(readFileSync(opts.manifest, 'utf8')).map((e) => ({ id: e.id, local: e.local }));
} else {
  entries = opts.files.map((f) => ({ id: f, local: f }));
}
// one run per distinct file; every id sharing it is reported with it
const byLocal = new Map();
for (const e of entries) {
  const abs = resolve(e.local);
  if (!byLocal.has(abs)) byLocal.set(abs, []);
  byLocal.get(abs).push(e.id);
}

const work = mkdtempSync(join(tmpdir(), 'overlay-differential-'));
const staged = []; // {local, ids, path}
let n = 0;
for (const [local, ids] of byLocal) {
  const dir = join(work, String(n++));
  mkdirSync(dir);
  const path = join(dir, 'overlay.yml');
  copyFileSync(local, path);
  staged.push({ local, ids, path });
}

try {
  // rdgo side
  const py = spawnSync(opts.python, [join(here, 'rdgo-verdict.py'), '--rdgo-src', opts.rdgoSrc,
    ...staged.map((s) => s.path)], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (py.status !== 0) {
    console.error(py.stderr);
    throw new Error(`rdgo-verdict.py exited with ${py.status}`);
  }
  const rdgo = new Map();
  for (const line of py.stdout.split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line);
    rdgo.set(r.file, r);
  }

  // gitoverlay side
  const go = spawnSync(process.execPath, [join(repoRoot, 'bin', 'gitoverlay.js'), 'check', '--format', 'json',
    ...staged.map((s) => s.path)], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (!go.stdout) {
    console.error(go.stderr);
    throw new Error(`gitoverlay check exited with ${go.status} and no output`);
  }
  const ours = new Map();
  for (const f of JSON.parse(go.stdout).files) ours.set(resolve(f.path), f.diagnostics ?? []);

  let agree = 0;
  let agreeIds = 0;
  let lineAgree = 0;
  let bothError = 0;
  let cacheUnused = 0;
  let cacheUnusedIds = 0;
  let rdgoErrors = 0;
  let notRdgo = 0;
  const classes = new Map();
  const bothErrorClasses = new Map();
  const addClass = (key, item) => {
    if (!classes.has(key)) classes.set(key, []);
    classes.get(key).push(item);
  };
  const normalize = (msg) => (msg ?? '')
    .replace(/\{.*\}$/s, '{…}')
    .replace(/Invalid uri b'[^']*'/, "Invalid uri b'…'")
    .replace(/Unknown key \S+ in/, 'Unknown key K in')
    .replace(/Unknown spec type .*/, 'Unknown spec type …')
    .replace(/Component '[^']*': Unknown patches action '[^']*'/, "Component '…': Unknown patches action '…'")
    .split('\n')[0];

  for (const s of staged) {
    const r = rdgo.get(s.path);
    const diags = ours.get(resolve(s.path)) ?? [];
    const errors = diags.filter((d) => d.severity === 'error');
    if (diags.some((d) => d.code === 'overlay.cache-unused')) {
      cacheUnused++;
      cacheUnusedIds += s.ids.length;
    }
    const rdgoErr = r.verdict === 'error';
    if (rdgoErr) rdgoErrors++;
    // Another tool's overlay.yml: gitoverlay says so once (a warning) and rdgo stops on it; both refuse it as rdgo's.
    const foreign = diags.some((d) => d.code === 'overlay.not-rdgo');
    if (foreign) notRdgo++;
    const ourErr = errors.length > 0 || foreign;
    const ourSide = errors.map((d) => ({ code: d.code, message: d.message, line: d.range.start.line + 1 }));
    const item = { ids: s.ids, local: s.local, rdgo: r, ours: ourSide };
    if (rdgoErr === ourErr) {
      agree++;
      agreeIds += s.ids.length;
      if (rdgoErr) {
        bothError++;
        const k = `rdgo ${r.stage} "${normalize(r.error)}" / gitoverlay ${[...new Set(ourSide.map((d) => d.code))].sort().join(',')}`;
        bothErrorClasses.set(k, [...(bothErrorClasses.get(k) ?? []), s.ids[0]]);
        if (r.line === null || ourSide.some((d) => d.line === r.line)) lineAgree++;
        else addClass(`both error, different line: rdgo ${r.stage} "${normalize(r.error)}" / gitoverlay ${[...new Set(ourSide.map((d) => d.code))].join(',')}`, item);
      }
    } else if (rdgoErr) {
      addClass(`rdgo error, gitoverlay no error: rdgo ${r.stage} "${normalize(r.error)}"`, item);
    } else {
      addClass(`rdgo ok, gitoverlay error: ${[...new Set(ourSide.map((d) => d.code))].join(',')}`, item);
    }
  }

  const out = [];
  for (const [key, items] of [...classes].sort((a, b) => b[1].length - a[1].length)) {
    out.push(`== ${key} (${items.length} files, ${items.reduce((k, i) => k + i.ids.length, 0)} manifest entries)`);
    for (const it of items.slice(0, 6)) {
      out.push(`  ${it.ids[0]}${it.ids.length > 1 ? ` (+${it.ids.length - 1} more ids)` : ''}  [${it.local}]`);
      out.push(`    rdgo: ${it.rdgo.verdict}${it.rdgo.stage ? ` ${it.rdgo.stage}` : ''}${it.rdgo.error ? `: ${it.rdgo.error.split('\n')[0]}` : ''}${it.rdgo.line ? ` (line ${it.rdgo.line})` : ''}`);
      if (it.ours.length === 0) out.push('    gitoverlay: no error');
      for (const d of it.ours) out.push(`    gitoverlay: ${d.code} line ${d.line}: ${d.message}`);
    }
    if (items.length > 6) out.push(`  … ${items.length - 6} more`);
  }
  out.push('');
  out.push('-- agreements where both sides say error:');
  for (const [key, ids] of [...bothErrorClasses].sort((a, b) => b[1].length - a[1].length)) {
    out.push(`  ${ids.length} × ${key}  (e.g. ${ids.slice(0, 2).join(', ')})`);
  }
  out.push('');
  out.push(`rdgo says error on ${rdgoErrors}/${staged.length} distinct files`);
  out.push(`not rdgo's format (overlay.not-rdgo, counted as refused): ${notRdgo}/${staged.length} distinct files`);
  out.push(`both error with a matching line (or rdgo cannot place it): ${lineAgree}/${bothError}`);
  out.push(`overlay.cache-unused warning on ${cacheUnused}/${staged.length} distinct files (${cacheUnusedIds}/${entries.length} manifest entries)`);
  out.push(`${agreeIds}/${entries.length} manifest entries agree`);
  out.push(`${agree}/${staged.length} overlays agree`);
  console.log(out.join('\n'));
} finally {
  rmSync(work, { recursive: true, force: true });
}
