import type Ajv from 'ajv';
import type { Options, ValidateFunction } from 'ajv';
import overlay from '../../../../schemas/overlay.schema.json';
import tests from '../../../../schemas/gitoverlay-tests.schema.json';
import defaultsV1 from '../../../../schemas/modulemd-defaults-v1.schema.json';
import obsoletesV1 from '../../../../schemas/modulemd-obsoletes-v1.schema.json';
import packagerV2 from '../../../../schemas/modulemd-packager-v2.schema.json';
import packagerV3 from '../../../../schemas/modulemd-packager-v3.schema.json';
import streamV1 from '../../../../schemas/modulemd-stream-v1.schema.json';
import streamV2 from '../../../../schemas/modulemd-stream-v2.schema.json';
import translationsV1 from '../../../../schemas/modulemd-translations-v1.schema.json';
import { PRECOMPILED } from './precompiled';

/** Every schema by its basename in `schemas/` (also its `$id` suffix). */
export const SCHEMAS: Record<string, Record<string, unknown>> = {
  overlay,
  'gitoverlay-tests': tests,
  'modulemd-defaults-v1': defaultsV1,
  'modulemd-obsoletes-v1': obsoletesV1,
  'modulemd-packager-v2': packagerV2,
  'modulemd-packager-v3': packagerV3,
  'modulemd-stream-v1': streamV1,
  'modulemd-stream-v2': streamV2,
  'modulemd-translations-v1': translationsV1,
};

export const schemaId = (name: string): string => `urn:gitoverlay:schema:${name}`;

let ajv: Ajv | undefined;

/**
 * `requiredLater: {key: what fails without it}`: keys libmodulemd does not require when it reads the
 * document, but a later step does. A macro (so precompiled validators carry it too): a `required` whose
 * errors mapSchemaErrors reports as warnings (schema.required-later), with the reason from
 * `requiredLaterMessages`.
 */
const requiredLater = (schema: Record<string, string>) => ({ required: Object.keys(schema), requiredLaterMessages: schema });
const compiled = new Map<string, ValidateFunction>();

/** The options every validator is compiled with (here and for the precompiled ones in the bundles). */
export function ajvOptions(): Options {
  // verbose: errors carry their schema, which names the allowed keys for "did you mean".
  // The schemas are checked against the draft-07 meta-schema by a test, not at every start.
  return { allErrors: true, strict: false, verbose: true, addUsedSchema: false, validateSchema: false };
}

/** An Ajv instance holding every schema; `extra` adds options (scripts/bundle.mjs: code.source). */
export function createAjv(extra: Options = {}): Ajv {
  // Loaded on first use: with precompiled validators a `check` never needs the compiler.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const AjvClass = (require('ajv') as { default: typeof Ajv }).default;
  const addFormats = (require('ajv-formats') as { default: (a: Ajv) => Ajv }).default;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const a = new AjvClass({ ...ajvOptions(), ...extra });
  addFormats(a);
  a.addKeyword({ keyword: 'markdownDescription' });
  a.addKeyword({ keyword: 'patternErrorMessage' });
  a.addKeyword({ keyword: 'requiredMessages' });
  a.addKeyword({ keyword: 'requiredLater', type: 'object', macro: requiredLater });
  a.addKeyword({ keyword: 'requiredLaterMessages' });
  for (const s of Object.values(SCHEMAS)) a.addSchema(s);
  return a;
}

function instance(): Ajv {
  if (!ajv) ajv = createAjv();
  return ajv;
}

/**
 * The compiled validator for a schema, or for one of its definitions (`ref` =
 * `modulemd-packager-v3#/definitions/buildconfig`). Compiled once, on first use.
 */
export function validatorFor(ref: string): ValidateFunction {
  let v = compiled.get(ref);
  if (!v && PRECOMPILED?.[ref]) {
    v = PRECOMPILED[ref];
    compiled.set(ref, v);
  }
  if (!v) {
    const [name, pointer] = ref.split('#');
    const id = schemaId(name) + (pointer ? `#${pointer}` : '');
    const found = instance().getSchema(id);
    if (!found) throw new Error(`unknown schema ${ref}`);
    v = found;
    compiled.set(ref, v);
  }
  return v;
}

/** The schema node at a JSON pointer inside a named schema (for hover and completion). */
export function schemaByName(name: string): Record<string, unknown> | undefined {
  return SCHEMAS[name];
}
