import type { DocContext } from '../../check/context';
import { get } from '../../check/context';
import type { Diagnostic, JsonPath } from '../../types';
import { entriesOf, type Rule } from '../rule';

const UINT64_MAX = 2n ** 64n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Integer fields per kind: libmodulemd parses them base-10 from the text, with range checks. */
function integerPaths(ctx: DocContext): { path: JsonPath; signed: boolean }[] {
  const schema = ctx.kind?.schema;
  const out: { path: JsonPath; signed: boolean }[] = [];
  if (schema === 'modulemd-stream-v1' || schema === 'modulemd-stream-v2') out.push({ path: ['data', 'version'], signed: false });
  if (schema === 'modulemd-defaults-v1' || schema === 'modulemd-translations-v1') out.push({ path: ['data', 'modified'], signed: false });
  // Only numeric buildorders can be written in a form YAML reads differently from libmodulemd.
  for (const kind of ['rpms', 'modules']) {
    for (const [key, c] of entriesOf(get(ctx.value, ['data', 'components', kind]))) {
      if (typeof c === 'object' && c !== null && typeof (c as { buildorder?: unknown }).buildorder === 'number') {
        out.push({ path: ['data', 'components', kind, key, 'buildorder'], signed: true });
      }
    }
  }
  return out;
}

export const integerText: Rule = {
  id: 'modulemd.integer-text',
  severity: 'error',
  description:
    'Integer fields (version, modified, buildorder) must be written in base 10 and fit in 64 bits: libmodulemd rejects 0x10, 1e3 or an overflowing value that YAML tools would read as a number.',
  kinds: ['modulemd-stream-v1', 'modulemd-stream-v2', 'modulemd-packager-v2', 'modulemd-packager-v3', 'modulemd-defaults-v1', 'modulemd-translations-v1'],
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const { path, signed } of integerPaths(ctx)) {
      const v = get(ctx.value, path);
      if (typeof v !== 'number') continue; // text values are the schema's to judge
      const source = ctx.scalar(path)?.source;
      if (source === undefined) continue;
      const name = String(path[path.length - 1]);
      if (!/^-?[0-9]+$/.test(source)) {
        out.push(ctx.diag(this.id, this.severity, ctx.valueAt(path), `'${name}' must be a base-10 integer as libmodulemd reads it, not ${source}`));
        continue;
      }
      const n = BigInt(source);
      if (!signed && n < 0n) continue; // the schema says "must not be negative"
      const ok = signed ? n >= INT64_MIN && n <= INT64_MAX : n >= 0n && n <= UINT64_MAX;
      if (!ok) out.push(ctx.diag(this.id, this.severity, ctx.valueAt(path), `'${name}' ${source} does not fit in ${signed ? 'a signed' : 'an unsigned'} 64-bit integer`));
    }
    return out;
  },
};
