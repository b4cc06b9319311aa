import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { read, ROOT } from './helpers';

test('docs/rules.md lists every diagnostic code as the engine has it (run node scripts/rules-doc.mjs)', async () => {
  const { rulesMarkdown } = (await import(join(ROOT, 'scripts/rules-doc.mjs'))) as { rulesMarkdown: () => string };
  assert.equal(read(join(ROOT, 'docs/rules.md')), rulesMarkdown());
});

test("README's sample output is what `gitoverlay check examples/` prints", () => {
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/gitoverlay.js'), 'check', 'examples/'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 1);
  const readme = read(join(ROOT, 'README.md'));
  for (const line of (r.stdout + r.stderr).trim().split('\n')) assert.ok(readme.includes(line), `README lacks: ${line}`);
});
