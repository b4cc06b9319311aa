import type { CheckResult } from '../check/check';
import { isObject } from '../check/context';
import { envelopeVersion, modulemdKind, OVERLAY, type Kind } from '../kinds/detect';
import type { ParsedYaml, YamlDocument } from '../yaml/parse';

/** The document of a stream that holds `line`, its first line, and its kind. */
export interface DocumentAt {
  doc: YamlDocument | undefined;
  startLine: number;
  kind: Kind | null;
}

/** First line of the document holding `line`: the line after the nearest `---` above it. */
export function documentStartLine(text: string, line: number): number {
  const lines = text.split(/\r?\n/, line + 1);
  for (let l = Math.min(line, lines.length - 1); l >= 0; l--) if (/^---(\s|$)/.test(lines[l])) return l + 1;
  return 0;
}

export function documentAt(parsed: ParsedYaml, result: CheckResult | null, offset: number): DocumentAt {
  const line = parsed.lines.positionAt(offset).line;
  const startLine = documentStartLine(parsed.text, line);
  const startOffset = parsed.lines.offsetAt({ line: startLine, character: 0 });
  // The parsed document that starts within this `---` section, else the last one before the cursor.
  let doc = parsed.documents.find((d) => d.start >= startOffset);
  if (!doc || documentStartLine(parsed.text, parsed.lines.positionAt(doc.start).line) !== startLine) {
    doc = [...parsed.documents].reverse().find((d) => d.start <= offset);
  }
  let kind: Kind | null = null;
  if (result?.family === 'overlay') kind = OVERLAY;
  else if (doc) {
    kind = result?.documents.find((d) => d.index === doc!.index)?.kind ?? null;
    const v = doc.value ?? doc.shallow;
    if (!kind && isObject(v)) kind = modulemdKind(v.document, envelopeVersion(v.version));
  }
  if (!kind) kind = sniffKind(parsed.text, startLine);
  return { doc, startLine, kind };
}

/** Reads `document:` and `version:` from the text when the parse could not (half-typed files). */
function sniffKind(text: string, startLine: number): Kind | null {
  const lines = text.split(/\r?\n/).slice(startLine);
  let document: string | undefined;
  let version: string | undefined;
  for (const l of lines) {
    if (/^---(\s|$)/.test(l)) break;
    const d = /^document:\s*["']?([\w-]+)/.exec(l);
    if (d) document = d[1];
    const v = /^version:\s*["']?(\d+)/.exec(l);
    if (v) version = v[1];
  }
  return document && version ? modulemdKind(document, version) : null;
}
