import { get, isObject } from '../../check/context';
import { closest } from '../../check/suggest';
import type { Diagnostic } from '../../types';
import type { Rule } from '../rule';
import { aliasNames, aliasOf, componentViews } from './model';

const OVERLAY = ['overlay'];
const TOP_LEVEL = ['aliases', 'distgit', 'root', 'components', 'cache'];

export const unknownTopLevelKey: Rule = {
  id: 'overlay.unknown-top-level-key',
  severity: 'warning',
  description: 'rdgo ignores top-level keys it does not know; a typo there silently drops configuration.',
  kinds: OVERLAY,
  check(ctx) {
    if (!isObject(ctx.value)) return [];
    return Object.keys(ctx.value)
      .filter((k) => !TOP_LEVEL.includes(k))
      .map((k) => {
        const suggestion = closest(k, TOP_LEVEL);
        return ctx.diag(
          this.id,
          this.severity,
          ctx.keyAt([k]),
          `Unknown top-level key '${k}' is ignored by rpmdistro-gitoverlay` + (suggestion ? `; did you mean '${suggestion}'?` : ''),
          suggestion ? { key: k, suggestion } : { key: k },
        );
      });
  },
};

export const unknownRootKey: Rule = {
  id: 'overlay.unknown-root-key',
  severity: 'warning',
  description: "rdgo's build reads only root.mock; any other key under root is ignored.",
  kinds: OVERLAY,
  check(ctx) {
    const root = get(ctx.value, ['root']);
    if (!isObject(root)) return [];
    return Object.keys(root)
      .filter((k) => k !== 'mock')
      .map((k) => {
        const suggestion = closest(k, ['mock']);
        return ctx.diag(
          this.id,
          this.severity,
          ctx.keyAt(['root', k]),
          `'${k}' under root is ignored: rpmdistro-gitoverlay reads only root.mock` + (suggestion ? `; did you mean 'mock'?` : ''),
          suggestion ? { key: k, suggestion } : { key: k },
        );
      });
  },
};

export const cacheUnused: Rule = {
  id: 'overlay.cache-unused',
  // Most real overlays carry a cache section: worth knowing, not worth a warning on every file.
  severity: 'information',
  description: 'The cache section appears in real overlays but rdgo never reads it.',
  kinds: OVERLAY,
  check(ctx) {
    if (!isObject(ctx.value) || !('cache' in ctx.value)) return [];
    return [ctx.diag(this.id, this.severity, ctx.keyAt(['cache']), "'cache' is accepted but never read by rpmdistro-gitoverlay")];
  },
};

export const missingSource: Rule = {
  id: 'overlay.missing-source',
  severity: 'error',
  description: 'A component needs src (upstream git) or distgit, or both.',
  kinds: OVERLAY,
  check(ctx) {
    return componentViews(ctx.value)
      .filter((c) => c.raw.src === undefined && c.raw.distgit === undefined)
      .map((c) => ctx.diag(this.id, this.severity, ctx.ownerAt(['components', c.index]), `Component ${c.name ? `'${c.name}' ` : ''}needs 'src' or 'distgit'`));
  },
};

export const specInternalWithDistgit: Rule = {
  id: 'overlay.spec-internal-with-distgit',
  severity: 'error',
  description: 'spec: internal takes the spec from the upstream tree, so a distgit map cannot be used with it (rdgo crashes).',
  kinds: OVERLAY,
  check(ctx) {
    return componentViews(ctx.value)
      .filter((c) => c.raw.spec === 'internal' && isObject(c.raw.distgit))
      .map((c) =>
        ctx.diag(this.id, this.severity, ctx.keyAt(['components', c.index, 'distgit']), "'spec: internal' takes the spec from upstream; remove the 'distgit' map or the 'spec' key"),
      );
  },
};

export const duplicateName: Rule = {
  id: 'overlay.duplicate-name',
  // rdgo accepts it (stricter than the reference tool, so a warning): the later one silently shares
  // the earlier one's build cache entry and overwrites it in the repository.
  severity: 'warning',
  description: 'Two components resolving to the same name: rdgo accepts it, but they share one build cache entry and overwrite each other in the repository.',
  kinds: OVERLAY,
  check(ctx) {
    const first = new Map<string, number>();
    const out: Diagnostic[] = [];
    for (const c of componentViews(ctx.value)) {
      if (!c.name) continue;
      const earlier = first.get(c.name);
      if (earlier === undefined) {
        first.set(c.name, c.index);
        continue;
      }
      const at = c.raw.name !== undefined ? ctx.valueAt(['components', c.index, 'name']) : ctx.ownerAt(['components', c.index]);
      const line = ctx.ownerAt(['components', earlier]).start.line + 1;
      out.push(ctx.diag(this.id, this.severity, at, `Component name '${c.name}' is already used by the component on line ${line}; set a distinct 'name'`));
    }
    return out;
  },
};

