import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { MacroContext, Unevaluable } from '../../server/src/core/spec/macros';
import { evaluatePreamble } from '../../server/src/core/spec/preamble';
import { parseShowrc } from '../../server/src/core/spec/system-macros';

// rpm's expression language (%[...] and %if) and %bcond, which is written in it: the evaluator's
// answers against rpm's own, run live. Where rpm reports an error the evaluator must decline
// (Unevaluable), so rpm decides, never answer.

const rpmInstalled = spawnSync('rpm', ['--version']).status === 0;
const HOME = mkdtempSync(join(tmpdir(), 'gitoverlay-home-'));
const ENV = { ...process.env, HOME };

/** rpm's answer for TEXT: its expansion, or null when rpm reports an error. */
function rpmEval(text: string): string | null {
  const r = spawnSync('rpm', ['--define', 'six 6', '--define', 'word abc', '--eval', text], { env: ENV, encoding: 'utf8' });
  return r.status === 0 && !/error:/.test(r.stderr) ? r.stdout.replace(/\n$/, '') : null;
}

function ours(text: string, table: ReadonlyMap<string, { body: string; opts?: string }>): string | null {
  const ctx = new MacroContext(table);
  ctx.define('six', '6');
  ctx.define('word', 'abc');
  try {
    return ctx.expand(text);
  } catch (err) {
    if (err instanceof Unevaluable) return null;
    throw err;
  }
}

const EXPRESSIONS = [
  '%[1 + 2 * 3]',
  '%[(1 + 2) * 3]',
  '%[7 / 2]',
  '%[-7 / 2]',
  '%[-3 * -2]',
  '%[1 / 0]',
  '%["a" + "b"]',
  '%["a" - "b"]',
  '%["abc" < "abd"]',
  '%["B" < "a"]',
  '%[1 == 1 && 2 != 3]',
  '%[0 || 5]',
  '%[3 && 4]',
  '%["" || "x"]',
  '%[1 && "a"]',
  '%[!0]',
  '%[!"x"]',
  '%[1 ? "yes" : "no"]',
  '%[0 ? "yes" : "no"]',
  '%[0 ? 1 : "no"]',
  '%[1 ? 2 ? 3 : 4 : 5]',
  '%[v"1.2" < v"1.10"]',
  '%[v"1:1.0" > v"2.0"]',
  '%[v"1.0~rc1" < v"1.0"]',
  '%[%{six} * 7]',
  '%[%{six}0 + 1]',
  '%["%{word}" == "abc"]',
  '%[%{word}]',
  '%[%{?nosuch} + 1]',
  '%[0%{?nosuch} + 1]',
  '%[1 ? %{six} : %{nosuch}]',
  '%[0 || %{six}]',
  '%[1 +]',
  '%[(1 + 2]',
  '%[word]',
  '%[1 = 1]',
  '%["unterminated]',
  '%[ 2 > 1 ]',
  '%[2147483647 + 1]',
];

describe("rpm's expression language", { skip: !rpmInstalled && 'rpm is not installed' }, () => {
  const table = parseShowrc(execFileSync('rpm', ['--showrc'], { env: ENV }).toString());

  test('every expression evaluates as `rpm --eval` evaluates it, errors declined', () => {
    const differ = EXPRESSIONS.filter((e) => ours(e, table) !== rpmEval(e)).map((e) => `${e}: ours ${JSON.stringify(ours(e, table))}, rpm ${JSON.stringify(rpmEval(e))}`);
    assert.deepEqual(differ, []);
    // Not vacuous: most of them have an answer, some are errors.
    assert.ok(EXPRESSIONS.filter((e) => rpmEval(e) === null).length >= 5);
    assert.ok(EXPRESSIONS.filter((e) => rpmEval(e) !== null).length >= 25);
  });

  test('the branch not taken expands nothing: a %global there defines nothing', () => {
    const text = '%[1 ? "%{expand:%%global picked yes}" : "%{expand:%%global other yes}"]%{?picked}/%{?other}';
    assert.equal(ours(text, table), rpmEval(text));
    assert.equal(ours(text, table), 'yes/');
    const after = '%{expand:%%global gone no}%{?gone}|%undefine gone\n%{?gone}';
    assert.equal(ours(after, table), rpmEval(after));
  });

  test('%bcond_with / %bcond_without and %{with}, %{without} as rpm sets them', () => {
    const text = '%bcond_with tests\n%bcond_without docs\n%{with tests}%{without tests}%{with docs}%{without docs}';
    assert.equal(ours(text, table), rpmEval(text));
    assert.equal(ours(text, table), '\n\n0110');
  });
});

