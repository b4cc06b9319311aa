// A local Copr service for tests: copr-frontend's API v3 (the part a client needs to build uploaded
// SRPMs in batches) with a backend that really builds, on 127.0.0.1. See docs/copr-contract.md for
// the contract it follows, where each rule comes from, and what it does not do.

import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, realpath, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROUTES } from './api.mjs';
import { login } from './request.mjs';
import { Backend } from './builds.mjs';
import { Faults } from './faults.mjs';
import { HttpError, internalError } from './forms.mjs';
import { activeChroots, buildFinished, buildState, ownerName, Store } from './model.mjs';
import { parseMultipart } from './multipart.mjs';
import { serveStatic } from './results.mjs';

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

export class CoprService {
  /**
   * options: dir (results, uploads, work; a temporary one removed on stop when not given), port (0),
   * host ('127.0.0.1'), users [{username, login, token, admin?, groups?: [fas_name], expired?}],
   * groups [{name, fas_name}], mockChroots [name | {name, comment?, active?, dist?, macros?}],
   * rawhideVersion (44), workers (4 jobs at once), sandbox ('auto' | 'bwrap' | 'none'),
   * delays ({pending, starting, running, srpm, importing} in ms), verbose.
   */
  constructor(options = {}) {
    this.options = options;
    this.store = new Store(options);
    this.faults = new Faults();
    if (options.delays) this.faults.setDelays(options.delays);
    this.state = {
      requests: [],
      store: this.store,
      get projects() {
        return this.store.projects;
      },
      get builds() {
        return [...this.store.builds.values()];
      },
    };
    this.children = new Set();
    this.sockets = new Set();
    this.background = new Set();
    this.url = null;
  }

  log(msg) {
    if (this.options.verbose) process.stderr.write(`copr-service: ${msg}\n`);
  }

