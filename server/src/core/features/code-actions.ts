import type { CheckResult } from '../check/check';
import { get, isObject, show } from '../check/context';
import { SCHEMAS } from '../schema/registry';
import { schemaAt, types, type SchemaNode } from '../schema/navigate';
import type { Diagnostic, Range } from '../types';
import type { ParsedYaml } from '../yaml/parse';
import { documentAt } from './document-at';

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface CodeAction {
  title: string;
  diagnostic: Diagnostic;
  edits: TextEdit[];
  preferred?: boolean;
}

const indentOf = (line: string): number => /^\s*/.exec(line)![0].length;
const blank = (line: string): boolean => line.trim() === '' || line.trimStart().startsWith('#');

/** Last line of the block that starts with a key at `column` on `line` (its nested lines included). */
function blockEnd(lines: string[], line: number, column: number): number {
  let end = line;
  for (let l = line + 1; l < lines.length; l++) {
    if (blank(lines[l])) continue;
    if (indentOf(lines[l]) <= column) break;
    end = l;
  }
  return end;
}

function deleteLines(parsed: ParsedYaml, from: number, to: number): TextEdit {
  const start = { line: from, character: 0 };
  const end = to + 1 < parsed.lines.lineCount ? { line: to + 1, character: 0 } : { line: to, character: parsed.lines.lineText(to).length };
  return { range: { start, end }, newText: '' };
}

/** Quick fixes for the diagnostics in `context` (as the editor hands them back). */
export function codeActions(parsed: ParsedYaml, result: CheckResult | null, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const out: CodeAction[] = [];
  const lines = parsed.text.split(/\r?\n/);
  for (const d of diagnostics) {
    if (d.source !== 'gitoverlay') continue;
    const data = d.data ?? {};
    switch (d.code) {
      case 'schema.unknown-key':
      case 'schema.enum':
      case 'overlay.unknown-top-level-key':
      case 'overlay.unknown-root-key':
      case 'modulemd.document-unknown':
      case 'modulemd.buildafter-unknown':
        if (typeof data.suggestion === 'string') out.push({ title: `Change to '${data.suggestion}'`, diagnostic: d, edits: [{ range: d.range, newText: data.suggestion }], preferred: true });
        break;
      case 'overlay.undefined-alias': {
        // The close match first (preferred), then every other alias the overlay defines.
        const choices = [...new Set([data.suggestion, ...(Array.isArray(data.defined) ? data.defined : [])].filter((a): a is string => typeof a === 'string'))];
        for (const s of choices) {
          const newText = replaceAlias(parsed, d, String(data.alias), s);
          if (newText !== null) out.push({ title: `Change to '${s}'`, diagnostic: d, edits: [{ range: d.range, newText }], preferred: s === data.suggestion });
        }
        break;
      }
      case 'modulemd.buildafter-cycle': {
        const edit = removeListEntry(parsed, lines, d);
        if (edit) out.push({ title: `Remove '${parsed.text.slice(parsed.lines.offsetAt(d.range.start), parsed.lines.offsetAt(d.range.end))}' from this buildafter (breaks the cycle)`, diagnostic: d, edits: [edit] });
        break;
      }
      case 'yaml.numeric-string':
      case 'overlay.not-a-string':
      case 'overlay.defines-not-string':
        if (typeof data.replacement === 'string') out.push({ title: `Quote as ${data.replacement}`, diagnostic: d, edits: [{ range: d.range, newText: data.replacement }], preferred: true });
        break;
      case 'overlay.src-not-url':
        if (typeof data.replacement === 'string') out.push({ title: `Change to ${data.replacement}`, diagnostic: d, edits: [{ range: d.range, newText: data.replacement }], preferred: true });
        break;
      case 'modulemd.scalar-list':
        if (typeof data.replacement === 'string') out.push({ title: `Write as the list ${data.replacement}`, diagnostic: d, edits: [{ range: d.range, newText: data.replacement }], preferred: true });
        break;
      case 'modulemd.rpm-map-nevra':
        if (typeof data.replacement === 'string') out.push({ title: `Set nevra to ${data.replacement}`, diagnostic: d, edits: [{ range: d.range, newText: data.replacement }] });
        break;
      case 'yaml.duplicate-key': {
        const l = d.range.start.line;
        out.push({ title: 'Remove the duplicate key', diagnostic: d, edits: [deleteLines(parsed, l, blockEnd(lines, l, d.range.start.character))], preferred: true });
        break;
      }
      case 'schema.required':
      case 'schema.required-later': {
        const action = insertMissing(parsed, result, lines, d, String(data.missing));
        if (action) out.push(action);
        break;
      }
      case 'modulemd.buildorder-buildafter-component': {
        const l = d.range.start.line;
        out.push({ title: 'Remove buildorder (keep buildafter)', diagnostic: d, edits: [deleteLines(parsed, l, blockEnd(lines, l, d.range.start.character))], preferred: true });
        break;
      }
      case 'modulemd.buildorder-buildafter-stream': {
        const action = buildorderToBuildafter(parsed, result, lines, d);
        if (action) out.push(action);
        break;
      }
      case 'modulemd.mixed-streams':
        out.push(...splitStreams(parsed, result, d));
        break;
    }
  }
  return out;
}

