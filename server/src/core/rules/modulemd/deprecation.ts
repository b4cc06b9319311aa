import { get } from '../../check/context';
import type { Rule } from '../rule';

export const v1Deprecated: Rule = {
  id: 'modulemd.v1-deprecated',
  severity: 'warning',
  description: 'modulemd v1 is still read (and upgraded to v2 when loaded), but build systems expect v2.',
  kinds: ['modulemd-stream-v1'],
  check(ctx) {
    return [ctx.diag(this.id, this.severity, ctx.valueAt(['version']), 'modulemd v1 is deprecated: upgrade this document to version 2')];
  },
};

export const defaultsIntents: Rule = {
  id: 'modulemd.defaults-intents',
  severity: 'warning',
  description: 'The intents section of modulemd-defaults is deprecated and ignored by dnf.',
  kinds: ['modulemd-defaults-v1'],
  check(ctx) {
    if (get(ctx.value, ['data', 'intents']) === undefined) return [];
    return [ctx.diag(this.id, this.severity, ctx.keyAt(['data', 'intents']), "'intents' is deprecated and ignored by dnf")];
  },
};
