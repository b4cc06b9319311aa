import { isObject, type DocContext, show } from '../../check/context';
import { closest } from '../../check/suggest';
import { envelopeVersion, MODULEMD_KINDS, modulemdKind, type ModulemdKind } from '../../kinds/detect';
import type { Diagnostic } from '../../types';

/** Envelope rule ids (document:, version:, data:), as libmodulemd reports them. */
export const ENVELOPE_CODES = {
  notMapping: 'modulemd.not-a-mapping',
  documentMissing: 'modulemd.document-missing',
  documentUnknown: 'modulemd.document-unknown',
  versionMissing: 'modulemd.version-missing',
  versionUnsupported: 'modulemd.version-unsupported',
  dataMissing: 'modulemd.data-missing',
} as const;

const ENVELOPE_KEYS = ['document', 'version', 'data'];

/**
 * Checks `document`, `version` and `data`; returns the document's kind when the envelope allows
 * checking the data against a schema.
 */
export function checkEnvelope(ctx: DocContext): { kind: ModulemdKind | null; diagnostics: Diagnostic[] } {
  const v = ctx.value;
  const out: Diagnostic[] = [];
  if (!isObject(v)) {
    out.push(ctx.diag(ENVELOPE_CODES.notMapping, 'error', ctx.ownerAt([]), 'A modulemd document must be a mapping with document, version and data'));
    return { kind: null, diagnostics: out };
  }
  let kind: ModulemdKind | null = null;
  // An absent or empty envelope key; a misspelt one (documenl:) is the absent one: said on the key, with the fix.
  const absent = (key: string, code: string, empty: string, missing: string): Diagnostic => {
    const typo = v[key] === undefined ? Object.keys(v).find((k) => !ENVELOPE_KEYS.includes(k) && closest(k, [key]) === key) : undefined;
    if (typo) return ctx.diag('schema.unknown-key', 'error', ctx.keyAt([typo]), `Unknown key '${typo}'; did you mean '${key}'?`, { key: typo, suggestion: key });
    return v[key] === null ? ctx.diag(code, 'error', ctx.keyAt([key]), empty, { missing: key }) : ctx.diag(code, 'error', ctx.ownerAt([]), missing, { missing: key });
  };
  if (v.document === undefined || v.document === null) {
    out.push(absent('document', ENVELOPE_CODES.documentMissing, "'document' is empty: name the document type (e.g. modulemd)", "No document type specified: add 'document:' (e.g. modulemd)"));
  } else if (typeof v.document !== 'string' || !(v.document in MODULEMD_KINDS)) {
    const known = Object.keys(MODULEMD_KINDS);
    const suggestion = typeof v.document === 'string' ? closest(v.document, known) : undefined;
    out.push(
      ctx.diag(
        ENVELOPE_CODES.documentUnknown,
        'error',
        ctx.valueAt(['document']),
        `Document type '${show(v.document)}' unknown; expected one of ${known.join(', ')}` + (suggestion ? `; did you mean '${suggestion}'?` : ''),
        suggestion ? { suggestion } : undefined,
      ),
    );
  }
  if (v.version === undefined || v.version === null) {
    out.push(absent('version', ENVELOPE_CODES.versionMissing, "'version' is empty: give the metadata version (e.g. 2)", "No metadata version specified: add 'version:'"));
  } else if (typeof v.document === 'string' && v.document in MODULEMD_KINDS) {
    kind = modulemdKind(v.document, v.version);
    if (!kind) {
      const supported = Object.keys(MODULEMD_KINDS[v.document]).join(', ');
      const n = envelopeVersion(v.version);
      out.push(
        ctx.diag(
          ENVELOPE_CODES.versionUnsupported,
          'error',
          ctx.valueAt(['version']),
          n === null
            ? `Invalid metadata version '${show(v.version)}': expected an integer (${supported} for ${v.document})`
            : `Invalid mdversion ${n} for ${v.document}: supported ${supported.includes(',') ? 'versions are' : 'version is'} ${supported}`,
        ),
      );
    }
  }
  if (v.data === undefined || v.data === null) {
    out.push(absent('data', ENVELOPE_CODES.dataMissing, "'data' is empty: the document's content goes under it", "No data section provided: add 'data:'"));
    kind = null;
  }
  return { kind, diagnostics: out };
}
