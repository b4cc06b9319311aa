import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { read, ROOT } from './helpers';

test('docs/rules.md lists every diagnostic code as the engine has it (run node scripts/rules-doc.mjs)', async () => {
  const { rulesMarkdown } = (await import(join(ROOT, 'scripts/rules-doc.mjs'))) as { rulesMarkdown: () => string };
  assert.equal(read(join(ROOT, 'docs/rules.md')), rulesMarkdown());
});
