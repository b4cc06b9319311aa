import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { repoquery } from './dnf-query';
import { ROOT } from './helpers';

// The local Copr service (test/support/copr-service.mjs) driven with plain fetch, as a client of
// Copr's API v3 would: real SRPMs, real rpmbuild/createrepo_c builds, dnf reading the result.

interface RequestEntry {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  user: string | null;
  json?: Record<string, unknown> | null;
  form?: Record<string, unknown>;
  files?: { field: string; filename: string; contentType: string | null; size: number; sha256: string }[];
  status: number | null;
  fault: string | null;
}
interface Faults {
  failNext(prefix: string, count?: number, o?: { status?: number; method?: string; body?: string }): Faults;
  dropNext(prefix: string, count?: number, o?: { method?: string }): Faults;
  failPackage(pkg: string, chroot?: string, reason?: string): Faults;
  setDelays(d: Record<string, number>): Faults;
  slowPackage(pkg: string, d: Record<string, number>): Faults;
  clear(): Faults;
}
interface CoprService {
  url: string;
  stop(): Promise<void>;
  idle(ms?: number): Promise<void>;
  state: { requests: RequestEntry[] };
  faults: Faults;
}
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const has = (tool: string): boolean => (process.env.PATH ?? '').split(':').some((d) => existsSync(join(d, tool)));
const missing = ['rpm', 'rpmbuild', 'createrepo_c', 'dnf'].filter((t) => !has(t));
const skip = missing.length ? `needs ${missing.join(', ')} (not installed)` : false;

const JDOE = 'Basic ' + Buffer.from('jdoe-api-login:jdoe-api-token').toString('base64');
const ALICE = 'Basic ' + Buffer.from('alice-api-login:alice-api-token').toString('base64');
const X86 = 'fedora-41-x86_64';
const ARM = 'fedora-41-aarch64';
const FINISHED = ['succeeded', 'failed', 'canceled', 'skipped'];

interface SpecOptions {
  noarch?: boolean;
  native?: boolean;
  exclusiveArch?: string;
}
function spec(name: string, opts: SpecOptions = {}): string {
  const noarch = opts.noarch ?? true;
  const body = opts.native
    ? `%build\nprintf 'int main(void){return 0;}\\n' > hello.c\ngcc -o ${name} hello.c\n\n%install\ninstall -D -m 755 ${name} %{buildroot}%{_bindir}/${name}\n\n%files\n%{_bindir}/${name}\n`
    : `%install\nmkdir -p %{buildroot}%{_datadir}/${name}\necho ${name} > %{buildroot}%{_datadir}/${name}/README\n\n%files\n%{_datadir}/${name}/README\n`;
  const arch = (noarch ? 'BuildArch: noarch\n' : '') + (opts.exclusiveArch ? `ExclusiveArch: ${opts.exclusiveArch}\n` : '');
  return `Name: ${name}\nVersion: 1.0\nRelease: 1%{?dist}\nSummary: ${name}\nLicense: MIT\n${arch}\n%description\n${name}.\n\n${body}\n%changelog\n* Mon Jan 01 2024 T <t@example.com> - 1.0-1\n- T\n`;
}

/** rpmbuild -bs of a generated spec: the SRPM's path. */
function makeSrpm(work: string, name: string, opts: SpecOptions = {}): string {
  const top = join(work, `rpmbuild-${name}`);
  mkdirSync(join(top, 'SPECS'), { recursive: true });
  const file = join(top, 'SPECS', `${name}.spec`);
  writeFileSync(file, spec(name, opts));
  execFileSync('rpmbuild', ['-bs', '--define', `_topdir ${top}`, file], { stdio: 'ignore', env: { ...process.env, LC_ALL: 'C' } });
  const srpms = join(top, 'SRPMS');
  return join(srpms, readdirSync(srpms).find((f) => f.endsWith('.src.rpm'))!);
}

