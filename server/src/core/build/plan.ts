import { createHash } from 'node:crypto';
import { overlayBatches } from '../buildroot/batches';
import { isObject } from '../check/context';
import type { ResolvedComponent } from '../overlay/resolve';

/**
 * The plan of an overlay build, pure (no I/O): each resolved component with its build options
 * (srpmroot, defines, rpmwith/rpmwithout) and whether this run builds it, the batches (srpmroot
 * components first, as rdgo), and the cache key that tells whether a previous result can be reused.
 */

export interface RawComponent {
  srpmroot: boolean;
  defines: Record<string, string>;
  with: string[];
  without: string[];
}

export interface PlannedComponent {
  c: ResolvedComponent;
  raw: RawComponent;
  /** False when the run builds only some components and not this one: it is carried over. */
  selected: boolean;
}

export interface OverlayPlan {
  /** Component names in overlay order: the order of the run's results. */
  order: string[];
  byName: Map<string, PlannedComponent>;
  /** Names built one batch after the other: srpmroot components first, then the rest. */
  batches: string[][];
}

/** A component's build options as the overlay writes them (anything malformed reads as absent). */
export function rawOf(raw: unknown): RawComponent {
  const o = isObject(raw) ? raw : {};
  const defines: Record<string, string> = {};
  if (isObject(o.defines)) for (const [k, v] of Object.entries(o.defines)) defines[k] = String(v);
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
  return {
    srpmroot: o.srpmroot === true,
    defines,
    with: list(o.rpmwith),
    without: list(o.rpmwithout),
  };
}

/**
 * The plan for the overlay at `overlayPath` (its parsed value `overlay`, its components resolved in
 * the same order as `resolved`). `only`, when not empty, names the components this run builds; a
 * name the overlay does not have is an error.
 */
export function planOverlay(overlayPath: string, overlay: unknown, resolved: readonly ResolvedComponent[], only?: readonly string[]): OverlayPlan {
  const raws = (overlay as { components: unknown[] }).components.map(rawOf);
  const wanted = only && only.length ? new Set(only) : null;
  const byName = new Map(resolved.map((c, i) => [c.name, { c, raw: raws[i], selected: !wanted || wanted.has(c.name) }]));
  if (wanted) for (const n of wanted) if (!byName.has(n)) throw new Error(`no component named '${n}' in ${overlayPath}`);
  const batches = overlayBatches(resolved.map((c, i) => ({ name: c.name, srpmroot: raws[i].srpmroot })));
  return { order: resolved.map((c) => c.name), byName, batches };
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

export function cacheKey(input: {
  upstream: string | null;
  distgit: string | null;
  spec: string;
  dist: string;
  defines: Record<string, string>;
  with: string[];
  without: string[];
  /** Cache keys of the srpmroot components whose macros this build loaded. */
  srpmroot?: string[];
  /** What built it when not this host's rpmbuild (`mock:fedora-41-x86_64`, `copr`): another result. */
  builder?: string;
}): string {
  return createHash('sha256').update(stableJson(input)).digest('hex');
}

/**
 * The cache key of a planned component built with `dist` after the srpmroot components whose keys
 * are `rootKeys` (an srpmroot component's own key does not depend on them).
 */
export function componentKey({ c, raw }: PlannedComponent, dist: string, rootKeys: readonly string[], builder?: string): string {
  return cacheKey({
    ...(builder ? { builder } : {}),
    upstream: c.upstream?.commit ?? null,
    distgit: c.distgit?.commit ?? null,
    spec: c.spec,
    dist,
    defines: raw.defines,
    with: raw.with,
    without: raw.without,
    ...(raw.srpmroot ? {} : { srpmroot: [...rootKeys] }),
  });
}
