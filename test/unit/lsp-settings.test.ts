import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SETTINGS, readSettings } from '../../server/src/lsp/settings';
import { Trust } from '../../server/src/lsp/trust';

test('settings: defaults for anything missing or malformed (7, null, a list, wrong types)', () => {
  for (const raw of [undefined, null, 7, 'x', [], {}, { enable: 'no', strictUnknownKeys: 0, moduleRepos: 'a', platform: 41, autospec: 3 }]) {
    assert.deepEqual(readSettings(raw), DEFAULT_SETTINGS, JSON.stringify(raw));
  }
});

test('settings: each one read; relative repository paths are taken against the workspace folder', () => {
  const s = readSettings(
    { enable: false, strictUnknownKeys: false, allowFileUrls: true, autospec: { errorOnUnparseableSpec: false }, moduleRepos: ['repo', '/abs', 3], defaultsDirs: ['d'], platform: 'f41' },
    '/ws',
  );
  assert.deepEqual(s, {
    ...DEFAULT_SETTINGS,
    enable: false,
    strictUnknownKeys: false,
    allowFileUrls: true,
    errorOnUnparseableSpec: false,
    moduleRepos: ['/ws/repo', '/abs'],
    defaultsDirs: ['/ws/d'],
    platform: 'f41',
  });
});

test('settings: gitoverlay.build.* (outDir as given, jobs a positive integer, dist without spaces or shell)', () => {
  assert.deepEqual(
    (({ buildOutDir, buildJobs, buildDist }) => ({ buildOutDir, buildJobs, buildDist }))(readSettings({ build: { outDir: 'out', jobs: 3, dist: '.el9' } })),
    { buildOutDir: 'out', buildJobs: 3, buildDist: '.el9' },
  );
  for (const build of [{ jobs: 0 }, { jobs: 1.5 }, { jobs: '2' }, { dist: '.fc41; rm -rf /' }, { dist: 7 }, { outDir: 3 }]) {
    const s = readSettings({ build });
    assert.deepEqual([s.buildOutDir, s.buildJobs, s.buildDist], ['', 1, '.fc41'], JSON.stringify(build));
  }
});

test('trust: only an explicit trusted: true trusts the workspace', () => {
  const t = new Trust();
  assert.equal(t.trusted, true, 'trusted until the client says otherwise (desktop VS Code without restricted mode)');
  for (const p of [null, {}, { trusted: 'yes' }, { trusted: 1 }, 'true', { trusted: false }]) {
    t.trusted = true;
    t.receive(p);
    assert.equal(t.trusted, false, JSON.stringify(p));
  }
  t.receive({ trusted: true });
  assert.equal(t.trusted, true);
});
