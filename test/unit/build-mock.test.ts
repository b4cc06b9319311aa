import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BACKENDS } from '../../server/src/core/build/backend';
import { mockArgs, mockAvailable, mockBackend, mockChroot, moduleEnableOf, type MockOptions } from '../../server/src/core/build/backends/mock';
import { buildOverlay, type BuildResult } from '../../server/src/core/build/build';
import { compose } from '../../server/src/core/build/compose';
import { makeCtx } from '../../server/src/core/build/context';
import { execute } from '../../server/src/core/build/executor';
import { planOverlay } from '../../server/src/core/build/plan';
import { which } from '../../server/src/core/build/proc';
import { ModuleIndex, readModuleText, streamsOfDocument } from '../../server/src/core/buildroot/index';
import { textReport } from '../../server/src/core/buildroot/report';
import { resolveModule, resolveNonModular } from '../../server/src/core/buildroot/resolve';
import { resolveOverlay } from '../../server/src/core/overlay/resolve';
import { parseYaml } from '../../server/src/core/yaml/parse';
import { accepted, ISOLATION, mockConfig, MOCK_OPTIONS, parseLikeMock, recordedRuns, withFakeMock } from './fake-mock';
import { ROOT } from './helpers';

process.env.GIT_CONFIG_GLOBAL = '/dev/null';
process.env.GIT_CONFIG_NOSYSTEM = '1';
// Decided before any test puts the fake mock on PATH.
const MOCK = mockAvailable() ? which('mock') : null;

const base: MockOptions = {
  chroot: 'fedora-41-x86_64',
  srpm: '/w/build.work/greet/SRPMS/greet-2.0-1.fc41.src.rpm',
  resultdir: '/w/build.work/greet/mock-result',
  dist: '.fc41',
  defines: {},
  with: [],
  without: [],
  repos: [],
  packages: [],
  modules: [],
};

