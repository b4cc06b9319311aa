import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { SCHEMAS, schemaId } from '../../server/src/core/schema/registry';
import { read, REFERENCE, ROOT } from './helpers';

describe('schemas/', () => {
  test('every schema file is registered, with its stable $id', () => {
    const files = readdirSync(join(ROOT, 'schemas')).filter((f) => f.endsWith('.schema.json'));
    assert.deepEqual(files.map((f) => f.replace('.schema.json', '')).sort(), Object.keys(SCHEMAS).sort());
    for (const [name, schema] of Object.entries(SCHEMAS)) assert.equal(schema.$id, schemaId(name));
  });

  test('every schema is valid draft-07 and compiles', () => {
    const ajv = new Ajv({ strict: false, validateSchema: true });
    for (const [name, schema] of Object.entries(SCHEMAS)) {
      assert.ok(ajv.validateSchema(schema), `${name}: ${ajv.errorsText()}`);
      ajv.compile(schema);
    }
  });

  test('every property carries a description and a markdownDescription (they feed hover and completion)', () => {
    const missing: string[] = [];
    const walk = (node: unknown, where: string): void => {
      if (!node || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      for (const [key, child] of Object.entries((n.properties as Record<string, unknown>) ?? {})) {
        const c = child as Record<string, unknown>;
        if (typeof c.markdownDescription !== 'string' || typeof c.description !== 'string') missing.push(`${where}.${key}`);
        walk(c, `${where}.${key}`);
      }
      for (const k of ['items', 'additionalProperties']) if (n[k] && typeof n[k] === 'object') walk(n[k], `${where}[${k}]`);
      for (const [k, d] of Object.entries((n.definitions as Record<string, unknown>) ?? {})) walk(d, `${where}#${k}`);
    };
    for (const [name, schema] of Object.entries(SCHEMAS)) walk(schema, name);
    assert.deepEqual(missing, []);
  });

  test("the libmodulemd spec files are valid documents of their schemas' kinds", () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const pairs: [string, string][] = [
      ['modulemd_defaults_v1.yaml', 'modulemd-defaults-v1'],
      ['modulemd_obsoletes_v1.yaml', 'modulemd-obsoletes-v1'],
      ['modulemd_packager_v2.yaml', 'modulemd-packager-v2'],
      ['modulemd_packager_v3.yaml', 'modulemd-packager-v3'],
      ['modulemd_stream_v1.yaml', 'modulemd-stream-v1'],
      ['modulemd_translations_v1.yaml', 'modulemd-translations-v1'],
    ];
    for (const [file, name] of pairs) {
      const validate = ajv.compile(SCHEMAS[name]);
      const ok = validate(parse(read(join(REFERENCE, 'examples/modulemd-spec', file))));
      assert.ok(ok, `${file}: ${ajv.errorsText(validate.errors)}`);
    }
  });
});
