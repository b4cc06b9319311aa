// npm start: `npm run package` has built gitoverlay.vsix; this checks the sample workspace with the CLI,
// then serves a real VS Code (code-server, installed into .vscode-test/ on first use) with examples/ open
// and the VSIX installed, prints its URL and runs until Ctrl+C.
//   PORT=8080 npm start        a fixed port (default: a free one)
// The editor's state (settings, open editors) is kept in .vscode-test/start/ between runs.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CACHE_DIR, CODE_SERVER_VERSION, ROOT, startCodeServer, waitForSignalOrExit } from './code-server.mjs';

spawnSync(process.execPath, ['examples/make-dist-git.mjs'], { stdio: 'ignore', cwd: ROOT });
// A world that builds here, offline: upstream and dist-git repositories on this disk, an overlay of
// them (file:// URLs, which examples/.vscode/settings.json lets the editor read).
if (!existsSync(path.join(ROOT, 'examples/world/overlay.yml'))) spawnSync(process.execPath, ['examples/make-world.mjs', 'examples/world'], { stdio: 'ignore', cwd: ROOT });
const r = spawnSync(process.execPath, ['bin/gitoverlay.js', 'check', 'examples/'], { stdio: 'inherit', cwd: ROOT });
if (r.status === 2) process.exit(2);
console.log('\nThe sample workspace is examples/ (examples/mistakes/ holds deliberate mistakes; examples/world/overlay.yml builds offline).');

const vsix = path.join(ROOT, 'gitoverlay.vsix');
if (!existsSync(vsix)) {
  console.error('gitoverlay.vsix is missing: run `npm run package` (npm start does).');
  process.exit(1);
}
let cs;
try {
  cs = await startCodeServer({
    workspace: path.join(ROOT, 'examples'),
    vsix,
    port: process.env.PORT ? Number(process.env.PORT) : undefined,
    dataDir: path.join(CACHE_DIR, 'start'),
  });
} catch (e) {
  console.error(`could not start VS Code (code-server): ${e.message ?? e}`);
  process.exit(1);
}
console.log(`
VS Code (code-server ${CODE_SERVER_VERSION}) with gitoverlay installed, examples/ open:

    ${cs.folderUrl}

Desktop VS Code users: code --install-extension gitoverlay.vsix
Ctrl+C stops it (log: ${path.relative(ROOT, cs.logFile)}).`);
await waitForSignalOrExit(cs);
