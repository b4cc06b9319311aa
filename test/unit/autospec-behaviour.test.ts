import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { changelogText } from '../../server/src/core/autospec/compute';
import { processSpec, specFeatures } from '../../server/src/core/autospec/process';
import { autospecFor } from '../../server/src/core/autospec/run';
import { evaluatePreamble } from '../../server/src/core/spec/preamble';

const SPEC = (version: string, release = '%autorelease', tail = '%changelog\n%autochangelog\n') =>
  `Name: foo\nVersion: ${version}\nRelease: ${release}\nSummary: s\nLicense: MIT\n\n%description\nd\n\n%prep\n\n%files\n\n${tail}`;

function repo(): { dir: string; commit: (msg: string, files: Record<string, string>, time: number) => void } {
  const dir = mkdtempSync(join(tmpdir(), 'gitoverlay-autospec-'));
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  const g = (...args: string[]) => execFileSync('git', args, { cwd: dir, env });
  g('init', '-q', '-b', 'main');
  g('config', 'user.name', 'Tess Ter');
  g('config', 'user.email', 'tess@example.com');
  return {
    dir,
    commit(msg, files, time) {
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
      g('add', '-A');
      execFileSync('git', ['commit', '-q', '--allow-empty', '-m', msg], { cwd: dir, env: { ...env, GIT_AUTHOR_DATE: `@${time} +0000`, GIT_COMMITTER_DATE: `@${time} +0000` } });
    },
  };
}

describe('release numbers and changelog from a real git history', () => {
  test('every commit counts, a version change restarts at 1, [bump release] raises the floor', async () => {
    const r = repo();
    r.commit('Initial import', { 'foo.spec': SPEC('1.0') }, 1700000000);
    r.commit('Add README', { README: 'x' }, 1700086400);
    r.commit('Update to 2.0', { 'foo.spec': SPEC('2.0') }, 1700172800);
    r.commit('Rebuild\n\n[bump release: 5]', { README: 'y' }, 1700259200);
    const { result } = await autospecFor(join(r.dir, 'foo.spec'));
    assert.equal(result.epochVersion, '2.0');
    assert.equal(result.releaseNumber, 5);
    assert.deepEqual(
      changelogText(result.changelog).split('\n').filter((l) => l.startsWith('*')),
      [
        '* Fri Nov 17 2023 Tess Ter <tess@example.com> - 2.0-5',
        '* Thu Nov 16 2023 Tess Ter <tess@example.com> - 2.0-1',
        '* Wed Nov 15 2023 Tess Ter <tess@example.com> - 1.0-2',
        '* Tue Nov 14 2023 Tess Ter <tess@example.com> - 1.0-1',
      ],
    );
  });

  test('uncommitted changes add one release and an "Uncommitted changes" entry by the git user', async () => {
    const r = repo();
    r.commit('Initial import', { 'foo.spec': SPEC('1.0') }, 1700000000);
    writeFileSync(join(r.dir, 'foo.spec'), SPEC('1.0') + '\n# edited\n');
    const { result } = await autospecFor(r.dir);
    assert.equal(result.release, '2');
    assert.equal(result.changelog[0].kind, 'generated');
    const top = changelogText(result.changelog).split('\n').slice(0, 2);
    assert.match(top[0], /^\* \w{3} \w{3} \d\d \d{4} Tess Ter <tess@example\.com> - 1\.0-2$/);
    assert.equal(top[1], '- Uncommitted changes');
  });

  test('an uncommitted version bump starts again at 1', async () => {
    const r = repo();
    r.commit('Initial import', { 'foo.spec': SPEC('1.0') }, 1700000000);
    r.commit('Again', { README: 'x' }, 1700000100);
    writeFileSync(join(r.dir, 'foo.spec'), SPEC('1.1'));
    const { result } = await autospecFor(r.dir);
    assert.deepEqual([result.epochVersion, result.release], ['1.1', '1']);
  });

  test('outside a git repository the release is 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitoverlay-norepo-'));
    writeFileSync(join(dir, 'foo.spec'), SPEC('3.0', '%autorelease -b 7'));
    const { result } = await autospecFor(join(dir, 'foo.spec'));
    assert.deepEqual([result.releaseNumber, result.release], [1, '7']);
    assert.match(changelogText(result.changelog), /- Uncommitted changes\n$/);
  });
});

