/**
 * Where the cursor is in a block-style YAML document, read from indentation alone. Completion runs
 * while the text is half-typed and often not valid YAML, so it cannot wait for a parser: this reads
 * the lines above the cursor the way a packager does.
 */

export interface CursorContext {
  /** Path of the mapping a key is typed into, or of the sequence an item is typed into. */
  container: (string | number)[];
  kind: 'key' | 'value' | 'item';
  /** For `value`: the key whose value is typed. */
  key?: string;
  /** Text typed so far for the token at the cursor. */
  prefix: string;
  /** Offsets of the token that a completion replaces. */
  replaceStart: number;
  replaceEnd: number;
  /** For `item` written as `- `: the path a key would go to if the item is a mapping. */
  itemMapping?: (string | number)[];
  /** Column where the key (or item content) starts, for multi-line insertions. */
  column: number;
  /** Keys already written in the mapping at the cursor (read from the text, so half-typed files work). */
  siblings: string[];
}

interface LineInfo {
  blank: boolean;
  indent: number;
  /** Column after `- ` markers (equals indent when the line is not an item). */
  content: number;
  item: boolean;
  key?: string;
  /** The key has a value on the same line. */
  inline: boolean;
}

const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"\-?:,[\]{}][^#]*?|-[^\s#][^#]*?)\s*:(?:\s+(.*))?$/;

function unquote(k: string): string {
  if (k.startsWith('"') && k.endsWith('"')) {
    try {
      return JSON.parse(k) as string;
    } catch {
      return k.slice(1, -1);
    }
  }
  if (k.startsWith("'") && k.endsWith("'")) return k.slice(1, -1).replace(/''/g, "'");
  return k;
}