describe('mock backend: the command line mock receives', () => {
  test("a first batch's component: chroot, resultdir, its own root, %{dist}, defines, rpmwith/rpmwithout", () => {
    const args = mockArgs({ ...base, defines: { _smp_mflags: '-j4', snapshot: '' }, with: ['docs'], without: ['check', 'tests-x'], uniqueext: 'gitoverlay-42-greet' });
    assert.deepEqual(args, [
      '-r', 'fedora-41-x86_64',
      '--resultdir', '/w/build.work/greet/mock-result',
      '--uniqueext', 'gitoverlay-42-greet',
      '--cleanup-after',
      '--define', 'dist .fc41',
      '--define', '_smp_mflags -j4',
      '--define', 'snapshot %{nil}',
      '--with', 'docs',
      '--without', 'check',
      '--without', 'tests-x',
      '--rebuild', '/w/build.work/greet/SRPMS/greet-2.0-1.fc41.src.rpm',
    ]); // prettier-ignore
    const { p, macros, opts } = accepted(args);
    assert.deepEqual(macros, {
      '%dist': '.fc41',
      '%_smp_mflags': '-j4',
      '%snapshot': '%{nil}',
      '%_with_docs': '--with-docs',
      '%_without_check': '--without-check',
      '%_without_tests_x': '--without-tests-x',
    });
    assert.deepEqual(opts, {});
    assert.deepEqual(p.values.cleanup_after, ['--cleanup-after']);
    assert.equal(p.values.enable_network, undefined, 'no network in the chroot (mock: rpmbuild_networking False)');
  });

  test('a later batch: the srpmroot repository added, its packages installed', () => {
    const args = mockArgs({ ...base, repos: ['/w/build.work/srpmroot-repo'], packages: ['hello-macros', 'hello-macros-devel'] });
    assert.deepEqual(args.slice(args.indexOf('--addrepo'), -2), ['--addrepo', '/w/build.work/srpmroot-repo', '--additional-package', 'hello-macros', '--additional-package', 'hello-macros-devel']);
    const { p } = accepted(args);
    assert.deepEqual(p.values.repos, ['/w/build.work/srpmroot-repo']);
    assert.deepEqual(p.values.additional_packages, ['hello-macros', 'hello-macros-devel']);
  });

  test("module_enable: a list as mock folds --config-opts (one stream needs the empty second value)", () => {
    const one = mockArgs({ ...base, modules: ['nodejs:20'] });
    assert.deepEqual(one.slice(one.indexOf('--config-opts'), -2), ['--config-opts', 'module_enable=nodejs:20', '--config-opts', 'module_enable=']);
    assert.deepEqual(accepted(one).opts, { module_enable: ['nodejs:20'] });
    const two = mockArgs({ ...base, modules: ['libuv:1', 'nodejs:20'] });
    assert.deepEqual(two.slice(two.indexOf('--config-opts'), -2), ['--config-opts', 'module_enable=libuv:1', '--config-opts', 'module_enable=nodejs:20']);
    assert.deepEqual(accepted(two).opts, { module_enable: ['libuv:1', 'nodejs:20'] });
    // Why the empty value: given once, mock keeps a string, and `['module', 'enable'] + 'nodejs:20'` fails.
    assert.deepEqual(mockConfig(parseLikeMock(['--config-opts', 'module_enable=nodejs:20'], MOCK_OPTIONS), ISOLATION).opts, { module_enable: 'nodejs:20' });
  });

  test('isolation, when asked, is one mock knows; everything together is still accepted', () => {
    const args = mockArgs({ ...base, isolation: 'simple', uniqueext: 'x', defines: { a: 'b c' }, with: ['w'], without: ['o'], repos: ['/r'], packages: ['p'], modules: ['m:1', 'n:2'] });
    assert.deepEqual(accepted(args).p.values.isolation, ['simple']);
    assert.throws(() => mockArgs({ ...base, isolation: 'chroot' as 'simple' }), /--isolation chroot/);
  });

  test('values mock would refuse or misread are refused here', () => {
    assert.throws(() => mockArgs({ ...base, with: ['-x'] }), /--with: "-x"/);
    assert.throws(() => mockArgs({ ...base, defines: { 'bad name': '1' } }), /not a macro name/);
    assert.throws(() => mockArgs({ ...base, modules: ['nodejs'] }), /not name:stream/);
    assert.throws(() => mockArgs({ ...base, uniqueext: 'a/b' }), /--uniqueext/);
    assert.throws(() => mockArgs({ ...base, chroot: '' }), /-r: ""/);
    // What the table itself refuses (a check of the checker).
    assert.throws(() => parseLikeMock(['--with', '-x'], MOCK_OPTIONS), /expected one argument/);
    assert.throws(() => parseLikeMock(['--no-such'], MOCK_OPTIONS), /unrecognized/);
    assert.throws(() => mockConfig(parseLikeMock(['--define', 'lonely'], MOCK_OPTIONS), ISOLATION), /Bad option for '--define'/);
  });

  test('the chroot: fedora-N-<arch> from %{dist}, or the override ($arch, a .cfg beside the overlay)', () => {
    assert.equal(mockChroot('.fc41', 'x86_64'), 'fedora-41-x86_64');
    assert.equal(mockChroot('.fc42', 'aarch64'), 'fedora-42-aarch64');
    assert.equal(mockChroot('.module_f41+20250602150000+0a1b2c3d', 'x86_64'), 'fedora-41-x86_64');
    assert.equal(mockChroot('.fc41', 'x86_64', 'fedora-41-$arch'), 'fedora-41-x86_64');
    assert.equal(mockChroot('.fc41', 'ppc64le', 'centos-stream-9-${arch}'), 'centos-stream-9-ppc64le');
    assert.equal(mockChroot('.fc41', 'x86_64', 'my.cfg', '/w'), '/w/my.cfg');
    assert.equal(mockChroot('.fc41', 'x86_64', '/etc/mock/x.cfg', '/w'), '/etc/mock/x.cfg');
    assert.throws(() => mockChroot('.el9', 'x86_64'), /no mock chroot is known for %\{dist\} \.el9/);
    assert.equal(BACKENDS.mock, mockBackend);
  });
});

// ---- module streams: the buildroot preview and the build use one resolution ----

const mod = (name: string, s: string, req: string): string =>
  `---\ndocument: modulemd\nversion: 2\ndata:\n  name: ${name}\n  stream: "${s}"\n  version: 1\n  context: c1\n  summary: s\n  description: d\n  license: {module: [MIT]}\n  dependencies:\n  - buildrequires: {platform: [f41]}\n    requires: {${req}}\n  artifacts:\n    rpms: [${name}-0:1-1.fc41.noarch]\n...\n`;

