import type { ErrorObject } from 'ajv';
import type { DocContext } from '../check/context';
import { closest } from '../check/suggest';
import { pyyamlRead } from '../yaml/pyyaml-resolver';
import { readInteger } from './libmodulemd-integer';
import type { Diagnostic, JsonPath } from '../types';

export interface MapOptions {
  /** Unknown keys as warnings (dnf's non-strict reading) instead of errors. */
  lenientUnknownKeys?: boolean;
  /** Names list items in messages (an overlay's components by their name). */
  itemName?: (path: JsonPath) => string | undefined;
  /** Paths (as JSON pointers, `*` for any key) where a non-string scalar is an error, not a lint. */
  stringRequiredAt?: (path: JsonPath) => { code: string; message: string } | null;
}

export function pointerToPath(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Converts path segments that index arrays into numbers, following the value. */
export function typedPath(value: unknown, raw: string[]): (string | number)[] {
  const out: (string | number)[] = [];
  let v: unknown = value;
  for (const seg of raw) {
    if (Array.isArray(v)) {
      const i = Number(seg);
      out.push(i);
      v = v[i];
    } else {
      out.push(seg);
      v = v && typeof v === 'object' ? (v as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

const ITEM_NAMES: Record<string, string> = {
  components: 'component',
  configurations: 'configuration',
  aliases: 'alias',
  dependencies: 'dependencies entry',
};

/** How a message names the node at `path`; `itemName` names list items by what they are (an overlay component by its name). */
export function label(path: JsonPath, itemName?: (path: JsonPath) => string | undefined): string {
  if (path.length === 0) return 'the document';
  const last = path[path.length - 1];
  if (typeof last === 'number') {
    const parent = path[path.length - 2];
    const singular = typeof parent === 'string' ? ITEM_NAMES[parent] : undefined;
    const name = itemName?.(path);
    if (singular && name) return `${singular} '${name}'`;
    return singular ? `${singular} ${last + 1}` : `item ${last + 1} of ${label(path.slice(0, -1), itemName)}`;
  }
  return `'${last}'`;
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (Array.isArray(v)) return 'a list';
  switch (typeof v) {
    case 'object':
      return 'a mapping';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    default:
      return 'a string';
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'empty',
};

function expectedTypes(t: unknown): string[] {
  return Array.isArray(t) ? t.map(String) : [String(t)];
}

/** Findings about a value's content, which say nothing more once its type is wrong. */
const VALUE_KEYWORDS = new Set(['enum', 'const', 'pattern', 'format', 'minLength', 'maxLength', 'minimum', 'maximum', 'anyOf', 'oneOf']);

function isUnder(path: string, prefix: string): boolean {
  return path !== prefix && path.startsWith(prefix + '/');
}

/**
 * Turns ajv's errors into one diagnostic per defect, on the exact YAML node: unknown keys on the key
 * (with a suggestion), wrong types on the value, missing keys on the parent's key.
 */
export function mapSchemaErrors(
  ctx: DocContext,
  errors: readonly ErrorObject[] | null | undefined,
  base: JsonPath = [],
  options: MapOptions = {},
): Diagnostic[] {
  if (!errors?.length) return [];
  // A value of the wrong type makes every finding below it noise, and every other finding on it.
  const typeBroken = errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath);
  // A misspelt required key is one defect: the unknown key says "did you mean", the missing one stays quiet.
  const misspelt = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue;
    const extra = String((e.params as { additionalProperty: string }).additionalProperty);
    const known = Object.keys(((e.parentSchema as Record<string, unknown> | undefined)?.properties as object) ?? {});
    const suggestion = closest(extra, known);
    if (suggestion) misspelt.add(`${e.instancePath}|${suggestion}`);
  }
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  // Type errors first: a reported one makes the value's other findings (enum, pattern) noise.
  const reportedType = new Set<string>();
  const ordered = [...errors.filter((e) => e.keyword === 'type'), ...errors.filter((e) => e.keyword !== 'type')];
  for (const e of ordered) {
    if (typeBroken.some((p) => isUnder(e.instancePath, p))) continue;
    if (e.keyword !== 'type' && reportedType.has(e.instancePath) && VALUE_KEYWORDS.has(e.keyword)) continue;
    if (e.keyword === 'required' && misspelt.has(`${e.instancePath}|${(e.params as { missingProperty: string }).missingProperty}`)) continue;
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const path = [...base, ...typedPath(rootValue(ctx, base), pointerToPath(e.instancePath))];
    const d = mapOne(ctx, e, path, options);
    if (d) out.push(d);
    if (d && e.keyword === 'type') reportedType.add(e.instancePath);
  }
  return out;
}

function rootValue(ctx: DocContext, base: JsonPath): unknown {
  let v: unknown = ctx.value;
  for (const seg of base) v = v && typeof v === 'object' ? (v as Record<string | number, unknown>)[seg] : undefined;
  return v;
}

function mapOne(ctx: DocContext, e: ErrorObject, path: (string | number)[], options: MapOptions): Diagnostic | null {
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = String((e.params as { additionalProperty: string }).additionalProperty);
      const known = Object.keys((parent.properties as object) ?? {});
      const suggestion = closest(extra, known);
      const where = path.length ? ` in ${label(path, options.itemName)}` : '';
      const required = suggestion && Array.isArray(parent.required) && parent.required.includes(suggestion) ? ` (required)` : '';
      return ctx.diag(
        'schema.unknown-key',
        options.lenientUnknownKeys ? 'warning' : 'error',
        ctx.keyAt([...path, extra]),
        `Unknown key '${extra}'${where}` + (suggestion ? `; did you mean '${suggestion}'${required}?` : ''),
        suggestion ? { key: extra, suggestion } : { key: extra },
      );
    }
    case 'required': {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      const later = (parent.requiredLaterMessages as Record<string, string> | undefined)?.[missing];
      if (later !== undefined) {
        return ctx.diag(
          'schema.required-later',
          'warning',
          ctx.ownerAt(path),
          `${path.length ? label(path, options.itemName) : 'The document'} has no '${missing}': modulemd-validator accepts that, but ${later}`,
          { missing },
        );
      }
      // A schema may say why the key is required, in the reference tool's own words.
      const why = (parent.requiredMessages as Record<string, string> | undefined)?.[missing];
      return ctx.diag(
        'schema.required',
        'error',
        ctx.ownerAt(path),
        `${path.length ? label(path, options.itemName) : 'The document'} is missing the required key '${missing}'` + (why ? `: ${why}` : ''),
        { missing },
      );
    }
    case 'requiredLater':
      return null; // the macro's own summary of its `required` findings, which are reported one by one
    case 'type':
      return typeError(ctx, e, path, options);
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const suggestion = typeof e.data === 'string' ? closest(e.data, allowed) : undefined;
      return ctx.diag(
        'schema.enum',
        'error',
        ctx.valueAt(path),
        `${label(path, options.itemName)} must be one of: ${allowed.join(', ')}` + (suggestion ? `; did you mean '${suggestion}'?` : ''),
        suggestion ? { suggestion } : undefined,
      );
    }
    case 'const': {
      const allowed = (e.params as { allowedValue: unknown }).allowedValue;
      // The envelope check owns document/version (modulemd-stream is modulemd, version "2" is 2).
      if (path.length === 1 && (path[0] === 'document' || path[0] === 'version')) return null;
      // libmodulemd reads scalars as text: `version: "2"` is version 2.
      if (typeof e.data === 'string' && typeof allowed === 'number' && e.data === String(allowed)) return null;
      return ctx.diag('schema.const', 'error', ctx.valueAt(path), `${label(path, options.itemName)} must be ${JSON.stringify(allowed)}`);
    }
    case 'pattern': {
      const custom = typeof parent.patternErrorMessage === 'string' ? parent.patternErrorMessage : undefined;
      return ctx.diag(
        'schema.pattern',
        'error',
        ctx.valueAt(path),
        custom ? `${label(path, options.itemName)}: ${custom}` : `${label(path, options.itemName)} does not have the required format (${(e.params as { pattern: string }).pattern})`,
      );
    }
    case 'minItems': {
      const n = (e.params as { limit: number }).limit;
      return ctx.diag('schema.min-items', 'error', ctx.valueAt(path), `${label(path, options.itemName)} must list at least ${n} ${n === 1 ? 'entry' : 'entries'}`);
    }
    case 'maxItems': {
      const n = (e.params as { limit: number }).limit;
      return ctx.diag(
        'schema.max-items',
        'error',
        ctx.valueAt(path),
        n === 1 ? `${label(path, options.itemName)} must specify a single entry` : `${label(path, options.itemName)} must list at most ${n} entries`,
      );
    }
    case 'minimum':
    case 'exclusiveMinimum':
      if ((e.params as { limit: number }).limit === 0) return ctx.diag('schema.range', 'error', ctx.valueAt(path), `${label(path, options.itemName)} must not be negative`);
      return ctx.diag('schema.range', 'error', ctx.valueAt(path), `${label(path, options.itemName)} ${e.message ?? 'is out of range'}`);
    case 'minLength':
      return ctx.diag('schema.length', 'error', ctx.valueAt(path), `${label(path, options.itemName)} must not be empty`);
    default:
      return ctx.diag(`schema.${e.keyword}`, 'error', ctx.valueAt(path), `${label(path, options.itemName)} ${e.message ?? 'is invalid'}`);
  }
}

function typeError(ctx: DocContext, e: ErrorObject, path: (string | number)[], options: MapOptions): Diagnostic | null {
  const expected = expectedTypes((e.params as { type: unknown }).type);
  const actual = e.data;
  const scalar = ctx.scalar(path);
  const range = ctx.valueAt(path);
  const name = label(path, options.itemName);

  // libmodulemd reads integers from the scalar's text, so "42" is fine and 42invalid is not.
  if (expected.includes('integer') && scalar) {
    const unsigned = (e.parentSchema as { minimum?: number } | undefined)?.minimum === 0;
    // The range of a well-formed one is modulemd.integer-text's to judge.
    const r = typeof actual === 'string' ? readInteger(actual, !unsigned) : ({ ok: false, error: 'format' } as const);
    if (r.ok || r.error === 'range') return null;
    if (r.error === 'negative') return ctx.diag('schema.range', 'error', range, `${name} must not be negative`);
    return ctx.diag('schema.integer', 'error', range, `${name} is not a valid integer: ${scalar.source}`);
  }
  if (expected.includes('string') && scalar && scalar.plain && (typeof actual === 'number' || typeof actual === 'boolean')) {
    // Text to libmodulemd; what matters is what PyYAML-based tools make of it.
    return pyyamlTextDiagnostic(ctx, path, scalar.source, options);
  }
  if (expected.length === 1 && expected[0] === 'boolean' && scalar) {
    return ctx.diag('schema.boolean', 'error', range, `${name} must be true or false (libmodulemd accepts only these literals), not ${scalar.source}`);
  }
  if (actual === null || actual === undefined) {
    return ctx.diag('schema.empty', 'error', range, `${name} has no value; expected ${expected.map((t) => TYPE_NAMES[t] ?? t).join(' or ')}`);
  }
  return ctx.diag(
    'schema.type',
    'error',
    range,
    `${name} must be ${expected.map((t) => TYPE_NAMES[t] ?? t).join(' or ')}, not ${describe(actual)}`,
  );
}

const PY_NAMES: Record<string, string> = { bool: 'the boolean', float: 'the float', int: 'the integer', null: 'None', timestamp: 'the date' };

/**
 * A plain scalar meant as text that PyYAML (MBS, fedpkg, rdgo) reads as something else whose str()
 * is not the same text: `stream: 1.10` becomes 1.1, `010` becomes 8, `on` becomes True. Text that
 * PyYAML keeps (`76554e01`), or gives back unchanged (`stream: 8`), is fine. Where a string is
 * required (rdgo's defines) any non-string is an error.
 */
export function pyyamlTextDiagnostic(ctx: DocContext, path: JsonPath, source: string, options: MapOptions): Diagnostic | null {
  const py = pyyamlRead(source);
  if (py.tag === 'str') return null;
  const forced = options.stringRequiredAt?.(path);
  const quoted = JSON.stringify(source);
  const range = ctx.valueAt(path);
  if (forced) return ctx.diag(forced.code, 'error', range, `${forced.message}; quote it: ${quoted}`, { replacement: quoted });
  if (py.text === source) return null;
  const reads = py.tag === 'null' ? 'None' : `${PY_NAMES[py.tag]} ${py.text}`;
  return ctx.diag(
    'yaml.numeric-string',
    'warning',
    range,
    `${label(path, options.itemName)} is written as ${source}, which PyYAML-based tools read as ${reads}; quote it: ${quoted}`,
    { replacement: quoted },
  );
}

/** yaml.numeric-string for plain scalars the YAML 1.2 parser kept as strings (schema-valid ones). */
export function pyyamlStringDiagnostics(ctx: DocContext, options: MapOptions): Diagnostic[] {
  const out: Diagnostic[] = [];
  // One path, extended and shortened as the walk goes (this runs over every string of a modules.yaml).
  const path: (string | number)[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      // Strings YAML 1.2 keeps and PyYAML does not: yes/on/True, 010, 0b1, 1:30, 1_000, datetimes.
      if (v === '' || pyyamlRead(v).tag === 'str') return;
      const s = ctx.scalar(path);
      if (!s?.plain || s.source !== v) return;
      const d = pyyamlTextDiagnostic(ctx, [...path], v, options);
      if (d) out.push(d);
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        walk(v[i]);
        path.pop();
      }
    } else if (v && typeof v === 'object') {
      for (const k in v) {
        if (k === 'xmd' && path.length === 1) continue;
        path.push(k);
        walk((v as Record<string, unknown>)[k]);
        path.pop();
      }
    }
  };
  walk(ctx.value);
  return out;
}
