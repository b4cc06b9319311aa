import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { excludeFromGit } from '../../server/src/core/git/exclude';

const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
const status = (dir: string) => execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: dir, env }).toString();

test("build output beside an overlay in a git checkout stays out of git status (.git/info/exclude), once", async () => {
  const top = mkdtempSync(join(tmpdir(), 'gitoverlay-exclude-'));
  execFileSync('git', ['init', '-q'], { cwd: top, env });
  const dir = join(top, 'distro');
  mkdirSync(dir);
  writeFileSync(join(dir, 'overlay.yml'), 'components: []\n');
  execFileSync('git', ['add', '-A'], { cwd: top, env });
  const outputs = ['build', 'build.partial', 'build.new', '.gitoverlay'].map((d) => join(dir, d));
  const added = await excludeFromGit(dir, outputs);
  assert.deepEqual(added, ['/distro/build/', '/distro/build.partial/', '/distro/build.new/', '/distro/.gitoverlay/']);
  for (const d of outputs) {
    mkdirSync(join(d, 'sub'), { recursive: true });
    writeFileSync(join(d, 'sub', 'file'), 'x');
  }
  assert.equal(status(top), 'A  distro/overlay.yml\n', 'only the overlay itself, no build output');
  assert.deepEqual(await excludeFromGit(dir, outputs), [], 'listed once');
  assert.equal((readFileSync(join(top, '.git/info/exclude'), 'utf8').match(/\/distro\/build\//g) ?? []).length, 1);
  // Outside the work tree, or outside any repository: nothing.
  assert.deepEqual(await excludeFromGit(dir, [join(tmpdir(), 'elsewhere')]), []);
  assert.deepEqual(await excludeFromGit(mkdtempSync(join(tmpdir(), 'gitoverlay-nogit-')), ['x']), []);
});
