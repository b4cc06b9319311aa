import { detectFamily, foreignOverlayFormat, looksLikeModulemd, OVERLAY, TESTS, type FileFamily, type Kind } from '../kinds/detect';
import { rulesFor } from '../rules';
import { checkEnvelope } from '../rules/modulemd/envelope';
import { mapSchemaErrors, pyyamlStringDiagnostics, type MapOptions } from '../schema/errors';
import { readAsLibmodulemd } from '../schema/libmodulemd-reading';
import { readingDiagnostic } from '../schema/reading-diagnostics';
import { validatorFor } from '../schema/registry';
import type { Diagnostic, JsonPath } from '../types';
import { parseYaml, type ParsedYaml, type YamlDocument } from '../yaml/parse';
import { componentViews } from '../rules/overlay/model';
import { DocContext, get } from './context';
import { checkFileRules } from './file-rules';

export interface CheckOptions {
  /**
   * Unknown keys in modulemd documents are errors, as modulemd-validator and MBS read them (strict).
   * false: warnings, as dnf reads them (it skips unknown keys so newer fields do not break it).
   */
  strictUnknownKeys?: boolean;
}

export interface CheckedDocument {
  index: number;
  kind: Kind | null;
}

export interface CheckResult {
  /** 'modulemd', 'overlay' or 'tests', or null when the file is not ours (and has no diagnostics). */
  family: FileFamily;
  documents: CheckedDocument[];
  diagnostics: Diagnostic[];
}

const REFS = new Set(['tag', 'branch', 'freeze']);

const overlayOptions = (value: unknown): MapOptions => {
  // Computed once, when a message first names a component.
  let views: ReturnType<typeof componentViews> | undefined;
  return {
    itemName: (path: JsonPath) =>
      path.length === 2 && path[0] === 'components' && typeof path[1] === 'number' ? (views ??= componentViews(value))[path[1]]?.name : undefined,
    // Where rdgo needs text and PyYAML hands it a number, a boolean or a date, it raises TypeError.
    stringRequiredAt: (path: JsonPath) => {
      if (path[0] === 'components' && path.length === 4 && path[2] === 'defines') {
        return { code: 'overlay.defines-not-string', message: `The value of define '${String(path[3])}' must be a string` };
      }
      const key = String(path[path.length - 1]);
      // A component's own refs pick the upstream commit: rdgo reads them only when it has a src.
      const upstream = path.length === 3 && typeof get(value, ['components', path[1], 'src']) === 'string';
      const ref = path[0] === 'components' && (upstream || (path.length === 4 && path[2] === 'distgit')) && REFS.has(key);
      if (ref) return { code: 'overlay.not-a-string', message: `'${key}' must be a string: rdgo hands it to git and raises TypeError on anything else` };
      if (path[0] === 'components' && path.length === 4 && (path[2] === 'rpmwith' || path[2] === 'rpmwithout')) {
        return { code: 'overlay.not-a-string', message: `Each '${String(path[2])}' entry must be a string: rdgo joins them into --with options and raises TypeError on anything else` };
      }
      if (path.length === 2 && path[0] === 'root' && path[1] === 'mock') {
        return { code: 'overlay.not-a-string', message: "'mock' must be a string: rdgo's build replaces $arch in it and fails on anything else" };
      }
      return null;
    },
  };
};

const rangeKey = (d: Diagnostic): string => `${d.range.start.line}:${d.range.start.character}`;

function isEmptyDocument(d: YamlDocument): boolean {
  return d.value === null || d.value === undefined;
}

