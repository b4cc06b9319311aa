import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { compareEVR, parseEVR, rpmvercmp, splitNEVR } from '../../server/src/core/overlay/rpmvercmp';

/**
 * rpm's own cases, verbatim from tests/rpmvercmp.at (rpm-software-management/rpm, the list rpm 4.18
 * ships: basic, RhBug:178798 separators, tilde, caret, tilde+caret).
 */
const RPMVERCMP_AT = `
RPMVERCMP(1.0, 1.0, 0)
RPMVERCMP(1.0, 2.0, -1)
RPMVERCMP(2.0, 1.0, 1)
RPMVERCMP(2.0.1, 2.0.1, 0)
RPMVERCMP(2.0, 2.0.1, -1)
RPMVERCMP(2.0.1, 2.0, 1)
RPMVERCMP(2.0.1a, 2.0.1a, 0)
RPMVERCMP(2.0.1a, 2.0.1, 1)
RPMVERCMP(2.0.1, 2.0.1a, -1)
RPMVERCMP(5.5p1, 5.5p1, 0)
RPMVERCMP(5.5p1, 5.5p2, -1)
RPMVERCMP(5.5p2, 5.5p1, 1)
RPMVERCMP(5.5p10, 5.5p10, 0)
RPMVERCMP(5.5p1, 5.5p10, -1)
RPMVERCMP(5.5p10, 5.5p1, 1)
RPMVERCMP(10xyz, 10.1xyz, -1)
RPMVERCMP(10.1xyz, 10xyz, 1)
RPMVERCMP(xyz10, xyz10, 0)
RPMVERCMP(xyz10, xyz10.1, -1)
RPMVERCMP(xyz10.1, xyz10, 1)
RPMVERCMP(xyz.4, xyz.4, 0)
RPMVERCMP(xyz.4, 8, -1)
RPMVERCMP(8, xyz.4, 1)
RPMVERCMP(xyz.4, 2, -1)
RPMVERCMP(2, xyz.4, 1)
RPMVERCMP(5.5p2, 5.6p1, -1)
RPMVERCMP(5.6p1, 5.5p2, 1)
RPMVERCMP(5.6p1, 6.5p1, -1)
RPMVERCMP(6.5p1, 5.6p1, 1)
RPMVERCMP(6.0.rc1, 6.0, 1)
RPMVERCMP(6.0, 6.0.rc1, -1)
RPMVERCMP(10b2, 10a1, 1)
RPMVERCMP(10a2, 10b2, -1)
RPMVERCMP(1.0aa, 1.0aa, 0)
RPMVERCMP(1.0a, 1.0aa, -1)
RPMVERCMP(1.0aa, 1.0a, 1)
RPMVERCMP(10.0001, 10.0001, 0)
RPMVERCMP(10.0001, 10.1, 0)
RPMVERCMP(10.1, 10.0001, 0)
RPMVERCMP(10.0001, 10.0039, -1)
RPMVERCMP(10.0039, 10.0001, 1)
RPMVERCMP(4.999.9, 5.0, -1)
RPMVERCMP(5.0, 4.999.9, 1)
RPMVERCMP(20101121, 20101121, 0)
RPMVERCMP(20101121, 20101122, -1)
RPMVERCMP(20101122, 20101121, 1)
RPMVERCMP(2_0, 2_0, 0)
RPMVERCMP(2.0, 2_0, 0)
RPMVERCMP(2_0, 2.0, 0)
RPMVERCMP(a, a, 0)
RPMVERCMP(a+, a+, 0)
RPMVERCMP(a+, a_, 0)
RPMVERCMP(a_, a+, 0)
RPMVERCMP(+a, +a, 0)
RPMVERCMP(+a, _a, 0)
RPMVERCMP(_a, +a, 0)
RPMVERCMP(+_, +_, 0)
RPMVERCMP(_+, +_, 0)
RPMVERCMP(_+, _+, 0)
RPMVERCMP(+, _, 0)
RPMVERCMP(_, +, 0)
RPMVERCMP(1.0~rc1, 1.0~rc1, 0)
RPMVERCMP(1.0~rc1, 1.0, -1)
RPMVERCMP(1.0, 1.0~rc1, 1)
RPMVERCMP(1.0~rc1, 1.0~rc2, -1)
RPMVERCMP(1.0~rc2, 1.0~rc1, 1)
RPMVERCMP(1.0~rc1~git123, 1.0~rc1~git123, 0)
RPMVERCMP(1.0~rc1~git123, 1.0~rc1, -1)
RPMVERCMP(1.0~rc1, 1.0~rc1~git123, 1)
RPMVERCMP(1.0^, 1.0^, 0)
RPMVERCMP(1.0^, 1.0, 1)
RPMVERCMP(1.0, 1.0^, -1)
RPMVERCMP(1.0^git1, 1.0^git1, 0)
RPMVERCMP(1.0^git1, 1.0, 1)
RPMVERCMP(1.0, 1.0^git1, -1)
RPMVERCMP(1.0^git1, 1.0^git2, -1)
RPMVERCMP(1.0^git2, 1.0^git1, 1)
RPMVERCMP(1.0^git1, 1.01, -1)
RPMVERCMP(1.01, 1.0^git1, 1)
RPMVERCMP(1.0^20160101, 1.0^20160101, 0)
RPMVERCMP(1.0^20160101, 1.0.1, -1)
RPMVERCMP(1.0.1, 1.0^20160101, 1)
RPMVERCMP(1.0^20160101^git1, 1.0^20160101^git1, 0)
RPMVERCMP(1.0^20160102, 1.0^20160101^git1, 1)
RPMVERCMP(1.0^20160101^git1, 1.0^20160102, -1)
RPMVERCMP(1.0~rc1^git1, 1.0~rc1^git1, 0)
RPMVERCMP(1.0~rc1^git1, 1.0~rc1, 1)
RPMVERCMP(1.0~rc1, 1.0~rc1^git1, -1)
RPMVERCMP(1.0^git1~pre, 1.0^git1~pre, 0)
RPMVERCMP(1.0^git1, 1.0^git1~pre, 1)
RPMVERCMP(1.0^git1~pre, 1.0^git1, -1)
`;

