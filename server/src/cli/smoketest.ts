import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { smoketest, SmokeError, type SmokeResult } from '../core/compose/smoketest';
import { TestsFileError } from '../core/compose/tests-file';
import { InputError } from './autospec';
import { UsageError, type CommandResult } from './usage';

export const SMOKETEST_USAGE = `usage: gitoverlay smoketest [--out DIR] [--smoketested DIR] [--json] OVERLAY
Installs the packages gitoverlay.tests.yml (beside OVERLAY) declares from the raw compose (the build's
repository, default build/ beside OVERLAY) with dnf into a throw-away root, runs its commands there in
bwrap without network, and when all pass promotes the compose to DIR-smoketested (atomically).
Results: .gitoverlay/composes/<compose id>.json and .log beside OVERLAY.
Exit 0 passed (and promoted), 1 failed, 2 usage or input error.`;

function report(r: SmokeResult): string {
  const lines = [`compose ${r.id} (${r.raw})`];
  for (const s of r.steps) lines.push(`  ${s.ok ? 'ok  ' : 'FAIL'} ${s.name}${s.detail ? `: ${s.detail}` : ''}`);
  const changed = r.changed.map((c) => `${c.component} ${c.from ?? '(new)'} -> ${c.to}`);
  lines.push(`changed since the last smoketested compose: ${changed.length ? changed.join('; ') : 'nothing'}`);
  if (r.bisect) lines.push(`bisect: ${r.bisect.component ?? 'no single component'} after ${r.bisect.tried} composes tried, ${r.bisect.rebuilt} packages rebuilt`);
  if (r.culprit) {
    const c = r.culprit;
    if (c.commit) lines.push(`culprit: ${c.component}: ${c.where} commit ${c.commit.id} "${c.commit.subject}"${c.bisected ? ` (the first bad of ${c.commits.length}, ${c.bisected} builds bisected)` : ''}; revert it in that ${c.where} (gitoverlay revert -C <its work tree> ${c.commit.id.slice(0, 12)}, or the component's Revert… lens)`);
    else lines.push(`culprit: ${c.component}: one of ${c.commits.length} ${c.where} commits: ${c.commits.map((x) => `${x.id.slice(0, 12)} "${x.subject}"`).join(', ')}`);
  }
  if (r.ok) lines.push(`passed: promoted to ${r.smoketested}`);
  else lines.push(`FAILED: ${r.smoketested} is unchanged; suspects: ${r.changed.map((c) => c.component).join(', ') || 'none (nothing changed: the tests or the base moved)'}; log: ${r.log}`);
  return lines.join('\n') + '\n';
}

export async function runSmoketest(argv: string[], io: { progress?: (line: string) => void } = {}): Promise<CommandResult> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { out: { type: 'string', short: 'o' }, smoketested: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help) return { code: 0, stdout: SMOKETEST_USAGE + '\n' };
  if (positionals.length !== 1) throw new UsageError(positionals.length ? 'one OVERLAY only' : 'no OVERLAY given', SMOKETEST_USAGE);
  let r: SmokeResult;
  try {
    r = await smoketest(resolve(positionals[0]), {
      out: values.out ? resolve(values.out) : undefined,
      smoketested: values.smoketested ? resolve(values.smoketested) : undefined,
      onProgress: io.progress ?? ((l) => process.stderr.write(l + '\n')),
    });
  } catch (err) {
    if (err instanceof SmokeError || err instanceof TestsFileError) throw new InputError(err.message);
    throw err;
  }
  return { code: r.ok ? 0 : 1, stdout: values.json ? JSON.stringify(r, null, 2) + '\n' : report(r) };
}
