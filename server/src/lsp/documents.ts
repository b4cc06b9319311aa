import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { checkParsed, type CheckOptions, type CheckResult } from '../core/check/check';
import { parseYaml, type ParsedYaml } from '../core/yaml/parse';

export interface Analysis {
  uri: string;
  version: number;
  parsed: ParsedYaml;
  result: CheckResult;
}

export function fsPath(uri: string): string {
  try {
    return URI.parse(uri).fsPath || uri;
  } catch {
    return uri;
  }
}

/** One analysis per document version, shared by diagnostics and every request on that version. */
export class AnalysisCache {
  private readonly cache = new Map<string, Analysis>();
  options: CheckOptions = {};

  get(doc: Pick<TextDocument, 'uri' | 'version' | 'getText'>): Analysis {
    const hit = this.cache.get(doc.uri);
    if (hit && hit.version === doc.version) return hit;
    const parsed = parseYaml(doc.getText());
    const result = checkParsed(fsPath(doc.uri), parsed, this.options);
    const analysis = { uri: doc.uri, version: doc.version, parsed, result };
    this.cache.set(doc.uri, analysis);
    return analysis;
  }

  delete(uri: string): void {
    this.cache.delete(uri);
  }

  clear(): void {
    this.cache.clear();
  }
}
