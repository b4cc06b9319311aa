// Bundles the extension, the language server and the CLI into dist/ (one file each).
// Run after `tsc -b` (npm run build): the schema validators are compiled ahead of time from the
// tsc output of server/src/core/schema/registry.ts, with the options the engine uses at run time.
import { build } from 'esbuild';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { writeAutospecCodeCache, writeCheckCodeCache } from './code-cache.mjs';

const ROOT = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

/** ajv standalone code for every schema, exported by schema name (what validatorFor() asks for). */
function precompiledValidators() {
  const { createAjv, SCHEMAS, schemaId } = require(join(ROOT, 'out/server/src/core/schema/registry.js'));
  const standaloneCode = require('ajv/dist/standalone').default;
  const ajv = createAjv({ code: { source: true, esm: false } });
  const exports = Object.fromEntries(Object.keys(SCHEMAS).map((name) => [name, schemaId(name)]));
  return standaloneCode(ajv, exports);
}

/** Swaps the stub server/src/core/schema/precompiled.ts for the generated validators. */
const precompiled = {
  name: 'precompiled-validators',
  setup(b) {
    let code;
    b.onLoad({ filter: /[\\/]server[\\/]src[\\/]core[\\/]schema[\\/]precompiled\.ts$/ }, () => {
      code ??= precompiledValidators();
      // The standalone module is CommonJS (`exports["name"] = validateN`); run it in a closure.
      const contents = `const validators = {};\n(function (exports) {\n${code}\n})(validators);\nexport const PRECOMPILED = validators;\n`;
      return { contents, loader: 'js', resolveDir: ROOT };
    });
  },
};

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning', plugins: [precompiled] };
await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js' }),
  build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js' }),
  // `gitoverlay check` alone (bin/gitoverlay.js picks it): no language server, git or build code to load.
  // Its first line names the build, for its code cache (scripts/code-cache.mjs).
  build({ ...common, entryPoints: ['server/src/cli/check-main.ts'], outfile: 'dist/check.js', banner: { js: `// gitoverlay check bundle ${randomUUID()}` } }),
  // `gitoverlay release|changelog|spec` alone, likewise with a code cache.
  build({ ...common, entryPoints: ['server/src/cli/autospec-main.ts'], outfile: 'dist/autospec.js', banner: { js: `// gitoverlay autospec bundle ${randomUUID()}` } }),
  // Beside server.js and cli.js: both start it from their own directory.
  build({ ...common, entryPoints: ['server/src/lsp/analysis-worker.ts'], outfile: 'dist/analysis-worker.js' }),
]);
await writeCheckCodeCache();
await writeAutospecCodeCache();
