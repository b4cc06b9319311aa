import type {
  CodeActionParams,
  CompletionParams,
  DefinitionParams,
  DocumentSymbolParams,
  FoldingRangeParams,
  HoverParams,
  ReferenceParams,
} from 'vscode-languageserver/node';
import { codeActions } from '../core/features/code-actions';
import { complete } from '../core/features/completion';
import { foldingRanges } from '../core/features/folding';
import { hover } from '../core/features/hover';
import { definition, references } from '../core/features/navigation';
import { documentSymbols } from '../core/features/symbols';
import type { WorkspaceIndex } from '../core/index/workspace';
import { componentViews } from '../core/rules/overlay/model';
import type { Analysis } from './documents';
import { fromLspDiagnostic, toLspCodeAction, toLspCompletion, toLspSymbol } from './convert';

/** The document requests answered from one analysis: the same code on the main thread and in the worker. */
export interface FeatureParams {
  'textDocument/completion': CompletionParams;
  'textDocument/hover': HoverParams;
  'textDocument/codeAction': CodeActionParams;
  'textDocument/documentSymbol': DocumentSymbolParams;
  'textDocument/definition': DefinitionParams;
  'textDocument/references': ReferenceParams;
  'textDocument/foldingRange': FoldingRangeParams;
  /** Where each overlay component starts (for its CodeLens). */
  'gitoverlay/overlayAnchors': { textDocument: { uri: string } };
}
export type FeatureMethod = keyof FeatureParams;

export interface OverlayAnchor {
  index: number;
  name?: string;
  position: { line: number; character: number };
}

export function answerFeature<M extends FeatureMethod>(method: M, a: Analysis, params: FeatureParams[M], index: WorkspaceIndex): unknown {
  const at = (p: { position: { line: number; character: number } }): number => a.parsed.lines.offsetAt(p.position);
  switch (method) {
    case 'textDocument/completion': {
      const p = params as CompletionParams;
      return complete({ parsed: a.parsed, result: a.result, offset: at(p), index }).map((c) => toLspCompletion(c, a.parsed.lines));
    }
    case 'textDocument/hover': {
      const h = hover(a.parsed, a.result, at(params as HoverParams), index, (params as HoverParams).textDocument.uri);
      return h ? { contents: { kind: 'markdown' as const, value: h.contents }, range: h.range } : null;
    }
    case 'textDocument/codeAction': {
      const p = params as CodeActionParams;
      return codeActions(a.parsed, a.result, p.context.diagnostics.map(fromLspDiagnostic)).map((x) => toLspCodeAction(x, p.textDocument.uri));
    }
    case 'textDocument/documentSymbol':
      return documentSymbols(a.parsed, a.result).map(toLspSymbol);
    case 'textDocument/definition': {
      const p = params as DefinitionParams;
      const r = definition(a.parsed, a.result, at(p));
      return r ? { uri: p.textDocument.uri, range: r } : null;
    }
    case 'textDocument/references': {
      const p = params as ReferenceParams;
      return references(a.parsed, a.result, at(p), p.context.includeDeclaration).map((range) => ({ uri: p.textDocument.uri, range }));
    }
    case 'textDocument/foldingRange':
      return a.result.family ? foldingRanges(a.parsed) : [];
    case 'gitoverlay/overlayAnchors':
      return overlayAnchors(a);
  }
  throw new Error(`unknown request ${method}`);
}

/** The first line of every overlay component: where its NEVR CodeLens goes. */
export function overlayAnchors(a: Analysis): OverlayAnchor[] {
  const doc = a.parsed.documents[0];
  if (!doc || a.result.family !== 'overlay') return [];
  const out: OverlayAnchor[] = [];
  for (const c of componentViews(doc.value)) {
    const span = doc.locator.firstKey(['components', c.index]) ?? doc.locator.value(['components', c.index]);
    if (span) out.push({ index: c.index, name: c.name, position: a.parsed.lines.positionAt(span.start) });
  }
  return out;
}