export const undefinedAlias: Rule = {
  id: 'overlay.undefined-alias',
  severity: 'error',
  description: "An `alias:path` value must use an alias defined under 'aliases'.",
  kinds: OVERLAY,
  check(ctx) {
    // Without an aliases section at all, its missing key is the one defect (schema.required).
    if (!isObject(ctx.value) || !('aliases' in ctx.value)) return [];
    const defined = aliasNames(ctx.value);
    const out: Diagnostic[] = [];
    const checkValue = (path: (string | number)[], value: unknown, bare: boolean): void => {
      if (typeof value !== 'string') return;
      const alias = bare && !value.includes(':') && !value.includes('/') ? value : aliasOf(value);
      if (alias === undefined || defined.has(alias)) return;
      const suggestion = closest(alias, defined);
      out.push(
        ctx.diag(
          this.id,
          this.severity,
          ctx.valueAt(path),
          `Alias '${alias}' is not defined under 'aliases'` + (suggestion ? `; did you mean '${suggestion}'?` : ''),
          { alias, ...(suggestion ? { suggestion } : {}), defined: [...defined] },
        ),
      );
    };
    checkValue(['distgit', 'prefix'], get(ctx.value, ['distgit', 'prefix']), true);
    for (const c of componentViews(ctx.value)) {
      if (c.src) checkValue(['components', c.index, 'src'], c.src, false);
      if (isObject(c.raw.distgit)) checkValue(['components', c.index, 'distgit', 'src'], c.raw.distgit.src, false);
    }
    return out;
  },
};

export const unusedAlias: Rule = {
  id: 'overlay.unused-alias',
  severity: 'warning',
  description: 'An alias that no src, distgit src or distgit prefix uses is dead configuration.',
  kinds: OVERLAY,
  check(ctx) {
    const aliases = get(ctx.value, ['aliases']);
    if (!Array.isArray(aliases)) return [];
    const used = new Set<string>();
    const defined = aliasNames(ctx.value);
    const note = (v: unknown, bare = false): void => {
      if (typeof v !== 'string') return;
      const a = bare && !v.includes(':') && !v.includes('/') ? v : aliasOf(v);
      if (!a) return;
      used.add(a);
      // A misspelt reference (githb:) is reported with its suggestion; the alias it meant is not unused.
      const meant = defined.has(a) ? undefined : closest(a, defined);
      if (meant) used.add(meant);
    };
    note(get(ctx.value, ['distgit', 'prefix']), true);
    for (const c of componentViews(ctx.value)) {
      note(c.src);
      if (isObject(c.raw.distgit)) note(c.raw.distgit.src);
    }
    const out: Diagnostic[] = [];
    aliases.forEach((a, i) => {
      if (isObject(a) && typeof a.name === 'string' && !used.has(a.name)) {
        out.push(ctx.diag(this.id, this.severity, ctx.valueAt(['aliases', i, 'name']), `Alias '${a.name}' is never used`));
      }
    });
    return out;
  },
};

export const srcNotUrl: Rule = {
  id: 'overlay.src-not-url',
  severity: 'error',
  description: "A src that is neither a URL with a scheme nor alias:path: rdgo refuses it ('Invalid uri') before git runs.",
  kinds: OVERLAY,
  check(ctx) {
    const out: Diagnostic[] = [];
    const checkValue = (path: (string | number)[], value: unknown): void => {
      if (typeof value !== 'string' || value.includes('://')) return;
      // alias:path is expanded (or reported by overlay.undefined-alias when the alias is unknown).
      if (aliasOf(value) !== undefined) return;
      const fix = /^[A-Za-z0-9.-]+\.[A-Za-z]{2,}\//.test(value) ? `https://${value}` : undefined;
      out.push(
        ctx.diag(
          this.id,
          this.severity,
          ctx.valueAt(path),
          `rdgo refuses '${value}' ("Invalid uri"): write a URL with a scheme` + (fix ? ` (${fix})` : '') + ' or alias:path with an alias defined under aliases',
          fix ? { replacement: fix } : undefined,
        ),
      );
    };
    for (const c of componentViews(ctx.value)) {
      if (c.src) checkValue(['components', c.index, 'src'], c.src);
      if (isObject(c.raw.distgit)) checkValue(['components', c.index, 'distgit', 'src'], c.raw.distgit.src);
    }
    return out;
  },
};
