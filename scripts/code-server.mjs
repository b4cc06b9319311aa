// A real VS Code for tests and `npm start`: code-server (VS Code's workbench served to a browser, with a
// real Node extension host) installed from npm into a cache folder, .vscode-test/code-server/.
// See test/e2e/README.md for why (no desktop VS Code can be downloaded here).
//
// As a module:
//   await ensureCodeServer()                       installs code-server once (idempotent, locked)
//   const cs = await startCodeServer({ workspace, vsix?, extensionDevelopmentPath?, settings?, trust?,
//                                      port?, dataDir?, env? })
//   cs.url / cs.folderUrl / cs.workbenchUrl({ extensionDevelopmentPath, extensionTestsPath })
//   await cs.stop()                                kills the whole process tree, removes the temp data dir
//
// As a CLI:
//   node scripts/code-server.mjs install
//   node scripts/code-server.mjs start [--workspace DIR] [--vsix FILE] [--port N] [--trust]
//                                      [--extension-development-path DIR]   (runs until Ctrl+C)
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
/** The @vscode/ripgrep version code-server 4.100.3's VS Code pulls, and the ripgrep release it fetches. */
const VSCODE_RIPGREP_VERSION = '1.15.11';
const RIPGREP_RELEASE = 'v13.0.0-10';
/** Dependencies whose install scripts must run (npm >= 11.10 skips the others): code-server's own, and
 * those of the two projects inside it that its postinstall installs (native modules, ripgrep). */
const ALLOW_SCRIPTS = ['code-server', 'argon2'];
const NESTED_ALLOW_SCRIPTS = {
  'lib/vscode': ['@parcel/watcher', '@vscode/deviceid', '@vscode/ripgrep', '@vscode/spdlog', 'kerberos', 'native-watchdog', 'node-pty'],
  'lib/vscode/extensions': ['@parcel/watcher', 'esbuild'],
};

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The only state: a cache folder (git-ignored). */
export const CACHE_DIR = path.resolve(process.env.GITOVERLAY_VSCODE_TEST_DIR || path.join(ROOT, '.vscode-test'));
const INSTALL_DIR = path.join(CACHE_DIR, 'code-server');
const PKG_DIR = path.join(INSTALL_DIR, 'node_modules', 'code-server');
export const CODE_SERVER_ENTRY = path.join(PKG_DIR, 'out', 'node', 'entry.js');
const STAMP = path.join(INSTALL_DIR, `.installed-${CODE_SERVER_VERSION}`);
const LOCK = path.join(CACHE_DIR, 'code-server.lock');
const INSTALL_LOG = path.join(CACHE_DIR, 'code-server-install.log');

/** Settings every instance starts with (`settings` passed to startCodeServer override them). */
export const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'window.restoreWindows': 'none',
  // Tests edit documents in memory and revert them: nothing may reach the disk behind their back.
  'files.autoSave': 'off',
  'files.hotExit': 'off',
  // examples/ lives inside this repository: never let the editor run git in it (index.lock races).
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
};

const log = (msg) => process.stderr.write(`[code-server] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The environment children get: no VSCODE_* (when the runner itself runs inside a VS Code terminal) and
 * none of the variables `npm run` adds. For npm itself (installing code-server) the user's npm settings stay
 * (a registry mirror, a cache...), except those that would break or redirect the install. */
const NPM_CONFIG_DROPPED = new Set(['allow_scripts', 'ignore_scripts', 'dry_run', 'prefix', 'local_prefix', 'global',
  'global_prefix', 'save', 'save_dev', 'save_exact', 'save_prefix', 'package_lock_only', 'omit', 'include',
  'production', 'only', 'workspace', 'workspaces', 'include_workspace_root', 'user_agent', 'npm_version', 'node_gyp']);
function cleanEnv(extra = {}, { forNpm = false } = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(VSCODE_|ELECTRON_RUN_AS_NODE$)/.test(k) || k === 'INIT_CWD') continue;
    const lower = k.toLowerCase();
    if (lower.startsWith('npm_')) {
      const m = /^npm_config_(.+)$/.exec(lower);
      if (!forNpm || !m || NPM_CONFIG_DROPPED.has(m[1])) continue;
    }
    env[k] = v;
  }
  return { ...env, ...extra };
}

export function isCodeServerInstalled() {
  return fs.existsSync(STAMP) && fs.existsSync(CODE_SERVER_ENTRY);
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** A lock directory so two runs never install at once; a lock left by a dead process is taken over. */
async function withLock(fn, timeoutMs = 15 * 60_000) {
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let said = false;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      fs.writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(fs.readFileSync(path.join(LOCK, 'pid'), 'utf8'));
      } catch {}
      if (Number.isInteger(owner) && owner > 0 && !pidAlive(owner)) {
        fs.rmSync(LOCK, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${LOCK} (remove it if no install is running)`);
      if (!said) log(`waiting for another install (lock ${path.relative(ROOT, LOCK)})`);
      said = true;
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

