import type { CheckResult } from '../check/check';
import { get, isObject, show } from '../check/context';
import type { Range } from '../types';
import type { ParsedYaml, YamlDocument } from '../yaml/parse';
import { documentAt } from './document-at';

const RPMS = ['data', 'components', 'rpms'];

/** The component a position names: a buildafter entry or a component key. */
function componentAt(parsed: ParsedYaml, result: CheckResult | null, offset: number): { doc: YamlDocument; name: string } | null {
  const at = documentAt(parsed, result, offset);
  if (!at.doc || !at.kind || at.kind.family !== 'modulemd') return null;
  const node = at.doc.locator.nodeAt(offset);
  if (!node) return null;
  const p = node.path;
  if (!node.onKey && p.length === 6 && p[0] === 'data' && p[2] === 'rpms' && p[4] === 'buildafter') return { doc: at.doc, name: show(get(at.doc.value, p)) };
  if (node.onKey && p.length === 4 && p[0] === 'data' && p[1] === 'components' && p[2] === 'rpms') return { doc: at.doc, name: String(p[3]) };
  return null;
}

/** Go to definition: from a buildafter entry to the component it names. */
export function definition(parsed: ParsedYaml, result: CheckResult | null, offset: number): Range | null {
  const hit = componentAt(parsed, result, offset);
  if (!hit) return null;
  const key = hit.doc.locator.key([...RPMS, hit.name]);
  return key ? parsed.lines.range(key.start, key.end) : null;
}

/** References of a component: every buildafter entry naming it (and its key, when asked). */
export function references(parsed: ParsedYaml, result: CheckResult | null, offset: number, includeDeclaration: boolean): Range[] {
  const hit = componentAt(parsed, result, offset);
  if (!hit) return [];
  const out: Range[] = [];
  if (includeDeclaration) {
    const key = hit.doc.locator.key([...RPMS, hit.name]);
    if (key) out.push(parsed.lines.range(key.start, key.end));
  }
  const rpms = get(hit.doc.value, RPMS);
  if (!isObject(rpms)) return out;
  for (const [k, c] of Object.entries(rpms)) {
    if (!isObject(c) || !Array.isArray(c.buildafter)) continue;
    c.buildafter.forEach((e, i) => {
      if (show(e) !== hit.name) return;
      const span = hit.doc.locator.value([...RPMS, k, 'buildafter', i]);
      if (span) out.push(parsed.lines.range(span.start, span.end));
    });
  }
  return out;
}