describe('local Copr service (API v3)', { skip }, () => {
  let svc: CoprService;
  let work: string;
  const srpms: Record<string, string> = {};

  async function api(method: string, path: string, body?: unknown, auth: string | null = JDOE): Promise<{ status: number; json: Json }> {
    const headers: Record<string, string> = {};
    if (auth) headers.Authorization = auth;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const r = await fetch(svc.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, json: (await r.json()) as Json };
  }
  /** POST /api_3/build/create/upload as python-copr sends it: the form as a `json` file part, the SRPM as `pkgs`. */
  async function upload(data: Json, file: string | null, auth = JDOE): Promise<{ status: number; json: Json }> {
    const form = new FormData();
    form.append('json', new Blob([JSON.stringify(data)], { type: 'application/json' }), 'json');
    if (file) form.append('pkgs', new Blob([readFileSync(file)], { type: 'application/x-rpm' }), file.split('/').pop()!);
    const r = await fetch(`${svc.url}/api_3/build/create/upload`, { method: 'POST', headers: { Authorization: auth }, body: form });
    return { status: r.status, json: (await r.json()) as Json };
  }
  const build = async (id: number): Promise<Json> => (await api('GET', `/api_3/build/${id}`, undefined, null)).json;
  async function until(what: string, check: () => Promise<boolean>, ms = 120_000): Promise<void> {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const finished = async (id: number): Promise<Json> => {
    let b: Json = {};
    await until(`build ${id} to finish`, async () => FINISHED.includes((b = await build(id)).state));
    return b;
  };

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'copr-service-test-'));
    for (const n of ['cs-alpha', 'cs-beta', 'cs-gamma', 'cs-delta', 'cs-zeta', 'cs-eps']) srpms[n] = makeSrpm(work, n);
    srpms['cs-only64'] = makeSrpm(work, 'cs-only64', { noarch: false, exclusiveArch: 'x86_64' });
    if (has('gcc')) srpms['cs-native'] = makeSrpm(work, 'cs-native', { noarch: false, native: true });
    const { startCoprService } = (await import(join(ROOT, 'test/support/copr-service.mjs'))) as { startCoprService: (o: Json) => Promise<CoprService> };
    svc = await startCoprService({ dir: join(work, 'copr') });
  });
  after(async () => {
    await svc?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test('credentials: a wrong token or none is a 401 with the frontend body; good ones are the user', async () => {
    const bad = 'Basic ' + Buffer.from('jdoe-api-login:wrong').toString('base64');
    for (const auth of [bad, null]) {
      const r = await api('GET', '/api_3/auth-check', undefined, auth);
      assert.equal(r.status, 401);
      assert.equal(r.json.output, 'notok');
      assert.match(r.json.error, /^Login invalid\/expired\. Please visit http:\/\/127\.0\.0\.1:\d+\/api to get or renew your API token\.$/);
    }
    assert.deepEqual((await api('GET', '/api_3/auth-check')).json, { id: 1, name: 'jdoe' });
    assert.deepEqual((await api('GET', '/api_3/', undefined, null)).json, { version: 3 });
    // Creating needs credentials too.
    assert.equal((await api('POST', '/api_3/project/add/jdoe', { name: 'x', chroots: [X86] }, bad)).status, 401);
  });

  test('a project is created, read back, refused twice, edited', async () => {
    const r = await api('POST', '/api_3/project/add/jdoe?exist_ok=False', { name: 'overlay', chroots: [X86, ARM], description: 'gitoverlay test', enable_net: false });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.full_name, 'jdoe/overlay');
    assert.equal(r.json.ownername, 'jdoe');
    assert.equal(r.json.name, 'overlay');
    assert.equal(r.json.description, 'gitoverlay test');
    assert.equal(r.json.enable_net, false);
    assert.deepEqual(Object.keys(r.json.chroot_repos), [X86, ARM]);
    assert.equal(r.json.chroot_repos[X86], `${svc.url}/results/jdoe/overlay/${X86}/`);
    assert.equal(r.json.projectname, undefined, 'the Project model has no projectname');
    const got = await api('GET', '/api_3/project?ownername=jdoe&projectname=overlay', undefined, null);
    assert.deepEqual(got.json, r.json);
    const again = await api('POST', '/api_3/project/add/jdoe', { name: 'overlay', chroots: [X86] });
    assert.deepEqual(again, { status: 400, json: { error: "name: You already have a project named 'overlay'." } });
    const none = await api('POST', '/api_3/project/add/jdoe', { name: 'empty', chroots: [] });
    assert.deepEqual(none.json, { error: 'None: At least one chroot must be selected' });
    assert.equal((await api('GET', '/api_3/project?ownername=jdoe&projectname=nope')).status, 404);
    assert.deepEqual((await api('GET', '/api_3/project?ownername=jdoe')).json, { error: 'Missing argument projectname' });
    // Someone else's project: alice may not edit it.
    const foreign = await api('PUT', '/api_3/project/edit/jdoe/overlay', { description: 'x' }, ALICE);
    assert.deepEqual(foreign, { status: 403, json: { error: 'Only owners and admins may update their projects.' } });
    const edited = await api('PUT', '/api_3/project/edit/jdoe/overlay', { chroots: [X86, ARM, 'fedora-42-x86_64'] });
    assert.deepEqual(Object.keys(edited.json.chroot_repos), [X86, ARM, 'fedora-42-x86_64']);
    const back = await api('PUT', '/api_3/project/edit/jdoe/overlay', { chroots: [X86, ARM] });
    assert.deepEqual(Object.keys(back.json.chroot_repos), [X86, ARM]);
    const list = await api('GET', '/api_3/project/list?ownername=jdoe', undefined, null);
    assert.deepEqual(
      list.json.items.map((p: Json) => p.full_name),
      ['jdoe/overlay'],
    );
    assert.deepEqual(list.json.meta, { limit: null, offset: 0, order: 'id', order_type: 'ASC' });
  });

  test('upload form errors are 400s with the form errors, as the frontend words them', async () => {
    const base = { ownername: 'jdoe', projectname: 'overlay' };
    const notEnabled = await upload({ ...base, chroots: ['fedora-42-x86_64'] }, srpms['cs-alpha']);
    assert.deepEqual(notEnabled, { status: 400, json: { error: `Bad request parameters: {'chroots': ["'fedora-42-x86_64' is not a valid choice for this field."]}` } });
    const noFile = await upload({ ...base, chroots: [X86] }, null);
    assert.deepEqual(noFile.json, { error: "Bad request parameters: {'pkgs': ['This field is required.']}" });
    const both = await upload({ ...base, with_build_id: 1, after_build_id: 1 }, srpms['cs-alpha']);
    assert.equal(
      both.json.error,
      "Bad request parameters: {'after_build_id': ['Only one batch option can be specified'], 'with_build_id': ['Only one batch option can be specified']}",
    );
    const unknown = await upload({ ...base, with_build_id: 999 }, srpms['cs-alpha']);
    assert.equal(unknown.json.error, "Bad request parameters: {'with_build_id': ['Build 999 not found']}");
    const noProject = await upload({ ownername: 'jdoe', projectname: 'nope' }, srpms['cs-alpha']);
    assert.deepEqual(noProject, { status: 404, json: { error: 'Project jdoe/nope does not exist.' } });
    const foreign = await upload({ ...base }, srpms['cs-alpha'], ALICE);
    assert.deepEqual(foreign, { status: 403, json: { error: 'User alice is not allowed to build in the copr: jdoe/overlay' } });
  });

  test('batches: with_build_id builds run together, an after_build_id build waits for their batch', async () => {
    // Hold the first batch in "running" long enough to watch the third build wait.
    svc.faults.slowPackage('cs-alpha', { running: 1500 }).slowPackage('cs-beta', { running: 1500 });
    const a = await upload({ ownername: 'jdoe', projectname: 'overlay', chroots: [X86, ARM], timeout: 3600 }, srpms['cs-alpha']);
    assert.equal(a.status, 200, JSON.stringify(a.json));
    assert.deepEqual(Object.keys(a.json).sort(), [
      'chroots', 'ended_on', 'id', 'is_background', 'ownername', 'project_dirname', 'projectname', 'repo_url', 'source_package', 'started_on', 'state', 'submitted_on', 'submitter',
    ]);
    assert.equal(a.json.state, 'pending');
    assert.deepEqual(a.json.chroots, [X86, ARM]);
    assert.equal(a.json.submitter, 'jdoe');
    assert.equal(a.json.repo_url, `${svc.url}/results/jdoe/overlay`);
    assert.deepEqual(a.json.source_package, { name: null, version: null, url: `${a.json.source_package.url}` });
    assert.match(a.json.source_package.url, /\/tmp\/tmp\w+\/cs-alpha-1\.0-1\.src\.rpm$/);
    const b = await upload({ ownername: 'jdoe', projectname: 'overlay', chroots: [X86, ARM], with_build_id: a.json.id }, srpms['cs-beta']);
    const c = await upload({ ownername: 'jdoe', projectname: 'overlay', chroots: [X86], after_build_id: a.json.id }, srpms['cs-gamma']);
    assert.equal(b.status, 200, JSON.stringify(b.json));
    assert.equal(c.status, 200, JSON.stringify(c.json));

    const seen = new Set<string>();
    let waited = 0;
    await until('the first batch', async () => {
      // The waiting build first: if it had started, the batch it follows had finished before.
      const z = await build(c.json.id);
      const chroot = (await api('GET', `/api_3/build-chroot?build_id=${c.json.id}&chrootname=${X86}`, undefined, null)).json;
      const [x, y] = [await build(a.json.id), await build(b.json.id)];
      seen.add(x.state);
      if (FINISHED.includes(x.state) && FINISHED.includes(y.state)) return true;
      assert.equal(z.state, 'pending', 'the after_build_id build waits while the batch it follows runs');
      assert.equal(chroot.state, 'waiting');
      waited++;
      return false;
    });
    assert.ok(waited > 0);
    assert.ok(seen.has('running'), `states seen: ${[...seen].join(', ')}`);
    const [x, y, z] = [await finished(a.json.id), await finished(b.json.id), await finished(c.json.id)];
    assert.deepEqual([x.state, y.state, z.state], ['succeeded', 'succeeded', 'succeeded']);
    assert.ok(z.started_on >= Math.max(x.ended_on, y.ended_on), 'the later batch started once the first had ended');
    assert.deepEqual(x.source_package.name, 'cs-alpha');
    assert.equal(x.source_package.version, '1.0-1');
    assert.match(x.source_package.url, new RegExp(`/results/jdoe/overlay/srpm-builds/${String(x.id).padStart(8, '0')}/cs-alpha-1\\.0-1\\.src\\.rpm$`));

    // What the client sent is in the request log: the form as JSON, the file by name, size, digest.
    const sent = svc.state.requests.filter((r) => r.path === '/api_3/build/create/upload' && r.status === 200);
    const beta = sent.find((r) => r.files?.some((f) => f.filename === 'cs-beta-1.0-1.src.rpm'))!;
    assert.equal(beta.user, 'jdoe');
    assert.equal(beta.json!.with_build_id, a.json.id);
    const pkg = beta.files!.find((f) => f.field === 'pkgs')!;
    assert.equal(pkg.sha256, createHash('sha256').update(readFileSync(srpms['cs-beta'])).digest('hex'));
    assert.equal(pkg.contentType, 'application/x-rpm');

    // A batch that finished takes no more builds; an after_build_id of a finished, unbatched build is refused too.
    const late = await upload({ ownername: 'jdoe', projectname: 'overlay', chroots: [X86], with_build_id: a.json.id }, srpms['cs-delta']);
    assert.match(late.json.error, /'with_build_id': \['Batch \d+ is already finished'\]/);
  });

  test('results: Copr layout, logs, built packages, and a repository dnf reads', async () => {
    const list = (await api('GET', '/api_3/build/list?ownername=jdoe&projectname=overlay&packagename=cs-alpha', undefined, null)).json;
    assert.equal(list.items.length, 1);
    const id = list.items[0].id;
    const chroots = (await api('GET', `/api_3/build-chroot/list?build_id=${id}`, undefined, null)).json;
    assert.deepEqual(
      chroots.items.map((c: Json) => [c.name, c.state]),
      [
        [X86, 'succeeded'],
        [ARM, 'succeeded'],
      ],
    );
    const bc = chroots.items[0];
    assert.deepEqual(Object.keys(bc).sort(), ['ended_on', 'name', 'result_url', 'started_on', 'state']);
    assert.equal(bc.result_url, `${svc.url}/results/jdoe/overlay/${X86}/${String(id).padStart(8, '0')}-cs-alpha/`);
    // The logs are gzipped once the job ends; builder-live.log redirects to builder-live.log.gz.
    const log = await fetch(`${bc.result_url}builder-live.log`);
    assert.equal(log.status, 200);
    assert.match(await log.text(), /rpmbuild --rebuild --nodeps/);
    assert.equal((await fetch(`${bc.result_url}backend.log.gz`)).status, 200);
    const built = (await api('GET', `/api_3/build/built-packages/${id}`, undefined, null)).json;
    assert.deepEqual(built[X86].packages, [
      { name: 'cs-alpha', epoch: null, version: '1.0', release: '1', arch: 'src' },
      { name: 'cs-alpha', epoch: null, version: '1.0', release: '1.fc41', arch: 'noarch' },
    ]);
    assert.deepEqual(await repoquery(`${svc.url}/results/jdoe/overlay/${X86}/`), [
      'cs-alpha-1.0-1.fc41.noarch',
      'cs-alpha-1.0-1.src',
      'cs-beta-1.0-1.fc41.noarch',
      'cs-beta-1.0-1.src',
      'cs-gamma-1.0-1.fc41.noarch',
      'cs-gamma-1.0-1.src',
    ]);
    assert.deepEqual(await repoquery(`${svc.url}/results/jdoe/overlay/${ARM}/`), ['cs-alpha-1.0-1.fc41.noarch', 'cs-alpha-1.0-1.src', 'cs-beta-1.0-1.fc41.noarch', 'cs-beta-1.0-1.src']);
    const config = (await api('GET', `/api_3/build-chroot/build-config/${id}/${X86}`, undefined, null)).json;
    assert.deepEqual(config.repos, [{ baseurl: `${svc.url}/results/jdoe/overlay/${X86}/`, id: 'copr_base', name: 'Copr repository', repo_gpgcheck: false }]);
    assert.equal(config.timeout, 3600);
  });

  test('a package made to fail in one chroot fails there only; a failed batch does not hold the next one', async () => {
    svc.faults.failPackage('cs-delta', ARM, 'aarch64 is broken on purpose').slowPackage('cs-delta', { running: 500 });
    const r = await upload({ ownername: 'jdoe', projectname: 'overlay', chroots: [X86, ARM] }, srpms['cs-delta']);
    const next = await upload({ ownername: 'jdoe', projectname: 'overlay', chroots: [X86], after_build_id: r.json.id }, srpms['cs-zeta']);
    assert.equal(next.status, 200, JSON.stringify(next.json));
    const b = await finished(r.json.id);
    assert.equal(b.state, 'failed');
    const states = (await api('GET', `/api_3/build-chroot/list/${b.id}`, undefined, null)).json.items.map((c: Json) => [c.name, c.state]);
    assert.deepEqual(states, [
      [X86, 'succeeded'],
      [ARM, 'failed'],
    ]);
    const arm = (await api('GET', `/api_3/build-chroot/${b.id}/${ARM}`, undefined, null)).json;
    assert.match(await (await fetch(`${arm.result_url}builder-live.log`)).text(), /aarch64 is broken on purpose/);
    // Copr's Batch.finished counts failed builds as finished: the next batch runs.
    const z = await finished(next.json.id);
    assert.equal(z.state, 'succeeded');
    assert.ok(z.started_on >= b.ended_on);
  });

  test('ExclusiveArch: the other chroots are skipped, the build succeeds', async () => {
    const r = await upload({ ownername: 'jdoe', projectname: 'overlay', chroots: [X86, ARM] }, srpms['cs-only64']);
    const b = await finished(r.json.id);
    assert.equal(b.state, 'succeeded');
    const items = (await api('GET', `/api_3/build-chroot/list/${b.id}`, undefined, null)).json.items;
    assert.deepEqual(
      items.map((c: Json) => [c.name, c.state, c.result_url === null]),
      [
        [X86, 'succeeded', false],
        [ARM, 'skipped', true],
      ],
    );
  });

  test('compiled code: built for this host, refused for another arch (no cross-building)', { skip: has('gcc') ? false : 'needs gcc' }, async () => {
    const r = await upload({ ownername: 'jdoe', projectname: 'overlay', chroots: [X86, ARM] }, srpms['cs-native']);
    const b = await finished(r.json.id);
    const items = (await api('GET', `/api_3/build-chroot/list/${b.id}`, undefined, null)).json.items;
    assert.deepEqual(
      items.map((c: Json) => [c.name, c.state]),
      [
        [X86, 'succeeded'],
        [ARM, 'failed'],
      ],
    );
    assert.match(await (await fetch(`${items[1].result_url}builder-live.log`)).text(), /ELF objects that are not for aarch64/);
  });

  test('cancel: a running build is canceled, its chroot fails, a second cancel is a 409', async () => {
    svc.faults.slowPackage('cs-eps', { running: 60_000 });
    const r = await upload({ ownername: 'jdoe', projectname: 'overlay', chroots: [X86] }, srpms['cs-eps']);
    const id = r.json.id;
    await until('the build chroot to run', async () => (await api('GET', `/api_3/build-chroot/${id}/${X86}`, undefined, null)).json.state === 'running');
    assert.equal((await build(id)).state, 'running');
    assert.deepEqual(await api('PUT', `/api_3/build/cancel/${id}`, undefined, ALICE), { status: 403, json: { error: 'You are not allowed to cancel this build.' } });
    const c = await api('PUT', `/api_3/build/cancel/${id}`);
    assert.equal(c.status, 200);
    assert.equal(c.json.state, 'canceled');
    await until('the chroot job to end', async () => (await api('GET', `/api_3/build-chroot/${id}/${X86}`, undefined, null)).json.state === 'failed', 10_000);
    assert.deepEqual(await api('PUT', `/api_3/build/cancel/${id}`), { status: 409, json: { error: `Cannot cancel build ${id}` } });
    assert.equal((await build(id)).state, 'canceled');
    const bc = (await api('GET', `/api_3/build-chroot/${id}/${X86}`, undefined, null)).json;
    assert.match(await (await fetch(`${bc.result_url}builder-live.log`)).text(), /Build was canceled/);
    assert.equal((await api('PUT', '/api_3/build/cancel/99999')).status, 404);
  });

  test('a file that is not an SRPM is accepted, then fails its source build', async () => {
    const junk = join(work, 'junk-1.0-1.src.rpm');
    writeFileSync(junk, 'not an rpm\n');
    const r = await upload({ ownername: 'jdoe', projectname: 'overlay', chroots: [X86] }, junk);
    assert.equal(r.status, 200);
    const b = await finished(r.json.id);
    assert.equal(b.state, 'failed');
    assert.equal((await api('GET', `/api_3/build-chroot/${b.id}/${X86}`, undefined, null)).json.state, 'failed');
    const src = (await api('GET', `/api_3/build/source-chroot/${b.id}`, undefined, null)).json;
    assert.equal(src.state, 'failed');
    assert.match(await (await fetch(`${src.result_url}/builder-live.log`)).text(), /not an RPM package/);
  });

  test('faults: a 500, a dropped connection, set through the object and the test endpoint', async () => {
    svc.faults.failNext('/api_3/build/', 1);
    const first = await api('GET', '/api_3/build/1', undefined, null);
    assert.deepEqual(first, { status: 500, json: { error: "Request wasn't successful, there is probably a bug in the Copr code." } });
    assert.equal((await api('GET', '/api_3/build/1', undefined, null)).status, 200);
    svc.faults.dropNext('/api_3/build/1');
    await assert.rejects(fetch(`${svc.url}/api_3/build/1`));
    assert.equal((await api('GET', '/api_3/build/1', undefined, null)).status, 200);
    const set = await fetch(`${svc.url}/__test__/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ fail: { prefix: '/api_3/project', status: 503 } }) });
    assert.equal(set.status, 200);
    assert.equal((await api('GET', '/api_3/project?ownername=jdoe&projectname=overlay')).status, 503);
    assert.equal((await api('GET', '/api_3/project?ownername=jdoe&projectname=overlay')).status, 200);
    const log = (await (await fetch(`${svc.url}/__test__/requests`)).json()) as RequestEntry[];
    assert.deepEqual(
      log.filter((e) => e.fault).map((e) => [e.method, e.path, e.fault, e.status]),
      [
        ['GET', '/api_3/build/1', 'fail', 500],
        ['GET', '/api_3/build/1', 'drop', null],
        ['GET', '/api_3/project', 'fail', 503],
      ],
    );
  });
});
