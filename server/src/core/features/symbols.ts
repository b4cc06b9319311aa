import type { CheckResult } from '../check/check';
import { get, isObject, show } from '../check/context';
import { componentViews } from '../rules/overlay/model';
import type { JsonPath, Range } from '../types';
import type { ParsedYaml, YamlDocument } from '../yaml/parse';

export type SymbolKind = 'module' | 'package' | 'namespace' | 'object' | 'field' | 'array' | 'key';

export interface DocumentSymbol {
  name: string;
  detail?: string;
  kind: SymbolKind;
  range: Range;
  selectionRange: Range;
  children: DocumentSymbol[];
}

class Builder {
  constructor(
    private readonly parsed: ParsedYaml,
    private readonly doc: YamlDocument,
  ) {}

  /** A symbol for the pair at `path`: range = key through value, selection = the key. */
  pair(path: JsonPath, name: string, kind: SymbolKind, detail?: string, children: DocumentSymbol[] = []): DocumentSymbol | null {
    const key = this.doc.locator.key(path);
    const value = this.doc.locator.value(path);
    const sel = key ?? value;
    if (!sel) return null;
    const end = Math.max(sel.end, value?.end ?? sel.end);
    return { name, detail, kind, range: this.parsed.lines.range(sel.start, end), selectionRange: this.parsed.lines.range(sel.start, sel.end), children };
  }

  /** A list item at `path` (no key): range = the item. */
  item(path: JsonPath, name: string, kind: SymbolKind, detail?: string, children: DocumentSymbol[] = []): DocumentSymbol | null {
    const value = this.doc.locator.value(path);
    const first = this.doc.locator.firstKey(path) ?? value;
    if (!value || !first) return null;
    return { name, detail, kind, range: this.parsed.lines.range(value.start, value.end), selectionRange: this.parsed.lines.range(first.start, first.end), children };
  }

  keys(path: JsonPath, kind: SymbolKind, detail?: (k: string, v: unknown) => string | undefined): DocumentSymbol[] {
    const v = get(this.doc.value, path);
    if (!isObject(v)) return [];
    return Object.entries(v)
      .map(([k, x]) => this.pair([...path, k], k, kind, detail?.(k, x)))
      .filter((s): s is DocumentSymbol => s !== null);
  }
}

const notNull = <T>(x: T | null): x is T => x !== null;

/** The outline: module name:stream with components and profiles; overlay components. */
export function documentSymbols(parsed: ParsedYaml, result: CheckResult | null): DocumentSymbol[] {
  if (!result?.family) return [];
  const out: DocumentSymbol[] = [];
  for (const doc of parsed.documents) {
    const kind = result.documents.find((d) => d.index === doc.index)?.kind;
    if (!kind) continue;
    const b = new Builder(parsed, doc);
    const v = doc.value;
    if (kind.family === 'overlay') {
      const comps = componentViews(v).map((c) =>
        b.item(['components', c.index], c.name ?? `component ${c.index + 1}`, 'package', typeof c.raw.src === 'string' ? c.raw.src : 'dist-git'),
      );
      const aliases = Array.isArray(get(v, ['aliases']))
        ? (get(v, ['aliases']) as unknown[]).map((a, i) => b.item(['aliases', i], isObject(a) ? show(a.name) : `alias ${i + 1}`, 'key', isObject(a) ? show(a.url) : undefined))
        : [];
      out.push(
        ...[
          b.pair(['aliases'], 'aliases', 'namespace', undefined, aliases.filter(notNull)),
          b.pair(['distgit'], 'distgit', 'object', show(get(v, ['distgit', 'prefix']) ?? '')),
          b.pair(['root'], 'root', 'object', show(get(v, ['root', 'mock']) ?? '')),
          b.pair(['components'], 'components', 'namespace', `${comps.length}`, comps.filter(notNull)),
        ].filter(notNull),
      );
      continue;
    }
    const data = get(v, ['data']);
    const name = (k: string): string | undefined => (isObject(data) && data[k] !== undefined ? show(data[k]) : undefined);
    const children: DocumentSymbol[] = [];
    const add = (s: DocumentSymbol | null): void => {
      if (s) children.push(s);
    };
    let title: string;
    if (kind.schema === 'modulemd-defaults-v1') {
      title = `defaults ${name('module') ?? '?'}${name('stream') ? ` → ${name('stream')}` : ''}`;
      add(b.pair(['data', 'profiles'], 'profiles', 'namespace', undefined, b.keys(['data', 'profiles'], 'field', (_, x) => (Array.isArray(x) ? x.map(show).join(', ') : undefined))));
    } else if (kind.schema === 'modulemd-obsoletes-v1' || kind.schema === 'modulemd-translations-v1') {
      title = `${kind.schema === 'modulemd-obsoletes-v1' ? 'obsoletes' : 'translations'} ${name('module') ?? '?'}:${name('stream') ?? '?'}`;
    } else {
      title = `${name('name') ?? '(name from repository)'}:${name('stream') ?? '(stream from branch)'}`;
      const rpms = b.keys(['data', 'components', 'rpms'], 'package', (_, c) => (isObject(c) && typeof c.rationale === 'string' ? c.rationale : undefined));
      const modules = b.keys(['data', 'components', 'modules'], 'module');
      add(b.pair(['data', 'components'], 'components', 'namespace', `${rpms.length + modules.length}`, [...rpms, ...modules]));
      add(b.pair(['data', 'profiles'], 'profiles', 'namespace', undefined, b.keys(['data', 'profiles'], 'field', (_, p) => (isObject(p) && typeof p.description === 'string' ? p.description : undefined))));
      const configs = get(v, ['data', 'configurations']);
      if (Array.isArray(configs)) {
        const items = configs.map((c, i) => b.item(['data', 'configurations', i], isObject(c) ? `context ${show(c.context)}` : `configuration ${i + 1}`, 'object', isObject(c) ? `platform ${show(c.platform)}` : undefined));
        add(b.pair(['data', 'configurations'], 'configurations', 'array', undefined, items.filter(notNull)));
      }
      add(b.pair(['data', 'dependencies'], 'dependencies', 'array'));
    }
    const span = doc.locator.value([]);
    const head = doc.locator.firstKey([]) ?? span;
    if (!span || !head) continue;
    out.push({ name: title, detail: kind.label, kind: 'module', range: parsed.lines.range(span.start, span.end), selectionRange: parsed.lines.range(head.start, head.end), children });
  }
  return out;
}
