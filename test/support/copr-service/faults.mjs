// Fault injection for tests: answer the next N requests under a path prefix with an HTTP error,
// drop the connection of the next N, fail a package in a chroot, slow the backend down per state.
// Controlled through the `faults` object startCoprService returns, or POST /__test__/faults.

import { fnmatch } from './forms.mjs';

/** The states a delay can be set for: how long (ms) a job stays in each before it moves on. */
export const DELAY_STATES = ['pending', 'starting', 'running', 'srpm', 'importing'];

export class Faults {
  constructor() {
    this.clear();
  }

  clear() {
    /** Request rules, consumed in order: {kind: 'fail'|'drop', prefix, method, remaining, status, body}. */
    this.rules = [];
    /** {package, chroot (a pattern), reason}. */
    this.failures = [];
    this.delays = Object.fromEntries(DELAY_STATES.map((s) => [s, 0]));
    /** package name -> {state: ms}, over the global delays. */
    this.packageDelays = new Map();
    return this;
  }

  /**
   * The next COUNT requests whose path starts with PREFIX (and of METHOD when given) get STATUS
   * (500 by default) with the frontend's own JSON error body, or `body: 'html'` for an HTML page as
   * a proxy in front of Copr would send, or any string as the body.
   */
  failNext(prefix, count = 1, { status = 500, method = null, body = 'json' } = {}) {
    this.rules.push({ kind: 'fail', prefix, method: method?.toUpperCase() ?? null, remaining: count, status, body });
    return this;
  }

  /** The next COUNT matching requests: the request is read, then the socket destroyed without an answer. */
  dropNext(prefix, count = 1, { method = null } = {}) {
    this.rules.push({ kind: 'drop', prefix, method: method?.toUpperCase() ?? null, remaining: count });
    return this;
  }

  /** Make PACKAGE fail in the chroots matching CHROOT (a name or an fnmatch pattern; '*' for all). */
  failPackage(pkg, chroot = '*', reason = 'the test asked this package to fail here') {
    this.failures.push({ package: pkg, chroot, reason });
    return this;
  }

  /** Set per-state delays in ms (pending, starting, running, srpm, importing). */
  setDelays(delays) {
    for (const [k, v] of Object.entries(delays)) {
      if (!DELAY_STATES.includes(k)) throw new Error(`unknown delay state ${k} (known: ${DELAY_STATES.join(', ')})`);
      this.delays[k] = Number(v) || 0;
    }
    return this;
  }

  /** Delays for one package only. */
  slowPackage(pkg, delays) {
    for (const k of Object.keys(delays)) if (!DELAY_STATES.includes(k)) throw new Error(`unknown delay state ${k}`);
    this.packageDelays.set(pkg, { ...(this.packageDelays.get(pkg) ?? {}), ...delays });
    return this;
  }

  /** The rule a request triggers (consuming one of its count), or null. */
  take(method, path) {
    for (const r of this.rules) {
      if (r.remaining <= 0 || !path.startsWith(r.prefix) || (r.method && r.method !== method)) continue;
      r.remaining--;
      this.rules = this.rules.filter((x) => x.remaining > 0);
      return r;
    }
    return null;
  }

  packageFailure(pkg, chroot) {
    const f = this.failures.find((x) => x.package === pkg && (x.chroot === chroot || fnmatch(chroot, x.chroot)));
    return f ? f.reason : null;
  }

  /** Apply a JSON request of the test endpoint (each key optional). */
  apply(req) {
    if (req.clear) this.clear();
    for (const f of [req.fail ?? []].flat()) this.failNext(f.prefix ?? '/', f.count ?? 1, f);
    for (const d of [req.drop ?? []].flat()) this.dropNext(d.prefix ?? '/', d.count ?? 1, d);
    for (const p of [req.failPackage ?? []].flat()) this.failPackage(p.package, p.chroot ?? '*', p.reason);
    if (req.delays) this.setDelays(req.delays);
    for (const [pkg, d] of Object.entries(req.packageDelays ?? {})) this.slowPackage(pkg, d);
    return this;
  }

  toJSON() {
    return { rules: this.rules, failures: this.failures, delays: this.delays, packageDelays: Object.fromEntries(this.packageDelays) };
  }
}
