import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { loadDefaultsDirectory, loadRepository, ModuleIndex } from '../../server/src/core/buildroot/index';
import { checkText } from '../../server/src/core/check/check';
import { ROOT } from './helpers';

/**
 * The oracle: a real repository (rpmbuild, createrepo_c, modifyrepo_c) with modules and defaults,
 * asked of Debian's dnf 4.14 (libdnf 0.69) with a private installroot, config and cache. What dnf
 * shows without enabling anything (non-modular packages + the default streams' packages, with their
 * runtime requirements) must be the engine's non-modular buildroot, name for name, and dnf's [d]
 * streams the engine's merged defaults.
 *
 * How dnf takes defaults, as these set-ups use it: repositories at one priority merge like the files
 * of a defaults directory (higher `modified` wins, equal = conflict, no default); files in
 * <installroot>/etc/dnf/modules.defaults.d/ come at a higher priority and replace, like overrides/.
 */

const TOOLS = ['rpmbuild', 'createrepo_c', 'modifyrepo_c', 'dnf'];
const missing = TOOLS.filter((t) => spawnSync(t, ['--version']).error !== undefined);
const SKIP = missing.length ? `needs ${missing.join(', ')}` : false;
const TIMEOUT = 120_000;
const ENV = { ...process.env, LC_ALL: 'C', LANG: 'C' };

let WORK = '';
let RPMS = '';

function sh(cmd: string, args: string[], cwd = WORK): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: TIMEOUT, env: ENV });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr}${r.error ?? ''}`);
  return r;
}

/** Package -> versions built (all noarch, release 1.fc41). */
const PACKAGES: Record<string, string[]> = {
  basepkg: ['1'],
  make: ['4.4'],
  nodejs: ['16', '18', '20.0', '20.1'],
  npm: ['10'],
  'nodejs-docs': ['20.0'],
  perl: ['5.36', '5.38'],
  'perl-libs': ['5.36'],
  'perl-tools': ['1'],
  cpanminus: ['1.7'],
  meson: ['1.5'],
  ninja: ['1.12'],
};
const nevra = (name: string, version: string): string => `${name}-0:${version}-1.fc41.noarch`;

function buildRpms(): void {
  const top = join(WORK, 'rpmbuild');
  mkdirSync(join(top, 'SPECS'), { recursive: true });
  for (const [name, versions] of Object.entries(PACKAGES)) {
    for (const version of versions) {
      const spec = join(top, 'SPECS', `${name}-${version}.spec`);
      writeFileSync(spec, `Name: ${name}\nVersion: ${version}\nRelease: 1%{?dist}\nSummary: test package\nLicense: MIT\nBuildArch: noarch\n%description\nA test package.\n%files\n`);
      sh('rpmbuild', ['-bb', '--define', `_topdir ${top}`, '--define', 'dist .fc41', spec]);
    }
  }
  RPMS = join(top, 'RPMS', 'noarch');
}

interface Build {
  name: string;
  stream: string;
  version?: string;
  context?: string;
  requires?: Record<string, string>;
  rpms: [string, string][];
}

function streamDoc(b: Build): string {
  const req = { platform: 'f41', ...b.requires };
  return `---
document: modulemd
version: 2
data:
  name: ${b.name}
  stream: "${b.stream}"
  version: ${b.version ?? '1'}
  context: ${b.context ?? 'c0ffee42'}
  arch: noarch
  summary: ${b.name} ${b.stream}
  description: The ${b.name} ${b.stream} module.
  license:
    module: [MIT]
  dependencies:
  - buildrequires: {platform: [f41]}
    requires: {${Object.entries(req).map(([m, s]) => `${m}: ["${s}"]`).join(', ')}}
  profiles:
    default:
      rpms: [${b.rpms[0][0]}]
  artifacts:
    rpms:
${b.rpms.map(([n, v]) => `    - ${nevra(n, v)}\n`).join('')}...
`;
}

function defaultsDoc(module: string, stream: string, modified?: string): string {
  return `---
document: modulemd-defaults
version: 1
data:
  module: ${module}
  stream: "${stream}"
${modified ? `  modified: ${modified}\n` : ''}  profiles:
    "${stream}": [default]
