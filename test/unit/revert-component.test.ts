import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { componentDistgit } from '../../server/src/core/revert/component';
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
