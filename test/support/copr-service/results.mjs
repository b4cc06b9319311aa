// The backend's result storage: results/<owner>/<project>/<chroot>/<8-digit build id>-<package>/
// (copr_backend/job.py target_dir_name; srpm-builds/<8-digit id>/ for the source build), repodata
// at results/<owner>/<project>/<chroot>/, the logs gzipped once a job ends as the backend does
// (background_worker_build.py _compress_logs), and all of it served over HTTP like the backend's
// web server: directory listings, *.log.gz with Content-Encoding: gzip, and a request for a missing
// builder-live.log / backend.log redirected to its .gz (the rewrite rule the backend documents).

import { spawn } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { appendFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

export const buildDirName = (id, pkg) => (pkg ? `${String(id).padStart(8, '0')}-${pkg}` : String(id).padStart(8, '0'));

export function stamp(d = new Date()) {
  return d.toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
}

/** An append-only log file (backend.log or builder-live.log) in a result directory. */
export class LogFile {
  constructor(path) {
    this.path = path;
    this.chain = Promise.resolve();
  }
  write(text) {
    this.chain = this.chain.then(() => appendFile(this.path, text)).catch(() => {});
    return this.chain;
  }
  /** backend.log style: "[time][  INFO][PID:n] message". */
  info(msg, level = 'INFO') {
    return this.write(`[${stamp()}][${level.padStart(6)}][PID:${process.pid}] ${msg}\n`);
  }
  flush() {
    return this.chain;
  }
}

/** gzip builder-live.log and backend.log of a finished job (the originals removed, as `gzip FILE`). */
export async function compressLogs(dir) {
  for (const name of ['builder-live.log', 'backend.log']) {
    const src = join(dir, name);
    if (!existsSync(src) || existsSync(`${src}.gz`)) continue;
    await writeFile(`${src}.gz`, gzipSync(await readFile(src)));
    await rm(src, { force: true });
  }
}

/** Run a command (argument array, never a shell), its output appended to LOG; resolves to the exit code. */
export function runLogged(cmd, args, { log, cwd, env, signal, onSpawn } = {}) {
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    } catch (e) {
      log?.write(`cannot run ${cmd}: ${e.message}\n`);
      resolve(127);
      return;
    }
    onSpawn?.(child);
    const kill = () => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    };
    signal?.addEventListener('abort', kill, { once: true });
    child.stdout.on('data', (d) => log?.write(d));
    child.stderr.on('data', (d) => log?.write(d));
    child.on('error', (e) => {
      log?.write(`cannot run ${cmd}: ${e.message}\n`);
    });
    child.on('close', (code, sig) => {
      signal?.removeEventListener('abort', kill);
      resolve(code ?? (sig ? 128 : 1));
    });
  });
}

/** Run a command and collect its stdout (for rpm queries). */
export function capture(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', (e) => resolve({ code: 127, out, err: err + e.message }));
    child.on('close', (code) => resolve({ code: code ?? 1, out, err }));
  });
}

/**
 * createrepo_c on a chroot directory, one at a time per directory (the backend serializes its
 * createrepo runs per repository too: copr-repo takes a lock).
 */
export class Createrepo {
  constructor() {
    this.queues = new Map();
  }
  run(dir, log) {
    const prev = this.queues.get(dir) ?? Promise.resolve(0);
    const next = prev.then(async () => {
      await mkdir(dir, { recursive: true });
      return runLogged('createrepo_c', ['--quiet', dir], { log, env: { ...process.env, LC_ALL: 'C' } });
    });
    this.queues.set(
      dir,
      next.catch(() => 1),
    );
    return next;
  }
  async idle() {
    await Promise.all([...this.queues.values()]);
  }
}

const TYPES = {
  '.rpm': 'application/x-rpm',
  '.xml': 'application/xml',
  '.gz': 'application/gzip',
  '.zst': 'application/zstd',
  '.bz2': 'application/x-bzip2',
  '.xz': 'application/x-xz',
  '.json': 'application/json',
  '.log': 'text/plain; charset=utf-8',
  '.sqlite': 'application/octet-stream',
};
const typeOf = (name) => TYPES[(/\.[^.]+$/.exec(name) ?? [''])[0]] ?? 'application/octet-stream';

/** Serve ROOT/REL (a GET or HEAD under /results/ or /tmp/). Returns false when nothing is there. */
export async function serveStatic(req, res, root, rel, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(rel);
  } catch {
    return false;
  }
  const path = normalize(join(root, decoded));
  if (path !== root && !path.startsWith(root + sep)) return false;
  let st;
  try {
    st = await stat(path);
  } catch {
    const m = /(^|\/)(builder-live|backend)\.log$/.exec(decoded);
    if (m && existsSync(`${path}.gz`)) {
      res.writeHead(302, { Location: `${urlPath}.gz`, 'Content-Length': 0 });
      res.end();
      return true;
    }
    return false;
  }
  if (st.isDirectory()) {
    if (!urlPath.endsWith('/')) {
      res.writeHead(301, { Location: `${urlPath}/`, 'Content-Length': 0 });
      res.end();
      return true;
    }
    const names = (await readdir(path, { withFileTypes: true })).map((e) => (e.isDirectory() ? `${e.name}/` : e.name)).sort();
    const esc = (s) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    const html = `<!DOCTYPE html>\n<html><head><title>Index of ${esc(urlPath)}</title></head><body><h1>Index of ${esc(urlPath)}</h1><ul>\n<li><a href="../">../</a></li>\n${names.map((n) => `<li><a href="${esc(encodeURIComponent(n.replace(/\/$/, '')) + (n.endsWith('/') ? '/' : ''))}">${esc(n)}</a></li>`).join('\n')}\n</ul></body></html>\n`;
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html) });
    res.end(req.method === 'HEAD' ? undefined : html);
    return true;
  }
  const headers = { 'Content-Type': typeOf(path), 'Content-Length': st.size, 'Last-Modified': st.mtime.toUTCString() };
  if (/\.log\.gz$/.test(path)) {
    headers['Content-Type'] = 'text/plain; charset=utf-8';
    headers['Content-Encoding'] = 'gzip';
  }
  res.writeHead(200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  await new Promise((resolve) => {
    const s = createReadStream(path);
    s.on('error', () => {
      res.destroy();
      resolve();
    });
    s.on('end', resolve);
    s.pipe(res);
  });
  return true;
}
