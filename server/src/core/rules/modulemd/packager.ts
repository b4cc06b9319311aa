import { get, isObject, show } from '../../check/context';
import type { Diagnostic } from '../../types';
import type { Rule } from '../rule';

export const duplicateContext: Rule = {
  id: 'modulemd.duplicate-context',
  severity: 'error',
  description: 'Each packager v3 configuration needs its own context (libmodulemd: "Duplicate context").',
  kinds: ['modulemd-packager-v3'],
  check(ctx) {
    const configs = get(ctx.value, ['data', 'configurations']);
    if (!Array.isArray(configs)) return [];
    const first = new Map<string, number>();
    const out: Diagnostic[] = [];
    configs.forEach((c, i) => {
      if (!isObject(c) || c.context === undefined || c.context === null) return;
      const context = show(c.context);
      const earlier = first.get(context);
      if (earlier === undefined) first.set(context, i);
      else {
        out.push(
          ctx.diag(this.id, this.severity, ctx.valueAt(['data', 'configurations', i, 'context']), `Duplicate context: ${context} (also configuration ${earlier + 1})`),
        );
      }
    });
    return out;
  },
};