/** The "oddities" rpm documents (commented out in the .at file) are still what rpm does. */
const ODDITIES = `
RPMVERCMP(1b.fc17, 1b.fc17, 0)
RPMVERCMP(1b.fc17, 1.fc17, -1)
RPMVERCMP(1.fc17, 1b.fc17, 1)
RPMVERCMP(1g.fc17, 1g.fc17, 0)
RPMVERCMP(1g.fc17, 1.fc17, 1)
RPMVERCMP(1.fc17, 1g.fc17, -1)
RPMVERCMP(1.1.α, 1.1.α, 0)
RPMVERCMP(1.1.α, 1.1.β, 0)
RPMVERCMP(1.1.β, 1.1.α, 0)
RPMVERCMP(1.1.αα, 1.1.α, 0)
RPMVERCMP(1.1.α, 1.1.ββ, 0)
RPMVERCMP(1.1.ββ, 1.1.αα, 0)
`;

function cases(text: string): [string, string, number][] {
  return [...text.matchAll(/^RPMVERCMP\((.*), (.*), (-?\d)\)$/gm)].map((m) => [m[1], m[2], Number(m[3])]);
}

describe("rpmvercmp: rpm's tests/rpmvercmp.at", () => {
  const all = cases(RPMVERCMP_AT);
  test(`the list is complete (${all.length} cases)`, () => assert.equal(all.length, 91));
  for (const [a, b, want] of all) {
    test(`rpmvercmp(${a}, ${b}) = ${want}`, () => assert.equal(rpmvercmp(a, b), want));
  }
  for (const [a, b, want] of cases(ODDITIES)) {
    test(`oddity: rpmvercmp(${a}, ${b}) = ${want}`, () => assert.equal(rpmvercmp(a, b), want));
  }
});

