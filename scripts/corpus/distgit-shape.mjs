#!/usr/bin/env node
// The shape of a real dist-git history, as a stand-in fixture for test/fixtures/real-histories/.
//   node scripts/corpus/distgit-shape.mjs GITDIR SPECPATH NAME --source OWNER/REPO [--rev REV] [--check REV]...
// GITDIR: a fetched repository; SPECPATH: the spec's path in it (a subdirectory is kept as the layout
// to test gitoverlay's whole-history reading on). Every commit reachable from REV is kept with its
// parents, committer and author times; authors become stand-ins (one per person); messages, spec and
// changelog versions are reshaped (distgit-reshape.mjs). The spec directory's tree in each commit
// becomes a class number, so that "this merge has the same tree as that parent" holds exactly as in
// the real history. Written brotli-compressed (versions repeat: a large window finds them).
// No text of the original is kept; its repository, commit and path are recorded.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { brotliCompressSync, constants } from 'node:zlib';
import { reshapeChangelogFile, reshapeMessage, reshapeSpec } from './distgit-reshape.mjs';
import { wordSynth } from './synth.mjs';

const ROOT = join(import.meta.dirname, '../..');
const { values, positionals } = parseArgs({ options: { source: { type: 'string' }, rev: { type: 'string', default: 'HEAD' }, check: { type: 'string', multiple: true } }, allowPositionals: true });
const [gitdir, specPath, name] = positionals;
if (!gitdir || !specPath || !name || !values.source) {
  console.error('usage: distgit-shape.mjs GITDIR SPECPATH NAME --source OWNER/REPO [--rev REV] [--check REV]...');
  process.exit(2);
}
const git = (args, input) => execFileSync('git', [`--git-dir=${gitdir}`, ...args], { input, maxBuffer: 1 << 30 });
const head = git(['rev-parse', '--verify', `${values.rev}^{commit}`]).toString().trim();
const dir = dirname(specPath) === '.' ? '' : dirname(specPath);
const inDir = (f) => (dir ? `${dir}/${f}` : f);

// Parents first.
const order = git(['rev-list', '--topo-order', '--reverse', '--parents', head]).toString().trim().split('\n').map((l) => l.split(' '));
const index = new Map(order.map(([id], i) => [id, i]));
const meta = new Map();
const fields = git(['log', '-z', '--format=%H%x00%an%x00%ae%x00%at%x00%ct%x00%B', head]).toString().split('\0');
for (let i = 0; i + 5 < fields.length; i += 6) {
  meta.set(fields[i].replace(/^\n/, ''), { an: fields[i + 1], ae: fields[i + 2], at: Number(fields[i + 3]), ct: Number(fields[i + 4]), message: fields[i + 5] });
}
const lookups = order.flatMap(([id]) => [`${id}:${specPath}`, `${id}:${inDir('changelog')}`, dir ? `${id}:${dir}` : `${id}^{tree}`]);
const answers = git(['cat-file', '--batch-check=%(objectname) %(objecttype)'], lookups.join('\n') + '\n').toString().split('\n');
const objectOf = (k, type) => {
  const [id, t] = answers[k].split(' ');
  return t === type ? id : null;
};
const wanted = new Set();
for (let k = 0; k < order.length; k++) for (const j of [0, 1]) if (objectOf(3 * k + j, 'blob')) wanted.add(objectOf(3 * k + j, 'blob'));
const ids = [...wanted];
const batch = git(['cat-file', '--batch'], ids.join('\n') + '\n');
const text = new Map();
let pos = 0;
for (const id of ids) {
  const nl = batch.indexOf(10, pos);
  const size = Number(batch.toString('utf8', pos, nl).split(' ')[2]);
  text.set(id, batch.toString('utf8', nl + 1, nl + 1 + size));
  pos = nl + 1 + size + 1;
}

const synth = wordSynth();
const blobs = [];
const blobIndex = new Map();
const blob = (id, reshape) => {
  if (id === null) return -1;
  if (!blobIndex.has(id)) {
    blobIndex.set(id, blobs.length);
    blobs.push(reshape(text.get(id), synth));
  }
  return blobIndex.get(id);
};
const people = new Map();
const person = (n, e) => {
  const key = `${n}\0${e}`;
  if (!people.has(key)) people.set(key, people.size);
  return people.get(key);
};
const trees = new Map();
const commits = order.map(([id, ...parents], k) => {
  const m = meta.get(id);
  const tree = objectOf(3 * k + 2, 'tree');
  if (tree !== null && !trees.has(tree)) trees.set(tree, trees.size);
  return [
    parents.map((p) => index.get(p)),
    person(m.an, m.ae),
    m.at,
    m.ct,
    reshapeMessage(m.message, synth),
    blob(objectOf(3 * k, 'blob'), reshapeSpec),
    blob(objectOf(3 * k + 1, 'blob'), reshapeChangelogFile),
    tree === null ? -1 : trees.get(tree),
  ];
});
// Stand-in people: non-ASCII names stay non-ASCII (the changelog header shows them).
const authors = [...people.keys()].map((key, i) => {
  const [n] = key.split('\0');
  return `${/[^\x00-\x7f]/.test(n) ? 'Zoë' : 'Pat'} Packager${i + 1} <packager${i + 1}@example.org>`;
});
const checks = (values.check ?? ['HEAD']).map((rev) => {
  const id = git(['rev-parse', '--verify', `${rev}^{commit}`]).toString().trim();
  if (!index.has(id)) throw new Error(`${rev} is not in the history of ${values.rev}`);
  return { label: rev, commit: index.get(id) };
});
const fixture = {
  source: { repo: values.source, commit: head, path: specPath },
  specName: specPath.split('/').pop(),
  dir,
  authors,
  blobs,
  commits,
  checks,
};
const out = join(ROOT, 'test/fixtures/real-histories', `${name}.shape.json.br`);
mkdirSync(dirname(out), { recursive: true });
const json = Buffer.from(JSON.stringify(fixture));
const packed = brotliCompressSync(json, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24, [constants.BROTLI_PARAM_SIZE_HINT]: json.length } });
writeFileSync(out, packed);
console.log(`${out}: ${commits.length} commits, ${commits.filter((c) => c[0].length > 1).length} merges, ${blobs.length} spec/changelog versions, ${trees.size} trees, ${(json.length / 1e6).toFixed(1)} MB → ${(packed.length / 1e3).toFixed(0)} kB`);
