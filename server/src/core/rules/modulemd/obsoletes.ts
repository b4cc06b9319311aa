import { get } from '../../check/context';
import type { Diagnostic } from '../../types';
import type { Rule } from '../rule';

export const obsoletesReset: Rule = {
  id: 'modulemd.obsoletes-reset',
  severity: 'error',
  description: 'An obsoletes document with reset: true cancels earlier ones and cannot also set eol_date or obsoleted_by (libmodulemd).',
  kinds: ['modulemd-obsoletes-v1'],
  check(ctx) {
    if (get(ctx.value, ['data', 'reset']) !== true) return [];
    const also = ['obsoleted_by', 'eol_date'].filter((k) => get(ctx.value, ['data', k]) !== undefined);
    if (also.length === 0) return [];
    return [ctx.diag(this.id, this.severity, ctx.keyAt(['data', 'reset']), `Obsoletes cannot have both reset and ${also.join(' or ')} attributes set`)];
  },
};

function validDate(y: number, m: number, d: number, hh: number, mm: number): boolean {
  if (m < 1 || m > 12 || d < 1 || hh > 23 || mm > 59) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

export const obsoletesDate: Rule = {
  id: 'modulemd.obsoletes-date',
  // libmodulemd accepts a well-formed impossible date (2020-02-30T00:00Z): stricter, so a warning.
  severity: 'warning',
  description: 'modified and eol_date should be real UTC dates: libmodulemd accepts a well-formed impossible one (2020-02-30T00:00Z), and what dnf makes of it is undefined.',
  kinds: ['modulemd-obsoletes-v1'],
  check(ctx) {
    const out: Diagnostic[] = [];
    for (const k of ['modified', 'eol_date']) {
      const v = get(ctx.value, ['data', k]);
      if (typeof v !== 'string') continue;
      const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2})Z$/.exec(v);
      if (m && !validDate(+m[1], +m[2], +m[3], +m[4], +m[5])) {
        out.push(ctx.diag(this.id, this.severity, ctx.valueAt(['data', k]), `'${k}' is not a real date: ${v}`));
      }
    }
    return out;
  },
};
