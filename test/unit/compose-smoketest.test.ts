import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { hostBaseRepo } from '../../server/src/core/compose/host-base';
import { ROOT } from './helpers';

// Issue 18 on the example world: a good compose promoted to smoketested; a commit that breaks one
// package's installed file builds raw, the smoke test fails and names the component and the commit;
// the revert is applied, rebuild + smoke test promote, and dnf distro-sync heals a system that had
// installed the broken package (the revert's NEVR is higher). Real dnf, rpmbuild, bwrap.

process.env.GIT_CONFIG_GLOBAL = '/dev/null';
process.env.GIT_CONFIG_NOSYSTEM = '1';
Object.assign(process.env, { GIT_AUTHOR_NAME: 'Pat', GIT_AUTHOR_EMAIL: 'pat@example.org', GIT_COMMITTER_NAME: 'Pat', GIT_COMMITTER_EMAIL: 'pat@example.org' });
const has = (tool: string): boolean => (process.env.PATH ?? '').split(':').some((d) => existsSync(join(d, tool)));
const missing = ['rpmbuild', 'createrepo_c', 'dnf', 'bwrap'].filter((t) => !has(t));
const skip = missing.length ? `needs ${missing.join(', ')} (not installed)` : false;

const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/gitoverlay.js'), ...args], { encoding: 'utf8' });
const GIT = ['-c', 'user.name=Pat', '-c', 'user.email=pat@example.org'];

