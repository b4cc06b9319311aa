import { CODES } from '../core/codes';
import type { Diagnostic } from '../core/types';

export interface FileReport {
  path: string;
  diagnostics: Diagnostic[];
}

export function formatText(files: readonly FileReport[]): string {
  const lines: string[] = [];
  for (const f of files) {
    for (const d of f.diagnostics) {
      lines.push(`${f.path}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity}: ${d.message} [${d.code}]`);
    }
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

export function formatJson(files: readonly FileReport[]): string {
  return (
    JSON.stringify(
      {
        files: files.map((f) => ({
          path: f.path,
          diagnostics: f.diagnostics.map((d) => ({
            range: d.range,
            severity: d.severity,
            code: d.code,
            source: d.source,
            message: d.message,
          })),
        })),
      },
      null,
      2,
    ) + '\n'
  );
}

const SARIF_LEVEL: Record<string, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

/** SARIF 2.1.0, as code-scanning UIs read it (1-based lines and UTF-16 columns). */
export function formatSarif(files: readonly FileReport[], version: string): string {
  const used = [...new Set(files.flatMap((f) => f.diagnostics.map((d) => d.code)))].sort();
  const ruleIndex = new Map(used.map((id, i) => [id, i]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'gitoverlay',
            version,
            rules: used.map((id) => ({ id, shortDescription: { text: CODES[id]?.text ?? id }, defaultConfiguration: { level: SARIF_LEVEL[CODES[id]?.severity ?? 'error'] } })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: files.flatMap((f) =>
          f.diagnostics.map((d) => ({
            ruleId: d.code,
            ruleIndex: ruleIndex.get(d.code),
            level: SARIF_LEVEL[d.severity],
            message: { text: d.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: f.path.split('\\').join('/') },
                  region: {
                    startLine: d.range.start.line + 1,
                    startColumn: d.range.start.character + 1,
                    endLine: d.range.end.line + 1,
                    endColumn: d.range.end.character + 1,
                  },
                },
              },
            ],
          })),
        ),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
