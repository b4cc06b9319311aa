#!/usr/bin/env node
// Builds the committed overlay corpus: every distinct real overlay of a manifest (made by collecting
// overlays from their repositories' histories, judged by rdgo-verdict.py) reshaped with reshape.mjs,
// judged again by rdgo's own code, and kept only when rdgo's verdict and error are unchanged.
//   node scripts/corpus/build-overlay-fixtures.mjs --rdgo-src DIR --manifest MANIFEST [--probes DIR]
// Writes test/fixtures/real-world/overlays/{<n>.yml,manifest.json} (and probes/ with their verdicts).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { reshapeText } from './reshape.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const { values } = parseArgs({ options: { 'rdgo-src': { type: 'string' }, manifest: { type: 'string' }, probes: { type: 'string' } } });
if (!values['rdgo-src'] || !values.manifest) {
  console.error('usage: build-overlay-fixtures.mjs --rdgo-src DIR --manifest MANIFEST [--probes DIR]');
  process.exit(2);
}
// Licences of the source repositories (SPDX; NOASSERTION where the repository has no licence file).
const LICENSES = {
  'rpm-software-management/ci-dnf-stack': 'GPL-3.0-only',
  'rpm-software-management/rpm-gitoverlay': 'GPL-3.0-only',
  'projectatomic/rpmdistro-gitoverlay': 'LGPL-2.0-only',
  'stCarolas/evscript-rpm-package': 'MIT',
};
const OUT = join(root, 'test/fixtures/real-world/overlays');
mkdirSync(OUT, { recursive: true });

function rdgo(files) {
  const r = spawnSync('/usr/bin/python3', [join(here, 'rdgo-verdict.py'), '--rdgo-src', values['rdgo-src'], ...files], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const out = new Map();
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const v = JSON.parse(line);
    out.set(v.file, v);
  }
  return out;
}
// rdgo's error without what reshaping renames (names, URLs inside the message).
const errorClass = (e) => (e ?? '').split(':')[0];

const manifest = JSON.parse(readFileSync(values.manifest, 'utf8'));
const distinct = new Map();
for (const e of manifest) if (!distinct.has(e.sha256)) distinct.set(e.sha256, e);
const staged = [];
let n = 0;
for (const e of distinct.values()) {
  const id = String(++n).padStart(3, '0');
  // rdgo reads overlay.yml: each stand-in gets its own directory under that name.
  const dir = join(OUT, id);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'overlay.yml');
  writeFileSync(file, reshapeText(readFileSync(e.local, 'utf8')));
  staged.push({ e, id, file });
}
const verdicts = rdgo(staged.map((s) => s.file));
const kept = [];
const dropped = [];
for (const s of staged) {
  const v = verdicts.get(s.file);
  const same = v && v.verdict === s.e.rdgo.verdict && errorClass(v.error) === errorClass(s.e.rdgo.error);
  if (!same) {
    dropped.push(`${s.e.id}: ${s.e.rdgo.verdict} ${s.e.rdgo.error ?? ''} → ${v?.verdict} ${v?.error ?? ''}`);
    spawnSync('rm', ['-rf', dirname(s.file)]);
    continue;
  }
  kept.push({
    id: s.id,
    file: `${s.id}/overlay.yml`,
    original: { repo: s.e.repo, commit: s.e.commit, path: s.e.path, sha256: s.e.sha256, license: LICENSES[s.e.repo] ?? 'NOASSERTION' },
    rdgo: { verdict: v.verdict, stage: v.stage, error: v.error, line: v.line },
  });
}
const probes = [];
if (values.probes) {
  const pdir = join(OUT, 'probes');
  mkdirSync(pdir, { recursive: true });
  const files = readdirSync(values.probes).filter((f) => f.endsWith('.yml')).sort();
  for (const f of files) {
    mkdirSync(join(pdir, f.replace(/\.yml$/, '')), { recursive: true });
    copyFileSync(join(values.probes, f), join(pdir, f.replace(/\.yml$/, ''), 'overlay.yml'));
  }
  const pv = rdgo(files.map((f) => join(pdir, f.replace(/\.yml$/, ''), 'overlay.yml')));
  for (const f of files) {
    const file = join(pdir, f.replace(/\.yml$/, ''), 'overlay.yml');
    const v = pv.get(file);
    probes.push({ id: `probe-${f.replace(/\.yml$/, '')}`, file: `probes/${f.replace(/\.yml$/, '')}/overlay.yml`, rdgo: { verdict: v.verdict, stage: v.stage, error: v.error, line: v.line } });
  }
}
writeFileSync(join(OUT, 'manifest.json'), JSON.stringify({ real: kept, probes }, null, 1) + '\n');
console.log(`${kept.length} real overlays kept, ${dropped.length} dropped; ${probes.length} probes`);
for (const d of dropped) console.log(`  dropped ${d}`);
