// The backend side: what copr-backend, copr-dist-git and the builders do to a submitted build, with
// the state changes the frontend records (logic/builds_logic.py update_state_from_dict,
// views/backend_ns/backend_general.py starting_build / import-completed / pending-jobs, and
// backend/copr_backend/background_worker_build.py for the order of a job's steps).
//
//   source (SRPM) build:  pending -> starting -> running -> importing -> succeeded   (or failed)
//   each build chroot:    waiting -> pending -> starting -> running -> succeeded/failed
//                         (skipped when the SRPM's ExclusiveArch/ExcludeArch rules the arch out)
//
// Builds whose batch is blocked (the batch they were submitted `after_build_id` of is not finished
// yet) are not handed out at all, SRPM build included (pending-jobs skips them), so they stay
// "pending". A batch is finished when all its builds are finished, failed or canceled ones too:
// a failed earlier batch does not hold the later one back (models.py Batch.finished/blocked).
//
// Each chroot is a real `rpmbuild --rebuild --nodeps` of the SRPM, in bubblewrap without network
// (network only with enable_net, as mock does) when bwrap is installed. It is not mock: no
// chroot of the target distribution, BuildRequires are not installed (the log says so), %dist and
// the distribution macros (%fedora, %rhel) are defined as the chroot's mock config would.
// Repositories: like Copr, every finished build is in its chroot's repository (createrepo_c on
// results/<owner>/<project>/<chroot>/ before the chroot is marked succeeded), and a Copr build
// sees the earlier builds of its project through that repository (the copr_base repo in its mock
// config). Here nothing is installed into a buildroot, so earlier builds are available only in
// that sense: as repository content for clients (dnf), not as BuildRequires of later builds.

import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { basename, delimiter, join } from 'node:path';
import { activeChroots, buildBlocked, fullName, ownerName, sourceResultUrl } from './model.mjs';
import { rpmbuildChroot, sandboxedRpmbuild } from './chroot-rpmbuild.mjs';
import { buildDirName, capture, compressLogs, Createrepo, LogFile } from './results.mjs';

export class Canceled extends Error {
  constructor() {
    super('Build was canceled');
  }
}

const which = (tool) => (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, tool)));

export class Backend {
  constructor(svc) {
    this.svc = svc;
    this.store = svc.store;
    this.faults = svc.faults;
    this.workers = svc.options.workers ?? 4;
    this.active = 0;
    this.jobs = new Set();
    this.imports = new Set();
    this.stopped = false;
    this.scheduled = false;
    this.wakeTimer = null;
    this.createrepo = new Createrepo();
    this.stopCtl = new AbortController();
    this.want = svc.options.sandbox ?? 'auto';
    this.sandbox = this.want === 'none' ? 'none' : which('bwrap') ? 'bwrap' : 'none';
    if (this.want === 'bwrap' && this.sandbox !== 'bwrap') throw new Error('sandbox: bwrap requested but not installed');
    this.probed = null;
  }

  /** With sandbox 'auto', bwrap is used only if it works here (user namespaces may be off). */
  probeSandbox() {
    if (this.sandbox !== 'bwrap' || this.want !== 'auto') return Promise.resolve();
    this.probed ??= capture('bwrap', ['--unshare-all', '--die-with-parent', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', 'true']).then((r) => {
      if (r.code !== 0) {
        this.sandbox = 'none';
        this.svc.log(`bwrap does not work here (${r.err.trim()}): rpmbuild runs without a sandbox`);
      }
    });
    return this.probed;
  }

  dirs(b) {
    const projectDir = join(this.svc.resultsDir, ownerName(b.copr), b.copr.name);
    return { projectDir, srpmDir: join(projectDir, 'srpm-builds', buildDirName(b.id)) };
  }

