import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setSpawnLogger } from '../../server/src/core/git/exec';
import { resolveOverlay, type OverlayResolution, type ResolvedComponent, type ResolveOptions } from '../../server/src/core/overlay/resolve';
import { addSnapinfo, setSetupDir } from '../../server/src/core/overlay/spec-rewrite';
import { checkRemote, redact } from '../../server/src/core/overlay/url';
import { parseYaml } from '../../server/src/core/yaml/parse';
import { ROOT } from './helpers';

// The resolver's own git processes must not read the machine's git configuration either.
process.env.GIT_CONFIG_GLOBAL = '/dev/null';
process.env.GIT_CONFIG_NOSYSTEM = '1';

/** Mon Jun 02 2025 00:00:00 UTC: every commit is a fixed number of hours after it. */
const T0 = 1748822400;
const HOUR = 3600;

class Repo {
  constructor(readonly dir: string) {}

  static init(dir: string, branch = 'master'): Repo {
    mkdirSync(dir, { recursive: true });
    const r = new Repo(dir);
    r.git('init', '-q', '-b', branch);
    r.git('config', 'user.name', 'Tess Ter');
    r.git('config', 'user.email', 'tess@example.com');
    return r;
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, env: process.env, encoding: 'utf8' }).trim();
  }

  /** Commits `files` at T0 + `hours`; returns the commit id. */
  commit(message: string, files: Record<string, string>, hours: number): string {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(this.dir, name, '..'), { recursive: true });
      writeFileSync(join(this.dir, name), text);
    }
    this.git('add', '-A');
    const date = `@${T0 + hours * HOUR} +0000`;
    execFileSync('git', ['commit', '-q', '--allow-empty', '-m', message], {
      cwd: this.dir,
      env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    });
    return this.git('rev-parse', 'HEAD');
  }
}

const FOO_SPEC = `%global commit 0123456789abcdef0123456789abcdef01234567
Name: foo
Version: 1.0
Release: %autorelease
Summary: Foo
License: MIT
Source0: https://example.org/foo-%{version}.tar.gz
Patch0: fix-build.patch

%description
Foo.

%prep
%autosetup -p1 -n foo-%{version}

%build

%files

%changelog
%autochangelog
`;

const BAR_SPEC = `Name: bar
Version: 2.0
Release: 1%{?dist}
Summary: Bar
License: MIT
Source: https://example.org/bar-%{version}.tar.gz
Patch0: one.patch
Patch1: two.patch

%description
Bar.

%prep
%setup -qn bar-%{version}
%patch0 -p1
%patch -P1 -p1

%files

%changelog
* Mon Jun 02 2025 Tess Ter <tess@example.com> - 2.0-1
- Initial
`;

const BAZ_SPEC = `Name: baz
Epoch: 2
Version: 0.1
Release: 1%{?dist}
Summary: Baz
License: MIT
Source0: baz.tar.gz

%description
Baz.

%prep
%setup -q

%files
`;

const QUX_SPEC = `Name: qux
Version: 0
Release: 1%{?dist}
Summary: Qux
License: MIT
Source0: qux.tar.gz

%description
Qux.

%prep
%setup -q

%files
`;

