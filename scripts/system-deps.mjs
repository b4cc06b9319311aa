// The one list of system packages gitoverlay's commands and tests use, and the preflight that checks it.
//   node scripts/system-deps.mjs --for test|start [--check]
// Checks every tool the purpose needs; installs the missing ones with apt-get (Debian, Ubuntu) or dnf
// (Fedora) when this is root or sudo needs no password; otherwise prints the one command to run and
// exits 1 before anything else runs. --check only reports. Optional pieces get one line each.
// npm test, npm start and .ci/run all go through here, so the list lives in one place.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const has = (cmd) => spawnSync('sh', ['-c', `command -v "$1" >/dev/null 2>&1`, 'sh', cmd]).status === 0;
const runs = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return !r.error && r.status === 0;
};
/** PyYAML in the system Python (what the tests run: /usr/bin/python3 first, as a pyenv python3 may lack it). */
const pythonWith = (module) => () => ['/usr/bin/python3', 'python3'].some((py) => (py.startsWith('/') ? existsSync(py) : has(py)) && runs(py, ['-c', `import ${module}`]));
const pyyaml = pythonWith('yaml');

/**
 * name: what is checked; present(): is it there; debian/fedora: the packages that bring it; why: who needs
 * it; for: the purposes that need it (the others take it as optional, with `without`: what is lost).
 */
export const TOOLS = [
  { name: 'git', present: () => has('git'), debian: ['git'], fedora: ['git'], why: 'history walks, resolve, builds', for: ['test', 'start'] },
  { name: 'make, g++, python3', present: () => has('make') && has('g++') && has('python3'), debian: ['make', 'g++', 'python3'], fedora: ['make', 'gcc-c++', 'python3'], why: "the VS Code (code-server) native modules npm builds", for: ['test', 'start'] },
  { name: 'PyYAML', present: pyyaml, debian: ['python3-yaml'], fedora: ['python3-pyyaml'], why: "tests compare with PyYAML's resolver", for: ['test'] },
  { name: 'rpm, rpmbuild', present: () => has('rpm') && has('rpmbuild'), debian: ['rpm'], fedora: ['rpm', 'rpm-build'], why: 'builds, rpm version comparison', for: ['test'] },
  {
    name: "rpm's Python bindings",
    present: pythonWith('rpm'),
    debian: ['python3-rpm'],
    fedora: ['python3-rpm'],
    why: 'spec versions parsed by rpm in one long-lived process, as rpmautospec parses them',
    for: ['test'],
    without: 'each spec version the evaluator declines costs an rpmspec process',
  },
  { name: 'createrepo_c, modifyrepo_c', present: () => has('createrepo_c') && has('modifyrepo_c'), debian: ['createrepo-c'], fedora: ['createrepo_c'], why: 'repositories of built RPMs', for: ['test'] },
  { name: 'modulemd-validator', present: () => has('modulemd-validator'), debian: ['libmodulemd-tools'], fedora: ['libmodulemd'], why: 'the differential tests against libmodulemd', for: ['test'] },
  { name: 'dnf', present: () => has('dnf'), debian: ['dnf'], fedora: ['dnf'], why: 'buildroot and repository oracles, smoke tests of a compose', for: ['test'] },
  { name: 'bwrap', present: () => has('bwrap'), debian: ['bubblewrap'], fedora: ['bubblewrap'], why: 'the build sandbox and the smoke tests', for: ['test'] },
  {
    name: 'chromium',
    present: () => (process.env.CHROMIUM && existsSync(process.env.CHROMIUM)) || has('chromium') || has('chromium-browser'),
    debian: ['chromium'],
    fedora: ['chromium'],
    why: 'the end-to-end tests drive VS Code in it',
    for: ['test'],
  },
  // VS Code's file search (Quick Open, Find in Files, workspace.findFiles) runs ripgrep: without it the
  // workbench opens, but finds no file.
  { name: 'ripgrep', present: () => has('rg'), debian: ['ripgrep'], fedora: ['ripgrep'], why: 'file search in the served VS Code (Quick Open, findFiles)', for: ['test', 'start'] },
  {
    name: 'Kerberos headers',
    present: () => ['/usr/include/gssapi/gssapi.h', '/usr/include/gssapi.h'].some((p) => existsSync(p)),
    debian: ['libkrb5-dev', 'pkg-config'],
    fedora: ['krb5-devel'],
    why: "VS Code's kerberos module (proxy authentication only)",
    for: [],
    without: 'the served VS Code has no Kerberos proxy authentication',
  },
];

function packageManager() {
  if (has('apt-get')) return { name: 'apt-get', key: 'debian', update: ['apt-get', 'update', '-qq'], install: (p) => ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...p] };
  if (has('dnf')) return { name: 'dnf', key: 'fedora', update: null, install: (p) => ['dnf', 'install', '-y', '-q', ...p] };
  return null;
}

/** How to run a command as root here: '' (we are root), 'sudo -n' (no password asked), or null. */
function asRoot() {
  if (process.getuid?.() === 0) return [];
  if (has('sudo') && runs('sudo', ['-n', 'true'])) return ['sudo', '-n'];
  return null;
}

const say = (line) => process.stderr.write(`system-deps: ${line}\n`);

export function preflight(purpose, { check = false } = {}) {
  const missing = TOOLS.filter((t) => t.for.includes(purpose) && !t.present());
  for (const t of TOOLS.filter((x) => !x.for.includes(purpose) && x.without && !x.present())) say(`${t.name} not found: ${t.without} (optional)`);
  if (missing.length === 0) return 0;
  const pm = packageManager();
  const packages = pm ? [...new Set(missing.flatMap((t) => t[pm.key]))] : [];
  say(`missing for npm ${purpose}: ${missing.map((t) => `${t.name} (${t.why})`).join('; ')}`);
  if (!pm) {
    say(`no apt-get or dnf here: install ${missing.map((t) => t.name).join(', ')} with your package manager`);
    return 1;
  }
  const root = check ? null : asRoot();
  const command = [...pm.install(packages)];
  if (root === null) {
    const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
    say(`run: ${pm.update ? `${sudo}${pm.update.join(' ')} && ` : ''}${sudo}${command.join(' ')}`);
    return 1;
  }
  say(`installing ${packages.join(' ')} with ${pm.name}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // As root: the command itself; else behind `sudo -n`.
  const asRootRun = (argv, stdio) => {
    const [cmd, ...args] = [...root, ...argv];
    return spawnSync(cmd, args, { stdio, env });
  };
  if (pm.update) asRootRun(pm.update, 'inherit');
  const r = asRootRun(command, ['ignore', 'ignore', 'inherit']);
  const still = missing.filter((t) => !t.present());
  if (r.status !== 0 || still.length > 0) {
    say(`installing failed (exit ${r.status}); still missing: ${still.map((t) => t.name).join(', ') || 'nothing'}`);
    return 1;
  }
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--for');
  const purpose = i >= 0 ? args[i + 1] : 'test';
  if (!['test', 'start'].includes(purpose)) {
    say('usage: node scripts/system-deps.mjs --for test|start [--check]');
    process.exit(2);
  }
  process.exit(preflight(purpose, { check: args.includes('--check') }));
}
