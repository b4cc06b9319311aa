#!/usr/bin/env node
// Makes every stand-in of scripts/corpus/real-histories.json from fetched repositories:
//   node scripts/corpus/collect-real-histories.mjs MIRRORS [NAME...]
// MIRRORS holds one fetched repository per entry, as OWNER+NAME/repo (a git directory). The checks
// 'autorelease-intro' and 'before-autorelease' are found in the history; others are revisions.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const HERE = import.meta.dirname;
const [mirrors, ...only] = process.argv.slice(2);
if (!mirrors) {
  console.error('usage: collect-real-histories.mjs MIRRORS [NAME...]');
  process.exit(2);
}
const { histories } = JSON.parse(readFileSync(join(HERE, 'real-histories.json'), 'utf8'));
for (const h of histories) {
  if (only.length && !only.includes(h.name)) continue;
  const gitdir = join(mirrors, h.repo.replace('/', '+'), 'repo');
  const git = (...args) => execFileSync('git', [`--git-dir=${gitdir}`, ...args]).toString().trim();
  const intro = git('log', '--format=%H', '--reverse', '-S', 'autorelease', 'HEAD', '--', h.spec).split('\n')[0];
  const checks = ['HEAD'];
  for (const c of h.checks) {
    if (c === 'autorelease-intro') checks.push(intro);
    else if (c === 'before-autorelease') {
      if (git('rev-list', '--parents', '-n', '1', intro).split(' ').length > 1) checks.push(`${intro}^`);
    } else checks.push(c);
  }
  execFileSync(process.execPath, [join(HERE, 'distgit-shape.mjs'), gitdir, h.spec, h.name, '--source', h.repo, ...checks.flatMap((c) => ['--check', c])], { stdio: 'inherit' });
}