...
`;
}

/** nodejs-16, basepkg, make are non-modular; everything else belongs to a module. */
const BUILDS: Build[] = [
  { name: 'nodejs', stream: '18', rpms: [['nodejs', '18']] },
  { name: 'nodejs', stream: '20', version: '1', rpms: [['nodejs', '20.0'], ['npm', '10']] },
  { name: 'nodejs', stream: '20', version: '2', rpms: [['nodejs', '20.1'], ['npm', '10']] },
  { name: 'perl', stream: '5.36', rpms: [['perl', '5.36'], ['perl-libs', '5.36']] },
  { name: 'perl', stream: '5.38', rpms: [['perl', '5.38']] },
  { name: 'perl-tools', stream: '1', requires: { perl: '5.36' }, rpms: [['perl-tools', '1']] },
  { name: 'cpanminus', stream: '1', requires: { perl: '5.36' }, rpms: [['cpanminus', '1.7']] },
  { name: 'meson', stream: 'latest', requires: { ninja: '1' }, rpms: [['meson', '1.5']] },
  { name: 'ninja', stream: '1', rpms: [['ninja', '1.12']] },
];
const STREAMS = BUILDS.map(streamDoc).join('');
const NON_MODULAR = new Set([nevra('nodejs', '16'), nevra('basepkg', '1'), nevra('make', '4.4')]);

/** Only the last set-up's modules list nodejs-docs; elsewhere it would be one more non-modular package. */
const EXTRA = 'nodejs-docs-';

/**
 * A repository: the built RPMs (`none`, all but nodejs-docs, or `all`), createrepo_c, then the
 * modules YAML added with modifyrepo_c as a compose does.
 */
function repo(name: string, modulesYaml: string | null, rpms: 'none' | 'main' | 'all', compress = 'gz'): string {
  const dir = join(WORK, name);
  mkdirSync(dir, { recursive: true });
  if (rpms !== 'none') for (const f of readdirSync(RPMS)) if (rpms === 'all' || !f.startsWith(EXTRA)) copyFileSync(join(RPMS, f), join(dir, f));
  sh('createrepo_c', ['-q', dir]);
  if (modulesYaml !== null) {
    const file = join(WORK, `${name}-modules.yaml`);
    writeFileSync(file, modulesYaml);
    // The file must be valid for the engine's own checker before dnf sees it.
    const errors = checkText(file, modulesYaml).diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errors.map((d) => d.message), [], `${name}: modules.yaml invalid`);
    sh('modifyrepo_c', ['--mdtype=modules', `--compress-type=${compress}`, file, join(dir, 'repodata')]);
  }
  return dir;
}

interface DnfView {
  defaults: Record<string, string>;
  visible: string[];
}

/** dnf with nothing of the host's: no config, no repos.d, a private installroot and cache, no plugins. */
function askDnf(setup: string, repos: string[], overrides: Record<string, string> = {}): DnfView {
  const base = join(WORK, `dnf-${setup}`);
  const root = join(base, 'root');
  const defaultsD = join(root, 'etc/dnf/modules.defaults.d');
  mkdirSync(defaultsD, { recursive: true });
  for (const [f, text] of Object.entries(overrides)) writeFileSync(join(defaultsD, f), text);
  writeFileSync(join(base, 'dnf.conf'), '[main]\n');
  const args = [
    `--config=${join(base, 'dnf.conf')}`,
    '--noplugins',
    '--releasever=41',
    '--setopt=reposdir=/dev/null',
    ...repos.flatMap((r, i) => [`--repofrompath=r${i},file://${r}`, `--setopt=r${i}.gpgcheck=0`]),
    '--setopt=module_platform_id=platform:f41',
    `--installroot=${root}`,
    `--setopt=cachedir=${join(base, 'cache')}`,
    '--setopt=skip_if_unavailable=False',
    '-y',
    '-q',
  ];
  const list = sh('dnf', [...args, 'module', 'list']).stdout;
  const defaults: Record<string, string> = {};
  for (const line of list.split('\n')) {
    const [name, stream, marks] = line.trim().split(/\s+/);
    if (marks?.startsWith('[') && /\bd\]/.test(marks.replace(/\[/g, ' '))) defaults[name] = stream;
  }
  const names = sh('dnf', [...args, 'repoquery', '--qf', '%{name}']).stdout.split('\n').filter(Boolean);
  return { defaults, visible: [...new Set(names)].sort() };
}

interface EngineView {
  defaults: Record<string, string>;
  rpms: string[];
  reasons: Record<string, string>;
  warnings: string[];
}

