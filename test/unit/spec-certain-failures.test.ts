import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { evaluatePreamble } from '../../server/src/core/spec/preamble';
import { parseShowrc, systemShell } from '../../server/src/core/spec/system-macros';

// When the evaluator knows rpm fails a spec and what rpm prints, the current spec needs no rpm
// process: its message must then be rpm's own, line number and all (compared with rpmspec, live).

const rpmInstalled = spawnSync('rpm', ['--version']).status === 0;
const HOME = mkdtempSync(join(tmpdir(), 'gitoverlay-home-'));
const ENV = { ...process.env, HOME };
const DIR = mkdtempSync(join(tmpdir(), 'gitoverlay-certain-'));

const HEAD = 'Name: foo\nVersion: 1\nRelease: 1\nSummary: s\nLicense: MIT\n';

/** rpm's first error line for a spec (rpmspec -q --srpm, plain macros). */
function rpmSays(text: string): string {
  const file = join(DIR, 'foo.spec');
  writeFileSync(file, text);
  const r = spawnSync('rpmspec', ['-q', '--srpm', file], { env: ENV, encoding: 'utf8' });
  assert.notEqual(r.status, 0, 'rpm parses it');
  return r.stderr.split('\n').find((l) => l.startsWith('error: '))!;
}

describe('specs rpm certainly fails, and its words for them', { skip: !rpmInstalled && 'rpm is not installed' }, () => {
  const system = parseShowrc(execFileSync('rpm', ['--showrc'], { env: ENV }).toString());
  const evaluate = (text: string) => evaluatePreamble(text, {}, { strict: true, system, shell: systemShell(), readFile: () => null });

  for (const [what, text] of [
    ['a macro nothing defines, alone on a line (Go and forge specs without their macros)', `${HEAD}%gometa\n%description\nd\n`],
    ['the same, braced', `${HEAD}%{forgemeta}\n%description\nd\n`],
    ['indented, with arguments expanded as rpm does (trailing blanks cut)', `${HEAD}%global x 1\n  %gometa -f %{x}  \n%description\nd\n`],
    ["in a sub-package's preamble", `${HEAD}%description\nd\n%package -n p\nSummary: s\n%py_provides p\n%description -n p\nd\n`],
    ['after a continued line (rpm counts physical lines)', `${HEAD}%global long a \\\n  b\n%gometa\n%description\nd\n`],
    ['Version that expands to nothing', `Name: foo\n%global v %{nil}\nVersion: %{v}\nRelease: 1\nSummary: s\nLicense: MIT\n%description\nd\n`],
    ['BuildRequires that expands to nothing', `${HEAD}%global br %{?nosuch}\nBuildRequires: %{br}\n%description\nd\n`],
  ] as const) {
    test(`${what}: rpm's message`, () => {
      const r = evaluate(text);
      assert.ok(!r.ok && r.certain, JSON.stringify(r));
      assert.equal(r.rpmMessage, rpmSays(text));
    });
  }

  test("a shell call that fails in this machine's /bin/sh leaves Version empty: rpm's message", { skip: !systemShell() && 'unknown /bin/sh' }, () => {
    // ${b/-/"~"} is bash: dash answers "Bad substitution" and prints nothing (crun's, runc's specs).
    const text = `Name: foo\n%global t 1.2-rc1\n%global v %(b=%{t}; echo \${b/-/"~"})\nVersion: %{v}\nRelease: 1\nSummary: s\nLicense: MIT\n%description\nd\n`;
    const r = evaluate(text);
    if (systemShell() === 'bash') {
      assert.ok(r.ok && r.value.version === '1.2~rc1', JSON.stringify(r));
      return;
    }
    assert.ok(!r.ok && r.certain, JSON.stringify(r));
    assert.equal(r.rpmMessage, rpmSays(text));
  });

  for (const [what, text] of [
    ['a macro the spec defines', `${HEAD}%global gometa %{nil}\n%gometa\n%description\nd\n`],
    ['a spec that may define macros from files beside it (%include)', `${HEAD}%include macros.inc\n%gometa\n%description\nd\n`],
    ['a spec with a shell call (its output may define macros when expanded)', `${HEAD}%global d %(cat defs)\n%d\n%gometa\n%description\nd\n`],
  ] as const) {
    test(`not certain: ${what}`, () => {
      const r = evaluate(text);
      assert.ok(r.ok || !r.certain, JSON.stringify(r));
    });
  }

  test('a line in doubt before the failing one: certain, but the message is left to rpm', () => {
    const r = evaluate(`${HEAD}Frobnicate: yes\n%gometa\n%description\nd\n`);
    assert.ok(!r.ok && r.certain && r.rpmMessage === undefined, JSON.stringify(r));
  });
});
