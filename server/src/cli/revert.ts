import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { NoSpecError } from '../core/autospec/run';
import { applyRevert, RevertRefused, type ApplyResult } from '../core/revert/apply';
import { InputError } from './autospec';
import { UsageError, type CommandResult } from './usage';

export const REVERT_USAGE = `usage: gitoverlay revert [-C DIR] [--push] [--bump-on-collision | --allow-collision] [--dry-run] COMMIT

Reverts COMMIT in the dist-git repository of DIR (default: the current directory; DIR may be the
dist-git directory or its spec) and prints the NEVR before and after, computed as rpmautospec does.

Reverting a version bump restarts the release count, so the new NEVR can equal (or sort below) one
the history already built. Then, by choice, gitoverlay REFUSES (exit 1, nothing reverted) unless
  --bump-on-collision   amends the revert with "[bump release: N]", N the smallest release that sorts
                        above every NEVR already built with that version, or
  --allow-collision     reverts anyway and keeps the colliding NEVR.
  --dry-run             prints what would happen, changes nothing (exit code as a real run).
  --push                git push (never forced) after reverting; prints the remote's answer.

Refuses (exit 1) a dirty work tree, and refs that are not commits reachable from HEAD.
Exit codes: 0 done, 1 refused or push failed, 2 usage or unreadable input.`;

function describe(r: ApplyResult, dryRun: boolean): string {
  const p = r.preview;
  const lines = [`revert ${p.commit.slice(0, 12)} "${p.subject}"`, `  before: ${p.before.nevr ?? '(unknown)'}`, `  after:  ${p.after.nevr ?? '(unknown)'}`];
  if (p.downgrade) lines.push(`  note: ${p.after.nevr} sorts below ${p.before.nevr} (a downgrade for rpm)`);
  if (p.collision) {
    lines.push(`  collision: ${p.after.nevr} does not sort above ${p.collision.with.map((c) => `${c.nevr} (${c.commit.slice(0, 12)})`).join(', ')}`);
    lines.push(`  bump: [bump release: ${p.collision.bump}] gives ${p.collision.bumpedNEVR}`);
  }
  if (dryRun) lines.push('  dry run: nothing changed');
  if (r.revertCommit) lines.push(`reverted: ${r.revertCommit.slice(0, 12)}${r.bumped !== null ? ` with [bump release: ${r.bumped}]` : ''} -> ${r.final?.nevr ?? '(unknown)'}`);
  if (r.push) lines.push(r.push.ok ? `pushed:\n${r.push.summary.replace(/^/gm, '  ')}` : `push failed: ${r.push.summary}`);
  return lines.join('\n') + '\n';
}

export async function runRevert(argv: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      directory: { type: 'string', short: 'C' },
      push: { type: 'boolean' },
      'bump-on-collision': { type: 'boolean' },
      'allow-collision': { type: 'boolean' },
      'dry-run': { type: 'boolean', short: 'n' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) return { code: 0, stdout: REVERT_USAGE + '\n' };
  if (positionals.length !== 1) throw new UsageError(positionals.length ? 'one COMMIT only' : 'no COMMIT given', REVERT_USAGE);
  if (values['bump-on-collision'] && values['allow-collision']) throw new UsageError('--bump-on-collision and --allow-collision exclude each other', REVERT_USAGE);
  const dir = values.directory ?? '.';
  try {
    await stat(dir);
  } catch {
    throw new InputError(`cannot read ${dir}: no such file or directory`);
  }
  const dryRun = values['dry-run'] ?? false;
  let r: ApplyResult;
  try {
    r = await applyRevert(dir, positionals[0], {
      bumpOnCollision: values['bump-on-collision'],
      allowCollision: values['allow-collision'],
      push: values.push && !dryRun,
      dryRun,
    });
  } catch (err) {
    if (err instanceof RevertRefused) return { code: 1, stderr: `gitoverlay revert: ${err.message}; nothing changed\n` };
    if (err instanceof NoSpecError) throw new InputError(err.message);
    throw err;
  }
  const out = describe(r, dryRun);
  if (r.refusedCollision) {
    return {
      code: 1,
      stdout: out,
      stderr: `gitoverlay revert: the reverted NEVR collides with an earlier build; nothing reverted. Pass --bump-on-collision to add [bump release: ${r.preview.collision!.bump}], or --allow-collision to keep it.\n`,
    };
  }
  return { code: r.push && !r.push.ok ? 1 : 0, stdout: out };
}
