import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { before, describe, test } from 'node:test';
import { ROOT } from './helpers';

// Issue 17: the same commits build the same repository, byte for byte, wherever and whenever they are
// built (SOURCE_DATE_EPOCH from the commits, rpm's clamp and build-host macros, the _topdir at one
// path in the sandbox, createrepo_c's revision and timestamps pinned); `gitoverlay diff` says so, and
// says what changed when something did.

process.env.GIT_CONFIG_GLOBAL = '/dev/null';
process.env.GIT_CONFIG_NOSYSTEM = '1';
const has = (tool: string): boolean => (process.env.PATH ?? '').split(':').some((d) => existsSync(join(d, tool)));
const missing = ['rpmbuild', 'createrepo_c', 'modifyrepo_c', 'bwrap'].filter((t) => !has(t));
const skip = missing.length ? `needs ${missing.join(', ')} (not installed; without bwrap the _topdir path differs per directory)` : false;

const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/gitoverlay.js'), ...args], { encoding: 'utf8' });

/** sha256 of every file of a repository but the build logs (what a user would publish). */
function checksums(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name !== 'build.log') out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

describe('reproducible builds, and gitoverlay diff', { skip }, () => {
  let base: string;
  let first: string;
  let second: string;

  before(() => {
    base = mkdtempSync(join(tmpdir(), 'go-repro-'));
    first = join(base, 'a', 'world');
    execFileSync(process.execPath, [join(ROOT, 'examples/make-world.mjs'), first], { stdio: 'ignore' });
    // The same world (the same commits) in another directory, with its own mirrors, built later.
    second = join(base, 'elsewhere', 'copy', 'world');
    cpSync(first, second, { recursive: true });
    for (const f of ['overlay.yml', 'motd-module.yaml']) writeFileSync(join(second, f), readFileSync(join(second, f), 'utf8').split(first).join(second));
  });

  test('the overlay built twice, in two directories at different times: byte-identical packages and repodata', async () => {
    const one = join(base, 'out-a');
    const two = join(base, 'elsewhere', 'out-b');
    assert.equal(cli('build', '--backend', 'local', '--out', one, join(first, 'overlay.yml')).status, 0);
    await new Promise((r) => setTimeout(r, 1_100));
    assert.equal(cli('build', '--backend', 'local', '--out', two, join(second, 'overlay.yml')).status, 0);
    const [x, y] = [checksums(one), checksums(two)];
    assert.ok(Object.keys(x).some((f) => f.endsWith('.src.rpm')) && Object.keys(x).some((f) => f.endsWith('repomd.xml')));
    assert.deepEqual(y, x);
    const d = cli('diff', one, two);
    assert.equal(d.status, 0, d.stdout + d.stderr);
    assert.match(d.stdout, /^identical: 6 packages and the repository metadata, byte for byte/m);
  });

  test('the module built twice likewise: packages, repodata and modules.yaml', async () => {
    const one = join(base, 'mod-a');
    const two = join(base, 'elsewhere', 'mod-b');
    assert.equal(cli('build', '--out', one, join(first, 'motd-module.yaml')).status, 0);
    await new Promise((r) => setTimeout(r, 1_100));
    // The same document (its components' repository URLs name the first world: a copy's would differ
    // in xmd and in modules.yaml, as they should), built into another directory, later.
    assert.equal(cli('build', '--out', two, join(first, 'motd-module.yaml')).status, 0);
    assert.deepEqual(checksums(two), checksums(one));
    assert.ok(Object.keys(checksums(one)).some((f) => /modules\.yaml/.test(f)));
    assert.equal(cli('diff', one, two).status, 0);
  });

  test('what changed between two composes: a new dist-git commit shows as a version change', () => {
    const one = join(base, 'out-a');
    const three = join(base, 'out-c');
    const dg = join(second, 'distgit', 'greet');
    const spec = join(dg, 'greet.spec');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace(/^Summary:.*$/m, 'Summary: Say hello, louder'));
    execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '-q', '-am', 'Louder'], { cwd: dg });
    assert.equal(cli('build', '--backend', 'local', '--out', three, join(second, 'overlay.yml')).status, 0);
    const d = cli('diff', one, three);
    assert.equal(d.status, 1, d.stdout);
    assert.match(d.stdout, /^~ greet\.noarch: 2\.0-1\.\S+ -> 2\.0-2\.\S+$/m);
    assert.match(d.stdout, /^~ greet\.src: /m);
    assert.doesNotMatch(d.stdout, /tools|hello-macros/, 'the other components are the same');
    const json = JSON.parse(cli('diff', '--json', one, three).stdout);
    assert.deepEqual(json.changed.map((c: { to: { name: string } }) => c.to.name).sort(), ['greet', 'greet']);
  });

  test('the same NEVRA built otherwise (no sandbox: the _topdir path differs): which header tags differ', () => {
    const one = join(base, 'out-a');
    const four = join(base, 'out-d');
    assert.equal(cli('build', '--backend', 'local', '--no-sandbox', '--out', four, join(first, 'overlay.yml')).status, 0);
    const d = cli('diff', one, four);
    assert.equal(d.status, 1, d.stdout);
    assert.match(d.stdout, /^! greet-2\.0-1\.\S+\.src: same NEVRA, other bytes; header tags that differ: .+$/m);
    assert.doesNotMatch(d.stdout, /^[~+-] /m, 'no NEVR changed');
  });

  test('bad input: exit 2 with a message', () => {
    const d = cli('diff', join(base, 'nope'), join(base, 'out-a'));
    assert.equal(d.status, 2);
    assert.match(d.stderr, /nope is not a directory/);
    assert.equal(cli('diff', 'one').status, 2);
  });
});
