import { chmod, stat, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { changelogText } from '../core/autospec/compute';
import { processSpec, specFeatures } from '../core/autospec/process';
import { autospecFor as compute, NoSpecError, unparseableMessage, type Autospec, type AutospecOptions } from '../core/autospec/run';

async function autospecFor(path: string, options: AutospecOptions = {}): ReturnType<typeof compute> {
  try {
    return await compute(path, options);
  } catch (err) {
    if (err instanceof NoSpecError) throw new InputError(err.message);
    throw err;
  }
}
import { InputError, UsageError, type CommandResult } from './usage';

export const RELEASE_USAGE = 'usage: gitoverlay release [--json] [--number-only] [--no-error-on-unparseable-spec] PATH   (PATH: a spec file or a dist-git directory)';
export const CHANGELOG_USAGE = 'usage: gitoverlay changelog [--no-pager] [--no-error-on-unparseable-spec] PATH';
export const SPEC_USAGE = 'usage: gitoverlay spec [--no-error-on-unparseable-spec] PATH [-o OUT]';

/** rpmautospec's global `--error-on-unparseable-spec/--no-error-on-unparseable-spec` (default: error). */
const UNPARSEABLE_OPTIONS = { 'error-on-unparseable-spec': { type: 'boolean' }, 'no-error-on-unparseable-spec': { type: 'boolean' } } as const;

function errorOnUnparseable(values: { 'error-on-unparseable-spec'?: boolean; 'no-error-on-unparseable-spec'?: boolean }, argv: string[]): boolean {
  // The last of the two given wins, as with click's flag pair.
  const last = [...argv].reverse().find((a) => a === '--error-on-unparseable-spec' || a === '--no-error-on-unparseable-spec');
  if (last) return last === '--error-on-unparseable-spec';
  return !values['no-error-on-unparseable-spec'];
}

/**
 * rpmautospec's answer when the current spec cannot be parsed: `Error: Couldn’t parse spec file X.spec`
 * on stderr, exit 1 (its first line is rpmautospec's, byte for byte; where and rpm's messages follow).
 */
function unparseableFailure(a: Autospec): CommandResult {
  const u = a.unparseable!;
  const detail = u.detail ? `\n${u.detail.replace(/^/gm, '  ')}` : '';
  return { code: 1, stderr: `Error: ${unparseableMessage(u)}\n  (${u.where}; pass --no-error-on-unparseable-spec to compute with the version unknown)${detail}\n` };
}

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

export { InputError } from './usage';

/** `gitoverlay release`: the release %autorelease expands to, as `rpmautospec calculate-release`. */
export async function runRelease(argv: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean' }, 'number-only': { type: 'boolean', short: 'n' }, complete: { type: 'boolean', short: 'c' }, ...UNPARSEABLE_OPTIONS },
    allowPositionals: true,
  });
  const path = await target(positionals, RELEASE_USAGE);
  // As calculate-release: the release walk alone.
  const a = await autospecFor(path, { changelog: false });
  if (a.unparseable && errorOnUnparseable(values, argv)) return unparseableFailure(a);
  const { result } = a;
  if (values.json) {
    return { code: 0, stdout: JSON.stringify({ epochVersion: result.epochVersion, releaseNumber: result.releaseNumber, release: result.release }, null, 2) + '\n' };
  }
  return { code: 0, stdout: `Calculated release number: ${values['number-only'] ? result.releaseNumber : result.release}\n` };
}

/** `gitoverlay changelog`: exactly what `rpmautospec generate-changelog` prints. */
export async function runChangelog(argv: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({ args: argv, options: { pager: { type: 'boolean' }, 'no-pager': { type: 'boolean' }, ...UNPARSEABLE_OPTIONS }, allowPositionals: true });
  const path = await target(positionals, CHANGELOG_USAGE);
  const a = await autospecFor(path);
  if (a.unparseable && errorOnUnparseable(values, argv)) return unparseableFailure(a);
  const text = changelogText(a.result.changelog);
  // rpmautospec pages by default: into a pipe or file (pydoc's plain pager) the text goes out without
  // the newline print() adds under --no-pager. Same bytes here; on a terminal the newline stays.
  const paged = !values['no-pager'] && !process.stdout.isTTY;
  return { code: 0, stdout: paged ? text.replace(/\n$/, '') : text };
}

/** `gitoverlay spec`: the spec as `rpmautospec process-distgit` writes it. */
export async function runSpec(argv: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({ args: argv, options: { output: { type: 'string', short: 'o' }, ...UNPARSEABLE_OPTIONS }, allowPositionals: true });
  const path = await target(positionals, SPEC_USAGE);
  const a = await autospecFor(path);
  const { history, result } = a;
  if (history.workSpec === null) throw new InputError(`cannot read ${history.specPath}: no such file`);
  // rpmautospec process-distgit: only a spec that needs processing is checked (process_distgit.py:64-86).
  const f = specFeatures(history.workSpec);
  const needsChangelog = (f.changelogLine === null && f.autochangelogLine === null) || f.autochangelogLine !== null;
  const necessary = !f.isProcessed && (f.hasAutorelease || needsChangelog);
  if (necessary && a.unparseable && errorOnUnparseable(values, argv)) return unparseableFailure(a);
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
