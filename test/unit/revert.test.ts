import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { autospecFor } from '../../server/src/core/autospec/run';
import { compareEVR } from '../../server/src/core/overlay/rpmvercmp';
import { applyRevert, RevertRefused } from '../../server/src/core/revert/apply';
import { revertCandidates } from '../../server/src/core/revert/candidates';
import { evrOf, producedNEVRs } from '../../server/src/core/revert/nevr';
import { previewRevert } from '../../server/src/core/revert/preview';

const ROOT = resolve(__dirname, '../../..');
const SPEC = (version: string, extra = '') =>
  `Name: foo\nVersion: ${version}\nRelease: %autorelease\nSummary: s\nLicense: MIT\n${extra}\n%description\nd\n\n%prep\n\n%files\n\n%changelog\n%autochangelog\n`;

const T0 = 1700000000;
const dateEnv = (t: number) => ({ GIT_AUTHOR_DATE: `@${t} +0000`, GIT_COMMITTER_DATE: `@${t} +0000` });
const BASE_ENV = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };

interface Repo {
  dir: string;
  g: (...args: string[]) => string;
  commit: (msg: string, files: Record<string, string>, time: number) => string;
}

/** A dist-git directory named foo/ (spec foo.spec) in a fresh repository. */
function repo(): Repo {
  const dir = join(mkdtempSync(join(tmpdir(), 'gitoverlay-revert-test-')), 'foo');
  mkdirSync(dir);
  const g = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: { ...BASE_ENV, ...dateEnv(T0 + 99 * 86400) } }).toString().trim();
  g('init', '-q', '-b', 'main');
  g('config', 'user.name', 'Tess Ter');
  g('config', 'user.email', 'tess@example.com');
  return {
    dir,
    g,
    commit(msg, files, time) {
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
      g('add', '-A');
      execFileSync('git', ['commit', '-q', '--allow-empty', '-m', msg], { cwd: dir, env: { ...BASE_ENV, ...dateEnv(time) } });
      return g('rev-parse', 'HEAD');
    },
  };
}

/** 1.0 (3 commits) → "Update to 1.1" → 2 more commits. */
function history(): { r: Repo; update: string; tweak: string } {
  const r = repo();
  const day = 86400;
  r.commit('Initial import', { 'foo.spec': SPEC('1.0') }, T0);
  r.commit('Fix summary', { 'foo.spec': SPEC('1.0', '# a') }, T0 + day);
  r.commit('Add README', { README: 'x' }, T0 + 2 * day);
  const update = r.commit('Update to 1.1', { 'foo.spec': SPEC('1.1', '# a') }, T0 + 3 * day);
  const tweak = r.commit('Add BuildRequires comment', { 'foo.spec': SPEC('1.1', '# a\n# b') }, T0 + 4 * day);
  r.commit('Touch README', { README: 'y' }, T0 + 5 * day);
  return { r, update, tweak };
}

/** For simple-git (which refuses GIT_CONFIG_GLOBAL): an empty HOME keeps the user's config out. */
const pinned = { HOME: mkdtempSync(join(tmpdir(), 'gitoverlay-revert-home-')), ...dateEnv(T0 + 10 * 86400) };
const cliEnv = { ...BASE_ENV, ...pinned };