/** The engine as the CLI runs it (bin/gitoverlay.js buildroot --json on a spec), plus its merged defaults. */
async function askEngine(repos: string[], defaultsDirs: string[] = []): Promise<EngineView> {
  const spec = join(WORK, 'hello.spec');
  writeFileSync(spec, 'Name: hello\nVersion: 1\nRelease: 1\nSummary: s\nLicense: MIT\n%description\nd\n');
  const args = ['buildroot', '--json', '--platform', 'platform:f41', ...repos.flatMap((r) => ['--repo', r]), ...defaultsDirs.flatMap((d) => ['--defaults', d]), spec];
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/gitoverlay.js'), ...args], { encoding: 'utf8', timeout: TIMEOUT });
  assert.equal(r.status, 0, r.stderr);
  const e = JSON.parse(r.stdout).expansions[0] as { rpms: string[]; modules: { nsvc: string; reason: string }[]; warnings: string[] };
  const index = new ModuleIndex();
  for (const p of repos) index.merge(await loadRepository(p), false);
  for (const d of defaultsDirs) index.merge(await loadDefaultsDirectory(d), true);
  return {
    defaults: Object.fromEntries(index.defaultStreams()),
    rpms: e.rpms,
    reasons: Object.fromEntries(e.modules.map((m) => [m.nsvc.split(':').slice(0, 2).join(':'), m.reason])),
    warnings: e.warnings,
  };
}

function defaultsDir(name: string, files: Record<string, string>): string {
  const dir = join(WORK, name);
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  return dir;
}

