// Checks gitoverlay's whole-history answer for a spec in a subdirectory against rpmautospec, on a real
// repository: rpmautospec only reads a repository at the spec's own directory, so the history is
// copied commit for commit (merges, dates, messages) with that directory moved to the top, and
// rpmautospec runs there. gitoverlay runs on the original. All outputs must be byte-identical.
//
//   GITOVERLAY_RPMAUTOSPEC=/path/to/rpmautospec node scripts/corpus/subdir-parity.mjs REPO SUBDIR/NAME.spec [REV...]
//
// REPO: a git directory or work tree (e.g. a fetched mirror); REV: commits to check (default HEAD).
// Nothing is written outside a temporary directory. Needs `npm run build` first.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ROOT = join(import.meta.dirname, '../..');
const { rewritePaths } = require(join(ROOT, 'out/test/unit/git-rewrite.js'));

const [repo, specRel, ...revs] = process.argv.slice(2);
const oracle = process.env.GITOVERLAY_RPMAUTOSPEC;
if (!repo || !specRel || !specRel.includes('/') || !oracle) {
  console.error('usage: GITOVERLAY_RPMAUTOSPEC=RUNNER node scripts/corpus/subdir-parity.mjs REPO SUBDIR/NAME.spec [REV...]');
  process.exit(2);
}
const sub = dirname(specRel);
const name = basename(specRel);
const base = mkdtempSync(join(tmpdir(), 'gitoverlay-subdir-parity-'));
const git = (cwd, ...args) => execFileSync('git', args, { cwd, maxBuffer: 1 << 30 }).toString().trim();
const run = (cmd, args, cwd) => {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  return { code: r.status, out: r.stdout, err: r.stderr.trim().split('\n').pop() ?? '' };
};
const ours = (args, dir) => run(process.execPath, [join(ROOT, 'bin/gitoverlay.js'), ...args], dir);
const theirs = (args, dir) => run(oracle, args, dir);

let failed = 0;
for (const rev of revs.length ? revs : ['HEAD']) {
  const id = git(repo, 'rev-parse', '--verify', '--end-of-options', `${rev}^{commit}`);
  const clone = join(base, `${id.slice(0, 12)}-original`);
  git(base, 'clone', '-q', '--no-checkout', repo, clone);
  git(clone, 'checkout', '-q', '-B', 'check', id);
  const moved = join(base, `${id.slice(0, 12)}-moved`);
  rewritePaths(clone, moved, 'check', (path) => (path.startsWith(`${sub}/`) ? path.slice(sub.length + 1) : null));
  const commits = git(clone, 'rev-list', '--count', 'HEAD');
  const merges = git(clone, 'rev-list', '--merges', '--count', 'HEAD');
  const same = git(moved, 'rev-list', '--count', 'HEAD') === commits;
  console.log(`\n${rev} (${id.slice(0, 12)}): ${commits} commits, ${merges} merges; copy with ${sub}/ at the top has ${same ? 'the same commits' : 'OTHER COMMITS'}`);
  if (!same) failed++;
  for (const lenient of [false, true]) {
    const flag = lenient ? ['--no-error-on-unparseable-spec'] : [];
    const pairs = [
      ['release', ours(['release', ...flag, join(clone, specRel)], clone), theirs([...flag, 'calculate-release', name], moved)],
      ['changelog', ours(['changelog', ...flag, join(clone, specRel)], clone), theirs([...flag, 'generate-changelog', name], moved)],
    ];
    for (const [what, a, b] of pairs) {
      const equal = a.code === b.code && (a.code !== 0 || a.out === b.out);
      if (!equal) failed++;
      const show = (r) => (r.code === 0 ? (what === 'release' ? r.out.trim() : `${r.out.split('\n').length} lines`) : `exit ${r.code}: ${r.err}`);
      console.log(`  ${lenient ? 'lenient ' : ''}${what}: ${equal ? 'identical' : 'DIFFERENT'} (gitoverlay ${show(a)}; rpmautospec ${show(b)})`);
    }
  }
}
console.log(failed ? `\n${failed} differences` : '\nall identical');
process.exit(failed ? 1 : 0);
