import type { DocContext } from '../check/context';
import type { Diagnostic } from '../types';
import { label } from './errors';
import type { ReadingNote } from './libmodulemd-reading';

export const READING_CODES = {
  scalarList: 'modulemd.scalar-list',
  emptyValue: 'modulemd.empty-value',
} as const;

/**
 * A warning for what libmodulemd reads past: the document is accepted (modulemd-validator, dnf and
 * MBS all read it through libmodulemd), but the reading is easy to miss when editing.
 */
export function readingDiagnostic(ctx: DocContext, n: ReadingNote): Diagnostic | null {
  // Text read from a number is what libmodulemd does everywhere; PyYAML's reading is yaml.numeric-string's.
  if (n.kind === 'scalar-text') return null;
  const name = label(n.path);
  if (n.kind === 'scalar-list') {
    const source = ctx.scalar(n.path)?.source ?? n.text ?? '';
    const list = `[${source}]`;
    const fixable = !source.includes('\n') && source.length > 0;
    return ctx.diag(
      READING_CODES.scalarList,
      'warning',
      ctx.valueAt(n.path),
      `${name} is a single value where a list is expected; libmodulemd reads it as the one-item list [${n.text}]: write ${list}`,
      fixable ? { replacement: list } : undefined,
    );
  }
  const reads = n.kind === 'empty-string' ? 'an empty string' : "a list with one empty entry ('')";
  return ctx.diag(READING_CODES.emptyValue, 'warning', ctx.valueAt(n.path), `${name} has no value; libmodulemd reads it as ${reads}`);
}
