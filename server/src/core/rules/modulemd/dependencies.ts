import { get, show } from '../../check/context';
import type { DocContext } from '../../check/context';
import type { Diagnostic } from '../../types';
import { entriesOf, type Rule } from '../rule';

/** Checks one dependencies entry ({buildrequires, requires}) at `path` (also used for fragments). */
export function checkDependencyEntry(ctx: DocContext, path: (string | number)[], id = mixedStreams.id): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const side of ['buildrequires', 'requires']) {
    for (const [module, streams] of entriesOf(get(ctx.value, [...path, side]))) {
      if (!Array.isArray(streams)) continue;
      const texts = streams.map(show);
      const neg = texts.filter((s) => s.startsWith('-'));
      if (neg.length > 0 && neg.length < texts.length) {
        const what = side === 'buildrequires' ? 'Build-time' : 'Runtime';
        out.push(
          ctx.diag(
            id,
            'error',
            ctx.valueAt([...path, side, module]),
            `${what} dependency '${module}' contains a mix of positive and negative streams (${texts.join(', ')}); use either "any of" or "all except"`,
            { module, side },
          ),
        );
      }
    }
  }
  return out;
}

export const mixedStreams: Rule = {
  id: 'modulemd.mixed-streams',
  severity: 'error',
  description: "A module's stream list in buildrequires or requires is all positive or all negative (libmodulemd).",
  kinds: ['modulemd-stream-v2', 'modulemd-packager-v2'],
  check(ctx) {
    const deps = get(ctx.value, ['data', 'dependencies']);
    if (!Array.isArray(deps)) return [];
    return deps.flatMap((_, i) => checkDependencyEntry(ctx, ['data', 'dependencies', i], this.id));
  },
};
