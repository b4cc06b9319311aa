import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { abridgedSpec, evaluatePreamble } from '../../server/src/core/spec/preamble';
import { FIXTURES, read, ROOT } from './helpers';

// rpmautospec 0.8.5's answers (run live, rpm 4.18.0) for histories where the way rpm parses each
// spec version decides the release: see test/fixtures/autospec-parse/README.md.
const DIR = join(FIXTURES, 'autospec-parse');

interface Call {
  code: number;
  stdout: string;
  stderr?: string;
}
interface Answers {
  release: Call;
  releaseNumber: Call;
  changelog: Call;
  processDistgit: Call & { spec: string | null };
}
interface Recorded {
  case: string;
  commits: number;
  rpm: string;
  default: Answers;
  lenient: Answers;
}

function cli(...args: string[]): Call {
  return cliWith({}, ...args);
}

function cliWith(env: NodeJS.ProcessEnv, ...args: string[]): Call {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/gitoverlay.js'), ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The same outcome: exit code, stdout, and (on failure) rpmautospec's error line first. */
function same(actual: Call, expected: Call, what: string): void {
  assert.equal(actual.code, expected.code, `${what}: exit code (stderr: ${actual.stderr})`);
  assert.equal(actual.stdout, expected.stdout, `${what}: stdout`);
  if (expected.code !== 0) assert.equal(actual.stderr!.split('\n')[0], expected.stderr!.split('\n')[0], `${what}: the error line`);
}

const rpmInstalled = spawnSync('rpmspec', ['--version']).status === 0;

describe("how each spec version is parsed: rpmautospec 0.8.5's answers, exactly", () => {
  const base = mkdtempSync(join(tmpdir(), 'gitoverlay-autospec-parse-'));
  const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

  test('there are recorded histories', () => assert.ok(files.length >= 9));

  for (const file of files) {
    test(`${file}: release, release number, changelog, processed spec; with and without --no-error-on-unparseable-spec`, { skip: !rpmInstalled && 'rpm is not installed' }, () => {
      const g = JSON.parse(read(join(DIR, file))) as Recorded;
      const repo = join(base, g.case);
      execFileSync(process.execPath, [join(DIR, 'make-history.mjs'), g.case, repo]);
      assert.equal(Number(execFileSync('git', ['rev-list', '--count', 'HEAD'], { cwd: repo }).toString()), g.commits);
      const spec = join(repo, 'pkg.spec');
      for (const mode of ['default', 'lenient'] as const) {
        const flag = mode === 'lenient' ? ['--no-error-on-unparseable-spec'] : [];
        const want = g[mode];
        same(cli('release', ...flag, spec), want.release, `${mode} release`);
        same(cli('release', '--number-only', ...flag, spec), want.releaseNumber, `${mode} release -n`);
        same(cli('changelog', '--no-pager', ...flag, spec), want.changelog, `${mode} changelog`);
        const out = join(base, `${g.case}-${mode}.spec`);
        rmSync(out, { force: true });
        const pd = cli('spec', ...flag, spec, '-o', out);
        assert.equal(pd.code, want.processDistgit.code, `${mode} spec: exit code (${pd.stderr})`);
        if (want.processDistgit.spec === null) {
          assert.equal(pd.stderr!.split('\n')[0], want.processDistgit.stderr!.split('\n')[0]);
          assert.throws(() => readFileSync(out), 'no spec is written');
        } else {
          const processed = readFileSync(out, 'utf8').split('\n');
          const expected = want.processDistgit.spec.split('\n');
          assert.match(processed[1], /^## \(gitoverlay .*rpmautospec 0\.8\.5 compatible\)$/);
          processed[1] = expected[1];
          assert.equal(processed.join('\n'), want.processDistgit.spec, `${mode} processed spec`);
        }
      }
    });
  }

  // rpm is asked through its Python bindings in a long-lived process when python3-rpm is installed,
  // else through an rpmspec process per attempt: both must give rpmautospec's answers.
  test('the same releases when rpm is asked through rpmspec processes instead of its Python bindings', { skip: !rpmInstalled && 'rpm is not installed' }, () => {
    for (const file of files) {
      const g = JSON.parse(read(join(DIR, file))) as Recorded;
      const spec = join(base, g.case, 'pkg.spec');
      for (const mode of ['default', 'lenient'] as const) {
        const flag = mode === 'lenient' ? ['--no-error-on-unparseable-spec'] : [];
        same(cliWith({ GITOVERLAY_RPM_PARSER: 'rpmspec' }, 'release', ...flag, spec), g[mode].release, `${g.case} ${mode} release via rpmspec`);
      }
    }
  });

  test('an unparseable current spec: exit 1, the message, where, and what rpm said', { skip: !rpmInstalled && 'rpm is not installed' }, () => {
    const repo = join(base, 'msg');
    execFileSync(process.execPath, [join(DIR, 'make-history.mjs'), 'current-unparseable', repo]);
    const r = cli('release', repo);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    const lines = r.stderr!.split('\n');
    assert.equal(lines[0], 'Error: Couldn\u2019t parse spec file pkg.spec');
    assert.match(r.stderr!, /commit [0-9a-f]{12}/);
    assert.match(r.stderr!, /Dependency tokens must begin with alpha-numeric/);
    // The last of the pair wins, as with rpmautospec's click option.
    assert.equal(cli('release', '--no-error-on-unparseable-spec', '--error-on-unparseable-spec', repo).code, 1);
    assert.equal(cli('release', '--error-on-unparseable-spec', '--no-error-on-unparseable-spec', repo).code, 0);
  });
});

describe('the lines rpmautospec parses first, and what the evaluator vouches for', () => {
  test("abridged: up to the first line that is %prep once stripped (not '%prep -q', not '%prepare')", () => {
    assert.equal(abridgedSpec('A\n%prepare\n%prep -q\n  %prep \t\r\nB\n%prep\n'), 'A\n%prepare\n%prep -q\n');
    assert.equal(abridgedSpec('A\nB'), 'A\nB');
    assert.equal(abridgedSpec('%prep\nA'), '');
  });

  const ok = 'Name: x\nVersion: 1.0\nRelease: %autorelease\nSummary: s\nLicense: MIT\n';
  const strict = (text: string) => evaluatePreamble(text, {}, { strict: true });

  test('a plain spec: the evaluator answers alone', () => {
    const r = strict(`${ok}BuildRequires: gcc >= 4, python3-devel\nSource0: %{name}-%{version}.tar.gz\n\n%description\nText %{summary}.\n\n%package -n python3-x\nSummary: m\n%description -n python3-x\nM.\n%prep\n%if %{fedora}\n%endif\n`);
    assert.ok(r.ok && r.unsure === undefined, JSON.stringify(r));
  });

  for (const [what, text] of [
    ['an unexpanded macro in BuildRequires', `${ok}BuildRequires: %{py3_dist six}\n%description\nd\n`],
    ['no License', `${ok.replace('License: MIT\n', '')}%description\nd\n`],
    ['no %description', ok],
    ['a sub-package without Summary', `${ok}%description\nd\n%package b\n%description b\nd\n`],
    ['an unknown tag', `${ok}Frobnicate: yes\n%description\nd\n`],
    ['an %if not closed before %prep', `${ok}%description\nd\n%if 1\n%prep\n%endif\n`],
    ['a build section before %prep', `${ok}%description\nd\n%build\nmake\n%prep\n`],
    ['%files of a package not defined', `${ok}%description\nd\n%files -n nosuch\n%prep\n`],
    ['a dependency starting with an operator', `${ok}Requires: >= 1\n%description\nd\n`],
  ] as const) {
    test(`rpm decides: ${what}`, () => {
      const r = strict(text);
      assert.ok(r.ok && r.unsure !== undefined, JSON.stringify(r));
    });
  }
});
