import fc from 'fast-check';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { wrap } from '../../server/src/core/autospec/textwrap';

/**
 * rpmautospec wraps changelog items with Python's textwrap.wrap(item, 75, initial_indent='- ',
 * subsequent_indent='  '). Compared with Python's textwrap run live, on the kinds of text its own tests
 * use (hyphenated words, em-dashes, long words and URLs, tabs, punctuation, non-ASCII letters, digits)
 * and on seeded random texts made of them, at several widths.
 */
const CASES = [
  'Make the process as non-dumpable when running with elevated privileges so that core dumps are not written',
  'Use the well-known re-entrant, thread-safe variant of the function in every call-site of the library code',
  'Rebuilt for https://fedoraproject.org/wiki/Fedora_41_Mass_Rebuild and https://bugzilla.redhat.com/show_bug.cgi?id=2261234',
  'Hello--world, this is an em--dash test -- with spaces -- and ---triple--- dashes that go on for quite a while',
  'Update to 1.2.3-rc1 (rhbz#1234567), drop the 0001-fix-build-with-gcc-14.patch, add 0002-python-3.13-compat.patch',
  'A\tline\twith\ttabs\tin\tit that continues for long enough to wrap at the seventy-fifth column of text',
  'Übersetzung aktualisiert: schön-gefärbte Wörter und naïve café-crème Beispiele für die Zeilenumbruch-Logik',
  'x-y-z a-b-c 1-2-3 -leading -- trailing- well-- --known self-- -x- long-long-long-long-long-long-long-long-long-long-long-long',
  'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  'Fix CVE-2024-12345: a buffer over-read in the X.509 parser; see commit 0123456789abcdef0123456789abcdef01234567',
  '  leading and trailing spaces   with   runs   of   blanks   inside   the   text   of   this   item   ',
  'snake_case_identifiers_and-hyphenated-words_mixed_together in one-very_long-token_that_must_be_broken_somewhere',
  // Short items (most of a changelog: one line, taken whole), and the whitespace Python's strip() knows.
  'Short item',
  'ends in an ideographic space\u3000',
  'a \u3000',
  'a \x1c',
  'a \ufeff',
  '\u00a0leading no-break space, then a separator\u2028inside',
  `astral ${'😀'.repeat(33)}`,
  `astral ${'😀'.repeat(40)}`,
  ' ',
];

const PIECES = ['word', 'non', 'dump', 'able', '-', '--', '---', ' ', '  ', '\t', 'x', 'é', 'ß', '12', '3.4', '_', ',', '.', '!', '?', '"', "'", '&', 'https://example.org/a-b/c', 'über', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'];
function randomTexts(n: number, seed: number): string[] {
  return fc.sample(fc.array(fc.constantFrom(...PIECES), { minLength: 5, maxLength: 64 }).map((parts) => parts.join('')), { seed, numRuns: n });
}

function python(): string {
  for (const py of ['/usr/bin/python3', 'python3']) if (spawnSync(py, ['-c', 'import textwrap']).status === 0) return py;
  throw new Error('python3 is needed for this test');
}

describe("changelog wrapping is Python's textwrap.wrap, compared live", () => {
  const texts = [...CASES, ...randomTexts(400, 2026)];
  const widths = [75, 30, 12, 4];
  test(`${texts.length} texts at widths ${widths.join(', ')}: the same lines as Python`, () => {
    const script =
      'import json,sys,textwrap\nd=json.load(sys.stdin)\nprint(json.dumps([[textwrap.wrap(t, w, initial_indent="- ", subsequent_indent="  ") for w in d["widths"]] for t in d["texts"]]))';
    const r = spawnSync(python(), ['-c', script], { input: JSON.stringify({ texts, widths }), encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.equal(r.status, 0, r.stderr);
    const theirs = JSON.parse(r.stdout) as string[][][];
    const diff: string[] = [];
    texts.forEach((t, i) =>
      widths.forEach((w, j) => {
        const ours = wrap(t, w, '- ', '  ');
        if (JSON.stringify(ours) !== JSON.stringify(theirs[i][j])) diff.push(`${JSON.stringify(t)} @${w}:\n  python ${JSON.stringify(theirs[i][j])}\n  ours   ${JSON.stringify(ours)}`);
      }),
    );
    assert.deepEqual(diff.slice(0, 5), []);
  });

  test('a hyphenated word is broken after its hyphen, as Python does ("non-" / "dumpable")', () => {
    const lines = wrap(CASES[0], 75, '- ', '  ');
    assert.deepEqual(lines, ['- Make the process as non-dumpable when running with elevated privileges so', '  that core dumps are not written']);
    assert.deepEqual(wrap('aaaa bbbbbbbbbbbbbbbbbb non-dumpable', 30, '- ', '  '), ['- aaaa bbbbbbbbbbbbbbbbbb non-', '  dumpable']);
  });
});
