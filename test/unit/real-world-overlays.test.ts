import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { checkText } from '../../server/src/core/check/check';
import { FIXTURES, ROOT, read } from './helpers';

/**
 * Real rdgo overlays (CentOS Atomic SIG, OpenShift, rdgo's own example, rpm-gitoverlay's and
 * ci-dnf-stack's files of another format: every historical version, reshaped so none of their text
 * is copied, origin and licence recorded) and hand-written probes of each rdgo check. Each carries
 * the verdict rdgo's own loading code gave it (scripts/corpus/rdgo-verdict.py: rdgo's resolve and
 * build tasks with only git and mock faked). rdgo is not in the repository: with
 * GITOVERLAY_RDGO_SRC=<an rdgo checkout> the verdicts are also recomputed live.
 */
interface Entry {
  id: string;
  file: string;
  original?: { repo: string; commit: string; path: string; sha256: string; license: string };
  rdgo: { verdict: 'ok' | 'error'; stage: string | null; error: string | null; line: number | null };
}

const DIR = join(FIXTURES, 'real-world/overlays');
const { real, probes } = JSON.parse(read(join(DIR, 'manifest.json'))) as { real: Entry[]; probes: Entry[] };

function ours(file: string): { verdict: 'ok' | 'error'; lines: number[]; codes: string[] } {
  const result = checkText(file, read(file));
  // Another tool's overlay.yml is said once and not checked: refused as an rdgo overlay, as rdgo refuses it.
  const refusing = result.diagnostics.filter((d) => d.severity === 'error' || d.code === 'overlay.not-rdgo');
  return { verdict: refusing.length ? 'error' : 'ok', lines: refusing.map((d) => d.range.start.line + 1), codes: refusing.map((d) => d.code) };
}

const live = process.env.GITOVERLAY_RDGO_SRC;

describe("real overlays: the verdict rdgo's own code gives", () => {
  test('the corpus: every real overlay found, with origin and licence; both verdicts present', () => {
    assert.ok(real.length >= 100, `${real.length} overlays`);
    assert.ok(real.some((e) => e.rdgo.verdict === 'error') && real.some((e) => e.rdgo.verdict === 'ok'));
    for (const e of real) assert.match(e.original!.commit, /^[0-9a-f]{40}$/, e.id);
    assert.ok(probes.length >= 20);
  });

  test(live ? `rdgo run live from ${live} gives the recorded verdicts` : 'rdgo run live (skipped: set GITOVERLAY_RDGO_SRC to an rdgo checkout)', { skip: !live }, () => {
    const all = [...real, ...probes];
    // The system Python: rdgo needs PyYAML (python3-yaml), which a pyenv or venv python3 may lack.
    const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
    const r = spawnSync(python, [join(ROOT, 'scripts/corpus/rdgo-verdict.py'), '--rdgo-src', live!, ...all.map((e) => join(DIR, e.file))], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const got = new Map(r.stdout.split('\n').filter(Boolean).map((l) => { const v = JSON.parse(l); return [v.file, v.verdict]; }));
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(all.filter((e) => got.get(join(DIR, e.file)) !== e.rdgo.verdict).map((e) => e.id), []);
  });

  let agree = 0;
  let placed = 0;
  for (const e of real) {
    test(`${e.original!.repo}:${e.original!.path}@${e.original!.commit.slice(0, 10)}: rdgo ${e.rdgo.verdict}${e.rdgo.error ? ` (${e.rdgo.error.slice(0, 60)})` : ''}`, () => {
      const o = ours(join(DIR, e.file));
      assert.equal(o.verdict, e.rdgo.verdict, o.codes.join(', '));
      agree++;
      if (e.rdgo.verdict === 'error' && e.rdgo.line !== null) {
        assert.ok(o.lines.includes(e.rdgo.line), `rdgo fails at line ${e.rdgo.line}; gitoverlay reports lines ${o.lines.join(', ')}`);
        placed++;
      }
    });
  }
  for (const e of probes) {
    test(`probe ${e.id}: rdgo ${e.rdgo.verdict}${e.rdgo.error ? ` (${e.rdgo.error.slice(0, 70)})` : ''}`, () => {
      const o = ours(join(DIR, e.file));
      assert.equal(o.verdict, e.rdgo.verdict, o.codes.join(', '));
      agree++;
    });
  }
  test('summary', () => {
    console.log(`real-world overlays: ${agree}/${real.length + probes.length} agree with rdgo (${real.length} real, ${probes.length} probes); ${placed} real refusals placed on rdgo's line`);
  });
});
