// npm start (until the editor experience lands): the VSIX is built by `npm run package`; this
// checks the sample workspace with the CLI and says how to install the extension.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const r = spawnSync(process.execPath, ['bin/gitoverlay.js', 'check', 'examples/'], { stdio: 'inherit' });
if (r.status === 2) process.exit(2);
console.log('\nThe sample workspace is examples/ (examples/mistakes/ holds deliberate mistakes).');
if (existsSync('gitoverlay.vsix')) console.log('Install the extension in VS Code with: code --install-extension gitoverlay.vsix');
