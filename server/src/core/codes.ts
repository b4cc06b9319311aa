import { RULES } from './rules';
import { ENVELOPE_CODES } from './rules/modulemd/envelope';
import { DEFAULTS_CONFLICT, PACKAGER_IN_INDEX } from './check/file-rules';
import { READING_CODES } from './schema/reading-diagnostics';
import type { Severity } from './types';

export interface CodeInfo {
  severity: Severity;
  text: string;
}

const e = (text: string): CodeInfo => ({ severity: 'error', text });
const w = (text: string): CodeInfo => ({ severity: 'warning', text });

/** Every diagnostic code the engine emits, with what it means (for SARIF rules and docs). */
export const CODES: Record<string, CodeInfo> = {
  'yaml.syntax': e('YAML syntax error.'),
  'yaml.duplicate-key': w('A key appears twice in one mapping: libmodulemd and PyYAML keep the last value and accept the file (so a warning); other YAML tools refuse it or keep the first.'),
  'yaml.tab': e('A tab used as indentation; YAML allows only spaces.'),
  'yaml.warning': w('A YAML construct the parser accepts with a warning.'),
  'yaml.unresolved-alias': e('An alias (*name) to an anchor that is not defined before it.'),
  'yaml.binary': e('Control characters in the text: a binary file, or corrupted content.'),
  'yaml.invalid-utf8': w('Bytes that were not valid UTF-8 (decoded as U+FFFD).'),
  'yaml.alias-limit': e('Too many alias expansions (a "billion laughs" document); not checked further.'),
  'yaml.numeric-string': w(
    'A value meant as text is written so that PyYAML-based tools read a number or boolean (stream: 1.10 becomes 1.1); quote it.',
  ),
  'schema.unknown-key': e('A key the format does not define (libmodulemd strict mode and rdgo refuse it).'),
  'schema.required': e('A required key is missing.'),
  'schema.required-later': w(
    'A key libmodulemd does not require when it reads the document, but a later step does (a packager v3 document without summary is valid, and its conversion to module streams fails).',
  ),
  'schema.type': e('A value of the wrong type.'),
  'schema.empty': e('A key without a value where libmodulemd refuses one: a mapping, an integer or a boolean (an empty string or list is read, see modulemd.empty-value).'),
  [READING_CODES.scalarList]: w(
    'A single value where a list is expected (`platform: el8`): libmodulemd reads it as a one-item list, so the document is valid; writing the list says what is meant.',
  ),
  [READING_CODES.emptyValue]: w(
    'A key without a value where text or a list is expected: libmodulemd reads an empty string (or a list holding one empty string) and accepts the document.',
  ),
  'schema.integer': e('A value that is not a base-10 integer (libmodulemd parses integers from the text).'),
  'schema.boolean': e('A boolean other than the literals true and false.'),
  'schema.enum': e('A value outside the allowed set.'),
  'schema.const': e('A value that must be exactly one thing.'),
  'schema.pattern': e('A value in the wrong format.'),
  'schema.min-items': e('A list with too few entries.'),
  'schema.max-items': e('A list with too many entries.'),
  'schema.range': e('A number out of range.'),
  'schema.length': e('A string of the wrong length.'),
  [ENVELOPE_CODES.notMapping]: e('A modulemd document that is not a mapping.'),
  [ENVELOPE_CODES.documentMissing]: e('No `document:` type.'),
  [ENVELOPE_CODES.documentUnknown]: e('An unknown `document:` type.'),
  [ENVELOPE_CODES.versionMissing]: e('No `version:`.'),
  [ENVELOPE_CODES.versionUnsupported]: e('A `version:` this document type does not have.'),
  [ENVELOPE_CODES.dataMissing]: e('No `data:` section.'),
  [PACKAGER_IN_INDEX]: e('A modulemd-packager document in a file with other documents: libmodulemd reads the file as a module index and ignores it.'),
  [DEFAULTS_CONFLICT]: e('Two modulemd-defaults for one module disagree on the default stream with the same `modified`.'),
  'overlay.empty': e('An overlay file with no content: rdgo fails on it (TypeError).'),
  'overlay.not-rdgo': w("An overlay.yml in another tool's format (rpm-gitoverlay's): said once, and not checked further."),
  'overlay.not-a-string': e('A ref (tag, branch, freeze), an rpmwith/rpmwithout entry or root.mock that PyYAML reads as a number, boolean or date: rdgo raises TypeError.'),
  'overlay.defines-not-string': e('A `defines` value that is not a string (rdgo raises TypeError).'),
  'spec.changelog-date': e('A %changelog header whose date rpm cannot read (rpmbuild drops the changelog); a wrong weekday is a warning.'),
  'spec.changelog-order': e('%changelog entries not in descending chronological order.'),
  'spec.unparseable': e("The current spec cannot be parsed by rpm: rpmautospec refuses to compute %autorelease/%autochangelog (\"Couldn’t parse spec file\")."),
  'spec.release-dash': e("A '-' in Release: rpm refuses it, the dash separates version and release."),
  'spec.autorelease-flags': e('%autorelease options outside -b N, -e TEXT, -s TEXT, -p, -n.'),
  'buildroot.no-stream': e('A buildrequire no known stream matches (a warning when the module is not known at all).'),
  'buildroot.ambiguous': w('A buildrequire several streams match with no default stream to pick one: one build per stream.'),
  'buildroot.conflict': w('The resolved buildroot gets the same binary RPM from two modules, or from a module and the platform.'),
  'gitoverlay.internal-error': w('A rule failed on unexpected input; please report it.'),
  ...Object.fromEntries(RULES.map((r) => [r.id, { severity: r.severity, text: r.description }])),
};
