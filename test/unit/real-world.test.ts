import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { checkText } from '../../server/src/core/check/check';
import { parseYaml } from '../../server/src/core/yaml/parse';
import type { Diagnostic } from '../../server/src/core/types';
import { FIXTURES, read } from './helpers';

/**
 * The real-world differential: documents packagers actually have (libmodulemd, dnf, libdnf, MBS,
 * ci-dnf-stack, pulp... each entry records the original's repository, commit, path, sha256 and
 * licence), reshaped so that none of their text is copied (scripts/corpus/reshape.mjs keeps structure,
 * layout, scalar styles and defects; the reshaped file's verdict was checked equal to the original's).
 * modulemd-validator runs live on every file; gitoverlay must give the same verdict and put an error
 * where libmodulemd does.
 */
interface Entry {
  id: string;
  file: string;
  kind: string;
  original: { repo: string; commit: string; path: string; sha256: string; license: string };
  validator: Verdict;
  /** Packager documents: the run with --type modulemd-packager-vN, the verdict that counts for them. */
  validatorTyped?: Verdict;
}

interface Verdict {
  args: string[];
  verdict: 'valid' | 'invalid';
  firstErrorLine: number | null;
  message: string | null;
}

const DIR = join(FIXTURES, 'real-world/modulemd');
const entries = JSON.parse(read(join(DIR, 'manifest.json'))) as Entry[];

function validate(file: string, args: string[]): { verdict: 'valid' | 'invalid'; out: string } {
  const r = spawnSync('modulemd-validator', [...args, file], { encoding: 'utf8' });
  if (r.error) throw new Error(`modulemd-validator could not run (apt-get install libmodulemd-tools): ${r.error.message}`);
  return { verdict: r.status === 0 ? 'valid' : 'invalid', out: `${r.stdout}${r.stderr}` };
}

/**
 * The lines of the document libmodulemd refuses. Its `[line N col M]` marks count from the start of
 * the document's re-emitted data section, not the file, so the place compared is the document: the one
 * holding the first line modulemd-validator names (the failing document's start, or its mark).
 */
function failingDocument(text: string, line: number): [number, number] {
  const parsed = parseYaml(text);
  const spans = parsed.documents.map((d): [number, number] => [parsed.lines.positionAt(d.start).line + 1, parsed.lines.positionAt(d.end).line + 1]);
  if (spans.length <= 1) return [1, Number.MAX_SAFE_INTEGER];
  // A document's `---` line belongs to it too.
  return spans.find(([from, to]) => line >= from - 1 && line <= to) ?? [1, Number.MAX_SAFE_INTEGER];
}

describe('real-world modulemd documents: the same verdict as modulemd-validator, run live', () => {
  test('the corpus: at least 200 files of every kind, each with its origin and licence', () => {
    assert.ok(entries.length >= 200, `${entries.length} files`);
    const kinds = new Set(entries.map((e) => e.kind));
    for (const k of ['modulemd-v1', 'modulemd-v2', 'multi', 'modulemd-defaults-v1', 'modulemd-obsoletes-v1', 'modulemd-packager-v2', 'modulemd-packager-v3', 'modulemd-translations-v1']) {
      assert.ok(kinds.has(k), `no ${k} document`);
    }
    for (const e of entries) {
      assert.match(e.original.commit, /^[0-9a-f]{40}$/, e.id);
      assert.match(e.original.sha256, /^[0-9a-f]{64}$/, e.id);
      assert.ok(e.original.repo && e.original.path && e.original.license, e.id);
    }
    assert.ok(entries.filter((e) => (e.validatorTyped ?? e.validator).verdict === 'invalid').length >= 50);
  });

  const disagreements: string[] = [];
  const misplaced: string[] = [];
  let placed = 0;
  for (const e of entries) {
    const v = e.validatorTyped ?? e.validator;
    test(`${e.id} (${e.original.repo}:${e.original.path}): ${v.verdict}`, () => {
      const path = join(DIR, e.file);
      const text = read(path);
      const theirs = validate(path, v.args);
      assert.equal(theirs.verdict, v.verdict, `modulemd-validator changed its verdict: ${theirs.out}`);
      const errors: Diagnostic[] = checkText(path, text).diagnostics.filter((d) => d.severity === 'error');
      const ours = errors.length > 0 ? 'invalid' : 'valid';
      if (ours !== theirs.verdict) disagreements.push(`${e.id}: validator ${theirs.verdict}, gitoverlay ${ours}`);
      assert.equal(ours, theirs.verdict, errors.map((d) => `${d.range.start.line + 1}: ${d.message} [${d.code}]`).join('\n') || (v.message ?? ''));
      if (ours === 'valid' || v.firstErrorLine === null) return;
      const [from, to] = failingDocument(text, v.firstErrorLine);
      const lines = errors.map((d) => d.range.start.line + 1);
      const ok = lines.some((l) => l >= from && l <= to);
      if (ok) placed++;
      else misplaced.push(`${e.id}: libmodulemd refuses the document at lines ${from}-${to}, gitoverlay reports lines ${lines.join(',')}`);
      assert.ok(ok, `no error in the document libmodulemd refuses (lines ${from}-${to}): ${lines.join(', ')}`);
    });
  }

  test('summary: every file agrees, every error is placed where libmodulemd puts it', () => {
    const refused = entries.map((e) => e.validatorTyped ?? e.validator).filter((v) => v.verdict === 'invalid');
    const withLine = refused.filter((v) => v.firstErrorLine !== null).length;
    console.log(
      `real-world modulemd: ${entries.length - disagreements.length}/${entries.length} files agree; ${placed}/${withLine} refused files with a line from libmodulemd ` +
        `(${refused.length} refused) have an error in the document it refuses`,
    );
    assert.deepEqual(disagreements, []);
    assert.deepEqual(misplaced, []);
  });
});
