import { changelogText } from '../../core/autospec/compute';
import { releaseLine } from '../../core/spec/diagnostics';
import { evaluatePreamble } from '../../core/spec/preamble';
import type { ServerContext } from '../context';
import { fsPath } from '../documents';
import type { OverlayAnchor } from '../features';
import { overlayLenses } from '../overlay';
import { cancelled, isSpec } from '../pipeline';

/**
 * What the history says, in the editor: the NEVR lens over a spec's `Release:` (and the overlay's
 * component lenses), and the hover on %autorelease / %autochangelog.
 */
export function registerLensHandlers(ctx: ServerContext): void {
  const { connection, documents, pipeline, autospec, overlays } = ctx;

  connection.onCodeLens(async (params) => {
    const uri = params.textDocument.uri;
    if (!isSpec(uri)) {
      const anchors = await pipeline.feature('gitoverlay/overlayAnchors', params);
      return (Array.isArray(anchors) ? overlayLenses(overlays, anchors as OverlayAnchor[], uri, fsPath(uri)) : anchors) as never;
    }
    const doc = documents.get(uri);
    if (!doc) return [];
    const lines = doc.getText().split(/\r?\n/);
    const at = releaseLine(lines);
    const range = { start: { line: at, character: 0 }, end: { line: at, character: lines[at]?.length ?? 0 } };
    return [
      { range, data: { uri, kind: 'nevr' } },
      { range, command: { title: 'Preview changelog', command: 'gitoverlay.previewChangelog', arguments: [uri] } },
      { range, command: { title: 'Preview generated spec', command: 'gitoverlay.previewSpec', arguments: [uri] } },
    ];
  });

  connection.onCodeLensResolve(async (lens, token) => {
    const data = lens.data as { uri: string; kind: string } | undefined;
    if (!data || data.kind !== 'nevr') return lens;
    try {
      const a = await autospec.get(fsPath(data.uri), undefined, false);
      // The walk may be shared with other requests; a cancelled one just stops waiting for it.
      if (token.isCancellationRequested) return cancelled();
      const refused = autospec.unparseable(fsPath(data.uri));
      if (refused) {
        lens.command = { title: `gitoverlay: ${refused}`, command: '', tooltip: 'As rpmautospec: set gitoverlay.autospec.errorOnUnparseableSpec to false to compute the release anyway' } as typeof lens.command;
        return lens;
      }
      const text = documents.get(data.uri)?.getText() ?? a.history.workSpec ?? '';
      // The name as rpm read the current version (the walk evaluated it with this machine's macros),
      // else as the evaluator reads the editor's text.
      const head = a.history.head ? a.history.commits.get(a.history.head) : undefined;
      const current = a.history.dirty || !head ? a.specs.get(`worktree:${a.history.workSpec}`) : head.specBlob ? a.specs.get(head.specBlob) : undefined;
      const pre = evaluatePreamble(text);
      const name = current?.name ?? (pre.ok ? pre.value.name : undefined) ?? '?';
      const nevr = a.result.epochVersion === null ? `${name}: version unknown` : `${name}-${a.result.epochVersion}-${a.result.release}`;
      lens.command = {
        title: `${nevr}${a.history.dirty ? ' (with uncommitted changes)' : ''}`,
        command: 'gitoverlay.previewChangelog',
        arguments: [data.uri],
        tooltip: `Release ${a.result.releaseNumber} computed from ${a.history.commits.size} commit(s), as rpmautospec does`,
      } as typeof lens.command;
    } catch (err) {
      lens.command = { title: `gitoverlay: ${(err as Error).message}`, command: '' };
    }
    return lens;
  });
}

/** Hover on %autorelease / %autochangelog in a spec: what they expand to. */
export async function specHover(ctx: ServerContext, uri: string, position: { line: number; character: number }) {
  const doc = ctx.documents.get(uri);
  if (!doc) return null;
  const line = doc.getText().split(/\r?\n/)[position.line] ?? '';
  const re = /%\{?\??(autorelease|autochangelog)\b[^}\n]*\}?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) {
    if (position.character < m.index || position.character > m.index + m[0].length) continue;
    const range = { start: { line: position.line, character: m.index }, end: { line: position.line, character: m.index + m[0].length } };
    try {
      const a = await ctx.autospec.get(fsPath(uri));
      if (m[1] === 'autorelease') {
        return {
          range,
          contents: {
            kind: 'markdown' as const,
            value: `**%autorelease** → \`${a.result.release}%{?dist}\`\n\nRelease number ${a.result.releaseNumber} for \`${a.result.epochVersion ?? 'unknown version'}\`, computed from ${a.history.commits.size} commit(s) as rpmautospec does.`,
          },
        };
      }
      const entries = a.result.changelog;
      const text = changelogText(entries.slice(0, 3)).trimEnd() + (entries.length > 3 ? '\n…' : '');
      return { range, contents: { kind: 'markdown' as const, value: `**%autochangelog** (${entries.length} entries)\n\n\`\`\`\n${text}\n\`\`\`` } };
    } catch (err) {
      return { range, contents: { kind: 'markdown' as const, value: `gitoverlay: ${(err as Error).message}` } };
    }
  }
  return null;
}