function dnfIn(root: string, repos: string[], ...args: string[]): string {
  return execFileSync(
    'dnf',
    ['--setopt=reposdir=/dev/null', ...repos.map((r, i) => `--repofrompath=r${i},file://${r}`), ...repos.map((_, i) => `--setopt=r${i}.gpgcheck=0`), `--installroot=${root}`, `--setopt=cachedir=${root}/../cache`, '--releasever=41', '-y', '-q', ...args],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

describe('composes that react: raw → smoketested, the culprit named, reverted, healed', { skip }, () => {
  let world: string;
  let raw: string;
  let smoketested: string;

  before(() => {
    world = join(mkdtempSync(join(tmpdir(), 'go-compose-')), 'world');
    execFileSync(process.execPath, [join(ROOT, 'examples/make-world.mjs'), world], { stdio: 'ignore' });
    raw = join(world, 'build');
    smoketested = `${raw}-smoketested`;
    writeFileSync(
      join(world, 'gitoverlay.tests.yml'),
      'install:\n  - name: the programs\n    packages: [greet, tools]\ncommands:\n  - name: greet greets\n    run: [greet]\n    expect-output: HELLO\n  - name: upper\n    run: [sh, -c, "echo abc | upper"]\n    expect-output: ABC\n',
    );
  });

  test('the tests file is checked like every document', () => {
    const r = cli('check', join(world, 'gitoverlay.tests.yml'));
    assert.equal(r.status, 0, r.stdout + r.stderr);
    writeFileSync(join(world, 'bad.yml'), '');
    const bad = join(mkdtempSync(join(tmpdir(), 'go-tests-')), 'gitoverlay.tests.yml');
    writeFileSync(bad, 'install:\n  - packages: [greet]\ncommands:\n  - run: greet\n');
    const b = cli('check', bad);
    assert.equal(b.status, 1);
    assert.match(b.stdout, /gitoverlay\.tests\.yml:4:\d+: error: .*run/);
  });

  test('a good compose is promoted; a breaking commit fails, names its component and commit; the revert heals', async () => {
    assert.equal(cli('build', '--backend', 'local', join(world, 'overlay.yml')).status, 0);
    const first = cli('smoketest', join(world, 'overlay.yml'));
    assert.equal(first.status, 0, first.stdout + first.stderr);
    assert.match(first.stdout, /passed: promoted to .*build-smoketested/);
    const good = JSON.parse(readFileSync(join(smoketested, 'compose.json'), 'utf8'));

    // A dist-git commit installs greet without its execute bit.
    const dg = join(world, 'distgit', 'greet');
    const spec = join(dg, 'greet.spec');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('install -Dm755 greet', 'install -Dm644 greet'));
    execFileSync('git', [...GIT, 'commit', '-q', '-am', 'Install greet as a plain file'], { cwd: dg });
    const breaking = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dg, encoding: 'utf8' }).trim();
    assert.equal(cli('build', '--backend', 'local', join(world, 'overlay.yml')).status, 0);
    const brokenCopy = join(world, 'broken-compose');
    execFileSync('cp', ['-al', raw, brokenCopy]);
    const second = cli('smoketest', join(world, 'overlay.yml'));
    assert.equal(second.status, 1, second.stdout + second.stderr);
    assert.match(second.stdout, /FAIL greet greets: exit 1: .*greet: Permission denied/);
    assert.match(second.stdout, /suspects: greet;/);
    assert.match(second.stdout, new RegExp(`culprit: greet: dist-git commit ${breaking} "Install greet as a plain file"`));
    assert.equal(JSON.parse(readFileSync(join(smoketested, 'compose.json'), 'utf8')).id, good.id, 'smoketested is still the good compose');

    // The revert (its NEVR grows), rebuild, smoke test: promoted.
    const rev = cli('revert', '-C', dg, breaking);
    assert.equal(rev.status, 0, rev.stdout + rev.stderr);
    assert.equal(cli('build', '--backend', 'local', join(world, 'overlay.yml')).status, 0);
    const third = cli('smoketest', join(world, 'overlay.yml'));
    assert.equal(third.status, 0, third.stdout + third.stderr);
    const healed = JSON.parse(readFileSync(join(smoketested, 'compose.json'), 'utf8'));
    assert.notEqual(healed.id, good.id);

    // A system that installed the broken greet is healed by dnf distro-sync against smoketested.
    const work = mkdtempSync(join(tmpdir(), 'go-heal-'));
    const root = join(work, 'root');
    const host = join(work, 'host');
    // The host lends /bin/sh, as in the smoke test.
    const base = await hostBaseRepo(host);
    dnfIn(root, [brokenCopy, base.repo], 'install', 'greet', 'gitoverlay-host-base');
    const before = execFileSync('rpm', ['--root', root, '-q', 'greet'], { encoding: 'utf8' }).trim();
    assert.equal(before, `greet-${second.stdout.match(/greet \S+ -> (greet-\S+)/)?.[1]?.replace(/^greet-/, '') ?? ''}.noarch`);
    dnfIn(root, [smoketested, base.repo], 'distro-sync');
    const after = execFileSync('rpm', ['--root', root, '-q', 'greet'], { encoding: 'utf8' }).trim();
    assert.equal(after, `${healed.nevrs.greet}.noarch`);
    assert.notEqual(after, before);
    rmSync(work, { recursive: true, force: true });
  });

  test('several components changed: bisected with the good builds (nothing rebuilt), the culprit named', () => {
    // A harmless change to tools and a breaking one to greet land together.
    const tools = join(world, 'distgit', 'tools');
    writeFileSync(join(tools, 'tools.spec'), readFileSync(join(tools, 'tools.spec'), 'utf8').replace(/^(Summary:\s*)(.*)$/m, '$1$2, tidier'));
    execFileSync('git', [...GIT, 'commit', '-q', '-am', 'Tidier summary'], { cwd: tools });
    const dg = join(world, 'distgit', 'greet');
    writeFileSync(join(dg, 'greet.spec'), readFileSync(join(dg, 'greet.spec'), 'utf8').replace('install -Dm755 greet', 'install -Dm600 greet'));
    execFileSync('git', [...GIT, 'commit', '-q', '-am', 'Install greet for root only'], { cwd: dg });
    const breaking = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dg, encoding: 'utf8' }).trim();
    assert.equal(cli('build', '--backend', 'local', join(world, 'overlay.yml')).status, 0);
    const r = cli('smoketest', join(world, 'overlay.yml'));
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /suspects: greet, tools;/);
    assert.match(r.stdout, /^bisect: greet after 1 composes tried, 0 packages rebuilt$/m);
    assert.match(r.stdout, new RegExp(`culprit: greet: dist-git commit ${breaking} "Install greet for root only"`));
  });

  test('several commits of the culprit component: the component built at commits of the range, the first bad one named', () => {
    const dg = join(world, 'distgit', 'greet');
    // Back to good: the last breakage reverted, promoted.
    const last = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dg, encoding: 'utf8' }).trim();
    assert.equal(cli('revert', '-C', dg, last).status, 0);
    assert.equal(cli('build', '--backend', 'local', join(world, 'overlay.yml')).status, 0);
    assert.equal(cli('smoketest', join(world, 'overlay.yml')).status, 0);
    // Three commits land: harmless, breaking, harmless.
    const spec = join(dg, 'greet.spec');
    const commit = (change: (text: string) => string, subject: string): string => {
      writeFileSync(spec, change(readFileSync(spec, 'utf8')));
      execFileSync('git', [...GIT, 'commit', '-q', '-am', subject], { cwd: dg });
      return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dg, encoding: 'utf8' }).trim();
    };
    commit((t) => t.replace(/^(Summary:\s*)(.*)$/m, '$1$2, politely'), 'Polite summary');
    const breaking = commit((t) => t.replace('install -Dm755 greet', 'install -Dm644 greet'), 'Drop the execute bit');
    commit((t) => `${t}# reviewed\n`, 'Mark as reviewed');
    assert.equal(cli('build', '--backend', 'local', join(world, 'overlay.yml')).status, 0);
    const r = cli('smoketest', join(world, 'overlay.yml'));
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /suspects: greet;/);
    assert.match(r.stdout, new RegExp(`culprit: greet: dist-git commit ${breaking} "Drop the execute bit" \\(the first bad of 3, 2 builds bisected\\)`));
  });
});