describe('mock backend: module streams from the buildroot resolution', () => {
  const idx = new ModuleIndex();
  idx.addFile(readModuleText(mod('nodejs', '20', 'platform: [f41], libuv: [1]') + mod('libuv', '1', 'platform: [f41]') + mod('nodejs', '22', 'platform: [f41]'), 'repo.yaml'));

  test('a module buildrequiring nodejs:20: what `gitoverlay buildroot` lists is what mock enables', () => {
    const subject = `document: modulemd\nversion: 2\ndata:\n  name: app\n  stream: "1"\n  summary: s\n  description: d\n  license: {module: [MIT]}\n  dependencies:\n  - buildrequires: {platform: [f41], nodejs: ["20"]}\n`;
    const r = resolveModule(parseYaml(subject).documents.flatMap((d) => streamsOfDocument(d, 'app.yaml')), idx, { platform: 'f41' });
    assert.deepEqual(r.errors, []);
    const enable = moduleEnableOf(r.expansions[0]);
    assert.deepEqual(enable, ['libuv:1', 'nodejs:20']);
    const listed = [...textReport(r.expansions).matchAll(/^ {4}(\S+):(\S+):\d+:\w+ /gm)].map((m) => `${m[1]}:${m[2]}`).filter((m) => !m.startsWith('platform:'));
    assert.deepEqual(listed, enable);
    assert.deepEqual(accepted(mockArgs({ ...base, modules: enable })).opts, { module_enable: enable });
  });

  test("an overlay: the platform and the default streams the preview shows (none here, so nothing to enable)", () => {
    assert.deepEqual(moduleEnableOf(resolveNonModular(idx, { platform: 'f41' }).expansions[0]), []);
    const withDefault = new ModuleIndex();
    withDefault.merge(idx, false);
    withDefault.addFile(readModuleText('---\ndocument: modulemd-defaults\nversion: 1\ndata:\n  module: nodejs\n  stream: "22"\n...\n', 'defaults.yaml'));
    assert.deepEqual(moduleEnableOf(resolveNonModular(withDefault, { platform: 'f41' }).expansions[0]), ['nodejs:22']);
    assert.ok(!mockArgs(base).includes('--config-opts'));
    // makeCtx's default: the overlay build has no module index, so no module_enable.
    assert.deepEqual(makeCtx({ overlayDir: '/w', cacheDir: '/c', out: '/o', dist: '.fc41', bwrap: null, arch: 'x86_64' }).moduleEnable, []);
  });
});

// ---- the backend itself, through the executor, on the example world ----

const has = (tool: string): boolean => which(tool) !== null;
const missing = ['rpmbuild', 'createrepo_c', 'rpm2archive'].filter((t) => !has(t));
const EXPECTED = ['greet-2.0-1.20250602git70b5d4c.fc41', 'hello-macros-1.0.1-2.20250602gitaef9dcc.fc41', 'tools-1.1.0-2.20250602git314b91e.fc41'];

/** buildOverlay's steps with the mock backend (build.ts picks the backend; this test does not go through it). */
async function buildWorld(world: string, out: string, lines: string[]): Promise<BuildResult> {
  const overlayPath = join(world, 'overlay.yml');
  const overlay = parseYaml(readFileSync(overlayPath, 'utf8')).documents[0].value;
  const cacheDir = join(world, '.gitoverlay', 'mirrors');
  const arch = execFileSync('rpm', ['--eval', '%_arch'], { encoding: 'utf8' }).trim();
  const ctx = makeCtx({ overlayDir: world, cacheDir, out, dist: '.fc41', bwrap: which('bwrap'), arch });
  const resolution = await resolveOverlay(overlayPath, overlay, { allowFile: true, cacheDir, fetch: true });
  const plan = planOverlay(overlayPath, overlay, resolution.components);
  for (const d of [ctx.newDir, ctx.workDir]) {
    rmSync(d, { recursive: true, force: true });
    mkdirSync(d, { recursive: true });
  }
  const progress = (l: string): void => void lines.push(l);
  const executed = await execute(ctx, plan, mockBackend, { jobs: 2, progress, previous: null, partial: null });
  rmSync(ctx.workDir, { recursive: true, force: true });
  return compose(ctx, executed.components, executed.state, progress);
}

