import {
  Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseAllDocuments,
  Scalar,
  type Node,
  type Pair,
  type Tags,
  visit,
} from 'yaml';
import type { Diagnostic, JsonPath } from '../types';
import { parseFast } from './fast';
import { LineIndex } from './lines';
import type { Locator, NodeAtOffset, ScalarInfo, Span } from './locator';

export type { ScalarInfo } from './locator';

/** One document of a YAML stream, with its JSON view. */
export interface YamlDocument {
  index: number;
  /** The full parser's document (only when the fast path declined). */
  doc?: Document.Parsed;
  locator: Locator;
  /** JSON view of the document (undefined when it could not be built, e.g. an alias bomb). */
  value: unknown;
  /** Structural syntax errors: the recovered tree is a guess, so only the syntax errors are reported. */
  broken?: boolean;
  /** When `value` could not be built: the top-level scalar keys, enough to tell the document's kind. */
  shallow?: Record<string, unknown>;
  /** Offsets of the document's content. */
  start: number;
  end: number;
}

export interface ParsedYaml {
  text: string;
  /** Which parser built the documents: js-yaml's fast path or the error-tolerant one. */
  parser: 'fast' | 'full';
  lines: LineIndex;
  documents: YamlDocument[];
  /** Syntax errors, duplicate keys, tabs, alias limits: on the offending token. */
  syntax: Diagnostic[];
}

/**
 * libmodulemd reads only the literal scalars `true`/`false` as booleans, so `True` or `yes` must stay
 * strings here and be reported by the schema check rather than silently accepted.
 */
const strictBool = (tags: Tags): Tags =>
  tags.map((t) =>
    typeof t === 'object' && 'tag' in t && t.tag === 'tag:yaml.org,2002:bool'
      ? { ...t, test: /^(?:true|false)$/ }
      : t,
  ) as Tags;

const MAX_ALIAS_COUNT = 100;

function syntaxCode(code: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'yaml.duplicate-key';
    case 'TAB_AS_INDENT':
      return 'yaml.tab';
    default:
      return 'yaml.syntax';
  }
}

/**
 * Content YAML cannot hold, reported once on its first occurrence: control characters (binary
 * files) and U+FFFD, what a decoder leaves of bytes that were not UTF-8.
 */
function contentDiagnostics(text: string, lines: LineIndex): Diagnostic[] {
  const out: Diagnostic[] = [];
  const control = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.exec(text);
  if (control) {
    out.push({
      range: lines.range(control.index, control.index + 1),
      severity: 'error',
      code: 'yaml.binary',
      source: 'gitoverlay',
      message: `Control character U+${control[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()} in the text: YAML does not allow it (is this a binary file?)`,
    });
  }
  const bad = text.indexOf('\ufffd');
  if (bad >= 0) {
    out.push({
      range: lines.range(bad, bad + 1),
      severity: 'warning',
      code: 'yaml.invalid-utf8',
      source: 'gitoverlay',
      message: 'Bytes that are not valid UTF-8 were replaced here (U+FFFD); save the file as UTF-8',
    });
  }
  return out;
}

function syntaxMessage(code: string, message: string): string {
  // The library appends a source excerpt after a blank line; the editor already shows the place.
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  if (/Maximum call stack size exceeded/.test(first)) return 'Nesting too deep to check: flatten this structure (YAML tools overflow on it too)';
  if (code === 'DUPLICATE_KEY') return 'Duplicate key: libmodulemd and PyYAML keep the last value, other YAML tools refuse the file or keep the first';
  if (code === 'TAB_AS_INDENT') return 'Tabs are not allowed as indentation in YAML; use spaces';
  return first;
}

/** Parses a YAML stream: the fast path when the text is plain well-formed YAML, else the full parser. */
export function parseYaml(text: string): ParsedYaml {
  const fast = parseFast(text);
  if (fast) {
    const lines = new LineIndex(text);
    return { text, parser: 'fast', lines, documents: fast.map((d, index) => ({ index, ...d })), syntax: contentDiagnostics(text, lines) };
  }
  const full = parseYamlFull(text);
  full.syntax.unshift(...contentDiagnostics(text, full.lines));
  return full;
}

