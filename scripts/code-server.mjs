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
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CACHE_DIR, ROOT, cleanEnv, ensureCodeServer, log, pidAlive, sleep, tail } from './code-server-install.mjs';

export { CODE_SERVER_VERSION, ROOT, CACHE_DIR, CODE_SERVER_ENTRY, ensureCodeServer, isCodeServerInstalled } from './code-server-install.mjs';

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