describe('revert: candidates, preview, apply', () => {
  test('candidates: the spec-changing commits, newest first, with the NEVR each produced', async () => {
    const { r, update, tweak } = history();
    const c = await revertCandidates(r.dir);
    assert.deepEqual(
      c.map((x) => [x.subject, x.nevr?.nevr]),
      [
        ['Add BuildRequires comment', 'foo-1.1-2'],
        ['Update to 1.1', 'foo-1.1-1'],
        ['Fix summary', 'foo-1.0-2'],
        ['Initial import', 'foo-1.0-1'],
      ],
    );
    assert.equal(c[0].id, tweak);
    assert.equal(c[1].id, update);
    assert.equal(c[0].author, 'Tess Ter <tess@example.com>');
    assert.equal(c[0].date, '2023-11-18T22:13:20+00:00');
  });

  test('a dist-git reached through a symlink: the same release, candidates and preview (git answers with real paths)', async () => {
    const { r, update } = history();
    const link = join(mkdtempSync(join(tmpdir(), 'gitoverlay-revert-link-')), 'foo');
    symlinkSync(r.dir, link);
    const direct = await autospecFor(r.dir);
    const linked = await autospecFor(join(link, 'foo.spec'));
    assert.equal(linked.result.release, direct.result.release);
    assert.equal(linked.result.changelog.length, direct.result.changelog.length);
    assert.deepEqual((await revertCandidates(link)).map((x) => x.id), (await revertCandidates(r.dir)).map((x) => x.id));
    assert.equal((await previewRevert(link, update)).after.nevr, 'foo-1.0-1');
  });

  test('reverting a version bump collides; the proposed bump sorts above every earlier 1.0 NEVR', async () => {
    const { r, update } = history();
    const p = await previewRevert(r.dir, update.slice(0, 10));
    assert.equal(p.before.nevr, 'foo-1.1-3');
    assert.equal(p.after.nevr, 'foo-1.0-1');
    assert.ok(p.downgrade);
    assert.ok(p.collision);
    assert.equal(p.collision.bump, 4);
    assert.equal(p.collision.bumpedNEVR, 'foo-1.0-4');
    assert.equal(r.g('rev-parse', 'HEAD'), (await autospecFor(r.dir)).history.head, 'preview leaves the repository alone');

    const res = await applyRevert(r.dir, update, { bumpOnCollision: true, env: pinned });
    assert.equal(res.bumped, 4);
    assert.equal(res.final?.nevr, 'foo-1.0-4');
    assert.match(r.g('log', '-1', '--format=%B'), /^Revert "Update to 1.1"\n\nThis reverts commit [0-9a-f]{40}\.\n\n\[bump release: 4\]$/);
    // Against every NEVR the history produced: never equal; above every one with the same version.
    const a = await autospecFor(r.dir);
    const all = [...producedNEVRs(a).values()].filter((x) => x.commit !== a.history.head);
    const final = `${a.result.epochVersion}-${a.result.release}`;
    assert.equal(final, '1.0-4');
    for (const x of all) {
      const evr = evrOf(x)!;
      assert.notEqual(compareEVR(final, evr), 0, `collides with ${x.nevr}`);
      if (x.epochVersion === '1.0') assert.equal(compareEVR(final, evr), 1, `${final} above ${evr}`);
    }
    assert.equal(all.filter((x) => x.epochVersion === '1.0').length, 3);
  });

  test('an unhandled collision is refused and nothing is reverted', async () => {
    const { r, update } = history();
    const head = r.g('rev-parse', 'HEAD');
    const res = await applyRevert(r.dir, update, { env: pinned });
    assert.ok(res.refusedCollision);
    assert.equal(res.revertCommit, null);
    assert.equal(r.g('rev-parse', 'HEAD'), head);
    const allowed = await applyRevert(r.dir, update, { allowCollision: true, env: pinned });
    assert.equal(allowed.final?.nevr, 'foo-1.0-1');
  });

  test('reverting an ordinary commit: no collision, release + 1', async () => {
    const { r, tweak } = history();
    const p = await previewRevert(r.dir, tweak);
    assert.equal(p.before.nevr, 'foo-1.1-3');
    assert.equal(p.after.nevr, 'foo-1.1-4');
    assert.equal(p.collision, null);
    assert.equal(p.downgrade, false);
    const res = await applyRevert(r.dir, tweak, { env: pinned });
    assert.equal(res.final?.nevr, 'foo-1.1-4');
    assert.equal(res.bumped, null);
    assert.equal(readFileSync(join(r.dir, 'foo.spec'), 'utf8'), SPEC('1.1', '# a'));
  });

  test('a dirty work tree is refused and the dirty file is left as it was', async () => {
    const { r, tweak } = history();
    const head = r.g('rev-parse', 'HEAD');
    writeFileSync(join(r.dir, 'README'), 'local edit\n');
    await assert.rejects(applyRevert(r.dir, tweak, { env: pinned }), (e: Error) => e instanceof RevertRefused && /uncommitted changes/.test(e.message));
    assert.equal(readFileSync(join(r.dir, 'README'), 'utf8'), 'local edit\n');
    assert.equal(r.g('rev-parse', 'HEAD'), head);
    // An untracked file where the revert writes: refused as well.
    r.g('checkout', '-q', '--', 'README');
    const add = r.commit('Add patch', { 'fix.patch': 'p' }, T0 + 6 * 86400);
    r.g('rm', '-q', 'fix.patch');
    r.g('commit', '-q', '-m', 'Drop patch');
    writeFileSync(join(r.dir, 'fix.patch'), 'mine\n');
    const drop = r.g('rev-parse', 'HEAD');
    void add;
    await assert.rejects(applyRevert(r.dir, drop, { env: pinned }), /untracked files the revert would overwrite: fix\.patch/);
    assert.equal(readFileSync(join(r.dir, 'fix.patch'), 'utf8'), 'mine\n');
  });

  test('option-like and unreachable refs are refused', async () => {
    const { r } = history();
    const head = r.g('rev-parse', 'HEAD');
    await assert.rejects(applyRevert(r.dir, '--upload-pack=x', { env: pinned }), (e: Error) => e instanceof RevertRefused && /refusing revision/.test(e.message));
    await assert.rejects(previewRevert(r.dir, '--upload-pack=x'), RevertRefused);
    await assert.rejects(applyRevert(r.dir, 'no-such-ref', { env: pinned }), /is not a commit/);
    r.g('checkout', '-q', '-b', 'side');
    const side = r.commit('Side work', { 'foo.spec': SPEC('1.1', '# side') }, T0 + 7 * 86400);
    r.g('checkout', '-q', 'main');
    await assert.rejects(applyRevert(r.dir, side, { env: pinned }), /not reachable from HEAD/);
    assert.equal(r.g('rev-parse', 'HEAD'), head);
  });

  test('--push pushes to the remote without force', async () => {
    const { r, tweak } = history();
    const bare = join(mkdtempSync(join(tmpdir(), 'gitoverlay-revert-remote-')), 'foo.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare], { env: BASE_ENV });
    r.g('remote', 'add', 'origin', bare);
    r.g('push', '-q', '-u', 'origin', 'main');
    const res = await applyRevert(r.dir, tweak, { push: true, env: pinned });
    assert.ok(res.push?.ok, res.push?.summary);
    assert.equal(execFileSync('git', ['rev-parse', 'main'], { cwd: bare, env: BASE_ENV }).toString().trim(), res.revertCommit);
    assert.match(res.push!.summary, /main/);
    // Not forced: when the remote moved on, the push is rejected and the remote keeps its commit.
    const other = join(mkdtempSync(join(tmpdir(), 'gitoverlay-revert-other-')), 'foo');
    execFileSync('git', ['clone', '-q', bare, other], { env: BASE_ENV });
    execFileSync('git', ['-c', 'user.name=O', '-c', 'user.email=o@example.com', 'commit', '-q', '--allow-empty', '-m', 'Elsewhere'], { cwd: other, env: BASE_ENV });
    execFileSync('git', ['push', '-q'], { cwd: other, env: BASE_ENV });
    const remoteHead = execFileSync('git', ['rev-parse', 'main'], { cwd: bare, env: BASE_ENV }).toString().trim();
    const second = await applyRevert(r.dir, res.revertCommit!, { push: true, env: pinned });
    assert.equal(second.push?.ok, false);
    assert.match(second.push!.summary, /rejected|fetch first|non-fast-forward/);
    assert.equal(execFileSync('git', ['rev-parse', 'main'], { cwd: bare, env: BASE_ENV }).toString().trim(), remoteHead);
  });

  test('CLI end to end: revert -C DIR --bump-on-collision SHA', () => {
    const { r, update } = history();
    spawnSync(process.execPath, [join(ROOT, 'scripts/bundle.mjs')], { cwd: ROOT });
    const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/gitoverlay.js'), 'revert', ...args], { env: cliEnv, encoding: 'utf8' });
    const refused = cli('-C', r.dir, update);
    assert.equal(refused.status, 1, refused.stderr);
    assert.match(refused.stderr, /--bump-on-collision/);
    const dry = cli('-C', r.dir, '--dry-run', '--bump-on-collision', update);
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /dry run/);
    const done = cli('-C', r.dir, '--bump-on-collision', update);
    assert.equal(done.status, 0, done.stderr);
    assert.match(done.stdout, /before: foo-1\.1-3/);
    assert.match(done.stdout, /after: {2}foo-1\.0-1/);
    assert.match(done.stdout, /collision: foo-1\.0-1 does not sort above .*foo-1\.0-1/);
    assert.match(done.stdout, /reverted: [0-9a-f]{12} with \[bump release: 4\] -> foo-1\.0-4/);
    assert.equal(cli('-C', r.dir, '--upload-pack=x').status, 2);
    assert.equal(cli('-C', r.dir, '--', '--upload-pack=x').status, 1);
    assert.equal(cli('-C', join(r.dir, 'nope'), 'HEAD').status, 2);
    assert.equal(cli().status, 2);
  });
});
