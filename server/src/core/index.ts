/** The engine's public surface: shared by the CLI, the language server and the tests. */
export { checkText, checkParsed, checkDocument, type CheckResult } from './check/check';
export { checkFragment, FRAGMENTS, type FragmentKind } from './check/fragment';
export { detectFamily, isOverlayFileName, MODULEMD_KINDS, type Kind } from './kinds/detect';
export { RULES } from './rules';
export { SCHEMAS, schemaId } from './schema/registry';
export { parseYaml } from './yaml/parse';
export type { Diagnostic, Position, Range, Severity } from './types';