function lineInfo(line: string): LineInfo {
  const m = /^(\s*)((?:-(?:\s+|$))*)(.*)$/.exec(line)!;
  const indent = m[1].length;
  const rest = m[3];
  const item = m[2].length > 0;
  const blank = !item && (rest.trim() === '' || rest.trimStart().startsWith('#'));
  const kv = KEY.exec(rest.replace(/\s+#.*$/, ''));
  const info: LineInfo = { blank, indent, content: indent + m[2].length, item, inline: false };
  if (kv) {
    info.key = unquote(kv[1]);
    const v = (kv[2] ?? '').trim();
    info.inline = v !== '' && !/^[|>]/.test(v) && !/^&\S+$/.test(v);
  }
  return info;
}

class Lines {
  private readonly cache = new Map<number, LineInfo>();
  constructor(private readonly lines: string[]) {}
  get(i: number): LineInfo {
    let v = this.cache.get(i);
    if (!v) {
      v = lineInfo(this.lines[i]);
      this.cache.set(i, v);
    }
    return v;
  }
}

/** Path of the mapping that holds a key starting at column `col` on line `l`. */
function mappingOf(lines: Lines, l: number, col: number, stop: number): (string | number)[] {
  for (let p = l - 1; p >= stop; p--) {
    const i = lines.get(p);
    if (i.blank) continue;
    if (i.content > col) continue; // nested deeper, or a sibling's value
    if (i.item && i.content === col) return [...sequenceOf(lines, p, i.indent, stop), itemIndex(lines, p, i.indent, stop)];
    if (i.content === col) continue; // a sibling key
    // i.content < col: the line that opens our mapping, if it is a key without an inline value
    if (i.key !== undefined && !i.inline) return [...(i.item ? itemPath(lines, p, stop) : mappingOf(lines, p, i.content, stop)), i.key];
    return [];
  }
  return [];
}

function itemPath(lines: Lines, l: number, stop: number): (string | number)[] {
  const i = lines.get(l);
  return [...sequenceOf(lines, l, i.indent, stop), itemIndex(lines, l, i.indent, stop)];
}

/** Path of the sequence whose item marker is at column `col` on line `l`. */
function sequenceOf(lines: Lines, l: number, col: number, stop: number): (string | number)[] {
  for (let p = l - 1; p >= stop; p--) {
    const i = lines.get(p);
    if (i.blank) continue;
    if (i.item && i.indent === col) continue; // a sibling item
    if (i.content > col) continue;
    if (i.key !== undefined && !i.inline && i.content <= col) {
      return [...(i.item ? itemPath(lines, p, stop) : mappingOf(lines, p, i.content, stop)), i.key];
    }
    return [];
  }
  return [];
}

/** Index of the item on line `l` among the items at marker column `col`. */
function itemIndex(lines: Lines, l: number, col: number, stop: number): number {
  let n = 0;
  for (let p = l - 1; p >= stop; p--) {
    const i = lines.get(p);
    if (i.blank) continue;
    if (i.item && i.indent === col) {
      n++;
      continue;
    }
    if (i.content > col) continue;
    break;
  }
  return n;
}

/** Keys at `col` in the block around line `l` (the mapping a key at that column belongs to). */
function siblingKeys(lines: Lines, count: number, l: number, col: number, stop: number): string[] {
  const out: string[] = [];
  const scan = (from: number, step: number): void => {
    for (let p = from; p >= stop && p < count; p += step) {
      const i = lines.get(p);
      if (i.blank) continue;
      if (i.content < col) break;
      if (i.item && i.content === col && step < 0) {
        if (i.key !== undefined) out.push(i.key);
        break; // the first key of this list item's mapping
      }
      if (i.item && i.indent < col) break;
      if (i.item && i.content === col && step > 0) break; // the next list item
      if (i.content === col && !i.item && i.key !== undefined) out.push(i.key);
    }
  };
  scan(l - 1, -1);
  scan(l + 1, 1);
  return out;
}

/**
 * The context at a cursor. `docStartLine` is the first line of the YAML document (after `---`),
 * so a stream's earlier documents are not read as parents.
 */
export function cursorContext(text: string, line: number, character: number, docStartLine = 0, lineOffset = 0): CursorContext {
  const lines = text.split(/\r?\n/);
  const current = lines[line] ?? '';
  const before = current.slice(0, character);
  const after = current.slice(character);
  const L = new Lines(lines);
  const m = /^(\s*)((?:-\s+)*)(.*)$/.exec(before)!;
  const indent = m[1].length;
  const isItem = m[2].length > 0;
  const column = indent + m[2].length;
  const rest = m[3];
  const tokenEnd = /^[^\s,\]}#:]*/.exec(after)![0].length;
  const at = (col: number): number => lineOffset + col;

  // Mapping holding this line's key, or the sequence holding its item.
  const seq = isItem ? sequenceOf(L, line, indent, docStartLine) : [];
  const idx = isItem ? itemIndex(L, line, indent, docStartLine) : 0;
  const holder = isItem ? [...seq, idx] : mappingOf(L, line, column, docStartLine);

  const siblings = (col: number): string[] => siblingKeys(L, lines.length, line, col, docStartLine);
  const kv = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s:#'"[{][^:#]*?):(\s+)(.*)$/.exec(rest);
  if (kv) {
    const key = unquote(kv[1]);
    const value = kv[3];
    const flow = /^\[([^\]]*)$/.exec(value);
    if (flow) {
      const part = flow[1].split(',').pop()!.trimStart();
      return { container: [...holder, key], kind: 'item', prefix: part, replaceStart: at(character - part.length), replaceEnd: at(character + tokenEnd), column, siblings: [] };
    }
    const prefix = value.replace(/^["']/, '');
    return { container: holder, kind: 'value', key, prefix, replaceStart: at(character - value.length), replaceEnd: at(character + tokenEnd), column, siblings: [] };
  }
  if (isItem) {
    return {
      container: seq,
      kind: 'item',
      prefix: rest,
      replaceStart: at(character - rest.length),
      replaceEnd: at(character + tokenEnd),
      itemMapping: [...seq, idx],
      column,
      siblings: [],
    };
  }
  // A new key on a blank line takes the cursor's column as its indentation.
  const col = rest === '' && before.trim() === '' ? character : column;
  return {
    container: rest === '' && before.trim() === '' ? mappingOf(L, line, col, docStartLine) : holder,
    kind: 'key',
    prefix: rest,
    replaceStart: at(character - rest.length),
    replaceEnd: at(character + tokenEnd),
    column: col,
    siblings: siblings(col),
  };
}
