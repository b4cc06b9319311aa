import { posix } from 'node:path';
import type { CheckResult } from '../check/check';
import { get, isObject, show } from '../check/context';
import type { WorkspaceIndex } from '../index/workspace';
import { parseNevra } from '../rules/modulemd/nevra';
import { SCHEMAS } from '../schema/registry';
import { schemaAt, typeLabel, type SchemaNode } from '../schema/navigate';
import type { Range } from '../types';
import type { ParsedYaml } from '../yaml/parse';
import { documentAt } from './document-at';

export interface Hover {
  /** Markdown. */
  contents: string;
  range: Range;
}

const isDependency = (p: (string | number)[], i: number): boolean =>
  (p[i] === 'buildrequires' || p[i] === 'requires') && typeof p[i - 1] === 'number' && (p[i - 2] === 'dependencies' || p[i - 2] === 'configurations');

/** Hover at an offset: the schema's description, NEVRA parts, what the workspace knows of a module. */
export function hover(parsed: ParsedYaml, result: CheckResult | null, offset: number, index?: WorkspaceIndex, uri?: string): Hover | null {
  const at = documentAt(parsed, result, offset);
  if (!at.doc || !at.kind) return null;
  const node = at.doc.locator.nodeAt(offset);
  if (!node || node.path.length === 0) return null;
  const { path } = node;
  const value = at.doc.value;
  const range = parsed.lines.range(node.span.start, node.span.end);
  const parts: string[] = [];

  // An artifact NEVRA: its parts.
  if (!node.onKey && path.length === 4 && path[1] === 'artifacts' && path[2] === 'rpms' && typeof path[3] === 'number') {
    const text = show(get(value, path));
    const n = parseNevra(text);
    if (typeof n === 'string') parts.push(`\`${text}\` is not N-E:V-R.A: ${n}`);
    else {
      parts.push(
        `**${n.name}** ${n.arch === 'src' ? '(source package)' : `(${n.arch})`}`,
        `| name | epoch | version | release | arch |\n|---|---|---|---|---|\n| ${n.name} | ${n.epoch} | ${n.version} | ${n.release} | ${n.arch} |`,
      );
    }
    return { contents: parts.join('\n\n'), range };
  }

  // A module in buildrequires/requires (the key) or one of its streams (a list item or scalar).
  const depAt = path.findIndex((_, i) => isDependency(path, i));
  if (index && depAt >= 0 && path.length > depAt + 1) {
    const module = String(path[depAt + 1]);
    const chosen = node.onKey ? undefined : show(get(value, path));
    parts.push(moduleSummary(index, module, chosen, uri));
    return { contents: parts.join('\n\n'), range };
  }

  // A buildafter entry: the component it names.
  if (!node.onKey && path[path.length - 2] === 'buildafter' && path[2] === 'rpms') {
    const target = show(get(value, path));
    const comp = get(value, ['data', 'components', 'rpms', target]);
    parts.push(isObject(comp) ? `Built after component **${target}**${typeof comp.rationale === 'string' ? `: ${comp.rationale}` : ''}` : `No component **${target}** in this stream`);
    return { contents: parts.join('\n\n'), range };
  }

  // Otherwise the schema's own words for the key (or for the key whose value this is).
  const root = SCHEMAS[at.kind.schema] as SchemaNode;
  const keyPath = path;
  const schema = schemaAt(root, keyPath);
  if (!schema) return null;
  const name = keyPath[keyPath.length - 1];
  const title = typeof name === 'number' ? `item ${name + 1}` : name;
  parts.push(`**${title}** — ${typeLabel(schema)}`);
  const text = schema.markdownDescription ?? schema.description;
  if (text) parts.push(text);
  if (schema.default !== undefined) parts.push(`Default: \`${JSON.stringify(schema.default)}\``);
  return { contents: parts.join('\n\n'), range };
}

/** A defining file as the reader finds it: relative to the hovered document when both are files. */
function fileName(uri: string, from?: string): string {
  const path = (u: string): string | null => (u.startsWith('file://') ? decodeURIComponent(new URL(u).pathname) : null);
  const target = path(uri);
  const base = from ? path(from) : null;
  if (!target) return uri;
  return base ? posix.relative(posix.dirname(base), target) || posix.basename(target) : posix.basename(target);
}

function moduleSummary(index: WorkspaceIndex, module: string, chosen?: string, uri?: string): string {
  // One line per stream, naming every file that defines it (the same stream may live in several).
  const byStream = new Map<string, { nsv: string; summary?: string; files: Set<string> }>();
  for (const s of index.streamsOf(module)) {
    const nsv = `${s.name}:${s.stream}`;
    const entry = byStream.get(nsv) ?? { nsv, files: new Set<string>() };
    entry.summary ??= s.summary;
    entry.files.add(fileName(s.uri, uri));
    byStream.set(nsv, entry);
  }
  const streams = [...byStream.values()].map((e) => ({ ...e, files: [...e.files] }));
  const defaults = index.defaultsOf(module);
  const lines = [`**${module}**${chosen ? ` stream **${chosen}**` : ''}`];
  if (streams.length) {
    lines.push(
      'Streams in the workspace:',
      ...streams.map((s) => `- \`${s.nsv}\`${s.summary ? ` — ${s.summary}` : ''} — defined in ${s.files.map((f) => `\`${f}\``).join(', ')}`),
    );
  } else if (module !== 'platform') lines.push('No stream of this module is defined in the workspace.');
  if (defaults?.stream) lines.push(`Default stream: \`${defaults.stream}\``);
  const known = index.streamNames(module);
  if (chosen && !chosen.startsWith('-') && known.length && !known.includes(chosen)) lines.push(`Stream \`${chosen}\` is not known in the workspace.`);
  return lines.join('\n\n');
}
