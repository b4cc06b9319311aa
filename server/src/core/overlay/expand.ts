import { resolve } from 'node:path';
import { isObject } from '../check/context';
import { aliasNames, aliasOf, expandAlias, nameFromUrl } from '../rules/overlay/model';
import { checkName, checkRef, UnsafeInputError } from './url';

/**
 * One overlay component as rdgo's `_expand_component` canonicalises it: URLs with aliases
 * expanded, the dist-git defaults filled in, the ref to track chosen. Nothing here touches git.
 */

/** Which key the ref came from; `default-branch` is rdgo's implicit `master` (no branch, no tag). */
export type RefKind = 'freeze' | 'branch' | 'tag' | 'default-branch';

export interface SourcePlan {
  /** Alias-expanded URL, as written (credentials included: checkRemote separates them). */
  url: string;
  ref: string;
  refKind: RefKind;
  /** The alias's `cacertpath`, made absolute (pinned TLS for this remote). */
  cacert?: string;
}

export interface ComponentPlan {
  index: number;
  name: string;
  /** dist-git name, else the component name: the spec's file name and rdgo's package name. */
  pkgname: string;
  upstream: SourcePlan | null;
  distgit: (SourcePlan & { name: string; patches: 'keep' | 'drop' }) | null;
  /** `spec: internal`: the spec comes from the upstream tree, there is no dist-git. */
  specInternal: boolean;
  overrideVersion?: string;
}

/** A component rdgo would refuse; reported on that component only. */
export class ComponentError extends Error {}

const COMPONENT_KEYS = new Set([
  'src', 'name', 'spec', 'distgit', 'tag', 'branch', 'freeze', 'self-buildrequires',
  'rpmwith', 'rpmwithout', 'srpmroot', 'override-version', 'defines', 'build-network',
]);
const DISTGIT_KEYS = new Set(['patches', 'src', 'name', 'tag', 'branch', 'freeze']);

/** `freeze` > `branch` > `tag`; `master` only when there is no tag (rdgo `_one_of_keys`). */
function pickRef(map: Record<string, unknown>, what: string, defaultBranch: string): { ref: string; refKind: RefKind } {
  for (const key of ['freeze', 'branch', 'tag'] as const) {
    if (map[key] !== undefined && map[key] !== null) return { ref: checkRef(`${what} ${key}`, map[key]), refKind: key };
  }
  return { ref: checkRef(`${what} branch`, defaultBranch), refKind: 'default-branch' };
}

/** The alias a value starts with, for its cacertpath (expandAlias gives only the URL). */
function cacertFor(overlay: Record<string, unknown>, value: string, dataDir: string): string | undefined {
  const aliases = Array.isArray(overlay.aliases) ? overlay.aliases : [];
  for (const a of aliases) {
    if (isObject(a) && typeof a.name === 'string' && typeof a.url === 'string' && value.startsWith(a.name + ':')) {
      return typeof a.cacertpath === 'string' ? resolve(dataDir, a.cacertpath) : undefined;
    }
  }
  return undefined;
}

/**
 * Alias expansion; an `x:path` whose `x` is no alias is refused as the checker reports it, rather
 * than handed to git as an scp-like ssh address of a host named `x`. (`x::` transport forms are
 * left for checkRemote, which says why they are refused.)
 */
function expandSrc(overlay: Record<string, unknown>, value: string): string {
  const alias = aliasOf(value);
  if (alias !== undefined && !/^[^:]*::/.test(value) && !aliasNames(overlay).has(alias)) {
    throw new ComponentError(`alias '${alias}' is not defined under 'aliases' (write ssh://${alias}/... for an ssh host)`);
  }
  return expandAlias(overlay, value);
}

/** The name to report a component under before its own name is known. */
export function labelOf(raw: unknown, index: number): string {
  if (isObject(raw)) {
    if (typeof raw.name === 'string') return raw.name;
    if (typeof raw.src === 'string' && raw.src !== 'distgit') return nameFromUrl(raw.src);
    if (typeof raw.distgit === 'string') return raw.distgit;
    if (isObject(raw.distgit) && typeof raw.distgit.name === 'string') return raw.distgit.name;
  }
  return `component ${index + 1}`;
}

/**
 * Canonicalises component `index`. `dataDir` is the real directory of overlay.yml (cacertpath is
 * relative to it). Throws ComponentError / UnsafeInputError for what rdgo would refuse.
 */