describe('mock backend: builds of the example world', () => {
  let world: string;
  before(() => {
    world = join(mkdtempSync(join(tmpdir(), 'go-mock-')), 'world');
    execFileSync(process.execPath, [join(ROOT, 'examples/make-world.mjs'), world], { stdio: 'ignore' });
  });
  after(() => rmSync(join(world, '..'), { recursive: true, force: true }));

  const srpmrootMacro = (out: string): string => {
    const rpm = readdirSync(join(out, 'greet')).find((f) => f.endsWith('.noarch.rpm'))!;
    return execFileSync('tar', ['-xzO', './usr/share/greet/greeting'], { input: execFileSync('rpm2archive', ['-'], { input: readFileSync(join(out, 'greet', rpm)) }), encoding: 'utf8' });
  };

  test('through a stand-in mock (checks its argv against the table): results, logs, srpmroot repository', { skip: missing.length ? `needs ${missing.join(', ')}` : false }, async () => {
    await withFakeMock(async (record) => {
      const out = join(world, 'build-fake');
      const lines: string[] = [];
      const r = await buildWorld(world, out, lines);
      assert.ok(r.ok, JSON.stringify(r.components, null, 1));
      assert.deepEqual(r.components.map((c) => c.nevr).sort(), EXPECTED);
      assert.equal(srpmrootMacro(out), 'Hello\n', "the srpmroot package's macro reached greet's build");
      const runs = recordedRuns(record);
      const of = (name: string): string[] => runs.find((a) => a[a.length - 1].includes(`/${name}-`))!;
      const arch = execFileSync('rpm', ['--eval', '%_arch'], { encoding: 'utf8' }).trim();
      assert.deepEqual(of('hello-macros').slice(0, 2), ['-r', `fedora-41-${arch}`]);
      assert.ok(!of('hello-macros').includes('--addrepo'), 'the first batch has no srpmroot repository');
      for (const name of ['greet', 'tools']) {
        const a = of(name);
        assert.match(a[a.indexOf('--addrepo') + 1], /\/build-fake\.work\/srpmroot-repo$/);
        assert.equal(a[a.indexOf('--additional-package') + 1], 'hello-macros');
        accepted(a);
      }
      const log = readFileSync(r.components.find((c) => c.name === 'greet')!.log!, 'utf8');
      assert.match(log, /backend: mock/);
      assert.match(log, /srpmroot macros loaded \(rpmbuild --load\): \S+macros\.hello/);
      assert.match(log, /\$ \S*mock -r fedora-41-/);
      assert.match(log, /---- mock's build\.log \(rpmbuild in the chroot\) ----\n[\s\S]*Wrote: /);
      assert.match(log, /mock's other logs, beside this one: root\.log, state\.log/);
      assert.ok(existsSync(join(out, 'greet', 'root.log')) && existsSync(join(out, 'greet', 'state.log')));
      assert.ok(lines.some((l) => /srpmroot packages for the next builds: hello-macros \(mock --addrepo /.test(l)), lines.join('\n'));

      // Through buildOverlay (as the CLI and the editor build): the module streams the Buildroot
      // view resolves reach mock's chroot.
      const viaBuild = await buildOverlay(join(world, 'overlay.yml'), parseYaml(readFileSync(join(world, 'overlay.yml'), 'utf8')).documents[0].value, {
        out: join(world, 'build-modules'),
        allowFile: true,
        fetch: false,
        backend: 'mock',
        moduleEnable: ['nodejs:20'],
      });
      assert.ok(viaBuild.ok, JSON.stringify(viaBuild.components));
      const last = recordedRuns(record).pop()!;
      assert.equal(last[last.indexOf('--config-opts') + 1], 'module_enable=nodejs:20');
      accepted(last);

      // mock failing to install the BuildRequires: the component fails, saying so.
      process.env.FAKE_MOCK_EXIT = '30';
      const failed = await buildWorld(world, join(world, 'build-fail'), []);
      assert.ok(!failed.ok);
      assert.match(failed.components[0].error!, /^mock failed \(exit 30: the package manager failed \(BuildRequires or the chroot could not be installed\)\); see root\.log beside this log$/);
    });
  });

  const why = MOCK ? false : 'mock is not installed: the real mock build is not run (mock --help and the chroot build are untested here)';
  if (why) console.log(`build-mock: skipped: ${why}`);
  test('with the real mock: every option of the table is in `mock --help`; the world builds in fedora chroots', { skip: why }, async () => {
    const help = execFileSync(MOCK!, ['--help'], { encoding: 'utf8' });
    for (const o of MOCK_OPTIONS) for (const f of o.flags) assert.ok(new RegExp(`(^|[\\s,])${f}([\\s=,]|$)`, 'm').test(help), `mock --help lacks ${f}`);
    const out = join(world, 'build-mock');
    const lines: string[] = [];
    const r = await buildWorld(world, out, lines);
    console.log(lines.join('\n'));
    assert.ok(r.ok, JSON.stringify(r.components, null, 1));
    assert.deepEqual(r.components.map((c) => c.nevr).sort(), EXPECTED);
    assert.equal(srpmrootMacro(out), 'Hello\n');
    assert.ok(existsSync(join(out, 'greet', 'root.log')));
  });
});
