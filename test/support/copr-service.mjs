#!/usr/bin/env node
// A local Copr service (copr-frontend API v3 + a backend that builds with rpmbuild) for tests.
// In a test: `const { url, stop, state, faults } = await startCoprService({ dir })`.
// Standalone: `node test/support/copr-service.mjs [--port N] [--dir DIR] [--users FILE.json]
//   [--workers N] [--sandbox auto|bwrap|none] [--verbose]` prints its URL, serves until SIGINT/SIGTERM.
// The contract, its sources in fedora-copr/copr and the differences from real Copr: docs/copr-contract.md.

import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { startCoprService } from './copr-service/index.mjs';

export { startCoprService, CoprService } from './copr-service/index.mjs';
export { DEFAULT_USERS, DEFAULT_GROUPS, DEFAULT_MOCK_CHROOTS } from './copr-service/model.mjs';

const USAGE = `usage: node test/support/copr-service.mjs [--port N] [--dir DIR] [--users FILE.json] [--workers N] [--sandbox auto|bwrap|none] [--verbose]`;

async function main(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value\n${USAGE}`);
      return argv[++i];
    };
    if (a === '--port') options.port = Number(value());
    else if (a === '--dir') options.dir = value();
    else if (a === '--users') options.users = JSON.parse(readFileSync(value(), 'utf8'));
    else if (a === '--workers') options.workers = Number(value());
    else if (a === '--sandbox') options.sandbox = value();
    else if (a === '--verbose') options.verbose = true;
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      return;
    } else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  if (options.dir) options.keep = true;
  const svc = await startCoprService(options);
  console.log(svc.url);
  const users = svc.service.store.users.map((u) => `${u.username} (login ${u.login}, token ${u.token}${u.admin ? ', admin' : ''})`);
  console.error(`copr-service: serving ${svc.url} from ${svc.service.dir}; users: ${users.join('; ')}`);
  const stop = () => svc.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(`copr-service: ${e.message}`);
    process.exit(2);
  });
}
