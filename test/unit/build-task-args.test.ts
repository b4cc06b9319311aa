import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { buildTaskArgs } from '../../client/src/build-task-args';
import { readSettings } from '../../server/src/lsp/settings';
import { ROOT } from './helpers';

// A build task builds what the palette's Build… builds: the settings the server reads become the
// CLI's options, and the CLI accepts every one of them.

describe('build task arguments from the settings', () => {
  test('defaults: only %{dist} (the CLI picks the backend as Build… does)', () => {
    assert.deepEqual(buildTaskArgs(readSettings({}, '/ws')), ['--dist', '.fc41']);
  });

  test('every build setting, module metadata relative to the workspace folder', () => {
    const s = readSettings(
      {
        platform: 'f41',
        moduleRepos: ['repos/f41', '/abs/repo'],
        defaultsDirs: ['fedora-module-defaults'],
        build: { outDir: 'out', jobs: 3, dist: '.fc42', backend: 'copr', copr: { project: 'me/world', chroots: ['fedora-42-x86_64', 'fedora-42-aarch64'], config: '/home/me/copr', pollSeconds: 5 } },
      },
      '/ws',
    );
    const args = buildTaskArgs(s);
    assert.deepEqual(args, [
      '--out', 'out', '--jobs', '3', '--dist', '.fc42', '--backend', 'copr', '--copr', 'me/world', '--chroot', 'fedora-42-x86_64', '--chroot', 'fedora-42-aarch64',
      '--copr-config', '/home/me/copr', '--poll', '5', '--repo', '/ws/repos/f41', '--repo', '/abs/repo', '--defaults', '/ws/fedora-module-defaults', '--platform', 'f41',
    ]);
    // The CLI parses them all (it stops at the missing FILE, a usage error naming only that).
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/gitoverlay.js'), 'build', ...args], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no OVERLAY given/);
  });

  test('a local or mock backend is passed as such; auto is left to the CLI', () => {
    assert.ok(buildTaskArgs(readSettings({ build: { backend: 'mock' } })).join(' ').includes('--backend mock'));
    assert.ok(!buildTaskArgs(readSettings({ build: { backend: 'auto' } })).includes('--backend'));
  });
});