describe('buildroot oracle: the non-modular buildroot is what dnf shows', { skip: SKIP }, () => {
  before(() => {
    // Private to this run; left in $TMPDIR so a failing set-up can be replayed by hand.
    WORK = mkdtempSync(join(tmpdir(), 'gitoverlay-dnf-oracle-'));
    buildRpms();
  });

  test('the artifacts name real packages: the repository holds every NEVRA the modules list', async () => {
    const dir = repo('check', STREAMS, 'main');
    const idx = await loadRepository(dir);
    assert.deepEqual(idx.nonModularRpms(), ['basepkg', 'make', 'nodejs']);
    const listed = new Set(BUILDS.flatMap((b) => b.rpms.map(([n, v]) => nevra(n, v))));
    for (const [name, versions] of Object.entries(PACKAGES)) for (const v of versions) if (name !== 'nodejs-docs') assert.ok(listed.has(nevra(name, v)) || NON_MODULAR.has(nevra(name, v)), nevra(name, v));
  });

  test('no defaults: only the non-modular packages', async () => {
    const dir = repo('nodefaults', STREAMS, 'main');
    const dnf = askDnf('nodefaults', [dir]);
    const ours = await askEngine([dir]);
    assert.deepEqual(dnf.defaults, {});
    assert.deepEqual(ours.defaults, dnf.defaults);
    assert.deepEqual(dnf.visible, ['basepkg', 'make', 'nodejs']);
    assert.deepEqual(ours.rpms, dnf.visible);
  });

  test("defaults in the repository's modules.yaml (xz): nodejs:18 and meson:latest, which pulls ninja:1", async () => {
    const dir = repo('repodefaults', STREAMS + defaultsDoc('nodejs', '18') + defaultsDoc('meson', 'latest'), 'main', 'xz');
    const dnf = askDnf('repodefaults', [dir]);
    const ours = await askEngine([dir]);
    assert.deepEqual(dnf.defaults, { meson: 'latest', nodejs: '18' });
    assert.deepEqual(ours.defaults, dnf.defaults);
    assert.deepEqual(dnf.visible, ['basepkg', 'make', 'meson', 'ninja', 'nodejs']);
    assert.deepEqual(ours.rpms, dnf.visible);
    assert.equal(ours.reasons['ninja:1'], 'runtime requirement of meson:latest');
  });

  test('a defaults directory: base files merge by modified, overrides/ replaces (nodejs:18 -> 20 at a lower modified)', async () => {
    const files = {
      'nodejs.yaml': defaultsDoc('nodejs', '18', '202401010000'),
      'perl.yaml': defaultsDoc('perl', '5.36', '202301010000'),
      'perl-newer.yaml': defaultsDoc('perl', '5.38', '202401010000'),
      'overrides/nodejs.yaml': defaultsDoc('nodejs', '20', '202001010000'),
    };
    const dir = defaultsDir('defaults-overrides', files);
    const packages = repo('dir-packages', STREAMS, 'main');
    // dnf: each base file a repository of its own (same priority: merged), overrides/ in modules.defaults.d (higher priority: replaces).
    const baseRepos = ['nodejs.yaml', 'perl.yaml', 'perl-newer.yaml'].map((f, i) => repo(`dir-defaults-${i}`, files[f as keyof typeof files], 'none'));
    const dnf = askDnf('dir', [packages, ...baseRepos], { 'nodejs.yaml': files['overrides/nodejs.yaml'] });
    const ours = await askEngine([packages], [dir]);
    assert.deepEqual(dnf.defaults, { nodejs: '20', perl: '5.38' });
    assert.deepEqual(ours.defaults, dnf.defaults);
    assert.deepEqual(dnf.visible, ['basepkg', 'make', 'nodejs', 'npm', 'perl']);
    assert.deepEqual(ours.rpms, dnf.visible);
  });

  test('equal modified, different default streams: no default at all (perl), the other module unaffected', async () => {
    const files = {
      'a.yaml': defaultsDoc('perl', '5.36', '202401010000'),
      'b.yaml': defaultsDoc('perl', '5.38', '202401010000') + defaultsDoc('nodejs', '20', '202401010000'),
    };
    const dir = defaultsDir('defaults-conflict', files);
    const packages = repo('conflict-packages', STREAMS, 'main');
    const dnf = askDnf('conflict', [packages, repo('conflict-a', files['a.yaml'], 'none'), repo('conflict-b', files['b.yaml'], 'none')]);
    const ours = await askEngine([packages], [dir]);
    assert.deepEqual(dnf.defaults, { nodejs: '20' });
    assert.deepEqual(ours.defaults, dnf.defaults);
    assert.deepEqual(dnf.visible, ['basepkg', 'make', 'nodejs', 'npm']);
    assert.deepEqual(ours.rpms, dnf.visible);
  });

  test('defaults join in name order: an earlier default\'s requirement beats a later default (cpanminus:1 needs perl:5.36, perl defaults to 5.38)', async () => {
    const dir = repo('reqfirst', STREAMS + defaultsDoc('perl', '5.38') + defaultsDoc('cpanminus', '1'), 'main');
    const dnf = askDnf('reqfirst', [dir]);
    const ours = await askEngine([dir]);
    assert.deepEqual(dnf.defaults, { cpanminus: '1', perl: '5.38' });
    assert.deepEqual(ours.defaults, dnf.defaults);
    // perl-libs is only in perl:5.36: its presence shows which perl stream dnf enabled.
    assert.deepEqual(dnf.visible, ['basepkg', 'cpanminus', 'make', 'nodejs', 'perl', 'perl-libs']);
    assert.deepEqual(ours.rpms, dnf.visible);
    assert.equal(ours.reasons['perl:5.36'], 'runtime requirement of cpanminus:1');
  });

  test('...and a later default that conflicts with an earlier one is left out whole (perl-tools:1 after perl:5.38)', async () => {
    const dir = repo('reqlater', STREAMS + defaultsDoc('perl', '5.38') + defaultsDoc('perl-tools', '1'), 'main');
    const dnf = askDnf('reqlater', [dir]);
    const ours = await askEngine([dir]);
    assert.deepEqual(dnf.defaults, { perl: '5.38', 'perl-tools': '1' });
    assert.deepEqual(ours.defaults, dnf.defaults);
    assert.deepEqual(dnf.visible, ['basepkg', 'make', 'nodejs', 'perl']);
    assert.deepEqual(ours.rpms, dnf.visible);
    assert.ok(ours.warnings.includes('default stream perl-tools:1 left out: perl-tools:1 has no usable build (contexts: c0ffee42): c0ffee42 requires perl:[5.36] but perl:5.38 is in the buildroot'), ours.warnings.join('\n'));
  });

  test('documented difference: dnf also shows packages only an older version of the default stream had', async () => {
    // nodejs:20 version 1 ships nodejs-docs, version 2 does not. A buildroot holds one build (MBS/Koji:
    // the newest usable one), dnf makes every version of the enabled stream available.
    const docs = BUILDS.map((b) => (b.name === 'nodejs' && b.version === '1' ? { ...b, rpms: [...b.rpms, ['nodejs-docs', '20.0'] as [string, string]] } : b));
    const dir = repo('olderversion', docs.map(streamDoc).join('') + defaultsDoc('nodejs', '20'), 'all');
    const dnf = askDnf('olderversion', [dir]);
    const ours = await askEngine([dir]);
    assert.deepEqual(ours.defaults, dnf.defaults);
    assert.deepEqual(ours.rpms, ['basepkg', 'make', 'nodejs', 'npm']);
    assert.deepEqual(dnf.visible, ['basepkg', 'make', 'nodejs', 'nodejs-docs', 'npm']);
  });
});
