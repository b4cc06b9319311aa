import type { DocContext } from '../../check/context';
import { get } from '../../check/context';
import type { Diagnostic, JsonPath } from '../../types';
import { readInteger } from '../../schema/libmodulemd-integer';
import { entriesOf, type Rule } from '../rule';

/** Integer fields per kind: libmodulemd parses them base-10 from the text, with range checks. */
function integerPaths(ctx: DocContext): { path: JsonPath; signed: boolean }[] {
  const schema = ctx.kind?.schema;
  const out: { path: JsonPath; signed: boolean }[] = [];
  if (schema === 'modulemd-stream-v1' || schema === 'modulemd-stream-v2') out.push({ path: ['data', 'version'], signed: false });
  if (schema === 'modulemd-defaults-v1' || schema === 'modulemd-translations-v1') out.push({ path: ['data', 'modified'], signed: false });
  for (const kind of ['rpms', 'modules']) {
    for (const [key, c] of entriesOf(get(ctx.value, ['data', 'components', kind]))) {
      if (typeof c === 'object' && c !== null && 'buildorder' in c) out.push({ path: ['data', 'components', kind, key, 'buildorder'], signed: true });
    }
  }
  for (const [digest, entries] of entriesOf(get(ctx.value, ['data', 'artifacts', 'rpm-map']))) {
    for (const [sum, entry] of entriesOf(entries)) {
      if (typeof entry === 'object' && entry !== null && 'epoch' in entry) out.push({ path: ['data', 'artifacts', 'rpm-map', digest, sum, 'epoch'], signed: false });
    }
  }
  return out;
}

export const integerText: Rule = {
  id: 'modulemd.integer-text',
  severity: 'error',
  description:
    'Integer fields (version, modified, buildorder, rpm-map epoch) are read by libmodulemd from their text, quoted or not, in base 10 and within 64 bits: 0x10, 1e3 or an overflowing value is refused even where YAML tools read a number.',
  kinds: ['modulemd-stream-v1', 'modulemd-stream-v2', 'modulemd-packager-v2', 'modulemd-packager-v3', 'modulemd-defaults-v1', 'modulemd-translations-v1'],
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const { path, signed } of integerPaths(ctx)) {
      const v = get(ctx.value, path);
      const scalar = ctx.scalar(path);
      if (!scalar) continue;
      // A quoted integer is text to YAML and to the schema, but libmodulemd reads the same digits.
      const text = typeof v === 'string' ? v : typeof v === 'number' ? scalar.source : undefined;
      if (text === undefined) continue;
      const r = readInteger(text, signed);
      const name = String(path[path.length - 1]);
      // Text that is no integer at all, and negative unsigned values, are the schema's to report.
      if (r.ok || r.error === 'negative' || (r.error === 'format' && typeof v === 'string')) continue;
      if (r.error === 'format') out.push(ctx.diag(this.id, this.severity, ctx.valueAt(path), `'${name}' must be a base-10 integer as libmodulemd reads it, not ${scalar.source}`));
      else out.push(ctx.diag(this.id, this.severity, ctx.valueAt(path), `'${name}' ${text.trim()} does not fit in ${signed ? 'a signed' : 'an unsigned'} 64-bit integer`));
    }
    return out;
  },
};
