import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { cachedShowrc, showrcPatterns, storeShowrc } from '../../server/src/core/spec/showrc-cache';
import { ROOT } from './helpers';

// `rpm --showrc` is kept between CLI runs; a stale copy would read specs with yesterday's macros, so
// every change to a file on rpm's macro path must invalidate it.

const rpmInstalled = spawnSync('rpm', ['--version']).status === 0;

/** Runs `fn` with HOME (and so ~/.rpmmacros and ~/.cache) in a fresh directory. */
function inHome<T>(fn: (home: string) => T): T {
  const home = mkdtempSync(join(tmpdir(), 'gitoverlay-showrc-'));
  const saved = { HOME: process.env.HOME, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME };
  process.env.HOME = home;
  delete process.env.XDG_CACHE_HOME;
  try {
    return fn(home);
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

const showrc = (home: string): string => execFileSync('rpm', ['--showrc'], { env: { ...process.env, HOME: home } }).toString();

describe('the kept `rpm --showrc`', { skip: !rpmInstalled && 'rpm is not installed' }, () => {
  test("follows rpm's own macro path: ~ is HOME, %{_target} is rpm's target", () => {
    inHome((home) => {
      const patterns = showrcPatterns(showrc(home))!;
      assert.ok(patterns.includes(join(home, '.rpmmacros')), patterns.join(' '));
      assert.ok(patterns.includes('/usr/lib/rpm/macros'));
      assert.ok(patterns.some((p) => /\/platform\/[^%]+-linux\/macros$/.test(p)), 'the platform directory named by %{_target}');
      assert.ok(!patterns.some((p) => p.includes('%')));
    });
  });

  test('is reused while nothing changed, and dropped when ~/.rpmmacros appears, changes or goes', () => {
    inHome((home) => {
      assert.equal(cachedShowrc(), null, 'nothing kept yet');
      const plain = showrc(home);
      storeShowrc(plain);
      assert.ok(existsSync(join(home, '.cache/gitoverlay/rpm-showrc.json')));
      assert.equal(cachedShowrc(), plain);

      writeFileSync(join(home, '.rpmmacros'), '%fedora 41\n');
      assert.equal(cachedShowrc(), null, 'a new macro file');
      const fedora = showrc(home);
      assert.match(fedora, /_*fedora\t41/);
      storeShowrc(fedora);
      assert.equal(cachedShowrc(), fedora);

      // Same size, other content: the stamp has the change time too.
      writeFileSync(join(home, '.rpmmacros'), '%fedora 42\n');
      assert.equal(cachedShowrc(), null, 'a changed macro file');
      storeShowrc(showrc(home));
      execFileSync('rm', [join(home, '.rpmmacros')]);
      assert.equal(cachedShowrc(), null, 'a removed macro file');
    });
  });

  test('is per HOME: another HOME (its own macros) never reads this one', () => {
    const first = inHome((home) => {
      storeShowrc(showrc(home));
      return home;
    });
    inHome((home) => {
      mkdirSync(join(home, '.cache'), { recursive: true });
      assert.equal(cachedShowrc(), null, `${home} has nothing kept, ${first} has`);
    });
  });

  test('the CLI reads a spec with the macros of now, not those kept from the run before', () => {
    const repo = mkdtempSync(join(tmpdir(), 'gitoverlay-showrc-repo-'));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@e', ...args], { cwd: repo });
    git('init', '-q');
    writeFileSync(join(repo, 'foo.spec'), 'Name: foo\nVersion: %{?myver}%{!?myver:1}\nRelease: %autorelease\nSummary: s\nLicense: MIT\n%description\nd\n%prep\n%changelog\n%autochangelog\n');
    git('add', 'foo.spec');
    git('commit', '-q', '-m', 'Import');
    const home = mkdtempSync(join(tmpdir(), 'gitoverlay-showrc-'));
    const version = (): string => {
      const env = { ...process.env, HOME: home, XDG_CACHE_HOME: '' };
      return JSON.parse(execFileSync(process.execPath, [join(ROOT, 'bin/gitoverlay.js'), 'release', '--json', repo], { env }).toString()).epochVersion;
    };
    assert.equal(version(), '1');
    assert.ok(existsSync(join(home, '.cache/gitoverlay/rpm-showrc.json')), 'the first run kept rpm --showrc');
    assert.equal(version(), '1');
    writeFileSync(join(home, '.rpmmacros'), '%myver 7\n');
    assert.equal(version(), '7', 'rpm --showrc read again');
  });
});