export function expandComponent(overlay: Record<string, unknown>, raw: unknown, index: number, dataDir: string): ComponentPlan {
  if (!isObject(raw)) throw new ComponentError('a component must be a mapping');
  for (const key of Object.keys(raw)) if (!COMPONENT_KEYS.has(key)) throw new ComponentError(`unknown key '${key}' (rdgo refuses the component)`);
  const topDistgit = isObject(overlay.distgit) ? overlay.distgit : undefined;

  const src = raw.src === undefined || raw.src === null || raw.src === 'distgit' ? undefined : raw.src;
  if (src !== undefined && typeof src !== 'string') throw new ComponentError("'src' must be a string");
  if (raw.spec !== undefined && raw.spec !== 'internal') throw new ComponentError(`'spec' must be 'internal', not ${JSON.stringify(raw.spec)}`);
  const specInternal = raw.spec === 'internal';
  let distgitRaw: Record<string, unknown> | undefined;
  if (typeof raw.distgit === 'string') distgitRaw = { name: raw.distgit };
  else if (isObject(raw.distgit)) distgitRaw = { ...raw.distgit };
  else if (raw.distgit !== undefined && raw.distgit !== null) throw new ComponentError("'distgit' must be a name or a mapping");
  if (src === undefined && distgitRaw === undefined) throw new ComponentError("the component has neither 'src' nor 'distgit'");
  if (specInternal && src === undefined) throw new ComponentError("'spec: internal' needs an upstream 'src'");
  if (specInternal && distgitRaw !== undefined) throw new ComponentError("'spec: internal' takes the spec from upstream: drop 'distgit'");
  if (raw['override-version'] !== undefined && typeof raw['override-version'] !== 'string') {
    throw new ComponentError(`'override-version' must be a string (quote it: "${String(raw['override-version'])}")`);
  }

  let upstream: SourcePlan | null = null;
  let name: string;
  if (src !== undefined) {
    const url = expandSrc(overlay, src);
    name = checkName('name', raw.name ?? nameFromUrl(url));
    upstream = { url, ...pickRef(raw, 'upstream', 'master'), cacert: cacertFor(overlay, src, dataDir) };
  } else {
    if (distgitRaw!.name === undefined) throw new ComponentError("a dist-git-only component needs 'distgit: NAME' or 'distgit: {name: NAME}'");
    name = checkName('name', raw.name ?? distgitRaw!.name);
  }

  let distgit: ComponentPlan['distgit'] = null;
  if (!specInternal) {
    const dg = distgitRaw ?? {};
    for (const key of Object.keys(dg)) if (!DISTGIT_KEYS.has(key)) throw new ComponentError(`unknown key '${key}' in 'distgit' (rdgo refuses the component)`);
    const dgName = checkName('dist-git name', dg.name ?? name);
    let dgSrc: string;
    if (dg.src !== undefined) {
      if (typeof dg.src !== 'string') throw new ComponentError("'distgit.src' must be a string");
      dgSrc = dg.src;
    } else {
      const prefix = topDistgit?.prefix;
      if (typeof prefix !== 'string') throw new ComponentError("the overlay has no 'distgit: {prefix: ...}' to build this component's dist-git URL from");
      dgSrc = `${prefix}:${dgName}`;
    }
    const patches = dg.patches ?? 'keep';
    if (patches !== 'keep' && patches !== 'drop') throw new ComponentError(`'patches' must be 'keep' or 'drop', not ${JSON.stringify(patches)}`);
    const defaultBranch = topDistgit?.branch ?? 'master';
    const picked = pickRef(dg, 'dist-git', typeof defaultBranch === 'string' ? defaultBranch : String(defaultBranch));
    // A top-level distgit.branch is an explicit choice, not rdgo's implicit master.
    if (picked.refKind === 'default-branch' && topDistgit?.branch !== undefined) picked.refKind = 'branch';
    distgit = { url: expandSrc(overlay, dgSrc), ...picked, cacert: cacertFor(overlay, dgSrc, dataDir), name: dgName, patches };
  }

  return {
    index,
    name,
    pkgname: distgit?.name ?? name,
    upstream,
    distgit,
    specInternal,
    overrideVersion: raw['override-version'] as string | undefined,
  };
}

export { UnsafeInputError };
