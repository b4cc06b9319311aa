import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildOverlay } from '../../server/src/core/build/build';
import { compareEVR, splitNEVR } from '../../server/src/core/overlay/rpmvercmp';
import { applyRevert } from '../../server/src/core/revert/apply';
import { parseYaml } from '../../server/src/core/yaml/parse';
import { ROOT } from './helpers';

const hasRpmbuild = spawnSync('rpmbuild', ['--version']).status === 0;

/** The seed's workflow: a change breaks the build, `git revert` heals it, the release keeps growing. */
test('build, break, build (fails), revert through the command code path, build: the final NEVR sorts above both earlier ones', { skip: !hasRpmbuild && 'rpmbuild is not installed' }, async () => {
  const world = join(mkdtempSync(join(tmpdir(), 'gitoverlay-build-revert-')), 'world');
  execFileSync(process.execPath, [join(ROOT, 'examples/make-world.mjs'), world]);
  const overlayPath = join(world, 'overlay.yml');
  const overlay = parseYaml(readFileSync(overlayPath, 'utf8')).documents[0].value;
  const build = () => buildOverlay(overlayPath, overlay, { allowFile: true, out: join(world, 'repo') });
  const nevrOf = (r: Awaited<ReturnType<typeof build>>) => r.components.find((c) => c.name === 'greet')!.nevr;

  const first = await build();
  assert.ok(first.ok);
  const firstNEVR = nevrOf(first);

  const dg = join(world, 'distgit', 'greet');
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'Pat', GIT_AUTHOR_EMAIL: 'pat@example.org', GIT_COMMITTER_NAME: 'Pat', GIT_COMMITTER_EMAIL: 'pat@example.org' };
  const spec = join(dg, 'greet.spec');
  writeFileSync(spec, readFileSync(spec, 'utf8').replace('%build', '%build\nexit 1'));
  execFileSync('git', ['commit', '-q', '-am', 'Break the build'], { cwd: dg, env });
  const broken = await build();
  assert.equal(broken.ok, false, 'the broken change fails to build');
  const brokenNEVR = nevrOf(broken);

  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dg }).toString().trim();
  // simple-git refuses GIT_CONFIG_GLOBAL: an empty HOME keeps the machine's configuration out instead.
  const gitEnv = { HOME: mkdtempSync(join(tmpdir(), 'home-')), GIT_AUTHOR_NAME: 'Pat', GIT_AUTHOR_EMAIL: 'pat@example.org', GIT_COMMITTER_NAME: 'Pat', GIT_COMMITTER_EMAIL: 'pat@example.org' };
  const reverted = await applyRevert(dg, head, { bumpOnCollision: true, env: gitEnv });
  assert.ok(reverted.revertCommit);
  const healed = await build();
  assert.ok(healed.ok, 'the revert builds again');
  const finalNEVR = nevrOf(healed);
  const evr = (n: string) => splitNEVR(n)!.evr;
  assert.equal(compareEVR(evr(finalNEVR), evr(firstNEVR)), 1, `${finalNEVR} > ${firstNEVR}`);
  assert.equal(compareEVR(evr(finalNEVR), evr(brokenNEVR)), 1, `${finalNEVR} > ${brokenNEVR}`);
});
