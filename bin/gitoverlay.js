#!/usr/bin/env node
'use strict';
const argv = process.argv.slice(2);
if (argv[0] === 'check') {
  // `check` has a bundle of its own (dist/check.js, only the checker), loaded with the V8 code cache
  // the build wrote for it (scripts/code-cache.mjs): no parsing and compiling 1.4 MB at every start.
  loadWithCodeCache(require('node:path').join(__dirname, '../dist/check.js')).main(argv);
} else if (argv[0] === 'release' || argv[0] === 'changelog' || argv[0] === 'spec') {
  // Likewise the history engine alone (dist/autospec.js) for the rpmautospec commands.
  loadWithCodeCache(require('node:path').join(__dirname, '../dist/autospec.js')).main(argv);
} else {
  require('../dist/cli.js').main(argv);
}

/** `require(file)`, with `file.cache` as V8's code cache when it was made from this very file. */
function loadWithCodeCache(file) {
  const fs = require('node:fs');
  let source;
  let cachedData;
  try {
    const cache = fs.readFileSync(`${file}.cache`);
    source = fs.readFileSync(file, 'utf8');
    const nl = cache.indexOf(10);
    // The first line of both is the build's random banner.
    if (nl > 0 && source.startsWith(cache.toString('utf8', 0, nl + 1))) cachedData = cache.subarray(nl + 1);
  } catch {
    // no cache: compiled as usual
  }
  if (!cachedData) return require(file);
  const { Module } = require('node:module');
  const path = require('node:path');
  const vm = require('node:vm');
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  mod.loaded = true;
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  return mod.exports;
}
