import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildModule, buildrootStreams, ModuleBuildError } from '../../server/src/core/build/module';
import { which } from '../../server/src/core/build/proc';
import { parseYaml } from '../../server/src/core/yaml/parse';
import { accepted, recordedRuns, withFakeMock } from './fake-mock';
import { ROOT } from './helpers';

// A module document built with mock: each component's chroot is the module's buildroot as MBS makes
// it (the module macros defined, the streams it builds against enabled, earlier batches' packages in
// a repository), through the stand-in mock that checks every argv against mock's option table.

process.env.GIT_CONFIG_GLOBAL = '/dev/null';
process.env.GIT_CONFIG_NOSYSTEM = '1';
const missing = ['rpmbuild', 'createrepo_c', 'modifyrepo_c', 'rpm2archive'].filter((t) => !which(t));

describe('module builds with mock', () => {
  let world: string;
  before(() => {
    world = join(mkdtempSync(join(tmpdir(), 'go-module-mock-')), 'world');
    execFileSync(process.execPath, [join(ROOT, 'examples/make-world.mjs'), world], { stdio: 'ignore' });
  });
  after(() => rmSync(join(world, '..'), { recursive: true, force: true }));
  const doc = (): unknown => parseYaml(readFileSync(join(world, 'motd-module.yaml'), 'utf8')).documents[0].value;

  test('the streams a build was resolved against are enabled, the platform not', () => {
    const mbs = { buildrequires: { platform: { stream: 'f41' }, nodejs: { stream: '20' }, perl: { stream: '5.40' } } };
    assert.deepEqual(buildrootStreams(mbs), ['nodejs:20', 'perl:5.40']);
    assert.deepEqual(buildrootStreams({}), []);
  });

  test('motd:1.0 through a stand-in mock: module macros, module_enable, the first batch as a repository for the second', { skip: missing.length ? `needs ${missing.join(', ')}` : false }, async () => {
    await withFakeMock(async (record) => {
      const out = join(world, 'module-mock');
      const lines: string[] = [];
      const r = await buildModule(join(world, 'motd-module.yaml'), doc(), { out, allowFile: true, fetch: false, backend: 'mock', moduleEnable: ['nodejs:20'], onProgress: (l) => lines.push(l) });
      assert.ok(r.ok, JSON.stringify(r.components, null, 1));
      assert.ok(lines.includes('backend: mock (module streams enabled: nodejs:20)'), lines.join('\n'));
      const [, stream, version, context] = r.nsvca.split(':');
      const runs = recordedRuns(record);
      assert.equal(runs.length, 2, 'one mock run per component');
      const of = (name: string): string[] => runs.find((a) => a[a.length - 1].includes(`/${name}-`))!;
      const arch = execFileSync('rpm', ['--eval', '%_arch'], { encoding: 'utf8' }).trim();
      for (const name of ['motd', 'banner']) {
        const a = of(name);
        const { macros, opts } = accepted(a);
        assert.deepEqual(a.slice(0, 2), ['-r', `fedora-41-${arch}`], 'the chroot of the platform %{dist} names');
        assert.equal(macros['%dist'], `.module_f41+${version}+${context}`);
        assert.equal(macros['%modularitylabel'], `motd:${stream}:${version}:${context}`);
        assert.equal(macros['%_module_build'], '1');
        assert.deepEqual(opts.module_enable, ['nodejs:20']);
      }
      assert.ok(!of('motd').includes('--addrepo'), 'the first batch builds against no earlier one');
      const banner = of('banner');
      const repo = banner[banner.indexOf('--addrepo') + 1];
      assert.match(repo, /\/module-mock\.work\/module-batches-repo$/);
      // The built packages carry the module's label, and the repository its modules.yaml.
      const motdRpm = readdirSync(join(out, 'motd')).find((f) => f.endsWith('.noarch.rpm'))!;
      assert.equal(execFileSync('rpm', ['-qp', '--nosignature', '--qf', '%{MODULARITYLABEL}', join(out, 'motd', motdRpm)], { encoding: 'utf8' }), `motd:${stream}:${version}:${context}`);
      assert.ok(readdirSync(join(out, 'repodata')).some((f) => f.endsWith('modules.yaml.gz')));
      assert.match(readFileSync(r.components.find((c) => c.name === 'banner')!.log!, 'utf8'), /^backend: mock$/m);
      assert.ok(!existsSync(`${out}.work`), 'the work directory goes with the build');
    });
  });

  test('Copr is refused for a module document, saying why (it is not built elsewhere instead)', async () => {
    await assert.rejects(
      buildModule(join(world, 'motd-module.yaml'), doc(), { out: join(world, 'module-copr'), allowFile: true, fetch: false, backend: 'copr' }),
      (err: unknown) => err instanceof ModuleBuildError && /built with --backend local or mock; Copr builds modules through its own module-build API/.test(err.message),
    );
    assert.ok(!existsSync(join(world, 'module-copr')));
  });
});