/** The error-tolerant parser: every syntax error with its place, documents recovered around them. */
export function parseYamlFull(text: string): ParsedYaml {
  const lines = new LineIndex(text);
  const syntax: Diagnostic[] = [];
  // The library's own duplicate-key check compares each key with every earlier one (quadratic: 50 s on a
  // broken 10 MB document); duplicateKeys() does the same check with a set.
  const docs = parseAllDocuments(text, { customTags: strictBool, uniqueKeys: false, prettyErrors: false, logLevel: 'error' });
  const list = Array.isArray(docs) ? docs : [];
  const documents: YamlDocument[] = [];
  list.forEach((doc, index) => {
    for (const e of [...doc.errors, ...duplicateKeys(doc)].sort((a, b) => a.pos[0] - b.pos[0])) {
      syntax.push({
        range: lines.range(e.pos[0], e.code === 'DUPLICATE_KEY' ? keyEnd(text, e.pos[0]) : Math.max(e.pos[1], e.pos[0] + 1)),
        // libmodulemd and PyYAML (rdgo, MBS) both keep the last value and accept the file: a warning.
        severity: e.code === 'DUPLICATE_KEY' ? 'warning' : 'error',
        code: syntaxCode(e.code),
        source: 'gitoverlay',
        message: syntaxMessage(e.code, e.message),
      });
    }
    for (const w of doc.warnings) {
      syntax.push({
        range: lines.range(w.pos[0], Math.max(w.pos[1], w.pos[0] + 1)),
        severity: 'warning',
        code: 'yaml.warning',
        source: 'gitoverlay',
        message: syntaxMessage(w.code, w.message),
      });
    }
    let value: unknown;
    let shallow: Record<string, unknown> | undefined;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      value = undefined;
      shallow = topLevelScalars(doc);
      const unresolved: Node[] = [];
      visit(doc, {
        Alias(_, node) {
          if (node.resolve(doc) === undefined) unresolved.push(node);
        },
      });
      const reported = new Set(doc.errors.map((e) => e.pos[0]));
      for (const node of unresolved) {
        const r = node.range!;
        // A bare `*` is already a syntax error ("Alias cannot be an empty string"): one defect, one message.
        if (reported.has(r[0])) continue;
        syntax.push({
          range: lines.range(r[0], r[1]),
          severity: 'error',
          code: 'yaml.unresolved-alias',
          source: 'gitoverlay',
          message: `Alias ${text.slice(r[0], r[1])} refers to no anchor defined before it`,
        });
      }
      if (unresolved.length === 0) {
        const r = doc.contents?.range ?? doc.range;
        syntax.push({
          range: lines.range(r[0], r[0] + 1),
          severity: 'error',
          code: 'yaml.alias-limit',
          source: 'gitoverlay',
          message: `Document not checked: ${(err as Error).message}`,
        });
      }
    }
    const r = doc.range;
    const broken = doc.errors.some((e) => e.code !== 'DUPLICATE_KEY');
    documents.push({ index, doc, value, shallow, broken, start: doc.contents?.range?.[0] ?? r[0], end: r[1], locator: new AstLocator(doc) });
  });
  return { text, parser: 'full', lines, documents, syntax };
}

/** Keys repeated in a mapping, as the library reports them: equal when the same node or equal scalar values. */
function duplicateKeys(doc: Document.Parsed): { code: string; message: string; pos: [number, number] }[] {
  const out: { code: string; message: string; pos: [number, number] }[] = [];
  visit(doc, {
    Map(_, map) {
      if (map.items.length < 2) return;
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const k = pair.key;
        const id = isScalar(k) ? k.value : k;
        if (!seen.has(id)) {
          seen.add(id);
          continue;
        }
        const at = (k as Node).range?.[0] ?? 0;
        out.push({ code: 'DUPLICATE_KEY', message: 'Map keys must be unique', pos: [at, at + 1] });
      }
    },
  });
  return out;
}

