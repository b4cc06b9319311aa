import type { ErrorObject, ValidateFunction } from 'ajv';
import type { JsonPath } from '../types';
import { pointerToPath, typedPath } from './errors';

/**
 * How libmodulemd reads what a JSON Schema would call the wrong type. Its parser works on libyaml
 * events, not on typed values, so:
 * - an empty value (`summary:`) is the scalar "", accepted wherever a string is expected;
 * - a scalar where a string set is expected (`platform: el8`, a profile's `rpms: foo`) is a one-item
 *   set, and an empty one is the set {""}.
 * - a number or boolean where text is expected (`stream: 1.10`, `modified: 201709270000`) is its text,
 *   which then has to pass the field's format like any other text.
 * Mappings, integers and booleans get no such reading: libmodulemd refuses them empty.
 * (Measured with modulemd-validator 2.14 on every string and string set of the spec documents.)
 */
export type ReadingKind = 'empty-string' | 'empty-list' | 'scalar-list' | 'scalar-text';

export interface ReadingNote {
  path: JsonPath;
  kind: ReadingKind;
  /** The scalar's text as written (scalar-list only). */
  text?: string;
}

export interface Reading {
  /** The value as libmodulemd reads it (the input itself when nothing was read differently). */
  value: unknown;
  notes: ReadingNote[];
  /** The validator's errors on `value`, null when it is valid. */
  errors: ErrorObject[] | null;
}

const MAX_ROUNDS = 4;

function expected(e: ErrorObject): string[] {
  const t = (e.params as { type: unknown }).type;
  return Array.isArray(t) ? t.map(String) : String(t).split(',');
}

function stringItems(schema: unknown): boolean {
  const items = (schema as { items?: { type?: unknown } } | undefined)?.items;
  return !!items && items.type === 'string';
}

/** What libmodulemd reads for the value of one type error, or undefined when it refuses it too. */
function reread(e: ErrorObject, path: JsonPath, textAt: (path: JsonPath) => string | undefined): { value: unknown; note: ReadingNote } | undefined {
  const types = expected(e);
  const data = e.data;
  const set = types.includes('array') && stringItems(e.parentSchema);
  if (data === null || data === undefined) {
    if (types.includes('string')) return { value: '', note: { path, kind: 'empty-string' } };
    if (set) return { value: [''], note: { path, kind: 'empty-list' } };
    return undefined;
  }
  if (types.includes('string') && (typeof data === 'number' || typeof data === 'boolean')) {
    const text = textAt(path);
    if (text !== undefined) return { value: text, note: { path, kind: 'scalar-text', text } };
  }
  if (set && !types.includes('string') && (typeof data === 'string' || typeof data === 'number' || typeof data === 'boolean')) {
    const text = textAt(path) ?? String(data);
    return { value: [text], note: { path, kind: 'scalar-list', text } };
  }
  return undefined;
}

/** A copy of `root` with `value` at `path`, sharing every untouched branch. */
function setAt(root: unknown, path: JsonPath, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(root)) {
    const copy = root.slice();
    copy[head as number] = setAt(copy[head as number], rest, value);
    return copy;
  }
  const obj = (root ?? {}) as Record<string, unknown>;
  return { ...obj, [head]: setAt(obj[head as string], rest, value) };
}

/**
 * Validates `value` as libmodulemd would read it: type errors libmodulemd reads past are replaced by
 * its reading and noted, then the document is validated again (a value read as a set can have items
 * to check).
 */
export function readAsLibmodulemd(validate: ValidateFunction, value: unknown, textAt: (path: JsonPath) => string | undefined): Reading {
  let current = value;
  const notes: ReadingNote[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (validate(current)) return { value: current, notes, errors: null };
    const errors = validate.errors ?? [];
    let changed = false;
    const done = new Set<string>();
    for (const e of errors) {
      if (e.keyword !== 'type' || done.has(e.instancePath)) continue;
      done.add(e.instancePath);
      const path = typedPath(current, pointerToPath(e.instancePath));
      const r = reread(e, path, textAt);
      if (!r) continue;
      current = setAt(current, path, r.value);
      notes.push(r.note);
      changed = true;
    }
    if (!changed) return { value: current, notes, errors: [...errors] };
  }
  return { value: current, notes, errors: validate(current) ? null : [...(validate.errors ?? [])] };
}
