import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { changelogText } from '../../server/src/core/autospec/compute';
import { autospecFor } from '../../server/src/core/autospec/run';
import { rewritePaths } from './git-rewrite';
import { read, REFERENCE } from './helpers';

// A spec in a subdirectory of a bigger repository (an upstream's `rpm/`): gitoverlay reads the
// repository's whole history, where rpmautospec 0.8.5 opens a repository only at the spec's own
// directory (so it answers release 1 and "Uncommitted changes" there). The whole-history answer is a
// documented extension (docs/release-and-changelog.md); it must be what rpmautospec answers for the
// same history with the spec at the top. Every golden history with merges is moved, commit for commit,
// into `rpm/` beside an upstream file that every commit changes (so no merge's whole tree equals a
// parent's: only the spec directory's tree can), and must give rpmautospec's recorded answers.

const GOLDEN = join(REFERENCE, 'rpmautospec-golden');

describe('spec in a subdirectory: the golden histories moved into rpm/', () => {
  const base = mkdtempSync(join(tmpdir(), 'gitoverlay-subdir-'));
  const seeds = readdirSync(GOLDEN).filter((f) => /^seed-\d+\.json$/.test(f)).sort();
  let withMerges = 0;
  for (const file of seeds) {
    const g = JSON.parse(read(join(GOLDEN, file))) as { seed: number; releaseNumber: number; release: string; epochVersion: string; changelog: string };
    test(`${file} moved into rpm/`, async (t) => {
      const flat = join(base, `${g.seed}-flat`);
      execFileSync('python3', [join(GOLDEN, 'gen-history.py'), String(g.seed), flat, '--quiet']);
      const merges = Number(execFileSync('git', ['rev-list', '--merges', '--count', 'HEAD'], { cwd: flat }).toString());
      if (merges === 0) return t.skip('no merges in this history');
      withMerges++;
      const nested = join(base, `${g.seed}-nested`);
      rewritePaths(flat, nested, 'HEAD', (path) => `rpm/${path}`, 'src/upstream.c');
      const { result } = await autospecFor(join(nested, 'rpm/testpkg.spec'));
      assert.equal(result.epochVersion, g.epochVersion);
      assert.equal(result.releaseNumber, g.releaseNumber);
      assert.equal(result.release, g.release);
      assert.equal(changelogText(result.changelog), g.changelog);
    });
  }
  test('several of them have merges', () => assert.ok(withMerges >= 5, `${withMerges} histories with merges`));
});
