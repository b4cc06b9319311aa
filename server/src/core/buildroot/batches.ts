import type { Component } from './model';

/** Build batches: a module's components (buildorder / buildafter, as MBS) and an overlay's (srpmroot first, as rdgo). */

/**
 * Build batches of a module's components: with `buildafter`, the layers of Kahn's algorithm over the
 * DAG (cycles reported, their members left out); otherwise ascending `buildorder`, equal values sharing
 * a batch (MBS). Within a batch, document order.
 */
export function componentBatches(components: Component[]): { batches: string[][]; warnings: string[] } {
  const warnings: string[] = [];
  if (components.length === 0) return { batches: [], warnings };
  const usesAfter = components.some((c) => c.buildafter.length > 0);
  if (!usesAfter) {
    const orders = [...new Set(components.map((c) => c.buildorder))].sort((a, b) => a - b);
    return { batches: orders.map((o) => components.filter((c) => c.buildorder === o).map((c) => c.key)), warnings };
  }
  if (components.some((c) => c.buildorder !== 0)) warnings.push('Cannot mix buildorder and buildafter in the same stream (libmodulemd refuses it); batches follow buildafter');
  const keys = new Set(components.map((c) => c.key));
  const after = new Map<string, string[]>();
  for (const c of components) {
    for (const a of c.buildafter) if (!keys.has(a)) warnings.push(`Buildafter '${a}' of '${c.key}' not found in components list; ignored`);
    after.set(c.key, [...new Set(c.buildafter.filter((a) => keys.has(a)))]);
  }
  const waiting = new Map(components.map((c) => [c.key, after.get(c.key)!.length]));
  const dependents = new Map<string, string[]>();
  for (const [k, deps] of after) for (const d of deps) dependents.set(d, [...(dependents.get(d) ?? []), k]);
  const batches: string[][] = [];
  let ready = components.map((c) => c.key).filter((k) => waiting.get(k) === 0);
  while (ready.length) {
    batches.push(ready);
    for (const k of ready) waiting.delete(k);
    const next = new Set<string>();
    for (const k of ready) {
      for (const d of dependents.get(k) ?? []) {
        const n = waiting.get(d)! - 1;
        waiting.set(d, n);
        if (n === 0) next.add(d);
      }
    }
    ready = components.map((c) => c.key).filter((k) => next.has(k));
  }
  if (waiting.size) warnings.push(`buildafter cycle: ${findCycle([...waiting.keys()], after).join(' → ')}; left out of the batches: ${[...waiting.keys()].join(', ')}`);
  return { batches, warnings };
}

/** One cycle among `left` (every one of them waits on another of them, so following edges must loop). */
function findCycle(left: string[], after: Map<string, string[]>): string[] {
  const inLeft = new Set(left);
  const path: string[] = [];
  const seen = new Map<string, number>();
  let k: string | undefined = left[0];
  while (k !== undefined && !seen.has(k)) {
    seen.set(k, path.length);
    path.push(k);
    k = after.get(k)!.find((d) => inLeft.has(d));
  }
  return k === undefined ? path : [...path.slice(seen.get(k)!), k];
}

/** rdgo's build order: `srpmroot` components in a bootstrap pass first, then the rest, each in overlay order. */
export function overlayBatches(components: { name: string; srpmroot: boolean }[]): string[][] {
  return [components.filter((c) => c.srpmroot), components.filter((c) => !c.srpmroot)].filter((b) => b.length).map((b) => b.map((c) => c.name));
}