describe('process-distgit', () => {
  const result = {
    epochVersion: '1.0',
    releaseNumber: 3,
    release: '3',
    flags: { prerelease: false, base: 1 },
    changelog: [{ kind: 'generated' as const, time: 1700000000, author: 'A <a@x>', epochVersion: '1.0', release: '3', items: ['Change'], commit: null }],
    commits: new Map(),
  };

  test('a hand-written %changelog with %autorelease gets only the release part', () => {
    const spec = SPEC('1.0', '%autorelease', '%changelog\n* Mon Jan 01 2024 A <a@x> - 1.0-1\n- Old\n');
    const out = processSpec(spec, result);
    assert.match(out, /^## START: Set by rpmautospec\n.*\n## RPMAUTOSPEC: autorelease\n%define autorelease\(e:s:pb:n\)/);
    assert.ok(out.endsWith(spec));
  });

  test('a spec without %changelog gets one appended with the generated entries', () => {
    const spec = SPEC('1.0', '1%{?dist}', '');
    const out = processSpec(spec, result);
    assert.match(out, /## RPMAUTOSPEC: autochangelog\n## END: Set by rpmautospec\n\n/);
    assert.ok(out.endsWith('%files\n\n\n%changelog\n## START: Generated by rpmautospec\n* Tue Nov 14 2023 A <a@x> - 1.0-3\n- Change\n## END: Generated by rpmautospec\n'));
  });

  test('%autochangelog without a %changelog line becomes one', () => {
    const out = processSpec(SPEC('1.0', '%autorelease', '%autochangelog\n'), result);
    assert.match(out, /%files\n\n%changelog\n## START: Generated by rpmautospec\n/);
  });

  test('an already processed spec is left alone; features are read like rpmautospec-core', () => {
    const once = processSpec(SPEC('1.0'), result);
    assert.equal(processSpec(once, result), once);
    assert.deepEqual(specFeatures('Release: %{?autorelease}\n%changelog\n%autochangelog\n'), {
      hasAutorelease: true,
      changelogLine: 1,
      autochangelogLine: 2,
      isProcessed: false,
    });
    // %autorelease after %changelog does not count.
    assert.equal(specFeatures('Release: 1\n%changelog\n- %autorelease\n').hasAutorelease, false);
  });
});

describe('spec preamble evaluation', () => {
  test('macros, conditionals and the %autorelease flags', () => {
    const r = evaluatePreamble('%global major 4\n%define minor 2\nName: x\nEpoch: 1\nVersion: %{major}.%{minor}%{?pre:~%{pre}}\n%if 0%{?rhel} && 0%{?rhel} < 8\nVersion: 0\n%endif\nRelease: %autorelease -p -e rc1 -s 20240101git1\n%prep\n');
    assert.ok(r.ok);
    assert.equal(r.value.epochVersion, '1:4.2');
    assert.deepEqual(r.value.flags, { prerelease: true, base: 1, extraver: 'rc1', snapinfo: '20240101git1' });
  });

  test('Release text around %autorelease defeats flag detection, as in rpmautospec', () => {
    const r = evaluatePreamble('Name: x\nVersion: 1\nRelease: %{autorelease}.fc40\n');
    assert.ok(r.ok);
    assert.equal(r.value.flags, null);
  });

  test('what cannot be evaluated says so (the caller asks rpm)', () => {
    const r = evaluatePreamble('Name: x\nVersion: %{lua: print("1.0")}\n');
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.evaluable, false);
    const missing = evaluatePreamble('Name: x\nRelease: 1\n');
    assert.equal(!missing.ok && missing.reason, 'Version field must be present in package');
  });

  test('a spec only rpm can read is read by rpm (when installed)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitoverlay-lua-'));
    writeFileSync(join(dir, 'foo.spec'), SPEC('%{lua: print("2." .. 5)}'));
    const { result } = await autospecFor(join(dir, 'foo.spec'));
    assert.equal(result.epochVersion, '2.5');
  });
});
