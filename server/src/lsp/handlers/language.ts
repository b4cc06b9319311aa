import { ResponseError } from 'vscode-languageserver/node';
import type { Resolution } from '../../core/buildroot/resolve';
import type { ServerContext } from '../context';
import { isSpec } from '../pipeline';
import { specHover } from './lenses';

/** The language features: every one answered by core/features through the document pipeline. */
export function registerLanguageHandlers(ctx: ServerContext): void {
  const { connection, documents, pipeline, buildroots } = ctx;

  connection.onCompletion((params, token) => pipeline.feature('textDocument/completion', params, token) as never);
  connection.onCodeAction((params, token) => pipeline.feature('textDocument/codeAction', params, token) as never);
  connection.onDocumentSymbol((params, token) => pipeline.feature('textDocument/documentSymbol', params, token) as never);
  connection.onDefinition((params, token) => pipeline.feature('textDocument/definition', params, token) as never);
  connection.onReferences((params, token) => pipeline.feature('textDocument/references', params, token) as never);
  connection.onFoldingRanges((params, token) => pipeline.feature('textDocument/foldingRange', params, token) as never);

  connection.onHover(async (params, token) => {
    const uri = params.textDocument.uri;
    if (isSpec(uri)) return specHover(ctx, uri, params.position);
    const base = (await pipeline.feature('textDocument/hover', params, token)) as { contents: { value: string } } | ResponseError<void> | null;
    const doc = documents.get(uri);
    if (!base || base instanceof ResponseError || !doc) return base as never;
    // On a buildrequire: which stream the buildroot gets, and why.
    if (pipeline.isBig(doc)) {
      // The worker's sites for this version: the entry written on the hovered line.
      const held = pipeline.bigBuildrequires(doc);
      const site = held?.buildrequires.where.sites.find((x) => x.range.start.line === params.position.line);
      if (held && site) {
        const r = await buildroots.resolveStreams(uri, held.text, held.buildrequires.subject).catch(() => null);
        base.contents.value += inTheBuildroot(r, site.module);
      }
      return base as never;
    }
    const a = pipeline.analysis(uri);
    const node = a?.parsed.documents.map((d) => d.locator.nodeAt(a.parsed.lines.offsetAt(params.position))).find((n) => n !== null);
    const at = node?.path.indexOf('buildrequires') ?? -1;
    if (a && node && at >= 0 && node.path.length > at + 1) {
      const r = await buildroots.resolve(uri, a.parsed.text, a.parsed).catch(() => null);
      base.contents.value += inTheBuildroot(r, String(node.path[at + 1]));
    }
    return base as never;
  });
}

/** The hover line saying which stream of `module` the buildroot gets, and why ('' when none). */
function inTheBuildroot(r: Resolution | null, module: string): string {
  const chosen = (r?.expansions ?? []).flatMap((e) => e.modules.filter((m) => m.nsvc.startsWith(`${module}:`)).slice(0, 1));
  return chosen.length ? `\n\nIn the buildroot: ${chosen.map((m) => `\`${m.nsvc}\` (${m.reason})`).join('; ')}` : '';
}
