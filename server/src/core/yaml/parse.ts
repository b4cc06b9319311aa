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
} from 'yaml';
import type { Diagnostic, JsonPath, Range } from '../types';
import { LineIndex } from './lines';

/** One document of a YAML stream, with its JSON view. */
export interface YamlDocument {
  index: number;
  doc: Document.Parsed;
  /** JSON view of the document (undefined when it could not be built, e.g. an alias bomb). */
  value: unknown;
  /** Offsets of the document's content. */
  start: number;
  end: number;
}

export interface ParsedYaml {
  text: string;
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

function syntaxMessage(code: string, message: string): string {
  // The library appends a source excerpt after a blank line; the editor already shows the place.
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  if (code === 'DUPLICATE_KEY') return first.replace(/^Map keys must be unique/, 'Duplicate key: map keys must be unique');
  if (code === 'TAB_AS_INDENT') return 'Tabs are not allowed as indentation in YAML; use spaces';
  return first;
}

export function parseYaml(text: string): ParsedYaml {
  const lines = new LineIndex(text);
  const syntax: Diagnostic[] = [];
  const docs = parseAllDocuments(text, { customTags: strictBool, uniqueKeys: true, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  const documents: YamlDocument[] = [];
  list.forEach((doc, index) => {
    for (const e of doc.errors) {
      syntax.push({
        range: lines.range(e.pos[0], Math.max(e.pos[1], e.pos[0] + 1)),
        severity: 'error',
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
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      value = undefined;
      const r = doc.contents?.range ?? doc.range;
      syntax.push({
        range: lines.range(r[0], r[0] + 1),
        severity: 'error',
        code: 'yaml.alias-limit',
        source: 'gitoverlay',
        message: `Document not checked: ${(err as Error).message}`,
      });
    }
    const r = doc.range;
    documents.push({ index, doc, value, start: doc.contents?.range?.[0] ?? r[0], end: r[1] });
  });
  return { text, lines, documents, syntax };
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

export function nodeRange(lines: LineIndex, node: Node | null | undefined): Range | null {
  const r = node?.range;
  if (!r) return null;
  return lines.range(r[0], r[1] > r[0] ? r[1] : r[0]);
}

/** Range of the key of the pair at `path` (the last segment must be a mapping key). */
export function keyRange(doc: Document.Parsed, lines: LineIndex, path: JsonPath): Range | null {
  const loc = locate(doc, path);
  const key = loc?.pair?.key;
  if (key && typeof key === 'object' && 'range' in key) return nodeRange(lines, key as Node);
  return null;
}

/**
 * Range of the value at `path`; an empty value (`summary:`) falls back to its key so the
 * diagnostic is still visible.
 */
export function valueRange(doc: Document.Parsed, lines: LineIndex, path: JsonPath): Range | null {
  const loc = locate(doc, path);
  if (!loc) return null;
  const r = loc.node?.range;
  if (r && r[1] > r[0]) return lines.range(r[0], r[1]);
  return keyRange(doc, lines, path) ?? (r ? lines.range(r[0], r[0]) : null);
}

/** Range that names a mapping: its key when it has one, else the first line of the node. */
export function ownerRange(doc: Document.Parsed, lines: LineIndex, path: JsonPath): Range | null {
  if (path.length > 0 && typeof path[path.length - 1] === 'string') {
    const k = keyRange(doc, lines, path);
    if (k) return k;
  }
  const loc = locate(doc, path);
  const node = loc?.node;
  if (isMap(node) && node.items.length > 0) {
    const first = node.items[0];
    if (isPair(first) && first.key && typeof first.key === 'object' && 'range' in first.key) {
      return nodeRange(lines, first.key as Node);
    }
  }
  const r = node?.range;
  if (!r) return null;
  const start = lines.positionAt(r[0]);
  return lines.range(r[0], Math.min(r[1], lines.lineEnd(start.line)));
}

export interface ScalarInfo {
  /** Plain (unquoted) scalar? */
  plain: boolean;
  /** The text as written. */
  source: string;
}

export function scalarAt(doc: Document.Parsed, path: JsonPath): ScalarInfo | null {
  const node = locate(doc, path)?.node;
  if (!isScalar(node)) return null;
  const src = (node as Scalar & { source?: string }).source;
  return { plain: node.type === Scalar.PLAIN, source: typeof src === 'string' ? src : String(node.value) };
}