/** Schema check plus every semantic rule of the kind. */
export function checkDocument(given: DocContext, kind: Kind, options: MapOptions = {}): Diagnostic[] {
  const validate = validatorFor(kind.schema);
  const out: Diagnostic[] = [];
  let notes: Diagnostic[] = [];
  let ctx = given;
  if (kind.family === 'modulemd') {
    // Rules see the document as libmodulemd reads it (`platform: el8` is the list [el8]).
    const reading = readAsLibmodulemd(validate, ctx.value, (path) => {
      const s = ctx.scalar(path);
      return s?.plain ? s.source : undefined;
    });
    if (reading.notes.length) ctx = ctx.withValue(reading.value);
    notes = reading.notes.map((n) => readingDiagnostic(ctx, n)).filter((d): d is Diagnostic => d !== null);
    if (reading.errors) out.push(...mapSchemaErrors(ctx, reading.errors, [], options));
  } else if (!validate(ctx.value)) out.push(...mapSchemaErrors(ctx, validate.errors, [], options));
  notes.push(...pyyamlStringDiagnostics(ctx, options));
  for (const rule of rulesFor(kind.schema)) {
    try {
      out.push(...rule.check(ctx));
    } catch (err) {
      // A rule must never take the check down; report the fault where the user can see it.
      out.push(ctx.diag('gitoverlay.internal-error', 'warning', ctx.ownerAt([]), `Rule ${rule.id} failed: ${(err as Error).message}`));
    }
  }
  // One defect, one diagnostic: an error on the node already says more than how it was read.
  const errorAt = new Set(out.filter((d) => d.severity === 'error').map((d) => rangeKey(d)));
  return [...notes.filter((d) => !errorAt.has(rangeKey(d))), ...out];
}

export function checkParsed(path: string, parsed: ParsedYaml, options: CheckOptions = {}): CheckResult {
  const family = detectFamily(path, parsed.documents);
  if (!family) return { family: null, documents: [], diagnostics: [] };
  const diagnostics: Diagnostic[] = [...parsed.syntax];
  const documents: CheckedDocument[] = [];
  const contexts: DocContext[] = [];
  for (const d of parsed.documents) {
    // A structurally broken document would only add guesses to its syntax errors.
    if (isEmptyDocument(d) || d.broken) {
      documents.push({ index: d.index, kind: null });
      continue;
    }
    if (family === 'tests') {
      const ctx = new DocContext(parsed.lines, d.locator, d.value, TESTS, d.start);
      contexts.push(ctx);
      documents.push({ index: d.index, kind: TESTS });
      diagnostics.push(...checkDocument(ctx, TESTS));
      continue;
    }
    if (family === 'overlay') {
      const ctx = new DocContext(parsed.lines, d.locator, d.value, OVERLAY, d.start);
      const foreign = foreignOverlayFormat(d.value);
      if (foreign) {
        // One note instead of a flood of errors about a format we do not check.
        documents.push({ index: d.index, kind: null });
        diagnostics.push(ctx.diag('overlay.not-rdgo', 'warning', ctx.ownerAt([]), `Not checked: ${foreign}`));
        continue;
      }
      contexts.push(ctx);
      documents.push({ index: d.index, kind: OVERLAY });
      diagnostics.push(...checkDocument(ctx, OVERLAY, overlayOptions(d.value)));
      continue;
    }
    const probe = new DocContext(parsed.lines, d.locator, d.value, null, d.start);
    const envelope = checkEnvelope(probe);
    diagnostics.push(...envelope.diagnostics);
    documents.push({ index: d.index, kind: envelope.kind });
    if (!envelope.kind) continue;
    const ctx = new DocContext(parsed.lines, d.locator, d.value, envelope.kind, d.start);
    contexts.push(ctx);
    diagnostics.push(...checkDocument(ctx, envelope.kind, { lenientUnknownKeys: options.strictUnknownKeys === false }));
  }
  if (family === 'overlay' && parsed.syntax.length === 0 && parsed.documents.every(isEmptyDocument)) {
    // rdgo reads an empty overlay.yml as None and fails (TypeError: 'NoneType' object is not subscriptable).
    diagnostics.push({
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: 'error',
      code: 'overlay.empty',
      source: 'gitoverlay',
      message: 'An empty overlay: rpmdistro-gitoverlay needs at least aliases, distgit, root and components',
    });
  }
  diagnostics.push(...checkFileRules(contexts));
  diagnostics.sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.code.localeCompare(b.code),
  );
  return { family, documents, diagnostics };
}

/** The engine's entry point: every diagnostic for one file's text. */
export function checkText(path: string, text: string, options: CheckOptions = {}): CheckResult {
  return checkParsed(path, parseYaml(text), options);
}

export { looksLikeModulemd };
