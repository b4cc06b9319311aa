#!/usr/bin/env node
'use strict';
const argv = process.argv.slice(2);
// `check` has a bundle of its own (dist/check.js, only the checker): it loads in a fraction of the time.
require(argv[0] === 'check' ? '../dist/check.js' : '../dist/cli.js').main(argv);
