import type { Diagnostic } from '../types';
import { get, show } from './context';
import type { DocContext } from './context';

/**
 * Rules across the documents of one file. libmodulemd merges modulemd-defaults for the same module
 * when it reads a stream: the higher `modified` wins, equal `modified` with different default streams
 * is a conflict (strict mode refuses it, dnf ends up with no default stream).
 */
export const DEFAULTS_CONFLICT = 'modulemd.defaults-conflict';

export const PACKAGER_IN_INDEX = 'modulemd.packager-in-index';

/**
 * A modulemd-packager document is the input of one build, read alone (`--type modulemd-packager-vN`).
 * Among other documents the file is a module index, and libmodulemd ignores the packager document
 * there: "modulemd-packager document ignored while reading into a module index".
 */
function packagerInIndex(contexts: readonly DocContext[]): Diagnostic[] {
  if (contexts.length < 2) return [];
  return contexts
    .filter((ctx) => ctx.kind?.family === 'modulemd' && ctx.kind.document === 'modulemd-packager')
    .map((ctx) =>
      ctx.diag(
        PACKAGER_IN_INDEX,
        'error',
        ctx.valueAt(['document']),
        'libmodulemd ignores a modulemd-packager document among other documents ("modulemd-packager document ignored while reading into a module index"): keep it in a file of its own',
      ),
    );
}

export function checkFileRules(contexts: readonly DocContext[]): Diagnostic[] {
  const seen = new Map<string, { ctx: DocContext; stream: unknown; modified: unknown }>();
  const out: Diagnostic[] = packagerInIndex(contexts);
  for (const ctx of contexts) {
    if (ctx.kind?.schema !== 'modulemd-defaults-v1') continue;
    const module = get(ctx.value, ['data', 'module']);
    if (typeof module !== 'string') continue;
    const stream = get(ctx.value, ['data', 'stream']);
    const modified = get(ctx.value, ['data', 'modified']);
    const earlier = seen.get(module);
    if (!earlier) {
      seen.set(module, { ctx, stream, modified });
      continue;
    }
    const sameAge = show(earlier.modified ?? 0) === show(modified ?? 0);
    if (sameAge && earlier.stream !== undefined && stream !== undefined && show(earlier.stream) !== show(stream)) {
      out.push(
        ctx.diag(
          DEFAULTS_CONFLICT,
          'error',
          ctx.valueAt(['data', 'stream']),
          `Default stream mismatch in module ${module}: '${show(earlier.stream)}' and '${show(stream)}' with the same 'modified'; raise 'modified' on the one that should win`,
        ),
      );
    }
  }
  return out;
}
