import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { MacroContext, Unevaluable } from '../../server/src/core/spec/macros';
import { parseShowrc } from '../../server/src/core/spec/system-macros';
import { FIXTURES, ROOT } from './helpers';

// The evaluator starts from the macros rpm has on this machine (`rpm --showrc`), so a spec reads as
// rpm reads it there: `%if 0%{?fedora}` takes the Fedora branch on a Fedora machine.

const rpmInstalled = spawnSync('rpm', ['--version']).status === 0;
const FEDORA_LIKE = join(FIXTURES, 'macros/fedora-like.macros');

function homeWith(macros: string | null): string {
  const home = mkdtempSync(join(tmpdir(), 'gitoverlay-home-'));
  if (macros) copyFileSync(macros, join(home, '.rpmmacros'));
  return home;
}

/** Every plain macro the evaluator can expand, expanded by it and by `rpm --eval`. */
function compareWithRpm(home: string): { compared: number; differ: string[] } {
  const env = { ...process.env, HOME: home };
  const table = parseShowrc(execFileSync('rpm', ['--showrc'], { env }).toString());
  const ctx = new MacroContext(table);
  const names: string[] = [];
  const ours: string[] = [];
  for (const [name, macro] of table) {
    if (macro.opts !== undefined) continue;
    try {
      ours.push(ctx.expand(`%{${name}}`));
      names.push(name);
    } catch (err) {
      if (!(err instanceof Unevaluable)) throw err;
    }
  }
  const SEP = '\n@@gitoverlay@@\n';
  const theirs = execFileSync('rpm', ['--eval', names.map((n) => `%{${n}}`).join(SEP)], { env }).toString().replace(/\n$/, '').split(SEP);
  return { compared: names.length, differ: names.filter((n, i) => ours[i] !== theirs[i]) };
}

describe("rpm's own macros, as the evaluator's starting point", { skip: !rpmInstalled && 'rpm is not installed' }, () => {
  test("every plain macro of rpm's macro files expands as `rpm --eval` expands it", () => {
    const { compared, differ } = compareWithRpm(homeWith(null));
    assert.ok(compared > 200, `${compared} macros compared`);
    // %debug_package runs a %global as rpm expands it; it only matters after %prep.
    assert.deepEqual(differ, ['debug_package']);
  });

  test('so do the macros of a Fedora-like macro file (~/.rpmmacros); Lua ones are left to rpm', () => {
    const home = homeWith(FEDORA_LIKE);
    const table = parseShowrc(execFileSync('rpm', ['--showrc'], { env: { ...process.env, HOME: home } }).toString());
    assert.equal(table.get('fedora')?.body, '41');
    assert.equal(table.get('py3_dist')?.opts, '', 'a parametric macro without options stays parametric');
    assert.equal(table.get('gometa')?.opts, 'u:i:');
    assert.deepEqual(compareWithRpm(home).differ, ['debug_package']);
  });

  test('a spec reads as on a Fedora machine when the macro files say so: Version 2 there, 1 with plain rpm', () => {
    const repo = mkdtempSync(join(tmpdir(), 'gitoverlay-fedora-if-'));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@e', ...args], { cwd: repo });
    git('init', '-q');
    writeFileSync(
      join(repo, 'foo.spec'),
      'Name: foo\n%if 0%{?fedora} >= 40\nVersion: 2\n%else\nVersion: 1\n%endif\nRelease: %autorelease\nSummary: s\nLicense: MIT\n%description\nd\n%prep\n%changelog\n%autochangelog\n',
    );
    git('add', 'foo.spec');
    git('commit', '-q', '-m', 'Import');
    const release = (home: string) =>
      JSON.parse(execFileSync(process.execPath, [join(ROOT, 'bin/gitoverlay.js'), 'release', '--json', repo], { env: { ...process.env, HOME: home } }).toString());
    // rpmautospec 0.8.5, run with HOME pointing at the same macro file, answers 2-1; without it, 1-1.
    assert.equal(release(homeWith(FEDORA_LIKE)).epochVersion, '2');
    assert.equal(release(homeWith(null)).epochVersion, '1');
  });
});
