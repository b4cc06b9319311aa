import { get, isObject, show } from '../../check/context';
import type { Diagnostic } from '../../types';
import { entriesOf, type Rule } from '../rule';
import { parseNevra } from './nevra';

export const artifactNevra: Rule = {
  id: 'modulemd.artifact-nevra',
  severity: 'error',
  description: 'Every artifacts.rpms entry must be N-E:V-R.A with a numeric epoch (libmodulemd; a v1 stream is upgraded to v2 and checked the same way).',
  kinds: ['modulemd-stream-v1', 'modulemd-stream-v2'],
  check(ctx) {
    const rpms = get(ctx.value, ['data', 'artifacts', 'rpms']);
    if (!Array.isArray(rpms)) return [];
    const out: Diagnostic[] = [];
    rpms.forEach((r, i) => {
      if (typeof r !== 'string') return;
      const parsed = parseNevra(r);
      if (typeof parsed === 'string') {
        out.push(ctx.diag(this.id, this.severity, ctx.valueAt(['data', 'artifacts', 'rpms', i]), `Artifact '${r}' is not in N-E:V-R.A format: ${parsed}`));
      }
    });
    return out;
  },
};

/** Checks one rpm-map checksum entry at `path` (also used for fragments). */
export function checkRpmMapEntry(ctx: Parameters<Rule['check']>[0], path: (string | number)[], id = rpmMapNevra.id): Diagnostic[] {
  const e = get(ctx.value, path);
  if (!isObject(e) || typeof e.nevra !== 'string') return [];
  const parts = ['name', 'epoch', 'version', 'release', 'arch'].map((k) => e[k]);
  if (parts.some((p) => p === undefined || p === null)) return []; // missing fields: the schema says which
  // Compare the text as written: `version: 1.10` is "1.10" to libmodulemd, not the number 1.1.
  const [name, epoch, version, release, arch] = ['name', 'epoch', 'version', 'release', 'arch'].map(
    (k, i) => {
      const sc = ctx.scalar([...path, k]);
      return sc?.plain ? sc.source : show(parts[i]);
    },
  );
  const exploded = `${name}-${epoch}:${version}-${release}.${arch}`;
  if (exploded === e.nevra) return [];
  return [ctx.diag(id, 'error', ctx.valueAt([...path, 'nevra']), `'nevra' field (${e.nevra}) differs from exploded version (${exploded})`, { replacement: exploded })];
}

export const rpmMapNevra: Rule = {
  id: 'modulemd.rpm-map-nevra',
  severity: 'error',
  description: "Each rpm-map entry's nevra must equal its name, epoch, version, release and arch (libmodulemd).",
  kinds: ['modulemd-stream-v2'],
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const [digest, byChecksum] of entriesOf(get(ctx.value, ['data', 'artifacts', 'rpm-map']))) {
      for (const [checksum] of entriesOf(byChecksum)) out.push(...checkRpmMapEntry(ctx, ['data', 'artifacts', 'rpm-map', digest, checksum], this.id));
    }
    return out;
  },
};
