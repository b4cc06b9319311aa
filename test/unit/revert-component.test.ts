import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { componentDistgit } from '../../server/src/core/revert/component';
import { overlayRevertNEVR } from '../../server/src/core/revert/overlay-nevr';
import { parseYaml } from '../../server/src/core/yaml/parse';
import { ROOT } from './helpers';

// Reverting from the overlay: each component's build is reverted in its dist-git, the overlay's own
// work tree when local, a working clone beside the overlay (pushing to the dist-git) when not.
describe('revert from the overlay: which dist-git a component is reverted in', () => {
  const world = join(mkdtempSync(join(tmpdir(), 'gitoverlay-revert-component-')), 'world');
  execFileSync(process.execPath, [join(ROOT, 'examples/make-world.mjs'), world], { stdio: 'ignore' });
  const overlayPath = join(world, 'overlay.yml');
  const overlay = () => parseYaml(readFileSync(overlayPath, 'utf8')).documents[0]?.value;

  test('a local dist-git work tree is used as it is, by index or by name', async () => {
    const byIndex = await componentDistgit(overlayPath, overlay(), 1, { allowFile: true });
    assert.deepEqual(byIndex, { component: 'greet', spec: join(world, 'distgit/greet/greet.spec'), remote: `file://${world}/distgit/greet`, local: true });
    assert.deepEqual(await componentDistgit(overlayPath, overlay(), 'greet', { allowFile: true }), byIndex);
  });

  test('file URLs only when allowed, as everywhere in the editor', async () => {
    await assert.rejects(componentDistgit(overlayPath, overlay(), 1, { allowFile: false }), /gitoverlay\.allowFileUrls/);
  });

  test('a dist-git without a work tree gets a working clone beside the overlay, on the branch, whose origin is the dist-git', async () => {
    const bare = join(world, 'bare-greet.git');
    execFileSync('git', ['clone', '-q', '--bare', join(world, 'distgit/greet'), bare]);
    const text = readFileSync(overlayPath, 'utf8').replace('  - src: up:greet\n', `  - src: up:greet\n    distgit:\n      name: greet\n      src: file://${bare}\n`);
    const where = await componentDistgit(overlayPath, parseYaml(text).documents[0]?.value, 'greet', { allowFile: true });
    assert.equal(where.local, false);
    assert.equal(where.spec, join(world, '.gitoverlay/work/greet/greet.spec'));
    assert.ok(existsSync(where.spec));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: join(world, '.gitoverlay/work/greet') }).toString().trim();
    assert.equal(git('remote', 'get-url', 'origin'), bare);
    assert.equal(git('rev-parse', '--abbrev-ref', 'HEAD'), 'main');
    // Asked again: the same clone.
    assert.deepEqual(await componentDistgit(overlayPath, parseYaml(text).documents[0]?.value, 'greet', { allowFile: true }), where);
  });

  test('a component without dist-git, or one the overlay lacks, is refused saying why', async () => {
    const text = readFileSync(overlayPath, 'utf8').replace('    tag: v1.1\n', '    tag: v1.1\n    spec: internal\n');
    await assert.rejects(componentDistgit(overlayPath, parseYaml(text).documents[0]?.value, 'tools', { allowFile: true }), /has no dist-git \(spec: internal\)/);
    await assert.rejects(componentDistgit(overlayPath, overlay(), 'nope', { allowFile: true }), /no component "nope"/);
  });
});

// The revert dialog from the overlay also says what the *overlay* build becomes: its Version from the
// upstream snapshot, its Release from the dist-git's %autorelease with the snapshot appended.
describe("revert from the overlay: the overlay build's NEVR before and after", () => {
  test('the release moves on by the revert commit; nothing is written to the dist-git or the overlay state', async () => {
    const world = join(mkdtempSync(join(tmpdir(), 'gitoverlay-revert-nevr-')), 'world');
    execFileSync(process.execPath, [join(ROOT, 'examples/make-world.mjs'), world], { stdio: 'ignore' });
    const overlayPath = join(world, 'overlay.yml');
    const overlay = parseYaml(readFileSync(overlayPath, 'utf8')).documents[0]?.value;
    const dir = join(world, 'distgit/greet');
    const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'Pat', GIT_AUTHOR_EMAIL: 'p@e', GIT_COMMITTER_NAME: 'Pat', GIT_COMMITTER_EMAIL: 'p@e' };
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env }).toString().trim();
    writeFileSync(join(dir, 'greet.spec'), readFileSync(join(dir, 'greet.spec'), 'utf8').replace('%build', '%build\n# broken\nexit 1'));
    git('commit', '-q', '-am', 'Break the build');
    const head = git('rev-parse', 'HEAD');
    const o = await overlayRevertNEVR(overlayPath, overlay, 1, join(dir, 'greet.spec'), head, { allowFile: true });
    assert.equal(o.component, 'greet');
    // Two dist-git commits now (release 2), three after the revert; the upstream snapshot stays in both.
    const m = /^greet-(.+)-(\d+)\.(\d{8}git[0-9a-f]{7})$/.exec(o.before);
    assert.ok(m, o.before);
    assert.equal(m[2], '2');
    assert.equal(o.after, `greet-${m[1]}-3.${m[3]}`);
    assert.equal(o.namesRevertCommit, false);
    assert.equal(git('rev-parse', 'HEAD'), head, 'the dist-git is untouched');
    assert.equal(existsSync(join(world, '.gitoverlay/resolved.json')), false, 'no resolution recorded');
  });
});
