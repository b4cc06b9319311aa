import type { CheckResult } from '../check/check';
import { get, isObject, show } from '../check/context';
import { MODULEMD_KINDS, type Kind } from '../kinds/detect';
import type { WorkspaceIndex } from '../index/workspace';
import { componentViews } from '../rules/overlay/model';
import { SCHEMAS } from '../schema/registry';
import { resolveRef, schemaAt, typeLabel, types, type SchemaNode } from '../schema/navigate';
import { cursorContext, type CursorContext } from '../yaml/cursor';
import type { ParsedYaml } from '../yaml/parse';
import { documentAt } from './document-at';

export type CompletionKind = 'property' | 'value' | 'module' | 'stream' | 'component' | 'alias' | 'profile' | 'document';

export interface Completion {
  label: string;
  kind: CompletionKind;
  detail?: string;
  /** Markdown. */
  documentation?: string;
  /** Text to insert; a snippet when `snippet` is set. */
  insertText: string;
  snippet: boolean;
  /** Offsets of the text the item replaces. */
  replaceStart: number;
  replaceEnd: number;
  sortText?: string;
}

export interface CompletionInput {
  parsed: ParsedYaml;
  result: CheckResult | null;
  offset: number;
  index?: WorkspaceIndex;
}

const INDENT = '  ';

function snippetEscape(s: string): string {
  return s.replace(/[$}\\]/g, '\\$&');
}

/** A key with a skeleton of its value: required children, list items, enum choices. */
function keySnippet(root: SchemaNode, key: string, node: SchemaNode | undefined): string {
  const k = snippetEscape(key);
  const t = types(node);
  if (node?.enum?.length) return `${k}: \${1|${node.enum.map((v) => String(v).replace(/[,|]/g, '\\$&')).join(',')}|}`;
  if (t.length === 1 && t[0] === 'boolean') return `${k}: \${1|true,false|}`;
  if (t.includes('object') && !t.includes('string')) {
    const required = node?.required ?? [];
    if (required.length === 0) return `${k}:\n${INDENT}$0`;
    const lines = required.map((r, i) => {
      const child = resolveRef(root, node?.properties?.[r]);
      const ct = types(child);
      if (ct.includes('array')) return `${INDENT}${snippetEscape(r)}:\n${INDENT}${INDENT}- \${${i + 1}}`;
      if (ct.includes('object')) return `${INDENT}${snippetEscape(r)}:\n${INDENT}${INDENT}\${${i + 1}}`;
      return `${INDENT}${snippetEscape(r)}: \${${i + 1}}`;
    });
    return `${k}:\n${lines.join('\n')}`;
  }
  if (t.includes('array') && !t.includes('string')) {
    const item = resolveRef(root, node?.items);
    const req = item?.required ?? [];
    if (types(item).includes('object') && req.length) {
      return `${k}:\n${INDENT}- ${req.map((r, i) => `${i ? INDENT + '  ' : ''}${snippetEscape(r)}: \${${i + 1}}`).join('\n')}`;
    }
    return `${k}:\n${INDENT}- \${1}`;
  }
  return `${k}: \${1}`;
}

function keyCompletions(root: SchemaNode, node: SchemaNode | undefined, existing: Set<string>, ctx: CursorContext): Completion[] {
  if (!node?.properties) return [];
  const required = new Set(node.required ?? []);
  return Object.entries(node.properties)
    .filter(([k]) => !existing.has(k))
    .map(([k, raw]) => {
      const child = resolveRef(root, raw);
      return {
        label: k,
        kind: 'property' as const,
        detail: `${typeLabel(child)}${required.has(k) ? ' (required)' : ''}`,
        documentation: child?.markdownDescription ?? child?.description,
        insertText: keySnippet(root, k, child),
        snippet: true,
        replaceStart: ctx.replaceStart,
        replaceEnd: ctx.replaceEnd,
        // Required keys first, then the rest alphabetically.
        sortText: `${required.has(k) ? '0' : '1'}${k}`,
      };
    });
}

function values(labels: Iterable<string>, kind: CompletionKind, ctx: CursorContext, detail?: (l: string) => string | undefined, docs?: (l: string) => string | undefined): Completion[] {
  const out: Completion[] = [];
  const seen = new Set<string>();
  let i = 0;
  for (const label of labels) {
    if (seen.has(label)) continue;
    seen.add(label);
    out.push({
      label,
      kind,
      detail: detail?.(label),
      documentation: docs?.(label),
      insertText: needsQuotes(label) ? JSON.stringify(label) : label,
      snippet: false,
      replaceStart: ctx.replaceStart,
      replaceEnd: ctx.replaceEnd,
      sortText: String(i++).padStart(5, '0'),
    });
  }
  return out;
}