/** Upstream and dist-git repositories, made once for the file; every test resolves in its own work dir. */
function makeRepos() {
  const root = mkdtempSync(join(tmpdir(), 'gitoverlay-resolve-repos-'));
  // upstream foo: v1.2, then five commits on master; `stable` branches off after two of them.
  const foo = Repo.init(join(root, 'upstream/foo'));
  const fooC: string[] = [foo.commit('Release 1.2', { 'main.c': 'v1.2\n' }, 0)];
  foo.git('tag', 'v1.2');
  for (let i = 1; i <= 5; i++) {
    fooC.push(foo.commit(`Change ${i}`, { 'main.c': `change ${i}\n` }, i));
    if (i === 2) foo.git('branch', 'stable');
  }
  // upstream bar: tag `bar-2.0`, three commits later.
  const bar = Repo.init(join(root, 'upstream/bar'));
  bar.commit('Import', { 'bar.c': '0\n' }, 0);
  bar.git('tag', 'bar-2.0');
  let barHead = '';
  for (let i = 1; i <= 3; i++) barHead = bar.commit(`Bar ${i}`, { 'bar.c': `${i}\n` }, 10 + i);
  // upstream baz: never tagged.
  const baz = Repo.init(join(root, 'upstream/baz'));
  baz.commit('First', { 'baz.c': '1\n' }, 20);
  const bazHead = baz.commit('Second', { 'baz.c': '2\n' }, 21);
  // upstream qux: default branch `main`, its own spec (for `spec: internal`), no `master`.
  const qux = Repo.init(join(root, 'upstream/qux'), 'main');
  qux.commit('Add code', { 'qux.c': '1\n', 'doc/other.spec': 'Name: other\n' }, 30);
  const quxHead = qux.commit('Add spec', { 'packaging/qux.spec': QUX_SPEC }, 31);

  // dist-git foo: %autorelease/%autochangelog, three commits at Version 1.0 → release 3.
  const dfoo = Repo.init(join(root, 'rpms/foo'));
  dfoo.commit('Initial import', { 'foo.spec': FOO_SPEC }, 40);
  dfoo.commit('Add sources', { sources: 'SHA512 (foo-1.0.tar.gz) = 00\n' }, 41);
  const dfooHead = dfoo.commit('Rebuild\n\n- Rebuilt for the new toolchain', { 'foo.spec': FOO_SPEC.replace('Summary: Foo', 'Summary: The foo') }, 42);
  // dist-git bar: literal Release, tagged f40 one commit back → describe `f40-1-g<sha>`.
  const dbar = Repo.init(join(root, 'rpms/bar'));
  dbar.commit('Initial import', { 'bar.spec': BAR_SPEC }, 50);
  dbar.git('tag', 'f40');
  const dbarHead = dbar.commit('Fix summary', { 'bar.spec': BAR_SPEC.replace('Summary: Bar', 'Summary: The bar') }, 51);
  // dist-git baz: literal Release and an Epoch, untagged.
  const dbaz = Repo.init(join(root, 'rpms/baz'));
  const dbazHead = dbaz.commit('Initial import', { 'baz.spec': BAZ_SPEC }, 60);
  return { root, foo, fooC, bar, barHead, bazHead, quxHead, dfoo, dfooHead, dbar, dbarHead, dbazHead };
}

const R = makeRepos();

function overlayText(components: string): string {
  return `aliases:
  - name: up
    url: file://${R.root}/upstream/
  - name: pkgs
    url: file://${R.root}/rpms/
distgit:
  prefix: pkgs
  branch: master
root:
  mock: fedora-42-$arch
components:
${components}`;
}

/** A work directory holding overlay.yml (and, after a resolution, .gitoverlay/). */
function workdir(components: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gitoverlay-resolve-work-'));
  writeFileSync(join(dir, 'overlay.yml'), overlayText(components));
  return dir;
}

async function resolveIn(dir: string, options: ResolveOptions = { allowFile: true }): Promise<OverlayResolution> {
  const path = join(dir, 'overlay.yml');
  const value = parseYaml(readFileSync(path, 'utf8')).documents[0].value;
  return resolveOverlay(path, value, options);
}

function byName(r: OverlayResolution, name: string): ResolvedComponent {
  const c = r.components.find((x) => x.name === name);
  assert.ok(c, `no component ${name}`);
  return c;
}

function ok(r: OverlayResolution, name: string): ResolvedComponent {
  const c = byName(r, name);
  assert.equal(c.error, undefined, `${name}: ${c.error}`);
  return c;
}

const snap = (sha: string, hours: number): string => {
  const d = new Date((T0 + hours * HOUR) * 1000);
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}git${sha.slice(0, 7)}`;
};

describe('overlay resolution: refs and versions', () => {
  test('freeze > branch > tag; master when there is neither; Version from git describe', async () => {
    const dir = workdir(`  - src: up:foo
  - src: up:foo
    name: foo-branch
    branch: stable
    tag: v1.2
    distgit: foo
  - src: up:foo
    name: foo-freeze
    freeze: ${R.fooC[1]}
    branch: stable
    tag: v1.2
    distgit: foo
  - src: up:foo
    name: foo-tag
    tag: v1.2
    distgit: foo
