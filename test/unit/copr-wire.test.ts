import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CoprClient } from '../../server/src/core/copr/client';
import { FIXTURES, ROOT } from './helpers';

// gitoverlay's Copr client sends what the official python-copr client sends for the same operation
// (test/fixtures/copr/official-client-requests.json: that client's requests, logged by the local
// service during test/support/copr-client-crosscheck.py), and the service accepts both alike.

interface Logged {
  method: string;
  path: string;
  query: Record<string, string>;
  user: string | null;
  login: string | null;
  contentType: string | null;
  json?: Record<string, unknown>;
  files?: { field: string; filename: string; contentType: string }[];
  status: number | null;
}

const official = (JSON.parse(readFileSync(join(FIXTURES, 'copr/official-client-requests.json'), 'utf8')) as { requests: Logged[] }).requests;

/** The operation a request is, with ids and names abstracted. */
const op = (r: Logged): string => `${r.method} ${r.path.replace(/\/\d+(?=\/|$)/g, '/ID').replace(/\/project\/(add|edit)\/[^/]+(\/[^/]+)?$/, '/project/$1/OWNER')}`;

describe("gitoverlay's Copr requests against the official client's", () => {
  test('the same URLs and methods, auth, multipart parts and form fields; both accepted', async () => {
    const { startCoprService } = (await import(join(ROOT, 'test/support/copr-service.mjs'))) as {
      startCoprService: (o: object) => Promise<{ url: string; stop(): Promise<void>; state: { requests: Logged[] } }>;
    };
    const svc = await startCoprService({ delays: { running: 60_000 } });
    try {
      const client = new CoprClient({ url: svc.url, login: 'jdoe-api-login', token: 'jdoe-api-token', file: 'test' });
      await client.authCheck();
      await client.getProject('jdoe', 'wire');
      await client.addProject('jdoe', 'wire', ['fedora-41-x86_64'], 'wire test');
      await client.editProject('jdoe', 'wire', ['fedora-41-x86_64', 'fedora-41-aarch64']);
      const top = mkdtempSync(join(tmpdir(), 'go-wire-'));
      writeFileSync(join(top, 'w.spec'), 'Name: w\nVersion: 1\nRelease: 1\nSummary: s\nLicense: MIT\nBuildArch: noarch\n%description\nd\n%files\n');
      execFileSync('rpmbuild', ['-bs', '--define', `_topdir ${top}`, '--define', `_sourcedir ${top}`, join(top, 'w.spec')], { stdio: 'ignore' });
      const srpm = join(top, 'SRPMS', readdirSync(join(top, 'SRPMS'))[0]);
      const a = await client.uploadBuild(srpm, { ownername: 'jdoe', projectname: 'wire', chroots: ['fedora-41-x86_64'] });
      await client.uploadBuild(srpm, { ownername: 'jdoe', projectname: 'wire', chroots: ['fedora-41-x86_64'], with_build_id: a.id });
      await client.uploadBuild(srpm, { ownername: 'jdoe', projectname: 'wire', chroots: ['fedora-41-x86_64'], after_build_id: a.id });
      await client.getBuild(a.id);
      await client.listBuilds('jdoe', 'wire');
      await client.listBuilds('jdoe', 'wire', 'w');
      await client.buildChroots(a.id);
      await client.builtPackages(a.id);
      await client.cancel(a.id);

      const ours = svc.state.requests;
      // Every request was accepted (the project lookup before creation is the expected 404).
      assert.deepEqual(ours.filter((r) => (r.status ?? 0) >= 400).map(op), ['GET /api_3/project']);
      // Each operation gitoverlay uses is one the official client makes, with the same method and URL.
      const theirs = new Set(official.map(op));
      for (const r of ours) assert.ok(theirs.has(op(r)), `${op(r)}: the official client never sends it`);
      // Authenticated where the official client authenticates, with the same credentials scheme.
      for (const r of ours) {
        const same = official.find((o) => op(o) === op(r))!;
        assert.equal(r.user !== null, same.user !== null, `${op(r)}: authenticated ${r.user !== null}, the official client ${same.user !== null}`);
      }
      // An upload: the same multipart parts (json as a file part, pkgs the SRPM), and form fields the official client sends.
      const upload = (rs: Logged[]) => rs.filter((r) => r.path === '/api_3/build/create/upload');
      const parts = (r: Logged) => (r.files ?? []).map((f) => `${f.field}|${f.field === 'json' ? f.filename : '*.src.rpm'}|${f.contentType}`).sort();
      for (const r of upload(ours)) assert.deepEqual(parts(r), parts(upload(official)[0]));
      const officialKeys = new Set(upload(official).flatMap((r) => Object.keys(r.json ?? {})));
      for (const r of upload(ours)) for (const k of Object.keys(r.json ?? {})) assert.ok(officialKeys.has(k), `upload field ${k}: not one the official client sends`);
      assert.ok(upload(ours).some((r) => r.json?.with_build_id === a.id) && upload(ours).some((r) => r.json?.after_build_id === a.id));
      // A JSON body where the official client sends one.
      for (const r of ours.filter((x) => x.method !== 'GET' && !x.path.endsWith('/upload') && !x.path.includes('/cancel/'))) {
        assert.match(r.contentType ?? '', /^application\/json/, `${op(r)}: ${r.contentType}`);
      }
    } finally {
      await svc.stop();
    }
  });
});
