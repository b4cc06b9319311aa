import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { read, ROOT } from './helpers';

test('docs/rules.md lists every diagnostic code as the engine has it (run node scripts/rules-doc.mjs)', async () => {
  const { rulesMarkdown } = (await import(join(ROOT, 'scripts/rules-doc.mjs'))) as { rulesMarkdown: () => string };
  assert.equal(read(join(ROOT, 'docs/rules.md')), rulesMarkdown());
});

test("docs/cli.md's sample output is what `gitoverlay check examples/` prints", () => {
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  // As in a fresh checkout: without the buildable world `npm start` makes in examples/world/.
  const base = mkdtempSync(join(tmpdir(), 'gitoverlay-docs-'));
  cpSync(join(ROOT, 'examples'), join(base, 'examples'), { recursive: true, filter: (src) => !/[\\/]examples[\\/](world|dist-git)([\\/]|$)/.test(src) });
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/gitoverlay.js'), 'check', 'examples/'], { cwd: base, encoding: 'utf8' });
  assert.equal(r.status, 1);
  const page = read(join(ROOT, 'docs/cli.md'));
  for (const line of (r.stdout + r.stderr).trim().split('\n')) assert.ok(page.includes(line), `docs/cli.md lacks: ${line}`);
});

/** The Markdown pages a reader follows links through. */
const PAGES = ['README.md', 'CHANGELOG.md', 'test/e2e/README.md', 'test/fixtures/real-world/README.md', 'test/fixtures/reference/README.md'];

test('every relative link in the README and docs/ reaches a file of the repository, and the README stays a front door', () => {
  const pages = [...PAGES, ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const broken: string[] = [];
  for (const page of pages) {
    const text = read(join(ROOT, page)).replace(/```[\s\S]*?```/g, '');
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1].split('#')[0];
      if (!target || /^[a-z]+:/.test(target)) continue;
      if (!existsSync(resolve(ROOT, dirname(page), decodeURIComponent(target)))) broken.push(`${page}: ${m[1]}`);
    }
  }
  assert.deepEqual(broken, []);
  assert.ok(read(join(ROOT, 'README.md')).split('\n').length <= 150, 'README.md over 150 lines: move reference to docs/');
  // Every docs page is reachable from the README.
  const readme = read(join(ROOT, 'README.md'));
  for (const f of readdirSync(join(ROOT, 'docs')).filter((x) => x.endsWith('.md'))) assert.ok(readme.includes(`docs/${f}`), `README does not link docs/${f}`);
});