`);
    const r = await resolveIn(dir);
    const foo = ok(r, 'foo');
    assert.deepEqual(foo.upstream, { url: `file://${R.root}/upstream/foo`, ref: 'master', commit: R.fooC[5], describe: `v1.2-5-g${R.fooC[5]}` });
    assert.deepEqual(foo.distgit, { url: `file://${R.root}/rpms/foo`, ref: 'master', commit: R.dfooHead });
    assert.equal(foo.version, '1.2.5');

    const branch = ok(r, 'foo-branch');
    assert.deepEqual([branch.upstream!.ref, branch.upstream!.commit, branch.version], ['stable', R.fooC[2], '1.2.2']);
    const freeze = ok(r, 'foo-freeze');
    assert.deepEqual([freeze.upstream!.ref, freeze.upstream!.commit, freeze.version], [R.fooC[1], R.fooC[1], '1.2.1']);
    const tag = ok(r, 'foo-tag');
    assert.deepEqual([tag.upstream!.ref, tag.upstream!.commit, tag.version], ['v1.2', R.fooC[0], '1.2.0']);
    for (const c of r.components) assert.deepEqual(c.warnings, [], c.name);
  });

  test('<pkgname>- prefix stripped (bar-2.0 + 3 → 2.0.3), untagged → 0, override-version wins', async () => {
    const dir = workdir(`  - src: up:bar
  - src: up:baz
  - src: up:foo
    name: foo-override
    override-version: "9.9"
    distgit: foo
`);
    const r = await resolveIn(dir);
    const bar = ok(r, 'bar');
    assert.equal(bar.upstream!.describe, `bar-2.0-3-g${R.barHead}`);
    assert.equal(bar.version, '2.0.3');
    const baz = ok(r, 'baz');
    assert.equal(baz.upstream!.describe, R.bazHead);
    assert.equal(baz.version, '0');
    assert.equal(ok(r, 'foo-override').version, '9.9');
  });

  test("rdgo's implicit master falls back to the default branch with a warning; spec: internal reads the upstream tree", async () => {
    const dir = workdir('  - src: up:qux\n    spec: internal\n');
    const qux = ok(await resolveIn(dir), 'qux');
    assert.equal(qux.upstream!.ref, 'main');
    assert.equal(qux.upstream!.commit, R.quxHead);
    assert.equal(qux.distgit, null);
    assert.match(qux.warnings.join('\n'), /no branch 'master' \(rdgo's default\); used its default branch 'main'/);
    // Two spec files: the one named after the component, whatever its depth.
    assert.match(qux.warnings.join('\n'), /2 spec files; using packaging\/qux\.spec/);
    // No dist-git: the release is the upstream commit alone.
    assert.equal(qux.release, R.quxHead);
    assert.equal(qux.nevr, `qux-0-${R.quxHead}`);
    assert.match(qux.spec, new RegExp(`^Release: ${R.quxHead}%\\{\\?dist\\}$`, 'm'));
  });
});