  /** Run the scheduler soon (after the current event). */
  kick() {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.tick();
    });
  }

  delay(state, b) {
    const per = b.package_name ? this.faults.packageDelays.get(b.package_name) : undefined;
    return Number(per?.[state] ?? this.faults.delays[state] ?? 0);
  }

  /** Hand out what is ready: SRPM builds, then build chroots; background builds last, by id. */
  tick() {
    if (this.stopped) return;
    const now = Date.now();
    let wake = Infinity;
    const builds = [...this.store.builds.values()].sort((a, b) => a.is_background - b.is_background || a.id - b.id);
    const ready = (item, b) => {
      const at = item.pendingSince + this.delay('pending', b);
      if (at <= now) return true;
      wake = Math.min(wake, at);
      return false;
    };
    for (const b of builds) {
      if (this.active >= this.workers) break;
      if (b.canceled || b.source_status !== 'pending' || b.sourceJob || buildBlocked(b)) continue;
      if (ready(b, b)) this.start(b, null);
    }
    for (const b of builds) {
      if (b.canceled || b.source_status !== 'succeeded' || buildBlocked(b)) continue;
      for (const bc of b.chroots) {
        if (this.active >= this.workers) break;
        if (bc.status !== 'pending' || bc.job) continue;
        if (ready(bc, b)) this.start(b, bc);
      }
    }
    clearTimeout(this.wakeTimer);
    if (wake !== Infinity) this.wakeTimer = setTimeout(() => this.kick(), Math.max(5, wake - now));
  }

  start(b, bc) {
    this.active++;
    const run = bc ? this.chrootJob(b, bc) : this.sourceJob(b);
    if (bc) bc.job = run;
    else b.sourceJob = run;
    const p = run
      .catch((e) => this.svc.log(`backend: unexpected error in build ${b.id}${bc ? ` ${bc.name}` : ''}: ${e.stack ?? e}`))
      .finally(() => {
        this.active--;
        this.jobs.delete(p);
        this.kick();
      });
    this.jobs.add(p);
  }

  /** Wait MS, cut short when the build is canceled or the service stops. */
  sleep(b, ms) {
    if (!(ms > 0)) return Promise.resolve();
    return new Promise((resolve) => {
      const signals = [b.abort.signal, this.stopCtl.signal];
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        for (const s of signals) s.removeEventListener('abort', done);
        resolve();
      }
      for (const s of signals) s.addEventListener('abort', done, { once: true });
    });
  }

  /** Hold the job in its current state for the delay configured for STATE; throws when canceled. */
  async hold(b, state) {
    if (b.canceled) throw new Canceled();
    await this.sleep(b, this.delay(state, b));
    if (this.stopped) throw new Error('the service stopped');
    if (b.canceled) throw new Canceled();
  }

  // ---- the source build: get the SRPM, read its header, "import" it ----

  async sourceJob(b) {
    const { srpmDir } = this.dirs(b);
    await rm(srpmDir, { recursive: true, force: true });
    await mkdir(srpmDir, { recursive: true });
    const backend = new LogFile(join(srpmDir, 'backend.log'));
    const live = new LogFile(join(srpmDir, 'builder-live.log'));
    b.result_dir = buildDirName(b.id);
    backend.info(`Marking build as starting (SRPM build ${b.id}, ${fullName(b.copr)})`);
    b.source_status = 'starting';
    let header = null;
    let startedOn = null;
    let srpmName = null;
    try {
      await this.hold(b, 'starting');
      startedOn = Math.round(Date.now() / 1000);
      b.source_status = 'running';
      backend.info('Marking build as running');
      await this.hold(b, 'srpm');
      const got = await this.fetchSource(b, srpmDir, live);
      srpmName = got;
      header = await this.readSrpm(join(srpmDir, got), live);
      await writeFile(
        join(srpmDir, 'results.json'),
        JSON.stringify({ name: header.name, epoch: header.epoch, version: header.version, release: header.release, exclusivearch: header.exclusivearch, excludearch: header.excludearch }, null, 4),
      );
      live.write(`SRPM ${got}: ${header.name}-${header.evr}\n`);
      backend.info('Build succeeded');
    } catch (e) {
      live.write(`${e instanceof Canceled ? 'Build was canceled' : e.message}\n`);
      backend.info(e instanceof Canceled ? 'Build was canceled' : `Backend process error: ${e.message}`, 'ERROR');
      header = null;
    }
    await backend.info(`Worker ${header ? 'succeeded' : 'failed'} build`);
    await live.flush();
    await compressLogs(srpmDir);
    const now = Math.round(Date.now() / 1000);
    if (!header) {
      // update_state_from_dict: a failed source build finishes every build chroot as failed.
      b.source_status = 'failed';
      b.fail_type = 'srpm_build_error';
      for (const bc of b.chroots) {
        bc.status = 'failed';
        bc.ended_on = now;
        bc.started_on = startedOn ?? now;
      }
      return;
    }
    b.package_name = header.name;
    b.pkg_version = header.evr;
    b.srpm_url = `${sourceResultUrl(this.store, b)}/${srpmName}`;
    b.srpmPath = join(srpmDir, srpmName);
    b.header = header;
    b.source_status = 'importing';
    // No chroots chosen at submission: the package's chroots (all the project's active ones).
    if (b.chroots.length === 0) for (const name of activeChroots(this.store, b.copr)) this.svc.addBuildChroot(b, name);
    for (const bc of b.chroots) {
      bc.status = 'waiting';
      const arch = this.store.mockChrootByName(bc.name)?.arch;
      if (header.exclusivearch.length && !header.exclusivearch.includes(arch)) this.skip(bc, now, 'This chroot was skipped because of ExclusiveArch');
      else if (header.excludearch.includes(arch)) this.skip(bc, now, 'This chroot was skipped because of ExcludeArch');
    }
    // copr-dist-git imports the SRPM (no worker of the backend busy meanwhile), then
    // import-completed makes the chroots pending.
    const imported = this.sleep(b, this.delay('importing', b)).then(() => {
      if (this.stopped) return;
      for (const bc of b.chroots) {
        if (bc.status === 'skipped') continue;
        bc.status = 'pending';
        bc.pendingSince = Date.now();
      }
      b.source_status = 'succeeded';
      this.kick();
    });
    this.imports.add(imported);
    imported.finally(() => this.imports.delete(imported));
  }

  skip(bc, now, reason) {
    bc.status = 'skipped';
    bc.status_reason = reason;
    bc.ended_on = now;
    bc.started_on = now;
  }

  /** Put the build's SRPM into DIR (an upload is copied, a URL downloaded, a .spec made into an SRPM). */
  async fetchSource(b, dir, live) {
    let file;
    if (b.source_type === 'upload') {
      file = join(dir, basename(b.uploadPath));
      await copyFile(b.uploadPath, file);
      live.write(`Uploaded file ${basename(b.uploadPath)} (${b.pkgs})\n`);
    } else {
      const url = b.pkgs;
      live.write(`Downloading ${url}\n`);
      let res;
      try {
        res = await fetch(url, { signal: b.abort.signal });
      } catch (e) {
        if (b.canceled) throw new Canceled();
        throw new Error(`cannot download ${url}: ${e.cause?.message ?? e.message}`);
      }
      if (!res.ok) throw new Error(`cannot download ${url}: HTTP ${res.status}`);
      const name = decodeURIComponent(new URL(url).pathname.split('/').pop() || 'package.src.rpm').replace(/[/\\]/g, '_');
      file = join(dir, name);
      await writeFile(file, Buffer.from(await res.arrayBuffer()));
    }
    if (file.endsWith('.spec')) return this.srpmFromSpec(b, file, dir, live);
    return basename(file);
  }

  /** A .spec upload or URL: `rpmbuild -bs` (its Source files are not downloaded: only what the spec needs none of). */
  async srpmFromSpec(b, spec, dir, live) {
    const top = join(await realpath(this.svc.workDir), `${b.id}-srpm`);
    await rm(top, { recursive: true, force: true });
    for (const d of ['SOURCES', 'SRPMS', 'tmp']) await mkdir(join(top, d), { recursive: true });
    await copyFile(spec, join(top, basename(spec)));
    live.write('Building the SRPM from the spec file (rpmbuild -bs; Source files are not downloaded by this service)\n');
    try {
      const code = await sandboxedRpmbuild(this, b, top, ['-bs', '--nodeps', '--define', `_topdir ${top}`, '--define', `_sourcedir ${top}/SOURCES`, join(top, basename(spec))], live, false);
      if (b.canceled) throw new Canceled();
      if (code !== 0) throw new Error(`rpmbuild -bs failed (exit ${code})`);
      const out = (await readdir(join(top, 'SRPMS'))).filter((f) => f.endsWith('.src.rpm'));
      if (out.length !== 1) throw new Error('rpmbuild -bs made no SRPM');
      await copyFile(join(top, 'SRPMS', out[0]), join(dir, out[0]));
      return out[0];
    } finally {
      await rm(top, { recursive: true, force: true });
    }
  }

  /** Check that FILE is a source RPM with intact digests and read what Copr reads from it. */
  async readSrpm(file, live) {
    const head = (await readFile(file)).subarray(0, 96);
    // The RPM lead: magic ed ab ee db, then the package type (1: source) at bytes 6-7.
    if (head.length < 96 || head.readUInt32BE(0) !== 0xedabeedb) throw new Error(`${basename(file)} is not an RPM package (no RPM lead)`);
    if (head.readUInt16BE(6) !== 1) throw new Error(`${basename(file)} is a binary RPM, not a source RPM`);
    const k = await capture('rpm', ['-K', '--nosignature', file], { env: { ...process.env, LC_ALL: 'C' } });
    if (k.code !== 0) throw new Error(`${basename(file)}: rpm -K: ${(k.err || k.out).trim()}`);
    const q = await capture('rpm', ['-qp', '--nomanifest', '--nosignature', '--qf', '%{NAME}\\n%|EPOCH?{%{EPOCH}}:{}|\\n%{VERSION}\\n%{RELEASE}\\n%|SOURCERPM?{binary}:{source}|\\n[%{EXCLUSIVEARCH} ]\\n[%{EXCLUDEARCH} ]\\n', file], {
      env: { ...process.env, LC_ALL: 'C' },
    });
    if (q.code !== 0) throw new Error(`${basename(file)}: rpm -qp failed: ${q.err.trim()}`);
    const [name, epoch, version, release, kind, excl, exclude] = q.out.split('\n');
    if (kind !== 'source') throw new Error(`${basename(file)} is not a source RPM`);
    live.write(`rpm -K: ${k.out.trim()}\n`);
    const ep = epoch ? Number(epoch) : null;
    return {
      name,
      epoch: ep,
      version,
      release,
      // copr_backend/job.py pkg_version: "epoch:" only when the epoch is set and not 0.
      evr: `${ep ? `${ep}:` : ''}${version}-${release}`,
      exclusivearch: excl.split(' ').filter(Boolean),
      excludearch: exclude.split(' ').filter(Boolean),
    };
  }

  // ---- one build chroot ----

  async chrootJob(b, bc) {
    const { projectDir } = this.dirs(b);
    const chrootDir = join(projectDir, bc.name);
    bc.result_dir = buildDirName(b.id, b.package_name);
    const resultDir = join(chrootDir, bc.result_dir);
    await rm(resultDir, { recursive: true, force: true });
    await mkdir(resultDir, { recursive: true });
    const backend = new LogFile(join(resultDir, 'backend.log'));
    const live = new LogFile(join(resultDir, 'builder-live.log'));
    const mc = this.store.mockChrootByName(bc.name);
    bc.status = 'starting';
    bc.started_on = Math.round(Date.now() / 1000);
    backend.info(`Marking build as starting (build ${b.id}, chroot ${bc.name}, ${fullName(b.copr)})`);
    let ok = false;
    try {
      await this.hold(b, 'starting');
      bc.status = 'running';
      backend.info('Marking build as running');
      await this.hold(b, 'running');
      const injected = this.faults.packageFailure(b.package_name, bc.name);
      if (injected) throw new Error(`injected failure (test fault): ${injected}`);
      const top = join(await realpath(this.svc.workDir), `${b.id}-${bc.name}`);
      try {
        await rpmbuildChroot(this, b, bc, mc, top, resultDir, live, backend);
      } finally {
        await rm(top, { recursive: true, force: true });
      }
      backend.info('Running createrepo_c');
      const code = await this.createrepo.run(chrootDir, backend);
      if (code !== 0) throw new Error('createrepo failed');
      ok = true;
    } catch (e) {
      const msg = e instanceof Canceled ? 'Build was canceled' : `Backend process error: ${e.message}`;
      live.write(`\n${msg}\n`);
      backend.info(msg, 'ERROR');
    }
    // _mark_finished: anything but succeeded is reported as failed, a canceled job included.
    bc.status = ok ? 'succeeded' : 'failed';
    bc.ended_on = Math.round(Date.now() / 1000);
    await backend.info(`Worker ${bc.status} build, took ${bc.ended_on - bc.started_on} s`);
    await live.flush();
    await compressLogs(resultDir);
  }

  async stop() {
    this.stopped = true;
    this.stopCtl.abort();
    clearTimeout(this.wakeTimer);
    await Promise.allSettled([...this.jobs, ...this.imports]);
    await this.createrepo.idle();
  }
}
