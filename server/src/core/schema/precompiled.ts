import type { ValidateFunction } from 'ajv';

/**
 * Validators compiled ahead of time, by schema name. This module is a stub: scripts/bundle.mjs replaces
 * it in the bundles with ajv standalone code generated from schemas/*.json (with the options of
 * ajvOptions()), so a CLI run does not compile the schemas at start-up. Without it (tests run the tsc
 * output) every validator is compiled on first use, as before.
 */
export const PRECOMPILED: Readonly<Record<string, ValidateFunction>> | undefined = undefined;