function which(cmd) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {}
  }
  return undefined;
}

function ripgrepTarget() {
  const arch = os.arch();
  return arch === 'x64' ? 'x86_64-unknown-linux-musl' : arch === 'arm64' ? 'aarch64-unknown-linux-musl' : undefined;
}

/** @vscode/ripgrep's postinstall downloads ripgrep from GitHub unless its cache in $TMPDIR holds the
 * release tarball: put the system's rg into that tarball, or, without one, a stand-in that says so (VS Code
 * then works without search in files instead of failing to install). */
function seedRipgrepCache(tmpDir) {
  const rg = ['/usr/bin/rg', which('rg')].find((p) => p && fs.existsSync(p));
  const target = ripgrepTarget();
  if (!target || process.platform !== 'linux') {
    log('no ripgrep build for this platform: @vscode/ripgrep will try to download one');
    return;
  }
  const cacheDir = path.join(tmpDir, `vscode-ripgrep-cache-${VSCODE_RIPGREP_VERSION}`);
  const tarball = path.join(cacheDir, `ripgrep-${RIPGREP_RELEASE}-${target}.tar.gz`);
  fs.rmSync(tarball, { force: true }); // made anew: the system may have gained or lost rg since
  const staging = fs.mkdtempSync(path.join(tmpDir, 'rg-'));
  if (rg) fs.copyFileSync(rg, path.join(staging, 'rg'));
  else {
    log('no ripgrep on this machine: the served VS Code has no search in files (apt-get install ripgrep, or dnf install ripgrep)');
    fs.writeFileSync(path.join(staging, 'rg'), '#!/bin/sh\necho "ripgrep is not installed (apt-get install ripgrep): search in files is unavailable" >&2\nexit 2\n');
  }
  fs.chmodSync(path.join(staging, 'rg'), 0o755);
  fs.mkdirSync(cacheDir, { recursive: true });
  const r = spawnSync('tar', ['czf', tarball, '-C', staging, 'rg'], { stdio: 'inherit' });
  fs.rmSync(staging, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`could not create ${tarball}`);
}

/**
 * VS Code needs the native module `kerberos` only for Kerberos (Negotiate) proxy authentication: it is
 * imported on demand there (`await import("kerberos")` in lookupKerberosAuthorization). Marked optional,
 * its build (which needs libkrb5 headers) may fail without failing the install.
 */
function kerberosOptional() {
  const file = path.join(PKG_DIR, 'lib', 'vscode', 'package.json');
  const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
  const version = pkg.dependencies?.kerberos;
  if (!version) return;
  delete pkg.dependencies.kerberos;
  pkg.optionalDependencies = { ...pkg.optionalDependencies, kerberos: version };
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
}

