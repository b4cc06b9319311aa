import { parseArgs } from 'node:util';
import { diffRepositories, formatDiff } from '../core/build/diff';
import { InputError } from './autospec';
import { UsageError, type CommandResult } from './usage';

export const DIFF_USAGE = `usage: gitoverlay diff [--json] REPO1 REPO2
Compares two repositories (two builds of the same overlay or module, or two composes): packages added
(+), removed (-), with another version (~), and packages of the same NEVRA whose bytes differ (!) with
the header tags that differ; then the repository and module metadata. Build logs, specs and
buildstate.json are not compared.
Exit 0 when identical, 1 when they differ, 2 on a usage or input error.`;

export async function runDiff(argv: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
  if (values.help) return { code: 0, stdout: DIFF_USAGE + '\n' };
  if (positionals.length !== 2) throw new UsageError('two repositories, please', DIFF_USAGE);
  const [a, b] = positionals;
  let d;
  try {
    d = await diffRepositories(a, b);
  } catch (err) {
    throw new InputError(err instanceof Error ? err.message : String(err));
  }
  return { code: d.identical ? 0 : 1, stdout: values.json ? JSON.stringify(d, null, 2) + '\n' : formatDiff(d, a, b) };
}
