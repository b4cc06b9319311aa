import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { changelogText } from '../../server/src/core/autospec/compute';
import { autospecFor } from '../../server/src/core/autospec/run';
import { FIXTURES, ROOT } from './helpers';
import { checkout, rebuild, shapes, type Answer } from './real-histories';

export type MacroSet = 'plain' | 'fedora-like';

/**
 * Points HOME at a directory whose ~/.rpmmacros is the macro set (none for plain rpm), for this test
 * process and the rpm and gitoverlay processes it starts. Call before anything runs rpm.
 */
export function useMacroSet(macros: MacroSet): void {
  const home = mkdtempSync(join(tmpdir(), `gitoverlay-home-${macros}-`));
  if (macros === 'fedora-like') copyFileSync(join(FIXTURES, 'macros/fedora-like.macros'), join(home, '.rpmmacros'));
  process.env.HOME = home;
}

function why(recordedRpm: string, macros: MacroSet): string | null {
  const rpm = spawnSync('rpm', ['--version'], { encoding: 'utf8' });
  if (rpm.status !== 0) return 'rpm is not installed';
  const version = rpm.stdout.trim().replace(/^RPM version /, '');
  if (version !== recordedRpm) return `answers recorded with rpm ${recordedRpm}, this is rpm ${version}`;
  const fedora = execFileSync('rpm', ['--eval', '%{?fedora}']).toString().trim();
  if ((macros === 'plain') !== (fedora === '')) return `this machine's own rpm macros define %fedora (${fedora})`;
  return null;
}

function cli(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/gitoverlay.js'), ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Line 2 of a processed spec names the tool that wrote it. */
const body = (spec: string): string => spec.split('\n').filter((_, i) => i !== 1).join('\n');

async function compare(spec: string, want: Record<'default' | 'lenient', Answer>, where: string, viaCli: boolean): Promise<void> {
  const a = await autospecFor(spec);
  const lenient = want.lenient;
  // Lenient mode: every answer is there.
  assert.equal(`Calculated release number: ${a.result.release}\n`, lenient.release.stdout, `${where}: release`);
  assert.equal(`Calculated release number: ${a.result.releaseNumber}\n`, lenient.releaseNumber.stdout, `${where}: release number`);
  assert.equal(changelogText(a.result.changelog).replace(/\n$/, ''), lenient.changelog.stdout, `${where}: changelog`);
  // Default mode: an unparseable current spec is an error, as with rpmautospec.
  assert.equal(a.unparseable !== null, want.default.release.code === 1, `${where}: current spec unparseable (${JSON.stringify(a.unparseable)})`);
  if (!viaCli) return;
  for (const mode of ['default', 'lenient'] as const) {
    const flag = mode === 'lenient' ? ['--no-error-on-unparseable-spec'] : [];
    const r = cli(['release', ...flag, spec]);
    assert.equal(r.code, want[mode].release.code, `${where} ${mode}: release exit code (${r.stderr})`);
    if (r.code === 0) assert.equal(r.stdout, want[mode].release.stdout, `${where} ${mode}: CLI release`);
    const c = cli(['changelog', ...flag, spec]);
    assert.equal(c.code, want[mode].changelog.code, `${where} ${mode}: changelog exit code`);
    if (c.code === 0) assert.equal(c.stdout, want[mode].changelog.stdout, `${where} ${mode}: CLI changelog`);
    const out = `${spec}.${mode}.out`;
    rmSync(out, { force: true });
    const s = cli(['spec', ...flag, spec, '-o', out]);
    assert.equal(s.code, want[mode].processDistgit.code, `${where} ${mode}: spec exit code (${s.stderr})`);
    const expected = want[mode].processDistgit.spec;
    if (expected === null) assert.ok(!existsSync(out), `${where} ${mode}: no spec written`);
    else assert.equal(body(readFileSync(out, 'utf8')), body(expected), `${where} ${mode}: processed spec`);
  }
}

/**
 * Real dist-git histories (stand-ins of their shape): every output as rpmautospec 0.8.5 gave it, at
 * each recorded commit, under one macro set. The command line is checked at HEAD (exit codes, pager,
 * processed spec), the engine at every check; a spec that lived in a subdirectory is read there too.
 */
export function realHistoriesSuite(macros: MacroSet): void {
  const all = shapes().filter((s) => s.recorded !== null);
  describe(`real dist-git histories under ${macros} rpm macros: rpmautospec 0.8.5's answers, exactly`, () => {
    test('the corpus is there', () => assert.ok(all.length >= 1, `${all.length} histories`));
    const base = mkdtempSync(join(tmpdir(), 'gitoverlay-real-'));
    for (const { name, shape, recorded } of all) {
      const skip = why(recorded!.rpm, macros);
      const answers = recorded!.answers[macros];
      test(`${name} (${shape.source.repo}, ${shape.commits.length} commits)`, { skip: skip ?? false }, async () => {
        const repo = join(base, name);
        rebuild(shape, repo, 'top');
        for (const check of shape.checks) {
          checkout(repo, check.commit);
          await compare(join(repo, shape.specName), answers[check.label], `${name} at ${check.label}`, check.label === 'HEAD');
        }
      });
      if (shape.dir) {
        test(`${name}: the spec in ${shape.dir}/ of a bigger repository reads the same history`, { skip: skip ?? false }, async () => {
          const repo = join(base, `${name}-nested`);
          rebuild(shape, repo, 'nested');
          for (const check of shape.checks) {
            checkout(repo, check.commit);
            await compare(join(repo, shape.dir, shape.specName), answers[check.label], `${name} in ${shape.dir}/ at ${check.label}`, false);
          }
        });
      }
    }
  });
}