describe('rpmvercmp against the installed rpm', () => {
  const rpm = spawnSync('rpm', ['--version'], { encoding: 'utf8' });
  test('random versions order as rpm.vercmp orders them', { skip: rpm.status !== 0 && 'rpm is not installed' }, () => {
    // A fixed pseudo-random generator: the same pairs every run.
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const alphabet = ['0', '1', '9', '00', '10', 'a', 'b', 'rc', 'Z', '.', '.', '_', '+', '~', '^', '-'];
    const word = (): string => Array.from({ length: 1 + rand(6) }, () => alphabet[rand(alphabet.length)]).join('');
    const pairs = Array.from({ length: 400 }, () => [word(), word()] as const).filter(([a, b]) => !/[\\"]/.test(a + b));
    const lua = pairs.map(([a, b]) => `print(rpm.vercmp("${a}", "${b}") .. "\\n")`).join(' ');
    const r = spawnSync('rpm', ['--eval', `%{lua: ${lua}}`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const want = r.stdout.trim().split('\n').map(Number);
    assert.equal(want.length, pairs.length);
    const diffs = pairs.map(([a, b], i) => [a, b, rpmvercmp(a, b), want[i]]).filter(([, , got, w]) => got !== w);
    assert.deepEqual(diffs, []);
  });
});

describe('compareEVR', () => {
  test('a missing epoch is 0; epoch wins over version, version over release', () => {
    assert.equal(compareEVR('1.0-1', '0:1.0-1'), 0);
    assert.equal(compareEVR('1:0.1-1', '9.9-9'), 1);
    assert.equal(compareEVR('2.0-1', '1.0-9'), 1);
    assert.equal(compareEVR('1.0-2', '1.0-10'), -1);
    assert.equal(compareEVR('1.2.5-1', '1.2.4-99'), 1);
    assert.equal(compareEVR('1.0-3.20250602git55e1573', '1.0-3.20250601gitffffff0'), 1);
    assert.equal(compareEVR('1.0~rc1-1', '1.0-1'), -1);
    assert.equal(compareEVR('10:1-1', '9:1-1'), 1);
  });

  test('with equal versions, having a release sorts above having none (rpm.ver in rpm 4.18)', () => {
    assert.equal(compareEVR('1.0', '1.0-5'), -1);
    assert.equal(compareEVR('1.0-~', '1.0'), 1);
    assert.equal(compareEVR('1.0-', '1.0-5'), -1);
    assert.equal(compareEVR('1.1', '1.0-5'), 1);
  });

  test('random EVRs order as rpm.ver orders them', { skip: spawnSync('rpm', ['--version']).status !== 0 && 'rpm is not installed' }, () => {
    let seed = 777;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)];
    const evr = (): string => `${pick(['', '', '0:', '1:', '2:', ':'])}${pick(['1.0', '1.0~rc1', '1.0^git1', '1.01', '2', '1.0a'])}${pick(['', '-1', '-2', '-10', '-1.fc40', '-', '-~'])}`;
    const pairs = Array.from({ length: 300 }, () => [evr(), evr()] as const);
    const lua =
      'local function c(x, y) local a = rpm.ver(x); local b = rpm.ver(y); if a < b then return -1 elseif a == b then return 0 else return 1 end end ' +
      pairs.map(([a, b]) => `print(c("${a}", "${b}") .. "\\n")`).join(' ');
    const r = spawnSync('rpm', ['--eval', `%{lua: ${lua}}`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const want = r.stdout.trim().split('\n').map(Number);
    const diffs = pairs.map(([a, b], i) => [a, b, compareEVR(a, b), want[i]]).filter(([, , got, w]) => got !== w);
    assert.deepEqual(diffs, []);
  });

  test('parsing [epoch:]version-release and name-EVR', () => {
    assert.deepEqual(parseEVR('3:1.2-4.fc40'), { epoch: 3, version: '1.2', release: '4.fc40' });
    assert.deepEqual(parseEVR('1.2'), { epoch: 0, version: '1.2' });
    assert.deepEqual(splitNEVR('python-foo-bar-1:2.0-3'), { name: 'python-foo-bar', evr: { epoch: 1, version: '2.0', release: '3' } });
    assert.equal(splitNEVR('foo'), null);
  });
});
