import type { JsonPath } from '../types';
import type { ParsedYaml } from '../yaml/parse';

export interface FoldingRange {
  startLine: number;
  endLine: number;
}

/** A fold for every mapping or list that spans lines: from its key's line to its last line. */
export function foldingRanges(parsed: ParsedYaml): FoldingRange[] {
  const out: FoldingRange[] = [];
  for (const doc of parsed.documents) {
    const walk = (v: unknown, path: (string | number)[]): void => {
      if (v === null || typeof v !== 'object') return;
      if (path.length > 0) {
        const value = doc.locator.value(path as JsonPath);
        const key = doc.locator.key(path as JsonPath);
        const start = key?.start ?? value?.start;
        if (value && start !== undefined) {
          const s = parsed.lines.positionAt(start).line;
          const e = parsed.lines.positionAt(value.end).line;
          if (e > s) out.push({ startLine: s, endLine: e });
        }
      }
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
      else for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    };
    walk(doc.value, []);
  }
  return out;
}
