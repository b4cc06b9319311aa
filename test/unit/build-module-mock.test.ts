import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

describe('gitoverlay build reads module metadata as gitoverlay buildroot does (--repo, --defaults)', () => {
  let world: string;
  let repo: string;
  before(() => {
    world = join(mkdtempSync(join(tmpdir(), 'go-build-repo-')), 'world');
    execFileSync(process.execPath, [join(ROOT, 'examples/make-world.mjs'), world], { stdio: 'ignore' });
    // nodejs:20 built on f41, and the default stream: the overlay's buildroot has it (Ursa Prime).
    repo = join(world, 'modules.yaml');
    writeFileSync(
      repo,
      '---\ndocument: modulemd\nversion: 2\ndata:\n  name: nodejs\n  stream: "20"\n  version: 4120240901080000\n  context: 9edba152\n  summary: s\n  description: d\n  license:\n    module: [MIT]\n  dependencies:\n    - buildrequires:\n        platform: [f41]\n      requires:\n        platform: [f41]\n...\n' +
        '---\ndocument: modulemd-defaults\nversion: 1\ndata:\n  module: nodejs\n  stream: "20"\n...\n',
    );
  });
  after(() => rmSync(join(world, '..'), { recursive: true, force: true }));
  const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/gitoverlay.js'), ...args], { encoding: 'utf8' });

  test("an overlay: mock's chroots get the streams its buildroot resolves to, as in the editor", { skip: missing.length ? `needs ${missing.join(', ')}` : false }, async () => {
    await withFakeMock(async (record) => {
      const r = cli('build', '--backend', 'mock', '--repo', repo, '--offline', '--out', join(world, 'out-overlay'), join(world, 'overlay.yml'));
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /^module streams of the buildroot \(enabled in mock's chroots\): nodejs:20$/m);
      const runs = recordedRuns(record);
      assert.ok(runs.length >= 3);
      for (const a of runs) assert.deepEqual(accepted(a).opts.module_enable, ['nodejs:20']);
    });
  });

  test('a module document buildrequiring nodejs resolves against the repository (and not without it)', { skip: missing.length ? `needs ${missing.join(', ')}` : false }, async () => {
    const doc = readFileSync(join(world, 'motd-module.yaml'), 'utf8').replace('        platform: [f41]\n      requires:', '        platform: [f41]\n        nodejs: ["20"]\n      requires:');
    writeFileSync(join(world, 'node-module.yaml'), doc);
    const without = cli('build', '--backend', 'local', '--offline', '--out', join(world, 'out-none'), join(world, 'node-module.yaml'));
    assert.equal(without.status, 2);
    assert.match(without.stderr, /cannot resolve the module's buildrequires: .*nodejs/);
    await withFakeMock(async (record) => {
      const r = cli('build', '--backend', 'mock', '--repo', repo, '--offline', '--out', join(world, 'out-module'), join(world, 'node-module.yaml'));
      assert.equal(r.status, 0, r.stderr);
      for (const a of recordedRuns(record)) assert.deepEqual(accepted(a).opts.module_enable, ['nodejs:20']);
      const modules = execFileSync('gzip', ['-dc', join(world, 'out-module', 'repodata', readdirSync(join(world, 'out-module', 'repodata')).find((f) => f.endsWith('modules.yaml.gz'))!)], { encoding: 'utf8' });
      assert.match(modules, /nodejs:\n\s+context: 9edba152[\s\S]*stream: "?20"?/);
    });
  });
});
