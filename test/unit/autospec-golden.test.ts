import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseCommitMessage } from '../../server/src/core/autospec/commit-message';
import { changelogText, formatEntry } from '../../server/src/core/autospec/compute';
import { processSpec } from '../../server/src/core/autospec/process';
import { autospecFor } from '../../server/src/core/autospec/run';
import { wrap } from '../../server/src/core/autospec/textwrap';
import { read, REFERENCE, ROOT } from './helpers';

const GOLDEN = join(REFERENCE, 'rpmautospec-golden');

interface Golden {
  seed: number | string;
  commits: number;
  flags: string;
  epochVersion: string;
  releaseNumber: number;
  release: string;
  changelog: string;
  processedSpec: string;
}

/** Rebuilds the repository of a golden file with the generator shipped beside it. */
function rebuild(file: string, g: Golden, dir: string): string {
  if (typeof g.seed === 'number') {
    execFileSync('python3', [join(GOLDEN, 'gen-history.py'), String(g.seed), dir, '--quiet']);
    return join(dir, 'testpkg.spec');
  }
  execFileSync(join(GOLDEN, 'make-handmade.sh'), [dir], { env: { ...process.env, MERGE: file.includes('-ff') ? 'ff' : 'divergent', QUIET: '1' } });
  return join(dir, 'foo.spec');
}

describe("rpmautospec 0.8.5's golden histories, exactly", () => {
  const base = mkdtempSync(join(tmpdir(), 'gitoverlay-golden-'));
  const files = readdirSync(GOLDEN).filter((f) => f.endsWith('.json')).sort();

  test('there are golden histories to compare with', () => assert.ok(files.length >= 20));

  for (const file of files) {
    test(`${file}: epoch-version, release number, release, changelog and processed spec`, async () => {
      const g = JSON.parse(read(join(GOLDEN, file))) as Golden;
      const spec = rebuild(file, g, join(base, file.replace('.json', '')));
      const count = Number(execFileSync('git', ['rev-list', '--count', 'HEAD'], { cwd: join(spec, '..') }).toString());
      assert.equal(count, g.commits, 'the generator rebuilt the same history');
      const { result, history } = await autospecFor(spec);
      assert.equal(result.epochVersion, g.epochVersion);
      assert.equal(result.releaseNumber, g.releaseNumber);
      assert.equal(result.release, g.release);
      assert.equal(changelogText(result.changelog), g.changelog);
      // Line 2 names the tool that processed the spec; rpmautospec's output says rpmautospec.
      const processed = processSpec(history.workSpec!, result).split('\n');
      const expected = g.processedSpec.split('\n');
      assert.match(processed[1], /^## \(gitoverlay .*rpmautospec 0\.8\.5 compatible\)$/);
      processed[1] = expected[1];
      assert.equal(processed.join('\n'), g.processedSpec);
    });
  }

  test('the CLI prints the same: release --json, changelog, spec', () => {
    const g = JSON.parse(read(join(GOLDEN, 'seed-1.json'))) as Golden;
    const dir = join(base, 'cli-seed-1');
    rebuild('seed-1.json', g, dir);
    const cli = (...args: string[]): string => {
      const r = spawnSync(process.execPath, [join(ROOT, 'bin/gitoverlay.js'), ...args], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    };
    assert.deepEqual(JSON.parse(cli('release', '--json', dir)), { epochVersion: g.epochVersion, releaseNumber: g.releaseNumber, release: g.release });
    assert.equal(cli('release', dir), `Calculated release number: ${g.release}\n`);
    assert.equal(cli('release', '--number-only', join(dir, 'testpkg.spec')), `Calculated release number: ${g.releaseNumber}\n`);
    // rpmautospec's default pager writes into a pipe without print()'s final newline; --no-pager keeps it.
    assert.equal(cli('changelog', '--no-pager', dir), g.changelog);
    assert.equal(cli('changelog', dir), g.changelog.replace(/\n$/, ''));
    assert.equal(cli('spec', dir).split('\n').slice(2).join('\n'), g.processedSpec.split('\n').slice(2).join('\n'));
  });

  test('a missing spec exits 1 as with rpmautospec, a usage error 2', () => {
    for (const command of ['release', 'changelog', 'spec']) {
      const missing = spawnSync(process.execPath, [join(ROOT, 'bin/gitoverlay.js'), command, join(base, 'no-such.spec')], { encoding: 'utf8' });
      assert.equal(missing.status, 1, command);
      assert.match(missing.stderr, /^gitoverlay: cannot read .*no-such\.spec: no such file or directory\n$/);
      const usage = spawnSync(process.execPath, [join(ROOT, 'bin/gitoverlay.js'), command, '--bogus', base], { encoding: 'utf8' });
      assert.equal(usage.status, 2, command);
      assert.match(usage.stderr, new RegExp(`usage: gitoverlay ${command}`));
    }
  });
});

describe("rpmautospec's commit-message fixtures", () => {
  const dir = join(GOLDEN, 'commitlogs');
  for (const n of [1, 2, 3, 4]) {
    test(`commit-${n}.txt gives expected-${n}.txt`, () => {
      const parsed = parseCommitMessage(readFileSync(join(dir, `commit-${n}.txt`), 'utf8'));
      const text = parsed.items.flatMap((item) => wrap(item, 75, '- ', '  ')).join('\n') + '\n';
      assert.equal(text, readFileSync(join(dir, `expected-${n}.txt`), 'utf8'));
      const yaml = readFileSync(join(dir, `expected-${n}.yaml`), 'utf8');
      assert.equal(parsed.skipChangelog, /skip_changelog: true/.test(yaml));
      const bump = /bump_release: (\d+)/.exec(yaml);
      assert.equal(parsed.bumpRelease, bump ? Number(bump[1]) : null);
    });
  }

  test('a magic comment only counts on a line of its own', () => {
    assert.equal(parseCommitMessage('Fix it [skip changelog]\n').skipChangelog, false);
    assert.equal(parseCommitMessage('Fix it\n\n  [ skip  changelog ]  \n').skipChangelog, true);
    assert.equal(parseCommitMessage('Fix it\n[bump release: 3, skip changelog]\n[bump release:7]\n').bumpRelease, 7);
  });

  test('entry headers use the committer date in UTC and the C locale', () => {
    const e = formatEntry({ kind: 'generated', time: 1700000000, author: 'A <a@x>', epochVersion: '1:2.0', release: '0.1.rc1', items: ['x'], commit: null });
    assert.equal(e, '* Tue Nov 14 2023 A <a@x> - 1:2.0-0.1.rc1\n- x');
  });
});
