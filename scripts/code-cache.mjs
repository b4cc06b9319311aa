// V8 code cache for dist/check.js and dist/autospec.js, written at build time beside them (*.js.cache),
// so that `gitoverlay check` / `release|changelog|spec` do not parse and compile the bundle at every
// start (bin/gitoverlay.js loads it with the cache). The cache holds the bytecode of every function a sample check runs.
// Its first line names the build: the bundle's banner line, which is random per build, so a cache
// is only used with the very bundle it was made from (and V8 refuses it under another node version).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname, join } from 'node:path';
import vm from 'node:vm';

const ROOT = join(import.meta.dirname, '..');

export async function writeCodeCache(file, warmUp) {
  const source = readFileSync(file, 'utf8');
  const banner = source.slice(0, source.indexOf('\n'));
  const script = new vm.Script(Module.wrap(source), { filename: file });
  const mod = { exports: {} };
  script.runInThisContext().call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file));
  await warmUp(mod.exports);
  writeFileSync(`${file}.cache`, Buffer.concat([Buffer.from(`${banner}\n`), script.createCachedData()]));
}

/** A check of the examples and of a small generated modules.yaml: the functions a check needs. */
export async function writeCheckCodeCache() {
  const { modulesYaml } = await import('../bench/modules-yaml.mjs');
  const sample = join(ROOT, 'dist/.code-cache-sample.yaml');
  writeFileSync(sample, modulesYaml({ streams: 20, defaults: 3, obsoletes: 2 }));
  try {
    await writeCodeCache(join(ROOT, 'dist/check.js'), (m) => {
      for (const format of ['text', 'json', 'sarif']) m.runCheckCommand(['--format', format, sample, join(ROOT, 'examples')]);
    });
  } finally {
    (await import('node:fs')).rmSync(sample, { force: true });
  }
}

/** release, changelog and spec of a small generated dist-git history: the functions those need. */
export async function writeAutospecCodeCache() {
  const { execFileSync } = await import('node:child_process');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'gitoverlay-cache-'));
  const git = (...args) => execFileSync('git', ['-c', 'user.name=Code Cache', '-c', 'user.email=cache@example.com', ...args], { cwd: dir, stdio: 'ignore' });
  try {
    git('init', '-q');
    const spec = (v) => `Name: sample\nVersion: ${v}\nRelease: %autorelease\nSummary: s\nLicense: MIT\n%description\ns\n%prep\n%changelog\n%autochangelog\n`;
    for (const [i, v] of ['1.0', '1.0', '1.1'].entries()) {
      writeFileSync(join(dir, 'sources'), `${i}\n`);
      git('add', 'sources');
      writeFileSync(join(dir, 'sample.spec'), spec(v));
      git('add', 'sample.spec');
      git('commit', '-q', '-m', `Change ${i}\n\n- a long line that wraps after seventy-five columns, as rpmautospec's changelog does`);
    }
    await writeCodeCache(join(ROOT, 'dist/autospec.js'), async (m) => {
      for (const command of [['release', '--json'], ['changelog'], ['spec', '-o', join(dir, 'out.spec')]]) await m.runAutospecCommand([...command, dir]);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
