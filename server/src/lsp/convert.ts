import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  CompletionItemKind,
  DiagnosticSeverity,
  InsertTextFormat,
  MarkupKind,
  SymbolKind,
  type CodeAction as LspCodeAction,
  type CompletionItem,
  type Diagnostic as LspDiagnostic,
  type DocumentSymbol as LspSymbol,
} from 'vscode-languageserver/node';
import type { CodeAction } from '../core/features/code-actions';
import type { Completion, CompletionKind } from '../core/features/completion';
import type { DocumentSymbol } from '../core/features/symbols';
import type { Diagnostic } from '../core/types';
import type { LineIndex } from '../core/yaml/lines';

const SEVERITY: Record<Diagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

const FROM_SEVERITY: Record<number, Diagnostic['severity']> = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };

export function toLspDiagnostic(d: Diagnostic): LspDiagnostic {
  const href = ruleHref(d.code);
  return { range: d.range, severity: SEVERITY[d.severity], code: d.code, ...(href ? { codeDescription: { href } } : {}), source: d.source, message: d.message, data: d.data };
}

let rules: { url: string; lines: Map<string, number> } | null | undefined;

/**
 * The code's row in docs/rules.md, shipped beside the server (the VSIX keeps it): the editor shows the
 * code as a link that opens the table at that line. Undefined for a code the table does not list.
 */
export function ruleHref(code: string): string | undefined {
  if (rules === undefined) {
    rules = null;
    // dist/ in the bundles; out/server/src/lsp/ when run from the compiled sources.
    for (const file of [join(__dirname, '..', 'docs', 'rules.md'), join(__dirname, '..', '..', '..', '..', 'docs', 'rules.md')]) {
      try {
        const lines = new Map<string, number>();
        readFileSync(file, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            const m = /^\| `([^`]+)` \|/.exec(line);
            if (m && !lines.has(m[1])) lines.set(m[1], i + 1);
          });
        rules = { url: pathToFileURL(file).href, lines };
        break;
      } catch {
        /* not there: the next place */
      }
    }
  }
  const line = rules?.lines.get(code);
  return line === undefined ? undefined : `${rules!.url}#L${line}`;
}

/** The editor hands diagnostics back in code-action requests; turn them into the engine's shape. */
export function fromLspDiagnostic(d: LspDiagnostic): Diagnostic {
  return {
    range: d.range,
    severity: FROM_SEVERITY[d.severity ?? 1] ?? 'error',
    code: String(d.code ?? ''),
    source: d.source === 'gitoverlay' ? 'gitoverlay' : (d.source as 'gitoverlay'),
    message: typeof d.message === 'string' ? d.message : d.message.value,
    data: (d.data as Record<string, unknown> | undefined) ?? undefined,
  };
}

const COMPLETION_KIND: Record<CompletionKind, CompletionItemKind> = {
  property: CompletionItemKind.Property,
  value: CompletionItemKind.Value,
  module: CompletionItemKind.Module,
  stream: CompletionItemKind.EnumMember,
  component: CompletionItemKind.Reference,
  alias: CompletionItemKind.Variable,
  profile: CompletionItemKind.Field,
  document: CompletionItemKind.Snippet,
};

export function toLspCompletion(c: Completion, lines: LineIndex): CompletionItem {
  const range = lines.range(c.replaceStart, c.replaceEnd);
  return {
    label: c.label,
    kind: COMPLETION_KIND[c.kind],
    detail: c.detail,
    documentation: c.documentation ? { kind: MarkupKind.Markdown, value: c.documentation } : undefined,
    insertTextFormat: c.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    textEdit: { range, newText: c.insertText },
    sortText: c.sortText,
    filterText: c.label,
  };
}

const SYMBOL_KIND: Record<DocumentSymbol['kind'], SymbolKind> = {
  module: SymbolKind.Module,
  package: SymbolKind.Package,
  namespace: SymbolKind.Namespace,
  object: SymbolKind.Object,
  field: SymbolKind.Field,
  array: SymbolKind.Array,
  key: SymbolKind.Key,
};

export function toLspSymbol(s: DocumentSymbol): LspSymbol {
  return { name: s.name, detail: s.detail, kind: SYMBOL_KIND[s.kind], range: s.range, selectionRange: s.selectionRange, children: s.children.map(toLspSymbol) };
}

export function toLspCodeAction(a: CodeAction, uri: string): LspCodeAction {
  return {
    title: a.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [toLspDiagnostic(a.diagnostic)],
    isPreferred: a.preferred,
    edit: { changes: { [uri]: a.edits } },
  };
}
