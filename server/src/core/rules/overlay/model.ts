import { isObject } from '../../check/context';

/** What rdgo derives from an overlay component, for rules and previews. */
export interface OverlayComponentView {
  index: number;
  raw: Record<string, unknown>;
  /** Resolved name (explicit `name`, else from src URL, else dist-git name). */
  name: string | undefined;
  src: string | undefined;
}

export function aliasNames(overlay: unknown): Set<string> {
  const aliases = isObject(overlay) && Array.isArray(overlay.aliases) ? overlay.aliases : [];
  return new Set(aliases.filter(isObject).map((a) => a.name).filter((n): n is string => typeof n === 'string'));
}

/** Expands `alias:path` with the overlay's aliases (rdgo `_expand_srckey`). */
export function expandAlias(overlay: unknown, value: string): string {
  const aliases = isObject(overlay) && Array.isArray(overlay.aliases) ? overlay.aliases : [];
  for (const a of aliases) {
    if (isObject(a) && typeof a.name === 'string' && typeof a.url === 'string' && value.startsWith(a.name + ':')) {
      return a.url + value.slice(a.name.length + 1);
    }
  }
  return value;
}

/** The alias a value refers to, if it is written in `alias:path` form (not a URL). */
export function aliasOf(value: string): string | undefined {
  if (value.includes('://') || /^[^:/]*@/.test(value)) return undefined;
  const m = /^([A-Za-z0-9_.+-]+):/.exec(value);
  return m ? m[1] : undefined;
}

/** Last path component of a URL (after the last `/` or `:`), minus `.git`. */
export function nameFromUrl(url: string): string {
  const tail = url.replace(/\/+$/, '').split(/[/:]/).pop() ?? url;
  return tail.endsWith('.git') ? tail.slice(0, -4) : tail;
}

export function componentViews(overlay: unknown): OverlayComponentView[] {
  const list = isObject(overlay) && Array.isArray(overlay.components) ? overlay.components : [];
  return list.map((c, index) => {
    const raw = isObject(c) ? c : {};
    const src = typeof raw.src === 'string' && raw.src !== 'distgit' ? raw.src : undefined;
    let name: string | undefined = typeof raw.name === 'string' ? raw.name : undefined;
    if (!name && src) name = nameFromUrl(expandAlias(overlay, src));
    if (!name) {
      const dg = raw.distgit;
      if (typeof dg === 'string') name = dg;
      else if (isObject(dg) && typeof dg.name === 'string') name = dg.name;
    }
    return { index, raw, name, src };
  });
}
