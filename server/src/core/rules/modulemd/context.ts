import { get, show } from '../../check/context';
import type { Rule } from '../rule';

/** MMD_MAXCONTEXTLEN (10) plus 3 characters for the scratch-build suffix `_N`. */
const MAX_STATIC_CONTEXT = 13;

export const staticContext: Rule = {
  id: 'modulemd.static-context',
  severity: 'error',
  description: 'With static_context: true the context is chosen by the packager: at most 13 characters of [A-Za-z0-9_] (libmodulemd).',
  kinds: ['modulemd-stream-v2'],
  check(ctx) {
    if (get(ctx.value, ['data', 'static_context']) !== true) return [];
    const raw = get(ctx.value, ['data', 'context']);
    // An empty or non-text value is the schema's finding; this rule judges the text.
    if (typeof raw !== 'string' && typeof raw !== 'number') return [];
    const context = show(raw);
    const at = ctx.valueAt(['data', 'context']);
    if (context.length === 0) return [ctx.diag(this.id, this.severity, at, 'Stream context must not be empty when static_context is true')];
    if (context.length > MAX_STATIC_CONTEXT) {
      return [ctx.diag(this.id, this.severity, at, `Stream context '${context}' exceeds maximum length (${MAX_STATIC_CONTEXT})`)];
    }
    if (!/^[A-Za-z0-9_]+$/.test(context)) {
      return [ctx.diag(this.id, this.severity, at, `Stream context '${context}' can only contain [a-zA-Z0-9_] characters`)];
    }
    return [];
  },
};
