import type { Document } from 'yaml';
import type { Kind } from '../kinds/detect';
import type { Diagnostic, JsonPath, Range, Severity } from '../types';
import type { LineIndex } from '../yaml/lines';
import { keyRange, locate, ownerRange, scalarAt, valueRange, type ScalarInfo } from '../yaml/parse';

/**
 * What a schema check or a rule sees of one YAML document: its JSON value and the way back from a
 * JSON path to the exact YAML node. Rules never throw on odd input; they read `value` defensively.
 */
export class DocContext {
  constructor(
    readonly lines: LineIndex,
    readonly doc: Document.Parsed,
    readonly value: unknown,
    readonly kind: Kind | null,
    /** Offset where the document starts: the fallback place for a diagnostic without a node. */
    private readonly docStart: number,
  ) {}

  private fallback(): Range {
    const start = this.lines.positionAt(this.docStart);
    return { start, end: { line: start.line, character: this.lines.lineText(start.line).length } };
  }

  has(path: JsonPath): boolean {
    return locate(this.doc, path) !== null;
  }

  /** The value at `path` (falls back to its key when empty, then to the nearest existing parent). */
  valueAt(path: JsonPath): Range {
    return valueRange(this.doc, this.lines, path) ?? this.nearest(path);
  }

  /** The key of the pair at `path`. */
  keyAt(path: JsonPath): Range {
    return keyRange(this.doc, this.lines, path) ?? this.valueAt(path);
  }

  /** The key that names the mapping at `path` (or its first line). */
  ownerAt(path: JsonPath): Range {
    return ownerRange(this.doc, this.lines, path) ?? this.nearest(path);
  }

  scalar(path: JsonPath): ScalarInfo | null {
    return scalarAt(this.doc, path);
  }

  private nearest(path: JsonPath): Range {
    for (let n = path.length - 1; n >= 0; n--) {
      const sub = path.slice(0, n);
      const r = n > 0 ? ownerRange(this.doc, this.lines, sub) : null;
      if (r) return r;
    }
    return this.fallback();
  }

  diag(code: string, severity: Severity, range: Range, message: string, data?: Record<string, unknown>): Diagnostic {
    const d: Diagnostic = { range, severity, code, source: 'gitoverlay', message };
    if (data) d.data = data;
    return d;
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function get(value: unknown, path: JsonPath): unknown {
  let v: unknown = value;
  for (const seg of path) {
    if (Array.isArray(v) && typeof seg === 'number') v = v[seg];
    else if (isObject(v)) v = v[String(seg)];
    else return undefined;
  }
  return v;
}
