// V8 code cache for dist/check.js, written at build time beside it (dist/check.js.cache), so that
// `gitoverlay check` does not parse and compile the 1.4 MB bundle at every start (bin/gitoverlay.js
// loads it with the cache). The cache holds the bytecode of every function a sample check runs.
// Its first line names the build: the bundle's banner line, which is random per build, so a cache
// is only used with the very bundle it was made from (and V8 refuses it under another node version).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname, join } from 'node:path';
import vm from 'node:vm';

const ROOT = join(import.meta.dirname, '..');

export function writeCodeCache(file, warmUp) {
  const source = readFileSync(file, 'utf8');
  const banner = source.slice(0, source.indexOf('\n'));
  const script = new vm.Script(Module.wrap(source), { filename: file });
  const mod = { exports: {} };
  script.runInThisContext().call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file));
  warmUp(mod.exports);
  writeFileSync(`${file}.cache`, Buffer.concat([Buffer.from(`${banner}\n`), script.createCachedData()]));
}

/** A check of the examples and of a small generated modules.yaml: the functions a check needs. */
export async function writeCheckCodeCache() {
  const { modulesYaml } = await import('../bench/modules-yaml.mjs');
  const sample = join(ROOT, 'dist/.code-cache-sample.yaml');
  writeFileSync(sample, modulesYaml({ streams: 20, defaults: 3, obsoletes: 2 }));
  try {
    writeCodeCache(join(ROOT, 'dist/check.js'), (m) => {
      for (const format of ['text', 'json', 'sarif']) m.runCheckCommand(['--format', format, sample, join(ROOT, 'examples')]);
    });
  } finally {
    (await import('node:fs')).rmSync(sample, { force: true });
  }
}