/** Quote what YAML would read as something other than this text (a stream named 8 or 1.10). */
function needsQuotes(s: string): boolean {
  return /^[-+]?(\d[\d_]*(\.\d*)?([eE][-+]?\d+)?|\.\d+|0x[0-9a-fA-F]+|0o[0-7]+|\.inf|\.nan)$/i.test(s) || /^(true|false|null|~|yes|no|on|off)$/i.test(s) || /^[\s\-?:,[\]{}#&*!|>'"%@`]/.test(s) || s === '';
}

function existingKeys(value: unknown, path: (string | number)[]): Set<string> {
  const v = get(value, path);
  return new Set(isObject(v) ? Object.keys(v) : []);
}

const isDependencyMap = (p: (string | number)[]): boolean => {
  const n = p.length;
  const last = p[n - 1];
  if (last !== 'buildrequires' && last !== 'requires') return false;
  return (p[n - 3] === 'dependencies' && typeof p[n - 2] === 'number') || (p[n - 3] === 'configurations' && typeof p[n - 2] === 'number');
};

/** Completions at a cursor: keys valid there, enum values, and names the workspace knows. */
export function complete(input: CompletionInput): Completion[] {
  const { parsed, result, offset, index } = input;
  const pos = parsed.lines.positionAt(offset);
  const at = documentAt(parsed, result, offset);
  const lineOffset = parsed.lines.offsetAt({ line: pos.line, character: 0 });
  const ctx = cursorContext(parsed.text, pos.line, pos.character, at.startLine, lineOffset);
  const value = at.doc?.value ?? at.doc?.shallow;

  // The envelope: document types and their versions, in any YAML file.
  if (ctx.container.length === 0 && ctx.kind === 'value' && ctx.key === 'document') {
    return values(Object.keys(MODULEMD_KINDS), 'document', ctx, (d) => `versions ${Object.keys(MODULEMD_KINDS[d]).join(', ')}`);
  }
  if (ctx.container.length === 0 && ctx.kind === 'value' && ctx.key === 'version') {
    const d = isObject(value) && typeof value.document === 'string' ? value.document : undefined;
    const versions = d && MODULEMD_KINDS[d] ? Object.entries(MODULEMD_KINDS[d]) : [];
    return values(versions.map(([v]) => v), 'value', ctx, (v) => versions.find(([x]) => x === v)?.[1].label);
  }
  const kind = at.kind;
  if (!kind) {
    if (ctx.container.length === 0 && ctx.kind === 'key' && result?.family !== null) return envelopeKeys(ctx, value);
    return [];
  }
  const root = SCHEMAS[kind.schema] as SchemaNode;
  const special = workspaceCompletions(kind, ctx, value, index);
  if (special) return special;

  if (ctx.kind === 'key') return keyCompletions(root, schemaAt(root, ctx.container), new Set(ctx.siblings), ctx);
  if (ctx.kind === 'value') {
    const node = schemaAt(root, [...ctx.container, ctx.key!]);
    return scalarChoices(node, ctx);
  }
  // A list item: scalar choices, or the keys of a new mapping item.
  const items = schemaAt(root, [...ctx.container, 0]);
  const choices = scalarChoices(items, ctx);
  if (choices.length) return choices;
  if (ctx.itemMapping && types(items).includes('object')) {
    return keyCompletions(root, items, existingKeys(value, ctx.itemMapping), ctx);
  }
  return [];
}

function envelopeKeys(ctx: CursorContext, value: unknown): Completion[] {
  const have = new Set(isObject(value) ? Object.keys(value) : []);
  const out: Completion[] = [];
  for (const [document, versions] of Object.entries(MODULEMD_KINDS)) {
    if (have.has('document') || document === 'modulemd-stream') continue;
    for (const [version, info] of Object.entries(versions)) {
      out.push({
        label: `${document} v${version}`,
        kind: 'document',
        detail: `new ${info.label} document`,
        insertText: `document: ${document}\nversion: ${version}\ndata:\n${INDENT}$0`,
        snippet: true,
        replaceStart: ctx.replaceStart,
        replaceEnd: ctx.replaceEnd,
      });
    }
  }
  return out;
}

function scalarChoices(node: SchemaNode | undefined, ctx: CursorContext): Completion[] {
  if (!node) return [];
  if (node.enum) return values(node.enum.map(String), 'value', ctx, undefined, () => node.markdownDescription);
  if (node.const !== undefined) return values([String(node.const)], 'value', ctx);
  const t = types(node);
  if (t.length === 1 && t[0] === 'boolean') return values(['true', 'false'], 'value', ctx);
  if (node.examples?.length) return values(node.examples.map(String), 'value', ctx);
  return [];
}

/** Names only the workspace knows: components, modules, streams, profiles, aliases. */
function workspaceCompletions(kind: Kind, ctx: CursorContext, value: unknown, index: WorkspaceIndex | undefined): Completion[] | null {
  const c = ctx.container;
  const n = c.length;
  if (kind.family === 'overlay') {
    const aliases = isObject(value) && Array.isArray(value.aliases) ? value.aliases.filter(isObject).map((a) => show(a.name)) : [];
    const srcValue = ctx.kind === 'value' && ctx.key === 'src' && (c[0] === 'components' || (c[2] === 'distgit' && c[0] === 'components'));
    // Each alias with the URL it stands for.
    const urlOf = (name: string): string | undefined => {
      const alias = (value as { aliases: unknown[] }).aliases.filter(isObject).find((x) => show(x.name) === name.replace(/:$/, ''));
      return alias ? `→ ${show(alias.url)}` : undefined;
    };
    if (srcValue) {
      const items = values(aliases.map((a) => `${a}:`), 'alias', ctx, urlOf);
      if (c.length === 2) items.push(...values(['distgit'], 'value', ctx, () => 'no upstream: build from dist-git only'));
      return items;
    }
    if (ctx.kind === 'value' && ctx.key === 'prefix' && n === 1 && c[0] === 'distgit') return values(aliases, 'alias', ctx, urlOf);
    return null;
  }
  // buildafter: the other components of this stream.
  if (ctx.kind === 'item' && c[n - 1] === 'buildafter' && c[n - 3] === 'rpms') {
    const self = String(c[n - 2]);
    const listed = new Set((get(value, c) as unknown[] | undefined)?.map(show) ?? []);
    const comps = Object.keys((get(value, ['data', 'components', 'rpms']) as object) ?? {}).filter((k) => k !== self && !listed.has(k));
    return values(comps, 'component', ctx, (k) => {
      const r = get(value, ['data', 'components', 'rpms', k, 'rationale']);
      return typeof r === 'string' ? r : undefined;
    });
  }
  if (!index) return null;
  const streamDetail = (module: string) => (s: string) => {
    const d = index.defaultsOf(module);
    const defined = index.streamsOf(module).find((e) => e.stream === s);
    return [defined ? `defined in the workspace` : 'named in the workspace', d?.stream === s ? 'default stream' : ''].filter(Boolean).join(', ');
  };
  // Module names as keys of buildrequires / requires.
  if (ctx.kind === 'key' && isDependencyMap(c)) {
    const have = existingKeys(value, c);
    return values(index.moduleNames().filter((m) => !have.has(m)), 'module', ctx, (m) => `${index.streamNames(m).length} stream(s) known`).map((x) => ({
      ...x,
      insertText: kind.schema === 'modulemd-packager-v3' ? `${x.insertText}: [\${1}]` : `${x.insertText}: [\${1}]`,
      snippet: true,
    }));
  }
  // Streams inside buildrequires / requires lists (also `platform: f41` in packager configurations).
  if (ctx.kind === 'item' && n >= 2 && isDependencyMap(c.slice(0, -1))) {
    const module = String(c[n - 1]);
    return values(index.streamNames(module), 'stream', ctx, streamDetail(module));
  }
  if (ctx.kind === 'value' && isDependencyMap(c)) {
    return values(index.streamNames(ctx.key!), 'stream', ctx, streamDetail(ctx.key!));
  }
  if (ctx.kind === 'value' && ctx.key === 'platform' && c[n - 2] === 'configurations') {
    return values(index.streamNames('platform'), 'stream', ctx, streamDetail('platform'));
  }
  const data = isObject(value) && isObject(value.data) ? value.data : {};
  // modulemd-defaults: module, stream, and profile names per stream.
  if (kind.schema === 'modulemd-defaults-v1' || kind.schema === 'modulemd-obsoletes-v1' || kind.schema === 'modulemd-translations-v1') {
    const module = typeof data.module === 'string' ? data.module : undefined;
    if (ctx.kind === 'value' && n === 1 && ctx.key === 'module') return values(index.moduleNames(), 'module', ctx);
    if (ctx.kind === 'value' && n === 1 && ctx.key === 'stream' && module) return values(index.streamNames(module), 'stream', ctx, streamDetail(module));
    if (ctx.kind === 'key' && n === 2 && c[1] === 'profiles' && module) {
      const have = existingKeys(value, c);
      return values(index.streamNames(module).filter((s) => !have.has(s)), 'stream', ctx).map((x) => ({ ...x, insertText: `${x.insertText}: [\${1}]`, snippet: true }));
    }
    if (ctx.kind === 'item' && n === 3 && c[1] === 'profiles' && module) return values(index.profileNames(module, String(c[2])), 'profile', ctx);
    if (ctx.kind === 'value' && n === 2 && c[1] === 'obsoleted_by' && ctx.key === 'module') return values(index.moduleNames(), 'module', ctx);
    if (ctx.kind === 'value' && n === 2 && c[1] === 'obsoleted_by' && ctx.key === 'stream') {
      const target = get(value, ['data', 'obsoleted_by', 'module']);
      return typeof target === 'string' ? values(index.streamNames(target), 'stream', ctx) : [];
    }
  }
  // Profiles marked default in a packager v3 document: nothing to complete; component names in overlay: none.
  return null;
}

export { componentViews };