describe('overlay resolution: Release and the rewritten spec', () => {
  test('%autorelease: <N>.<date>git<sha7>, %autorelease -s in the spec, %autochangelog expanded', async () => {
    const r = await resolveIn(workdir('  - src: up:foo\n'));
    const foo = ok(r, 'foo');
    const head = R.fooC[5];
    const s = snap(head, 5);
    assert.equal(s, `20250602git${head.slice(0, 7)}`);
    assert.equal(foo.release, `3.${s}`);
    assert.equal(foo.nevr, `foo-1.2.5-3.${s}`);
    const desc = `v1.2-5-${head}`;
    const spec = foo.spec;
    assert.match(spec, /^# NOTE: generated by gitoverlay resolve/);
    assert.match(spec, /## START: Set by rpmautospec\n.*\n## RPMAUTOSPEC: autorelease, autochangelog\n%define autorelease\(e:s:pb:n\)/);
    assert.match(spec, /release_number = 3;/);
    assert.ok(spec.includes(`\nRelease: %autorelease -s ${s}\n`), spec);
    assert.ok(spec.includes(`\nVersion: 1.2.5\n`));
    assert.ok(spec.includes(`\nSource0: foo-${desc}.tar.gz\n`));
    assert.ok(spec.includes(`\n%global commit ${head}\n`));
    assert.ok(spec.includes(`\n%autosetup -p1 -n foo-${desc}\n`));
    // patches: keep (the default) leaves Patch0 alone.
    assert.ok(spec.includes('\nPatch0: fix-build.patch\n'));
    // The dist-git history becomes the changelog.
    assert.ok(
      spec.endsWith(
        '%changelog\n## START: Generated by rpmautospec\n' +
          '* Tue Jun 03 2025 Tess Ter <tess@example.com> - 1.0-3\n- Rebuild\n- Rebuilt for the new toolchain\n\n' +
          '* Tue Jun 03 2025 Tess Ter <tess@example.com> - 1.0-2\n- Add sources\n\n' +
          '* Tue Jun 03 2025 Tess Ter <tess@example.com> - 1.0-1\n- Initial import\n' +
          '## END: Generated by rpmautospec\n',
      ),
      spec,
    );
  });

  test("literal Release: rdgo's <upstream sha>.<dist-git describe>, Source/Version/%setup -n, patches: drop, %changelog gone", async () => {
    const r = await resolveIn(workdir('  - src: up:bar\n    distgit:\n      patches: drop\n  - src: up:baz\n'));
    const bar = ok(r, 'bar');
    const release = `${R.barHead}.f40.1.${R.dbarHead}`;
    assert.equal(bar.release, release);
    assert.equal(bar.nevr, `bar-2.0.3-${release}`);
    const desc = `bar-2.0-3-${R.barHead}`;
    assert.equal(
      bar.spec,
      `# NOTE: generated by gitoverlay resolve from upstream ${R.barHead}, dist-git ${R.dbarHead}; DO NOT EDIT
Name: bar
Version: 2.0.3
Release: ${release}%{?dist}
Summary: The bar
License: MIT
Source: bar-${desc}.tar.gz

%description
Bar.

%prep
%setup -q -n bar-${desc}

%files

`,
    );

    const baz = ok(r, 'baz');
    assert.equal(baz.release, `${R.bazHead}.${R.dbazHead}`);
    // The Epoch comes from the spec.
    assert.equal(baz.nevr, `baz-2:0-${R.bazHead}.${R.dbazHead}`);
    assert.ok(baz.spec.includes(`\n%setup -q -n baz-${R.bazHead}\n`));
    assert.ok(baz.spec.includes(`\nSource0: baz-${R.bazHead}.tar.gz\n`));
  });

  test('dist-git only: the spec keeps its Version; %autorelease gets no snapshot', async () => {
    const r = await resolveIn(workdir('  - distgit: foo\n    name: foo-dg\n'));
    const c = ok(r, 'foo-dg');
    assert.equal(c.upstream, null);
    assert.equal(c.distgit!.commit, R.dfooHead);
    assert.deepEqual([c.version, c.release, c.nevr], ['1.0', '3', 'foo-1.0-3']);
    assert.ok(c.spec.includes('\nRelease: %autorelease\n'));
    assert.ok(c.spec.includes('\nSource0: https://example.org/foo-%{version}.tar.gz\n'));
  });

  test('spec edits: -n inside option bundles, -s replaced in every %autorelease form', () => {
    assert.equal(setSetupDir('%setup -qn foo-1.0', 'x'), '%setup -q -n x');
    assert.equal(setSetupDir('  %autosetup -n%{name} -p1 -S git', 'x'), '  %autosetup -p1 -S git -n x');
    assert.equal(setSetupDir('%setup -T -a 1 -D', 'x'), '%setup -T -a 1 -D -n x');
    assert.equal(addSnapinfo('%autorelease', 'S'), '%autorelease -s S');
    assert.equal(addSnapinfo('%autorelease -b 5 -s old', 'S'), '%autorelease -b 5 -s S');
    assert.equal(addSnapinfo('%{?autorelease}', 'S'), '%{autorelease -s S}');
    assert.equal(addSnapinfo('%{autorelease -p -e rc1}', 'S'), '%{autorelease -p -e rc1 -s S}');
  });
});

describe('overlay resolution: state, fetching, failures', () => {
  test('a NEVR that goes backwards (freeze to an older commit) warns against the previous resolution', async () => {
    const dir = workdir('  - src: up:foo\n');
    const first = ok(await resolveIn(dir), 'foo');
    assert.deepEqual(first.warnings, []);
    const state = JSON.parse(readFileSync(join(dir, '.gitoverlay/resolved.json'), 'utf8')) as { components: Record<string, { nevr: string; upstream: string }> };
    assert.equal(state.components.foo.nevr, first.nevr);
    assert.equal(state.components.foo.upstream, R.fooC[5]);

    // Same commits again: no warning.
    assert.deepEqual(ok(await resolveIn(dir), 'foo').warnings, []);

    writeFileSync(join(dir, 'overlay.yml'), overlayText(`  - src: up:foo\n    freeze: ${R.fooC[1]}\n`));
    const back = ok(await resolveIn(dir), 'foo');
    assert.equal(back.version, '1.2.1');
    assert.deepEqual(back.warnings, [`${back.nevr} sorts below the previous resolution's ${first.nevr}: systems that installed that build will not update to this one`]);
  });

  test('mirrors are fetched only when asked or when the wanted ref is missing', async () => {
    const up = Repo.init(join(mkdtempSync(join(tmpdir(), 'gitoverlay-resolve-fetch-')), 'foo'));
    const c1 = up.commit('One', { a: '1' }, 70);
    const dir = mkdtempSync(join(tmpdir(), 'gitoverlay-resolve-work-'));
    const write = (extra = ''): void =>
      writeFileSync(join(dir, 'overlay.yml'), overlayText(`  - src: file://${up.dir}\n    distgit:\n      src: pkgs:baz\n${extra}`));
    write();
    assert.equal(ok(await resolveIn(dir), 'foo').upstream!.commit, c1);
    assert.ok(existsSync(join(dir, '.gitoverlay/mirrors/file', up.dir.slice(1) + '.git', 'HEAD')));

    const c2 = up.commit('Two', { a: '2' }, 71);
    // The mirror has master: no fetch, the old commit.
    assert.equal(ok(await resolveIn(dir), 'foo').upstream!.commit, c1);
    // Asked to fetch (the whole overlay or this component): the new one.
    assert.equal(ok(await resolveIn(dir, { allowFile: true, fetch: ['foo'] }), 'foo').upstream!.commit, c2);

    const c3 = up.commit('Three', { a: '3' }, 72);
    // A commit the mirror does not have yet is fetched without asking.
    write(`    freeze: ${c3}\n`);
    assert.equal(ok(await resolveIn(dir), 'foo').upstream!.commit, c3);
  });

  test('per-component failures (unknown ref, missing spec) leave the other components resolved', async () => {
    const r = await resolveIn(
      workdir(`  - src: up:foo
    name: foo-nobranch
    branch: nosuch
    distgit: foo
  - src: up:foo
    name: foo-nospec
    distgit:
      name: bar
      src: up:baz
  - src: up:bar
`),
    );
    assert.match(byName(r, 'foo-nobranch').error!, /^upstream: unknown branch 'nosuch' in file:\/\/.*\/upstream\/foo$/);
    assert.match(byName(r, 'foo-nospec').error!, /^dist-git has no bar\.spec at [0-9a-f]{7}$/);
    ok(r, 'bar');
  });
});

describe('overlay resolution: what an overlay may not do', () => {
  test('ext:: and fd:: transports, option-like refs and (by default) file:// are refused before git runs', async () => {
    const pwned = '/tmp/pwned';
    const existed = existsSync(pwned);
    const commands: string[] = [];
    setSpawnLogger((cmd, args) => commands.push([cmd, ...args].join(' ')));
    try {
      const dir = workdir(`  - src: "ext::sh -c touch%20/tmp/pwned"
    name: ext
    distgit: foo
  - src: "fd::17"
    name: fd
    distgit: foo
  - src: up:foo
    name: option-ref
    branch: "--upload-pack=x"
    distgit: foo
  - src: up:foo
    name: option-freeze
    distgit:
      name: foo
      freeze: "-c"
  - src: "-oProxyCommand=x"
    name: option-url
    distgit: foo
  - src: nosuchalias:foo
    name: no-alias
    distgit: foo
`);
      const r = await resolveIn(dir);
      assert.match(byName(r, 'ext').error!, /uses the 'ext::' transport form/);
      assert.match(byName(r, 'fd').error!, /uses the 'fd::' transport form/);
      assert.equal(byName(r, 'option-ref').error, "upstream branch '--upload-pack=x' starts with '-' (it would be read as an option)");
      assert.equal(byName(r, 'option-freeze').error, "dist-git freeze '-c' starts with '-' (it would be read as an option)");
      assert.match(byName(r, 'option-url').error!, /starts with '-'/);
      // Not an ssh connection to a host called `nosuchalias`.
      assert.match(byName(r, 'no-alias').error!, /^alias 'nosuchalias' is not defined under 'aliases'/);
      if (!existed) assert.equal(existsSync(pwned), false);
      assert.ok(!commands.some((c) => c.includes('ext::') || c.includes('fd::') || c.includes('--upload-pack') || c.includes('ProxyCommand')), commands.join('\n'));

      // The editor's default: no local repositories at all.
      const local = await resolveIn(workdir('  - src: up:foo\n  - src: /etc\n    name: etc\n    distgit: foo\n'), {});
      assert.match(byName(local, 'foo').error!, /^file URL 'file:\/\/.*\/upstream\/foo' refused: local repositories are read only when allowed/);
      assert.match(byName(local, 'etc').error!, /^local path '\/etc' refused/);
    } finally {
      setSpawnLogger(undefined);
    }
  });

  test('credentials in a URL reach the server but never an error, a warning, the output or a logged command line', async () => {
    // A server that asks for Basic auth and then says "not found": what git sent is recorded.
    const auth: string[] = [];
    const server = createServer((req, res) => {
      if (req.headers.authorization) {
        auth.push(Buffer.from(req.headers.authorization.replace(/^Basic /, ''), 'base64').toString());
        res.writeHead(404).end();
      } else res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as AddressInfo).port;
    const commands: string[] = [];
    setSpawnLogger((cmd, args, cwd) => commands.push([cmd, ...args, cwd ?? ''].join(' ')));
    try {
      const dir = workdir(`  - src: "http://user:secret@127.0.0.1:${port}/group/foo.git"
    distgit: foo
  - src: up:foo
    name: foo-private-distgit
    distgit:
      name: foo
      src: "https://token-secret@127.0.0.1:1/rpms/foo.git"
`);
      const r = await resolveIn(dir);
      const foo = byName(r, 'foo');
      assert.ok(foo.error, 'the clone cannot succeed');
      // git had the credentials (given out of band, not on its command line).
      assert.deepEqual(auth, ['user:secret']);
      assert.ok(byName(r, 'foo-private-distgit').error);
      const everything = JSON.stringify(r);
      assert.ok(!everything.includes('secret'), everything);
      assert.ok(commands.length > 0);
      assert.ok(!commands.some((c) => c.includes('secret')), commands.join('\n'));
      // The URL is still recognisable, credentials masked.
      assert.match(foo.error!, new RegExp(`http://(\\*\\*\\*@)?127\\.0\\.0\\.1:${port}/group/foo\\.git`));
      // No credential lands in the mirror cache's paths either.
      const cache = join(dir, '.gitoverlay/mirrors');
      const walk = (d: string): string[] => (existsSync(d) ? readdirSync(d, { withFileTypes: true }).flatMap((e) => [e.name, ...(e.isDirectory() ? walk(join(d, e.name)) : [])]) : []);
      assert.ok(!walk(cache).some((n) => n.includes('secret')));
    } finally {
      setSpawnLogger(undefined);
      server.close();
    }
  });
});

describe('overlay URLs', () => {
  const net = (url: string) => checkRemote(url, { allowFile: false, baseDir: '/work' });

  test('mirror directories: <host>/<path>.git, never outside the cache, never with credentials', () => {
    assert.equal(net('https://Example.org:8443/group/proj').mirrorKey, 'example.org_8443/group/proj.git');
    assert.equal(net('https://example.org/group/proj.git').mirrorKey, 'example.org/group/proj.git');
    assert.equal(net('git@github.com:coreos/etcd').mirrorKey, 'github.com/coreos/etcd.git');
    assert.equal(net('https://h/../../etc/./passwd').mirrorKey, 'h/etc/passwd.git');
    const creds = net('https://user:pw%40x@example.org/p.git');
    assert.deepEqual([creds.url, creds.display, creds.mirrorKey], ['https://example.org/p.git', 'https://***@example.org/p.git', 'example.org/p.git']);
    assert.equal(checkRemote('../up/foo', { allowFile: true, baseDir: '/work/overlay' }).url, '/work/up/foo');
  });

  test('refused: helpers, options, other schemes, hosts starting with -', () => {
    for (const [url, why] of [
      ['ext::sh -c id', /'ext::' transport/],
      ['fd::3', /'fd::' transport/],
      ['transport::x', /'transport::' transport/],
      ['--upload-pack=id', /starts with '-'/],
      ['ssh://-oProxyCommand=id/x', /no usable host/],
      ['ftp://example.org/x', /unsupported scheme/],
      ['https://example.org/a b', /whitespace/],
      ['file:///srv/git/x', /file URL .* refused/],
    ] as const) {
      assert.throws(() => net(url), why, url);
    }
  });

  test('redaction: any userinfo of http(s), passwords elsewhere, ssh users kept', () => {
    assert.equal(redact("fatal: unable to access 'https://tok@h/x/'"), "fatal: unable to access 'https://***@h/x/'");
    assert.equal(redact('ssh://git@h/x and ssh://me:pw@h/y'), 'ssh://git@h/x and ssh://***@h/y');
    assert.equal(redact('password hunter22 echoed', ['hunter22']), 'password *** echoed');
  });
});

describe('gitoverlay resolve (CLI)', () => {
  const BIN = join(ROOT, 'bin/gitoverlay.js');
  const cli = (args: string[], cwd: string) => spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: process.env });

  test('--json: the resolution without spec texts; --spec-dir writes them; file:// allowed', () => {
    const dir = workdir('  - src: up:foo\n  - src: up:bar\n    distgit:\n      patches: drop\n');
    const r = cli(['resolve', '--json', '--spec-dir', 'specs', 'overlay.yml'], dir);
    assert.equal(r.status, 0, r.stderr);
    const json = JSON.parse(r.stdout) as { components: (Omit<ResolvedComponent, 'spec'> & { spec?: string })[] };
    assert.deepEqual(
      json.components.map((c) => [c.name, c.nevr, c.upstream?.commit, c.distgit?.commit, c.spec]),
      [
        ['foo', `foo-1.2.5-3.${snap(R.fooC[5], 5)}`, R.fooC[5], R.dfooHead, undefined],
        ['bar', `bar-2.0.3-${R.barHead}.f40.1.${R.dbarHead}`, R.barHead, R.dbarHead, undefined],
      ],
    );
    assert.deepEqual(Object.keys(json.components[0]).sort(), ['distgit', 'name', 'nevr', 'release', 'upstream', 'version', 'warnings']);
    assert.match(readFileSync(join(dir, 'specs/foo.spec'), 'utf8'), /^Release: %autorelease -s 20250602git/m);
    assert.match(readFileSync(join(dir, 'specs/bar.spec'), 'utf8'), /^Version: 2\.0\.3$/m);
    assert.match(r.stderr, /wrote 2 spec\(s\) to specs/);
  });

  test('text: one line per component, warnings under it; exit 1 when a component fails', () => {
    const dir = workdir(`  - src: up:bar
  - src: up:foo
    name: broken
    tag: nosuch
    distgit: foo
`);
    const r = cli(['resolve', 'overlay.yml'], dir);
    assert.equal(r.status, 1, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], `bar     bar-2.0.3-${R.barHead}.f40.1.${R.dbarHead}  upstream@${R.barHead.slice(0, 7)}  distgit@${R.dbarHead.slice(0, 7)}`);
    assert.match(lines[1], /^broken  error: upstream: unknown tag 'nosuch' in file:\/\//);
  });

  test('usage and input errors exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitoverlay-resolve-cli-'));
    assert.equal(cli(['resolve'], dir).status, 2);
    const missing = cli(['resolve', 'nope.yml'], dir);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read .*nope\.yml/);
    writeFileSync(join(dir, 'overlay.yml'), 'distgit: {prefix: x}\n');
    assert.match(cli(['resolve', 'overlay.yml'], dir).stderr, /no 'components' list/);
  });
});