function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Installs code-server into .vscode-test/code-server/ unless it is there already. Returns the entry script. */
export async function ensureCodeServer() {
  if (isCodeServerInstalled()) return CODE_SERVER_ENTRY;
  return withLock(async () => {
    if (isCodeServerInstalled()) return CODE_SERVER_ENTRY; // another process finished it meanwhile
    const major = Number(process.versions.node.split('.')[0]);
    if (major !== 20 && !process.env.FORCE_NODE_VERSION) {
      throw new Error(`code-server ${CODE_SERVER_VERSION} installs only with Node 20 (this is ${process.version})`);
    }
    const started = Date.now();
    log(`installing code-server ${CODE_SERVER_VERSION} into ${path.relative(ROOT, INSTALL_DIR) || INSTALL_DIR} ` +
      `(first run only; about a minute; log: ${path.relative(ROOT, INSTALL_LOG)})`);
    fs.rmSync(INSTALL_DIR, { recursive: true, force: true }); // a partial earlier attempt
    fs.mkdirSync(INSTALL_DIR, { recursive: true });
    fs.writeFileSync(path.join(INSTALL_DIR, 'package.json'), JSON.stringify({
      name: 'gitoverlay-code-server-cache',
      private: true,
      description: 'code-server for gitoverlay end-to-end tests (written by scripts/code-server.mjs)',
      allowScripts: Object.fromEntries(ALLOW_SCRIPTS.map((n) => [n, true])),
    }, null, 2) + '\n');
    const tmpDir = path.join(CACHE_DIR, 'tmp');
    fs.mkdirSync(tmpDir, { recursive: true });
    seedRipgrepCache(tmpDir);

    const out = fs.openSync(INSTALL_LOG, 'w');
    const npm = async (args, cwd) => {
      fs.writeSync(out, `\n$ npm ${args.join(' ')}   (in ${cwd})\n`);
      const child = spawn('npm', args, {
        cwd,
        stdio: ['ignore', out, out],
        env: cleanEnv({
          npm_config_unsafe_perm: 'true', // code-server's postinstall refuses root otherwise
          npm_config_yes: 'true', // node-pty's postinstall runs npx
          npm_config_update_notifier: 'false',
          npm_config_audit: 'false',
          npm_config_fund: 'false',
          PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
          TMPDIR: tmpDir, // where @vscode/ripgrep looks for its cached download
        }, { forNpm: true }),
      });
      return new Promise((resolve) => child.on('close', resolve));
    };
    // npm >= 11.10 runs a dependency's install scripts only when `allowScripts` (package.json) or
    // `allow-scripts` (.npmrc) names it, and rejects the setting from the command line or the environment
    // in a project (and npm exports its config to scripts' environment, so a nested `npm install` would see
    // it there). So: fetch without scripts, give code-server's two nested projects their own .npmrc, then
    // run the scripts; code-server's postinstall runs `npm install` in lib/vscode and lib/vscode/extensions.
    // Older npm versions ignore both settings and run every script anyway.
    let code = await npm(['install', '--prefix', INSTALL_DIR, `code-server@${CODE_SERVER_VERSION}`, '--omit=dev', '--ignore-scripts'], INSTALL_DIR);
    if (code === 0) {
      kerberosOptional();
      for (const [dir, names] of Object.entries(NESTED_ALLOW_SCRIPTS)) {
        fs.writeFileSync(path.join(PKG_DIR, dir, '.npmrc'), `allow-scripts=${names.join(',')}\n`);
      }
      code = await npm(['rebuild', '--prefix', INSTALL_DIR, '--foreground-scripts'], INSTALL_DIR);
    }
    fs.closeSync(out);
    const rgBin = path.join(PKG_DIR, 'lib', 'vscode', 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg');
    const pty = path.join(PKG_DIR, 'lib', 'vscode', 'node_modules', 'node-pty', 'build', 'Release', 'pty.node');
    const missing = [CODE_SERVER_ENTRY, rgBin, pty].filter((p) => !fs.existsSync(p));
    if (code !== 0 || missing.length > 0) {
      throw new Error(`installing code-server failed (npm exit ${code}` +
        (missing.length ? `; missing ${missing.map((p) => path.relative(INSTALL_DIR, p)).join(', ')}` : '') +
        `). Last lines of ${INSTALL_LOG}:\n${tail(INSTALL_LOG)}`);
    }
    if (!fs.existsSync(path.join(PKG_DIR, 'lib', 'vscode', 'node_modules', 'kerberos', 'build', 'Release', 'kerberos.node'))) {
      log('kerberos not built (no libkrb5 headers: apt-get install libkrb5-dev pkg-config): Kerberos proxy authentication is off');
    }
    fs.writeFileSync(STAMP, `${new Date().toISOString()} ${process.version}\n`);
    log(`installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return CODE_SERVER_ENTRY;
  });
}

/** A free TCP port on the loopback interface. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function portFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

function healthz(port) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

/** Every descendant of pid (from /proc), deepest last. */
function descendants(pid) {
  const children = new Map();
  let entries = [];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(e));
    } catch {}
  }
  const out = [];
  const queue = [pid];
  while (queue.length) {
    for (const c of children.get(queue.shift()) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

function killQuietly(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch {}
}

function writeSettings(userDataDir, settings) {
  const file = path.join(userDataDir, 'User', 'settings.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let existing = {};
  if (fs.existsSync(file)) {
    try {
      existing = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      log(`${file} is not plain JSON (comments?); leaving it as it is`);
      return;
    }
  }
  fs.writeFileSync(file, JSON.stringify({ ...existing, ...settings }, null, 2) + '\n');
}

/** `vscode-remote://` URI of a server-side path, as the workbench's `payload` parameter wants it. */
function remoteUri(port, p) {
  return `vscode-remote://127.0.0.1:${port}${path.resolve(p).split(path.sep).map(encodeURIComponent).join('/')}`;
}

/**
 * Starts code-server on a loopback port with its own user-data, extensions and XDG dirs.
 * @param {object} o
 * @param {string} [o.workspace] folder to open
 * @param {string} [o.vsix] VSIX to install first (`--install-extension`)
 * @param {string} [o.extensionDevelopmentPath] default for workbenchUrl(): load this extension from source
 * @param {Record<string, unknown>} [o.settings] user settings on top of DEFAULT_SETTINGS
 * @param {boolean} [o.trust] keep workspace trust on (default: off)
 * @param {number} [o.port] a fixed port (default: a free one)
 * @param {string} [o.dataDir] persistent data dir (default: a temp dir under .vscode-test/, removed by stop())
 * @param {Record<string, string>} [o.env] extra environment for the server and its extension hosts
 */
export async function startCodeServer(o = {}) {
  const entry = await ensureCodeServer();
  const temporary = !o.dataDir;
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const dataDir = o.dataDir ? path.resolve(o.dataDir) : fs.mkdtempSync(path.join(CACHE_DIR, 'run-'));
  const userDataDir = path.join(dataDir, 'user-data');
  const extensionsDir = path.join(dataDir, 'extensions');
  const xdg = path.join(dataDir, 'xdg');
  for (const d of [userDataDir, extensionsDir, `${xdg}/config`, `${xdg}/data`, `${xdg}/cache`]) fs.mkdirSync(d, { recursive: true });
  const env = cleanEnv({
    XDG_CONFIG_HOME: `${xdg}/config`,
    XDG_DATA_HOME: `${xdg}/data`,
    XDG_CACHE_HOME: `${xdg}/cache`,
    ...o.env,
  });
  const trust = !!o.trust;
  writeSettings(userDataDir, { ...DEFAULT_SETTINGS, 'security.workspace.trust.enabled': trust, ...o.settings });
  const cleanup = () => temporary && fs.rmSync(dataDir, { recursive: true, force: true });

  if (o.vsix) {
    const r = spawnSync(process.execPath, [entry, '--install-extension', path.resolve(o.vsix), '--force',
      '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir], { env, encoding: 'utf8' });
    if (r.status !== 0 || !/successfully installed/i.test(r.stdout + r.stderr)) {
      cleanup();
      throw new Error(`installing ${o.vsix} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
    }
  }

  const logFile = path.join(dataDir, 'code-server.log');
  fs.writeFileSync(logFile, '');
  for (let attempt = 1; ; attempt++) {
    let port = o.port ?? await freePort();
    if (o.port && !(await portFree(o.port))) {
      cleanup();
      throw new Error(`port ${o.port} is in use`);
    }
    const out = fs.openSync(logFile, 'a');
    const args = [entry, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
      '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
      '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override', '--ignore-last-opened',
      ...(trust ? [] : ['--disable-workspace-trust']),
      ...(o.workspace ? [path.resolve(o.workspace)] : [])];
    // detached: its own process group, so stop() can kill the server, its extension hosts and their
    // language servers together, and Ctrl+C in a terminal reaches only our handler.
    const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', out, out], env });
    fs.closeSync(out);
    let exited = null;
    child.on('exit', (code, signal) => (exited = { code, signal }));
    const pid = child.pid;
    let stopped = false;
    let tree = [];
    const onExit = () => {
      // Last resort if the caller forgets stop() or dies: synchronous, so SIGKILL.
      if (stopped) return;
      for (const p of [...descendants(pid)]) killQuietly(p, 'SIGKILL');
      killQuietly(-pid, 'SIGKILL');
      try {
        cleanup();
      } catch {}
    };
    process.on('exit', onExit);

    const stop = async (removeData = true) => {
      if (stopped) return;
      stopped = true;
      tree = descendants(pid);
      killQuietly(-pid, 'SIGTERM');
      for (const p of tree) killQuietly(p, 'SIGTERM'); // anything that left the group
      const deadline = Date.now() + 5000;
      const anyAlive = () => groupAlive(pid) || tree.some(pidAlive);
      while (anyAlive() && Date.now() < deadline) await sleep(100);
      if (anyAlive()) {
        killQuietly(-pid, 'SIGKILL');
        for (const p of tree) killQuietly(p, 'SIGKILL');
        while (anyAlive() && Date.now() < deadline + 3000) await sleep(100);
      }
      process.removeListener('exit', onExit);
      if (removeData) cleanup();
    };

    const deadline = Date.now() + 60_000;
    let healthy = false;
    while (!exited && Date.now() < deadline) {
      if (await healthz(port)) {
        healthy = true;
        break;
      }
      await sleep(250);
    }
    if (!healthy) {
      const text = tail(logFile);
      await stop(false);
      if (attempt < 3 && !o.port && /EADDRINUSE/.test(text)) continue; // lost the race for the free port
      if (temporary) fs.rmSync(dataDir, { recursive: true, force: true });
      throw new Error(`code-server did not become healthy (${exited ? `exited ${JSON.stringify(exited)}` : 'timeout'}); log:\n${text}`);
    }
    const base = `http://127.0.0.1:${port}/`;
    const folderQuery = o.workspace ? `?folder=${encodeURI(path.resolve(o.workspace))}` : '';
    return {
      port,
      pid,
      url: base,
      folderUrl: base + folderQuery,
      dataDir,
      userDataDir,
      extensionsDir,
      logFile,
      exited: () => exited,
      /** The workbench URL; with extensionTestsPath it runs that suite in the extension host. */
      workbenchUrl({ folder = o.workspace, extensionDevelopmentPath = o.extensionDevelopmentPath, extensionTestsPath } = {}) {
        const q = new URLSearchParams();
        if (folder) q.set('folder', path.resolve(folder));
        const payload = [];
        if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remoteUri(port, extensionDevelopmentPath)]);
        if (extensionTestsPath) payload.push(['extensionTestsPath', remoteUri(port, extensionTestsPath)]);
        if (payload.length) q.set('payload', JSON.stringify(payload));
        const s = q.toString();
        return base + (s ? `?${s}` : '');
      },
      stop: () => stop(),
    };
  }
}

// ---- CLI ----
async function main(argv) {
  const [cmd = 'help', ...rest] = argv;
  const opt = (name) => {
    const i = rest.indexOf(name);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  if (cmd === 'install') {
    console.log(await ensureCodeServer());
    return;
  }
  if (cmd === 'start') {
    const cs = await startCodeServer({
      workspace: opt('--workspace') ?? path.join(ROOT, 'examples'),
      vsix: opt('--vsix'),
      extensionDevelopmentPath: opt('--extension-development-path'),
      port: opt('--port') ? Number(opt('--port')) : undefined,
      trust: rest.includes('--trust'),
    });
    console.log(cs.workbenchUrl().includes('payload=') ? cs.workbenchUrl() : cs.folderUrl);
    console.log('Ctrl+C stops it.');
    await waitForSignalOrExit(cs);
    return;
  }
  console.log('usage: node scripts/code-server.mjs install | start [--workspace DIR] [--vsix FILE] [--port N] [--trust] [--extension-development-path DIR]');
  process.exitCode = cmd === 'help' ? 0 : 2;
}

/** Resolves once Ctrl+C/SIGTERM arrives (then stops code-server) or code-server exits by itself. */
export async function waitForSignalOrExit(cs) {
  const reason = await new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGHUP', () => resolve('SIGHUP'));
    const t = setInterval(() => cs.exited() && (clearInterval(t), resolve('exited')), 500);
  });
  if (reason === 'exited') {
    console.error(`code-server exited by itself (${JSON.stringify(cs.exited())}); log: ${cs.logFile}\n${tail(cs.logFile)}`);
    await cs.stop();
    process.exitCode = 1;
  } else {
    process.stderr.write('\nstopping code-server…\n');
    await cs.stop();
  }
  process.exit();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e.message ?? e);
    process.exit(1);
  });
}