  async start() {
    this.ownDir = !this.options.dir;
    this.dir = await realpath(this.options.dir ? (await mkdir(this.options.dir, { recursive: true }), this.options.dir) : await mkdtemp(join(tmpdir(), 'copr-service-')));
    this.resultsDir = join(this.dir, 'results');
    this.storageDir = join(this.dir, 'srpm_storage');
    this.workDir = join(this.dir, 'work');
    for (const d of [this.resultsDir, this.storageDir, this.workDir]) await mkdir(d, { recursive: true });
    this.backend = new Backend(this);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e) => {
        this.log(`request handler failed: ${e.stack ?? e}`);
        if (!res.headersSent) this.reply(res, { status: 500, json: { error: internalError().message } });
        else res.destroy();
      });
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', resolve);
    });
    const { port } = this.server.address();
    this.url = `http://${this.options.host ?? '127.0.0.1'}:${port}`;
    this.store.baseUrl = this.url;
    return this;
  }

  async stop() {
    if (this.stopping) return this.stopping;
    this.stopping = (async () => {
      await new Promise((resolve) => {
        this.server.close(() => resolve());
        for (const s of this.sockets) s.destroy();
      });
      for (const c of this.children) c.abort();
      await this.backend.stop();
      await Promise.allSettled([...this.background]);
      if (this.ownDir && !this.options.keep) await rm(this.dir, { recursive: true, force: true });
    })();
    return this.stopping;
  }

  // ---- builds (the frontend's BuildsLogic part the API needs) ----

  addBuildChroot(b, name) {
    const bc = { id: ++this.store.ids.chroot, build_id: b.id, name, status: 'waiting', status_reason: null, started_on: null, ended_on: null, result_dir: '', results: null, pendingSince: 0 };
    b.chroots.push(bc);
    return bc;
  }

  /** BuildsLogic.add: the batch (setup_batch), the build with its chroots, queued for the backend. */
  newBuild(copr, user, o, src) {
    const store = this.store;
    const batchOf = (id) => {
      const ref = store.builds.get(id);
      if (!ref.batch) {
        ref.batch = store.newBatch();
        ref.batch.builds.push(ref);
      }
      return ref.batch;
    };
    let batch = null;
    if (o.with_build_id) batch = batchOf(o.with_build_id);
    if (o.after_build_id) {
      batch = store.newBatch();
      batch.blocked_by = batchOf(o.after_build_id);
    }
    const b = {
      id: ++store.ids.build,
      copr,
      user: user.username,
      source_status: 'pending',
      canceled: false,
      submitted_on: Math.floor(Date.now() / 1000),
      is_background: o.background,
      timeout: o.timeout,
      enable_net: o.enable_net ?? copr.build_enable_net,
      bootstrap: o.bootstrap,
      isolation: o.isolation ?? 'unchanged',
      memory_reqs: 2048,
      batch,
      pkg_version: null,
      package_name: null,
      result_dir: '',
      fail_type: null,
      chroots: [],
      abort: new AbortController(),
      pendingSince: Date.now(),
      ...src,
    };
    batch?.builds.push(b);
    for (const name of activeChroots(store, copr)) if (o.chroot_names.includes(name)) this.addBuildChroot(b, name);
    store.builds.set(b.id, b);
    this.log(`build ${b.id} submitted to ${copr.name} by ${user.username}${batch ? ` (batch ${batch.id}${batch.blocked_by ? `, after batch ${batch.blocked_by.id}` : ''})` : ''}`);
    this.backend.kick();
    return b;
  }

  cancel(b) {
    b.canceled = true;
    b.abort.abort();
    this.backend.kick();
  }

  /** The createrepo action a new project chroot gets: an empty repository at once. */
  createrepoProject(copr, names = activeChroots(this.store, copr)) {
    for (const name of names) {
      const p = this.backend.createrepo.run(join(this.resultsDir, ownerName(copr), copr.name, name), null);
      this.background.add(p);
      p.finally(() => this.background.delete(p));
    }
  }

  /** Resolves when every build has finished (failed and canceled ones included) and no job runs. */
  async idle(timeoutMs = 600_000) {
    const end = Date.now() + timeoutMs;
    while ([...this.store.builds.values()].some((b) => !buildFinished(b)) || this.backend.active > 0) {
      if (Date.now() > end) throw new Error('copr-service: builds still running after the idle timeout');
      await new Promise((r) => setTimeout(r, 50));
    }
    await this.backend.createrepo.idle();
  }

  // ---- HTTP ----

  reply(res, { status = 200, json, headers = {} }) {
    const body = `${JSON.stringify(json)}\n`;
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers });
    res.end(body);
  }

  async handle(req, res) {
    const u = new URL(req.url, 'http://localhost');
    const path = u.pathname;
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    if (path.startsWith('/__test__/')) return this.testEndpoint(req, res, path, body);

    const contentType = req.headers['content-type'] ?? '';
    const mime = contentType.split(';')[0].trim().toLowerCase();
    const ctx = {
      svc: this,
      store: this.store,
      req,
      query: u.searchParams,
      body,
      isJson: mime === 'application/json' || /^application\/[^/]+\+json$/.test(mime),
      form: {},
      files: [],
      user: null,
    };
    const entry = {
      seq: this.state.requests.length + 1,
      time: new Date().toISOString(),
      method: req.method,
      path,
      query: queryObject(u.searchParams),
      user: null,
      login: null,
      contentType: contentType || null,
      userAgent: req.headers['user-agent'] ?? null,
      json: undefined,
      form: undefined,
      files: undefined,
      status: null,
      fault: null,
    };
    this.state.requests.push(entry);
    const auth = req.headers.authorization;
    if (auth) {
      try {
        const [lg] = Buffer.from(auth.trim().split(/\s+/)[1] ?? '', 'base64').toString('utf8').split(':');
        entry.login = lg || null;
        const who = login(ctx);
        entry.user = who.answer ? null : who.username;
      } catch {
        /* malformed: the handler answers it */
      }
    }
    let parseError = null;
    if (mime === 'multipart/form-data') {
      try {
        const mp = parseMultipart(body, contentType);
        for (const f of mp.fields) if (!(f.name in ctx.form)) ctx.form[f.name] = f.value;
        ctx.files = mp.files;
        entry.form = Object.fromEntries(mp.fields.map((f) => [f.name, f.value]));
        entry.files = mp.files.map((f) => ({ field: f.name, filename: f.filename, contentType: f.contentType, size: f.data.length, sha256: sha256(f.data) }));
        const j = mp.files.find((f) => f.name === 'json');
        if (j) {
          try {
            entry.json = JSON.parse(j.data.toString('utf8'));
          } catch {
            entry.json = null;
          }
        }
      } catch (e) {
        parseError = e.message;
      }
    } else if (mime === 'application/x-www-form-urlencoded') {
      const p = new URLSearchParams(body.toString('utf8'));
      for (const [k, v] of p) if (!(k in ctx.form)) ctx.form[k] = v;
      entry.form = queryObject(p);
    } else if (ctx.isJson && body.length) {
      try {
        entry.json = JSON.parse(body.toString('utf8'));
      } catch {
        entry.json = null;
      }
    }

    const rule = this.faults.take(req.method, path);
    if (rule?.kind === 'drop') {
      entry.fault = 'drop';
      this.log(`fault: dropping ${req.method} ${path}`);
      req.socket.destroy();
      return;
    }
    if (rule?.kind === 'fail') {
      entry.fault = 'fail';
      entry.status = rule.status;
      this.log(`fault: ${rule.status} for ${req.method} ${path}`);
      if (rule.body === 'json') this.reply(res, { status: rule.status, json: { error: internalError().message } });
      else {
        const text = rule.body === 'html' ? `<!DOCTYPE html>\n<html><head><title>${rule.status}</title></head><body><h1>Error ${rule.status}</h1><p>The server encountered an internal error.</p></body></html>\n` : String(rule.body);
        res.writeHead(rule.status, { 'Content-Type': rule.body === 'html' ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
        res.end(text);
      }
      return;
    }

    let answer;
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const matches = ROUTES.map(([methods, re, fn]) => ({ methods, fn, m: re.exec(path) })).filter((x) => x.m);
    if (matches.length) {
      const route = matches.find((x) => x.methods.includes(method));
      const allow = [...new Set(matches.flatMap((x) => x.methods).flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m])).concat('OPTIONS'))].sort().join(', ');
      if (!route && method === 'OPTIONS') answer = { status: 200, text: '', headers: { Allow: allow } };
      else if (!route) answer = { status: 405, json: { error: 'The method is not allowed for the requested URL.' }, headers: { Allow: allow } };
      else if (parseError) answer = { status: 400, json: { error: `The browser (or proxy) sent a request that this server could not understand. (${parseError})` } };
      else {
        try {
          const args = route.m.slice(1).map((x) => (x === undefined ? undefined : decodeURIComponent(x)));
          answer = await route.fn(ctx, args);
        } catch (e) {
          if (e.answer) answer = e.answer;
          else if (e instanceof HttpError) answer = { status: e.status, json: { error: e.message } };
          else {
            this.log(`handler of ${req.method} ${path} failed: ${e.stack ?? e}`);
            answer = { status: 500, json: { error: internalError().message } };
          }
        }
      }
    } else if (path === '/api_3' || path.startsWith('/api_3/')) {
      answer = { status: 404, json: { error: "Such API endpoint doesn't exist" } };
    } else if ((method === 'GET' && (path.startsWith('/results/') || path === '/results')) || (method === 'GET' && path.startsWith('/tmp/'))) {
      const [root, rel] = path.startsWith('/tmp/') ? [this.storageDir, path.slice(5)] : [this.resultsDir, path.slice('/results'.length)];
      if (await serveStatic(req, res, root, rel || '/', path)) {
        entry.status = res.statusCode;
        return;
      }
      answer = { status: 404, text: 'Not Found\n' };
    } else answer = { status: 404, text: 'Not Found\n' };

    entry.status = answer.status ?? 200;
    if (answer.text !== undefined) {
      res.writeHead(answer.status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(answer.text), ...(answer.headers ?? {}) });
      res.end(req.method === 'HEAD' ? undefined : answer.text);
    } else this.reply(res, answer);
  }

  /** The test-only endpoints: the request log and the faults. */
  testEndpoint(req, res, path, body) {
    const send = (status, json) => this.reply(res, { status, json });
    let input = {};
    if (body.length) {
      try {
        input = JSON.parse(body.toString('utf8'));
      } catch {
        return send(400, { error: 'the test endpoints take JSON' });
      }
    }
    if (path === '/__test__/requests') {
      if (req.method === 'GET') return send(200, this.state.requests);
      if (req.method === 'DELETE') {
        this.state.requests.length = 0;
        return send(200, { cleared: true });
      }
    }
    if (path === '/__test__/faults') {
      try {
        if (req.method === 'GET') return send(200, this.faults);
        if (req.method === 'POST') return send(200, this.faults.apply(input));
        if (req.method === 'DELETE') return send(200, this.faults.clear());
      } catch (e) {
        return send(400, { error: e.message });
      }
    }
    if (path === '/__test__/state' && req.method === 'GET') {
      return send(200, {
        projects: this.store.projects.map((c) => ({ id: c.id, owner: ownerName(c), name: c.name, chroots: activeChroots(this.store, c) })),
        builds: [...this.store.builds.values()].map((b) => ({
          id: b.id,
          state: buildState(b),
          source_status: b.source_status,
          canceled: b.canceled,
          batch: b.batch ? { id: b.batch.id, blocked_by: b.batch.blocked_by?.id ?? null } : null,
          chroots: Object.fromEntries(b.chroots.map((c) => [c.name, c.status])),
        })),
      });
    }
    return send(404, { error: `no test endpoint ${req.method} ${path}` });
  }
}

function queryObject(params) {
  const out = {};
  for (const [k, v] of params) {
    if (!(k in out)) out[k] = v;
    else out[k] = [out[k]].flat().concat(v);
  }
  return out;
}

/** Start a service; resolves to { url, stop(), state, faults, service }. */
export async function startCoprService(options = {}) {
  const svc = await new CoprService(options).start();
  return { url: svc.url, stop: () => svc.stop(), state: svc.state, faults: svc.faults, service: svc, idle: (ms) => svc.idle(ms) };
}
