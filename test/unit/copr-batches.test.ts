import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { submit } from '../../server/src/core/build/backends/copr';
import { defaultChroots, rounds, submissions, validChroot } from '../../server/src/core/copr/batches';
import { CoprClient } from '../../server/src/core/copr/client';
import { parseIni, readCoprConfig } from '../../server/src/core/copr/config';
import { ROOT } from './helpers';

describe("an overlay's batches as Copr's", () => {
  test('the first build of a batch follows the previous batch; the others join it', () => {
    assert.deepEqual(submissions([['macros'], ['a', 'b', 'c'], [], ['d']]), [
      { name: 'macros', batch: 0 },
      { name: 'a', batch: 1, after: 'macros' },
      { name: 'b', batch: 1, with: 'a' },
      { name: 'c', batch: 1, with: 'a' },
      { name: 'd', batch: 2, after: 'a' },
    ]);
    assert.deepEqual(submissions([]), []);
  });

  test('x86_64 first, whatever order the chroots are given in; the default chroots from %{dist}', () => {
    assert.deepEqual(rounds(['fedora-41-aarch64', 'fedora-41-x86_64', 'fedora-41-s390x']), { primary: 'fedora-41-x86_64', secondary: ['fedora-41-aarch64', 'fedora-41-s390x'] });
    assert.deepEqual(rounds(['epel-9-aarch64']), { primary: 'epel-9-aarch64', secondary: [] });
    assert.throws(() => rounds([]), /no Copr chroots/);
    assert.deepEqual(defaultChroots('.fc41', 'x86_64'), ['fedora-41-x86_64', 'fedora-41-aarch64']);
    assert.deepEqual(defaultChroots('.el9', 'aarch64'), ['epel-9-aarch64']);
    assert.ok(validChroot('centos-stream-9-x86_64') && validChroot('fedora-rawhide-ppc64le'));
    assert.ok(!validChroot('-x') && !validChroot('fedora 41') && !validChroot('Fedora-41-x86_64'));
  });
});

describe("copr-cli's configuration", () => {
  test('read as configparser reads it: = or :, comments, indented continuation, keys in lower case', () => {
    const s = parseIni('# c\n[copr-cli]\nLogin = abc\nusername: pat\n; c\ntoken = t1\n  t2\ncopr_url = https://copr.example.org/\n');
    assert.deepEqual(Object.fromEntries(s.get('copr-cli')!), { login: 'abc', username: 'pat', token: 't1\nt2', copr_url: 'https://copr.example.org/' });
  });

  test('a missing file, section or key: a message saying what to do, never the token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'go-coprcfg-'));
    await assert.rejects(readCoprConfig(join(dir, 'none')), /no Copr credentials in .*none: get an API token/);
    writeFileSync(join(dir, 'a'), '[other]\nx = 1\n');
    await assert.rejects(readCoprConfig(join(dir, 'a')), /has no \[copr-cli\] section/);
    writeFileSync(join(dir, 'b'), '[copr-cli]\nlogin = l\ntoken = secret-value\n');
    await assert.rejects(readCoprConfig(join(dir, 'b')), (e: Error) => /lacks username/.test(e.message) && !e.message.includes('secret-value'));
    writeFileSync(join(dir, 'c'), '[copr-cli]\nlogin = l\nusername = u\ntoken = t\n');
    assert.equal((await readCoprConfig(join(dir, 'c'))).url, 'https://copr.fedorainfracloud.org', "copr-cli's default");
  });
});

describe('submitting into a batch that finished (the local Copr service)', () => {
  test('following a lone build that already succeeded: Copr refuses the batch, the build goes in without waiting', async () => {
    const { startCoprService } = (await import(pathToFileURL(join(ROOT, 'test/support/copr-service.mjs')).href)) as {
      startCoprService: (o: object) => Promise<{ url: string; stop(): Promise<void> }>;
    };
    const svc = await startCoprService({});
    try {
      const client = new CoprClient({ url: svc.url, login: 'jdoe-api-login', token: 'jdoe-api-token', file: 'test' });
      await client.addProject('jdoe', 'p', ['fedora-41-x86_64'], '');
      const top = mkdtempSync(join(tmpdir(), 'go-srpm-'));
      writeFileSync(join(top, 'x.spec'), 'Name: x\nVersion: 1\nRelease: 1\nSummary: s\nLicense: MIT\nBuildArch: noarch\n%description\nd\n%files\n');
      execFileSync('rpmbuild', ['-bs', '--define', `_topdir ${top}`, '--define', `_sourcedir ${top}`, join(top, 'x.spec')], { stdio: 'ignore' });
      const srpm = join(top, 'SRPMS', readdirSync(join(top, 'SRPMS'))[0]);
      const o = { owner: 'jdoe', project: 'p' } as Parameters<typeof submit>[1];
      const first = await submit(client, o, srpm, ['fedora-41-x86_64'], undefined, undefined, () => undefined);
      for (let i = 0; i < 200 && (await client.getBuild(first)).state !== 'succeeded'; i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal((await client.getBuild(first)).state, 'succeeded');
      const lines: string[] = [];
      const second = await submit(client, o, srpm, ['fedora-41-x86_64'], undefined, first, (l) => lines.push(l));
      assert.ok(second > first);
      assert.match(lines.join('\n'), /already succeeded .*not yet in any batch.*submitting without waiting/);
    } finally {
      await svc.stop();
    }
  });
});
