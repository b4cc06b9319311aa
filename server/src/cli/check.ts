import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkText } from '../core/check/check';
import { formatJson, formatSarif, formatText, type FileReport } from './format';
import { UsageError, type CommandResult } from './usage';
import { collectYamlFiles } from './walk';

export const CHECK_USAGE = 'usage: gitoverlay check [--format text|json|sarif] PATH...';

/** `gitoverlay check`: exit 0 without errors, 1 with errors, 2 on usage or unreadable input. */
export function runCheck(argv: string[], version: string): CommandResult {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { format: { type: 'string', short: 'f', default: 'text' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) return { code: 0, stdout: CHECK_USAGE + '\n' };
  const format = values.format ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`unknown format '${format}' (text, json or sarif)`, CHECK_USAGE);
  if (positionals.length === 0) throw new UsageError('no PATH given', CHECK_USAGE);

  let files: string[];
  try {
    files = collectYamlFiles(positionals);
  } catch (err) {
    return { code: 2, stderr: `gitoverlay: cannot read ${describePath(err)}\n` };
  }
  const reports: FileReport[] = [];
  // A file named on the command line is never skipped silently: say why it is not checked.
  const explicit = new Set(positionals);
  const skipped: string[] = [];
  for (const path of files) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      return { code: 2, stderr: `gitoverlay: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n` };
    }
    const result = checkText(path, text);
    if (result.family) reports.push({ path, diagnostics: result.diagnostics });
    else if (explicit.has(path)) skipped.push(path);
  }
  const errors = reports.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === 'error').length, 0);
  const warnings = reports.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === 'warning').length, 0);
  const stdout = format === 'json' ? formatJson(reports) : format === 'sarif' ? formatSarif(reports, version) : formatText(reports);
  const summary =
    format === 'text'
      ? `${reports.length} file${reports.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`
      : '';
  const notes = skipped.map((p) => `gitoverlay: ${p}: not a modulemd document or an rpmdistro-gitoverlay overlay; not checked\n`).join('');
  return { code: errors > 0 ? 1 : 0, stdout, stderr: notes + summary };
}

function describePath(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.path ? `${e.path}: ${e.code === 'ENOENT' ? 'no such file or directory' : e.code ?? e.message}` : e.message;
}
