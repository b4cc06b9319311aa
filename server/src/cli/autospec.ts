import { chmod, stat, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { changelogText } from '../core/autospec/compute';
import { processSpec } from '../core/autospec/process';
import { autospecFor as compute, NoSpecError } from '../core/autospec/run';

async function autospecFor(path: string): ReturnType<typeof compute> {
  try {
    return await compute(path);
  } catch (err) {
    if (err instanceof NoSpecError) throw new InputError(err.message);
    throw err;
  }
}
import { UsageError, type CommandResult } from './usage';

export const RELEASE_USAGE = 'usage: gitoverlay release [--json] [--number-only] PATH   (PATH: a spec file or a dist-git directory)';
export const CHANGELOG_USAGE = 'usage: gitoverlay changelog PATH';
export const SPEC_USAGE = 'usage: gitoverlay spec PATH [-o OUT]';

async function target(positionals: string[], usage: string): Promise<string> {
  if (positionals.length !== 1) throw new UsageError(positionals.length ? 'one PATH only' : 'no PATH given', usage);
  const path = positionals[0];
  try {
    await stat(path);
  } catch {
    throw new InputError(`cannot read ${path}: no such file or directory`);
  }
  return path;
}

/** Unreadable input: exit 2 with the message. */
export class InputError extends Error {}

/** `gitoverlay release`: the release %autorelease expands to, as `rpmautospec calculate-release`. */
export async function runRelease(argv: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean' }, 'number-only': { type: 'boolean', short: 'n' }, complete: { type: 'boolean', short: 'c' } },
    allowPositionals: true,
  });
  const path = await target(positionals, RELEASE_USAGE);
  const { result } = await autospecFor(path);
  if (values.json) {
    return { code: 0, stdout: JSON.stringify({ epochVersion: result.epochVersion, releaseNumber: result.releaseNumber, release: result.release }, null, 2) + '\n' };
  }
  return { code: 0, stdout: `Calculated release number: ${values['number-only'] ? result.releaseNumber : result.release}\n` };
}

/** `gitoverlay changelog`: exactly what `rpmautospec generate-changelog` prints. */
export async function runChangelog(argv: string[]): Promise<CommandResult> {
  const { positionals } = parseArgs({ args: argv, options: {}, allowPositionals: true });
  const path = await target(positionals, CHANGELOG_USAGE);
  const { result } = await autospecFor(path);
  return { code: 0, stdout: changelogText(result.changelog) };
}

/** `gitoverlay spec`: the spec as `rpmautospec process-distgit` writes it. */
export async function runSpec(argv: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({ args: argv, options: { output: { type: 'string', short: 'o' } }, allowPositionals: true });
  const path = await target(positionals, SPEC_USAGE);
  const { history, result } = await autospecFor(path);
  if (history.workSpec === null) throw new InputError(`cannot read ${history.specPath}: no such file`);
  const text = processSpec(history.workSpec, result);
  if (!values.output) return { code: 0, stdout: text };
  let mode: number | undefined;
  try {
    mode = (await stat(values.output)).mode;
  } catch {
    mode = undefined;
  }
  await writeFile(values.output, text);
  if (mode !== undefined) await chmod(values.output, mode & 0o7777);
  return { code: 0, stderr: `wrote ${values.output}\n` };
}
