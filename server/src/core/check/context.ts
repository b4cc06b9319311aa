import type { Kind } from '../kinds/detect';
import type { Diagnostic, JsonPath, Range, Severity } from '../types';
import type { LineIndex } from '../yaml/lines';
import type { Locator, ScalarInfo, Span } from '../yaml/locator';

/**
 * What a schema check or a rule sees of one YAML document: its JSON value and the way back from a
 * JSON path to the exact YAML node. Rules never throw on odd input; they read `value` defensively.
 */
export class DocContext {
  constructor(
    readonly lines: LineIndex,
    readonly locator: Locator,
    readonly value: unknown,
    readonly kind: Kind | null,
    /** Offset where the document starts: the fallback place for a diagnostic without a node. */
    private readonly docStart: number,
  ) {}

  /** The same document seen with another value (libmodulemd's reading of it); positions are unchanged. */
  withValue(value: unknown): DocContext {
    return new DocContext(this.lines, this.locator, value, this.kind, this.docStart);
  }

  private range(s: Span): Range {
    return this.lines.range(s.start, s.end);
  }

  private fallback(): Range {
    const start = this.lines.positionAt(this.docStart);
    return { start, end: { line: start.line, character: this.lines.lineText(start.line).length } };
  }

  /** The value at `path`; an empty value (`summary:`) falls back to its key, a missing one to its parent. */
  valueAt(path: JsonPath): Range {
    const v = this.locator.value(path);
    if (v && v.end > v.start) return this.range(v);
    const k = this.locator.key(path);
    if (k) return this.range(k);
    return v ? this.range(v) : this.nearest(path);
  }

  /** The key of the pair at `path`. */
  keyAt(path: JsonPath): Range {
    const k = this.locator.key(path);
    return k ? this.range(k) : this.valueAt(path);
  }

  /** The key that names the mapping at `path`, else its first key, else its first line. */
  ownerAt(path: JsonPath): Range {
    if (path.length > 0 && typeof path[path.length - 1] === 'string') {
      const k = this.locator.key(path);
      if (k) return this.range(k);
    }
    const first = this.locator.firstKey(path);
    if (first) return this.range(first);
    const v = this.locator.value(path);
    if (v) {
      const line = this.lines.positionAt(v.start).line;
      return this.lines.range(v.start, Math.min(v.end, this.lines.lineEnd(line)));
    }
    return this.nearest(path);
  }

  scalar(path: JsonPath): ScalarInfo | null {
    return this.locator.scalar(path);
  }

  private nearest(path: JsonPath): Range {
    for (let n = path.length - 1; n > 0; n--) {
      const k = this.locator.key(path.slice(0, n));
      if (k) return this.range(k);
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

/** Text of any YAML value for messages and comparisons; never throws (a `toString:` key is data). */
export function show(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${v}`;
  try {
    return JSON.stringify(v) ?? typeof v;
  } catch {
    return typeof v;
  }
}
