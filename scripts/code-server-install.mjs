// Installing code-server (scripts/code-server.mjs starts it): from npm into a cache folder,
// .vscode-test/code-server/, once, under a lock, with ripgrep seeded from this machine.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
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


export const log = (msg) => process.stderr.write(`[code-server] ${msg}\n`);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The environment children get: no VSCODE_* (when the runner itself runs inside a VS Code terminal) and
 * none of the variables `npm run` adds. For npm itself (installing code-server) the user's npm settings stay
 * (a registry mirror, a cache...), except those that would break or redirect the install. */
const NPM_CONFIG_DROPPED = new Set(['allow_scripts', 'ignore_scripts', 'dry_run', 'prefix', 'local_prefix', 'global',
  'global_prefix', 'save', 'save_dev', 'save_exact', 'save_prefix', 'package_lock_only', 'omit', 'include',
  'production', 'only', 'workspace', 'workspaces', 'include_workspace_root', 'user_agent', 'npm_version', 'node_gyp']);
export function cleanEnv(extra = {}, { forNpm = false } = {}) {
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

export function pidAlive(pid) {
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

export function tail(file, lines = 40) {
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