describe('spec preambles using %bcond, %[...] and multi-line macros, read as rpmspec reads them', { skip: !rpmInstalled && 'rpm is not installed' }, () => {
  const table = parseShowrc(execFileSync('rpm', ['--showrc'], { env: ENV }).toString());
  const specs: Record<string, string> = {
    bcond: '%bcond_without tests\n%bcond_with bootstrap\nName: foo\n%if %{with tests}\nVersion: 2\n%else\nVersion: 1\n%endif\n%if %{with bootstrap}\nRelease: 0\n%else\nRelease: 3\n%endif\nSummary: s\nLicense: MIT\n%description\nd\n',
    expression: '%global base 4\nName: foo\nVersion: %[%{base} + 1].%[%{base} > 3 ? "x" : "y"]\nRelease: %[2 * 3]\nSummary: s\nLicense: MIT\n%description\nd\n',
    multiline: '%global desc %{expand:\nA description\nover two lines.}\nName: foo\nVersion: 1.%{lua: print(1)}\nRelease: 1\nSummary: s\nLicense: MIT\n%description\n%{desc}\n',
    multilineOk: '%global desc %{expand:\nA description\nover two lines.}\nName: foo\nVersion: 1.0\nRelease: 1\nSummary: s\nLicense: MIT\n%description\n%{desc}\n',
    // Python packaging's idiom: the %description header line expands to a bare header and its text.
    descriptionMacro: 'Name: foo\nVersion: 1\nRelease: 1\nSummary: s\nLicense: MIT\n%global _description \\\nLine one.\\\nLine two.\n%description %{_description}\n',
    // rpm keeps an undefined macro in free text (a Source, a URL) as written.
    undefinedInText: 'Name: foo\nVersion: 2.1\nRelease: 4\nSummary: %{nosuch}\nLicense: MIT\nURL: %{forgeurl}\nSource0: %{pypi_source}\nSource1: %pypi_source foo 1.0\nExclusiveArch: %{rust_arches}\n%description\nd %{nosuch}\n',
    // A dependency name holding an undefined macro is a token rpm takes as it is; one starting with it is not.
    dependencyName: 'Name: foo\nVersion: 1\nRelease: 1\nSummary: s\nLicense: MIT\nBuildRequires: python%{python3_pkgversion}-devel\n%description\nd\n',
    dependencyMacro: 'Name: foo\nVersion: 1\nRelease: 1\nSummary: s\nLicense: MIT\nBuildRequires: %{py3_dist six} >= 1.0\n%description\nd\n',
    // A line that becomes a tag once expanded, as rpm matches tags on the expanded line.
    tagFromMacro: 'Name: foo\n%global subpkg gtk\nVersion: 1\nRelease: 1\nSummary: s\nLicense: MIT\n%{?subpkg:Requires: foo-%{subpkg} = %{version}}\n%{?nosuch:Requires: bar}\n%description\nd\n',
    // rust2rpm's layout: %files of the packages before %prep.
    filesFirst: 'Name: rust-foo\nVersion: 1.2\nRelease: 1\nSummary: s\nLicense: MIT\n%description\nd\n%package -n foo\nSummary: s\n%description -n foo\nd\n%files -n foo\n%license LICENSE\n%{_bindir}/foo\n%post -p /sbin/ldconfig\n%prep\n',
    // %files of a package that does not exist: rpm refuses the spec.
    filesUnknown: 'Name: rust-foo\nVersion: 1.2\nRelease: 1\nSummary: s\nLicense: MIT\n%description\nd\n%files -n nosuch\n%{_bindir}/foo\n%prep\n',
    // An %if on a macro nothing defines: rpm refuses the spec, whatever files are beside it.
    badCondition: 'Name: foo\nVersion: 1\nRelease: 1\nSummary: s\nLicense: MIT\n%if %{__cargo_skip_build}\nBuildRequires: x\n%endif\n%description\nd\n',
    // Version's expansion starts on a new line: rpm reads an empty Version tag and fails.
    spansLines: 'Name: foo\n%global v \\\n1.0\nVersion: %{v}\nRelease: 1\nSummary: s\nLicense: MIT\n%description\nd\n',
  };
  /** Where the evaluator leaves the answer to rpm. */
  const declined = new Set(['multiline', 'spansLines', 'dependencyMacro', 'filesUnknown', 'badCondition']);
  for (const [name, text] of Object.entries(specs)) {
    test(name, () => {
      const dir = mkdtempSync(join(tmpdir(), 'gitoverlay-expr-'));
      writeFileSync(join(dir, 'foo.spec'), text);
      const r = spawnSync('rpmspec', ['-q', '--srpm', '--qf', '%{version}-%{release}', join(dir, 'foo.spec')], { env: ENV, encoding: 'utf8' });
      const mine = evaluatePreamble(text, {}, { strict: true, system: table });
      const vouched = mine.ok && mine.unsure === undefined;
      assert.equal(vouched, !declined.has(name), JSON.stringify(mine));
      if (['spansLines', 'dependencyMacro', 'filesUnknown', 'badCondition'].includes(name)) assert.notEqual(r.status, 0, 'rpm refuses it');
      // Certain, and said so: every attempt of rpm fails.
      if (name === 'badCondition') assert.equal(!mine.ok && mine.certain, true, JSON.stringify(mine));
      if (!vouched) return;
      assert.equal(r.status, 0, r.stderr);
      assert.equal(`${mine.value.version}-${mine.value.release}`, r.stdout);
    });
  }
});
