import { RULES } from './rules';
import { ENVELOPE_CODES } from './rules/modulemd/envelope';
import { DEFAULTS_CONFLICT } from './check/file-rules';

/** Every diagnostic code the engine emits, with what it means (for SARIF rules and docs). */
export const CODES: Record<string, string> = {
  'yaml.syntax': 'YAML syntax error.',
  'yaml.duplicate-key': 'A key appears twice in one mapping; YAML tools disagree on which one wins.',
  'yaml.tab': 'A tab used as indentation; YAML allows only spaces.',
  'yaml.warning': 'A YAML construct the parser accepts with a warning.',
  'yaml.alias-limit': 'Too many alias expansions (a "billion laughs" document); not checked further.',
  'yaml.numeric-string':
    'A value meant as text is written so that PyYAML-based tools read a number or boolean (stream: 1.10 becomes 1.1); quote it.',
  'schema.unknown-key': 'A key the format does not define (libmodulemd strict mode and rdgo refuse it).',
  'schema.required': 'A required key is missing.',
  'schema.type': 'A value of the wrong type.',
  'schema.empty': 'A key without a value where one is required.',
  'schema.integer': 'A value that is not a base-10 integer (libmodulemd parses integers from the text).',
  'schema.boolean': 'A boolean other than the literals true and false.',
  'schema.enum': 'A value outside the allowed set.',
  'schema.const': 'A value that must be exactly one thing.',
  'schema.pattern': 'A value in the wrong format.',
  'schema.min-items': 'A list with too few entries.',
  'schema.max-items': 'A list with too many entries.',
  'schema.range': 'A number out of range.',
  'schema.length': 'A string of the wrong length.',
  [ENVELOPE_CODES.notMapping]: 'A modulemd document that is not a mapping.',
  [ENVELOPE_CODES.documentMissing]: 'No `document:` type.',
  [ENVELOPE_CODES.documentUnknown]: 'An unknown `document:` type.',
  [ENVELOPE_CODES.versionMissing]: 'No `version:`.',
  [ENVELOPE_CODES.versionUnsupported]: 'A `version:` this document type does not have.',
  [ENVELOPE_CODES.dataMissing]: 'No `data:` section.',
  [DEFAULTS_CONFLICT]: 'Two modulemd-defaults for one module disagree on the default stream with the same `modified`.',
  'overlay.defines-not-string': 'A `defines` value that is not a string (rdgo raises TypeError).',
  'gitoverlay.internal-error': 'A rule failed on unexpected input; please report it.',
  ...Object.fromEntries(RULES.map((r) => [r.id, r.description])),
};
