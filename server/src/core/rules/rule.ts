import type { DocContext } from '../check/context';
import type { Diagnostic, Severity } from '../types';

/** One semantic rule: a stable id, its default severity, what it enforces, and its check. */
export interface Rule {
  id: string;
  severity: Severity;
  description: string;
  /** Schema names (see `schemas/`) of the document kinds the rule applies to. */
  kinds: readonly string[];
  check(ctx: DocContext): Diagnostic[];
}

export function entriesOf(v: unknown): [string, unknown][] {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.entries(v) : [];
}

export function stringsOf(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