/** Removes the list entry `d` is on: its line in a block list, the item and one comma in a flow list. */
function removeListEntry(parsed: ParsedYaml, lines: string[], d: Diagnostic): TextEdit | null {
  const l = d.range.start.line;
  if (d.range.end.line !== l) return null;
  const line = lines[l];
  if (/^\s*-\s/.test(line) && line.trim().slice(1).trim() === line.slice(d.range.start.character, d.range.end.character)) {
    // The only entry of a block list: remove its key too (an empty key would read as [""]).
    const dash = indentOf(line);
    const sibling = (k: number) => k >= 0 && k < lines.length && indentOf(lines[k]) === dash && /^\s*-\s/.test(lines[k]);
    const key = lines[l - 1] ?? '';
    if (!sibling(l - 1) && !sibling(l + 1) && /^\s*[^\s#][^:]*:\s*$/.test(key)) return deleteLines(parsed, l - 1, l);
    return deleteLines(parsed, l, l);
  }
  const after = /^\s*,\s*/.exec(line.slice(d.range.end.character));
  if (after) return { range: { start: d.range.start, end: { line: l, character: d.range.end.character + after[0].length } }, newText: '' };
  const before = /,\s*$/.exec(line.slice(0, d.range.start.character));
  if (before) return { range: { start: { line: l, character: d.range.start.character - before[0].length }, end: d.range.end }, newText: '' };
  // The only entry of a flow list: leave the list empty.
  return { range: d.range, newText: '' };
}

function replaceAlias(parsed: ParsedYaml, d: Diagnostic, alias: string, suggestion: string): string | null {
  const text = parsed.text.slice(parsed.lines.offsetAt(d.range.start), parsed.lines.offsetAt(d.range.end));
  if (text === alias) return suggestion;
  if (text.startsWith(`${alias}:`)) return suggestion + text.slice(alias.length);
  return null;
}

/** Inserts a missing required key with a skeleton value at the end of its mapping. */
function insertMissing(parsed: ParsedYaml, result: CheckResult | null, lines: string[], d: Diagnostic, missing: string): CodeAction | null {
  const at = documentAt(parsed, result, parsed.lines.offsetAt(d.range.start));
  if (!at.doc || !at.kind) return null;
  const node = at.doc.locator.nodeAt(parsed.lines.offsetAt(d.range.start));
  if (!node) return null;
  // The diagnostic sits on the mapping's own key, or on the first key of a list item mapping.
  const line = lines[d.range.start.line];
  const onItem = /^\s*-\s/.test(line.slice(0, d.range.start.character + 1)) || /^\s*-\s+$/.test(line.slice(0, d.range.start.character));
  const mappingPath = onItem ? node.path.slice(0, -1) : node.path;
  const mapping = get(at.doc.value, mappingPath);
  if (mapping !== undefined && !isObject(mapping)) return null;
  let column: number;
  let last: number;
  if (onItem) {
    column = d.range.start.character;
    last = blockEnd(lines, d.range.start.line, column - 1);
  } else {
    const keyColumn = d.range.start.character;
    const end = blockEnd(lines, d.range.start.line, keyColumn);
    if (/:\s*[{[]/.test(line) && end === d.range.start.line) return null; // a flow mapping: leave it to the packager
    const firstChild = lines.slice(d.range.start.line + 1, end + 1).find((l) => !blank(l));
    column = firstChild ? indentOf(firstChild) : keyColumn + 2;
    last = end;
  }
  const root = SCHEMAS[at.kind.schema] as SchemaNode;
  const schema = schemaAt(root, [...mappingPath, missing]);
  const pad = ' '.repeat(column);
  const t = types(schema);
  let value: string;
  if (missing === 'license' && t.includes('object')) value = `\n${pad}  module:\n${pad}    - MIT`;
  else if (schema?.enum?.length) value = ` ${show(schema.enum[0])}`;
  else if (t.includes('object')) value = ' {}';
  else if (t.includes('array')) value = ' []';
  else if (t.includes('boolean')) value = ' false';
  else if (t.includes('integer')) value = ' 0';
  else value = ` ${missing === 'summary' || missing === 'description' ? JSON.stringify(`TODO: write the ${missing}`) : '""'}`;
  const insertAt = { line: last, character: lines[last].length };
  return {
    title: `Add the missing '${missing}'`,
    diagnostic: d,
    edits: [{ range: { start: insertAt, end: insertAt }, newText: `\n${pad}${missing}:${value}` }],
    preferred: true,
  };
}

/** Rewrites buildorder batches as buildafter edges: each batch after the previous one. */
function buildorderToBuildafter(parsed: ParsedYaml, result: CheckResult | null, lines: string[], d: Diagnostic): CodeAction | null {
  const at = documentAt(parsed, result, parsed.lines.offsetAt(d.range.start));
  const rpms = get(at.doc?.value, ['data', 'components', 'rpms']);
  if (!at.doc || !isObject(rpms)) return null;
  const ordered = Object.entries(rpms)
    .filter(([, c]) => isObject(c) && c.buildafter === undefined)
    .map(([k, c]) => ({ key: k, order: Number((c as Record<string, unknown>).buildorder ?? 0) || 0 }));
  const batches = [...new Set(ordered.map((c) => c.order))].sort((a, b) => a - b);
  const edits: TextEdit[] = [];
  for (const c of ordered) {
    const b = batches.indexOf(c.order);
    const previous = b > 0 ? ordered.filter((o) => o.order === batches[b - 1]).map((o) => o.key) : [];
    const keySpan = at.doc.locator.key(['data', 'components', 'rpms', c.key, 'buildorder']);
    if (keySpan) {
      const p = parsed.lines.positionAt(keySpan.start);
      const pad = ' '.repeat(p.character);
      if (previous.length) {
        const end = blockEnd(lines, p.line, p.character);
        edits.push({ range: { start: { line: p.line, character: 0 }, end: { line: end, character: lines[end].length } }, newText: `${pad}buildafter: [${previous.join(', ')}]` });
      } else edits.push(deleteLines(parsed, p.line, blockEnd(lines, p.line, p.character)));
    } else if (previous.length) {
      const compKey = at.doc.locator.key(['data', 'components', 'rpms', c.key]);
      if (!compKey) continue;
      const p = parsed.lines.positionAt(compKey.start);
      const end = blockEnd(lines, p.line, p.character);
      const child = lines.slice(p.line + 1, end + 1).find((l) => !blank(l));
      const pad = ' '.repeat(child ? indentOf(child) : p.character + 2);
      edits.push({ range: { start: { line: end, character: lines[end].length }, end: { line: end, character: lines[end].length } }, newText: `\n${pad}buildafter: [${previous.join(', ')}]` });
    }
  }
  return edits.length ? { title: 'Convert buildorder to buildafter for the whole stream', diagnostic: d, edits } : null;
}

/** Mixed positive/negative streams: keep one kind (MBS ignores the negatives when positives exist). */
function splitStreams(parsed: ParsedYaml, result: CheckResult | null, d: Diagnostic): CodeAction[] {
  const offset = parsed.lines.offsetAt(d.range.start);
  const at = documentAt(parsed, result, offset);
  if (!at.doc) return [];
  const node = at.doc.locator.nodeAt(offset);
  if (!node) return [];
  // The diagnostic covers the list; nodeAt may land on its first item.
  const path = typeof node.path[node.path.length - 1] === 'number' ? node.path.slice(0, -1) : node.path;
  const list = get(at.doc.value, path);
  const keySpan = at.doc.locator.key(path);
  const valueSpan = at.doc.locator.value(path);
  if (!Array.isArray(list) || !keySpan || !valueSpan) return [];
  const streams = list.map(show);
  const pos = streams.filter((s) => !s.startsWith('-'));
  const neg = streams.filter((s) => s.startsWith('-'));
  // From the end of the key to the end of the list, so block lists become one flow list.
  const keyEnd = parsed.text.indexOf(':', keySpan.end) + 1;
  const range = parsed.lines.range(keyEnd, valueSpan.end);
  const flow = (xs: string[]): string => ` [${xs.map((s) => (/^[\w.+-]+$/.test(s) && !/^[\d.]+$/.test(s) ? s : JSON.stringify(s))).join(', ')}]`;
  return [
    { title: `Keep only ${pos.join(', ')} (what MBS uses)`, diagnostic: d, edits: [{ range, newText: flow(pos) }], preferred: true },
    { title: `Keep only the exclusions ${neg.join(', ')}`, diagnostic: d, edits: [{ range, newText: flow(neg) }] },
  ];
}