/** End of a mapping key starting at `start` (up to its `:`), for diagnostics on the whole key. */
function keyEnd(text: string, start: number): number {
  const m = /^("(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|[^:#\n]*?)\s*:/.exec(text.slice(start, start + 1024));
  return m && m[1].length > 0 ? start + m[1].length : start + 1;
}

/** Top-level keys with scalar values, read without resolving aliases. */
function topLevelScalars(doc: Document.Parsed): Record<string, unknown> | undefined {
  const c = doc.contents;
  if (!isMap(c)) return undefined;
  const out: Record<string, unknown> = {};
  for (const p of c.items) {
    if (isScalar(p.key)) out[String(p.key.value)] = isScalar(p.value) ? p.value.value : true;
  }
  return out;
}

export interface Located {
  node: Node | null;
  /** The pair whose value is `node`, when the last path segment is a mapping key. */
  pair?: Pair;
}

function deref(doc: Document.Parsed, node: unknown): unknown {
  if (isAlias(node)) return node.resolve(doc) ?? null;
  return node;
}

/** Walks the YAML AST along a JSON path; returns null when the path does not exist. */
export function locate(doc: Document.Parsed, path: JsonPath): Located | null {
  let node: unknown = deref(doc, doc.contents);
  let pair: Pair | undefined;
  for (const seg of path) {
    if (isMap(node)) {
      const key = String(seg);
      const found = node.items.find((p) => {
        const k = p.key;
        return isScalar(k) ? String(k.value) === key : k != null && String(k) === key;
      });
      if (!found) return null;
      pair = found as Pair;
      node = deref(doc, found.value);
    } else if (isSeq(node)) {
      if (typeof seg !== 'number') return null;
      const item = node.items[seg];
      if (item === undefined) return null;
      pair = undefined;
      node = deref(doc, item);
    } else {
      return null;
    }
  }
  return { node: (node as Node) ?? null, pair };
}

function span(node: unknown): Span | null {
  const r = (node as Node | null | undefined)?.range;
  return r ? { start: r[0], end: Math.max(r[0], r[1]) } : null;
}

/** Locator over the full parser's AST. */
export class AstLocator implements Locator {
  constructor(private readonly doc: Document.Parsed) {}

  value(path: JsonPath): Span | null {
    const loc = locate(this.doc, path);
    if (!loc) return null;
    return span(loc.node) ?? span(loc.pair?.key) ?? null;
  }

  key(path: JsonPath): Span | null {
    const loc = locate(this.doc, path);
    return loc?.pair ? span(loc.pair.key) : null;
  }

  firstKey(path: JsonPath): Span | null {
    const node = locate(this.doc, path)?.node;
    if (isMap(node) && node.items.length > 0 && isPair(node.items[0])) return span(node.items[0].key);
    return null;
  }

  nodeAt(offset: number): NodeAtOffset | null {
    const path: (string | number)[] = [];
    let node: unknown = deref(this.doc, this.doc.contents);
    let found: NodeAtOffset | null = null;
    const inside = (sp: Span | null): sp is Span => !!sp && offset >= sp.start && offset <= sp.end;
    for (;;) {
      let next: unknown;
      if (isMap(node)) {
        for (const p of node.items) {
          const k = span(p.key);
          const name = isScalar(p.key) ? String(p.key.value) : String(p.key);
          if (inside(k)) return { path: [...path, name], onKey: true, span: k };
          const v = span(p.value);
          if (v && v.end > v.start && inside(v)) {
            path.push(name);
            next = deref(this.doc, p.value);
            found = { path: [...path], onKey: false, span: v };
            break;
          }
        }
      } else if (isSeq(node)) {
        for (let i = 0; i < node.items.length; i++) {
          const v = span(node.items[i]);
          if (inside(v)) {
            path.push(i);
            next = deref(this.doc, node.items[i]);
            found = { path: [...path], onKey: false, span: v };
            break;
          }
        }
      }
      if (next === undefined) return found;
      node = next;
    }
  }

  scalar(path: JsonPath): ScalarInfo | null {
    const node = locate(this.doc, path)?.node;
    if (!isScalar(node)) return null;
    const src = (node as Scalar & { source?: string }).source;
    return { plain: node.type === Scalar.PLAIN, source: typeof src === 'string' ? src : node.value === null ? '' : String(node.value) };
  }
}
