import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { ROOT } from './helpers';

// Issue 17: the modulemd a module build publishes is what MBS writes: refs pinned to the commits built,
// license.content from the packages' License tags, artifacts and rpm-map from their headers,
// filter.rpms honoured (not listed, not shipped), demodularized packages not listed, buildopts macros
// in the builds. Read back by modulemd-validator and dnf.

process.env.GIT_CONFIG_GLOBAL = '/dev/null';
process.env.GIT_CONFIG_NOSYSTEM = '1';
const has = (tool: string): boolean => (process.env.PATH ?? '').split(':').some((d) => existsSync(join(d, tool)));
const missing = ['rpmbuild', 'createrepo_c', 'modifyrepo_c', 'dnf'].filter((t) => !has(t));
const skip = missing.length ? `needs ${missing.join(', ')} (not installed)` : false;

const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/gitoverlay.js'), ...args], { encoding: 'utf8' });

function modulesYaml(repo: string): { text: string; data: Record<string, any> } {
  const gz = readdirSync(join(repo, 'repodata')).find((f) => f.endsWith('modules.yaml.gz'))!;
  const text = execFileSync('gzip', ['-dc', join(repo, 'repodata', gz)], { encoding: 'utf8' });
  return { text, data: parse(text).data };
}

function dnf(repo: string, ...args: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'go-dnf-'));
  try {
    return execFileSync(
      'dnf',
      ['--setopt=reposdir=/dev/null', `--repofrompath=w,file://${repo}`, `--installroot=${root}`, `--setopt=cachedir=${root}/cache`, '--releasever=41', '--setopt=module_platform_id=platform:f41', ...args],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('a module build as the Module Build Service publishes it', { skip }, () => {
  let world: string;
  let commits: Record<string, string>;

  before(() => {
    world = join(mkdtempSync(join(tmpdir(), 'go-mbs-')), 'world');
    execFileSync(process.execPath, [join(ROOT, 'examples/make-world.mjs'), world], { stdio: 'ignore' });
    // motd's Summary comes from a macro the module's buildopts define.
    const dg = join(world, 'distgit', 'motd');
    writeFileSync(join(dg, 'motd.spec'), readFileSync(join(dg, 'motd.spec'), 'utf8').replace(/^Summary:.*$/m, 'Summary:        %{?motd_tagline}%{!?motd_tagline:plain}'));
    execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '-q', '-am', 'Tagline from the module'], { cwd: dg });
    commits = Object.fromEntries(['motd', 'banner'].map((n) => [n, execFileSync('git', ['rev-parse', 'HEAD'], { cwd: join(world, 'distgit', n), encoding: 'utf8' }).trim()]));
    const doc = readFileSync(join(world, 'motd-module.yaml'), 'utf8').replace(
      '  components:\n',
      '  filter:\n    rpms: [banner]\n  buildopts:\n    rpms:\n      macros: |\n        %motd_tagline Today in the module\n  components:\n',
    );
    writeFileSync(join(world, 'mbs-module.yaml'), doc);
  });

  test('refs pinned, licences, artifacts and rpm-map, filter.rpms left out, buildopts macros applied', () => {
    const out = join(world, 'mbs-repo');
    const r = cli('build', '--out', out, join(world, 'mbs-module.yaml'));
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stderr, /left out of the repository: banner\/banner-1\.0-1\.\S+\.noarch\.rpm \(banner is in filter\.rpms\)/);
    const { text, data } = modulesYaml(out);
    assert.deepEqual(data.components.rpms.motd.ref, commits.motd);
    assert.deepEqual(data.components.rpms.banner.ref, commits.banner);
    assert.deepEqual(data.license, { module: ['MIT'], content: ['MIT'] });
    // banner's binary package is filtered: neither listed nor in the repository; its source package stays.
    assert.deepEqual(
      data.artifacts.rpms.map((n: string) => n.replace(/-\d+\.module_\S+\./, '.')),
      ['banner-0:1.0.src', 'motd-0:1.0.noarch', 'motd-0:1.0.src'],
    );
    assert.ok(!readdirSync(join(out, 'banner')).some((f) => f.endsWith('.noarch.rpm')));
    // rpm-map: each artifact's sha256 is its file's.
    for (const [sha, e] of Object.entries(data.artifacts['rpm-map'].sha256) as [string, { nevra: string; arch: string; name: string }][]) {
      const file = readdirSync(join(out, e.name)).find((f) => f.endsWith(`.${e.arch}.rpm`))!;
      assert.equal(execFileSync('sha256sum', [join(out, e.name, file)], { encoding: 'utf8' }).split(' ')[0], sha, e.nevra);
      assert.ok(data.artifacts.rpms.includes(e.nevra));
    }
    // The module's macros were in motd's build.
    const motd = readdirSync(join(out, 'motd')).find((f) => f.endsWith('.noarch.rpm'))!;
    assert.equal(execFileSync('rpm', ['-qp', '--qf', '%{SUMMARY}', join(out, 'motd', motd)], { encoding: 'utf8' }), 'Today in the module');
    if (has('modulemd-validator')) {
      const file = join(world, 'published.yaml');
      writeFileSync(file, text);
      execFileSync('modulemd-validator', [file], { stdio: 'pipe' });
    }
    // dnf reads it: the module is listed; its full metadata shows the licences and the pinned refs.
    assert.match(dnf(out, '-q', 'module', 'list'), /^motd\s+1\.0\s/m);
    const info = dnf(out, '-v', 'module', 'info', 'motd:1.0');
    assert.match(info, /content:\s*\n\s*- MIT/);
    assert.ok(info.includes(`ref: ${commits.motd}`) && info.includes(`ref: ${commits.banner}`), info);
  });

  test('demodularized packages are built and shipped, but not listed as the module', () => {
    const doc = readFileSync(join(world, 'motd-module.yaml'), 'utf8').replace('  components:\n', '  demodularized:\n    rpms: [banner]\n  components:\n');
    writeFileSync(join(world, 'demod-module.yaml'), doc);
    const out = join(world, 'demod-repo');
    const r = cli('build', '--out', out, join(world, 'demod-module.yaml'));
    assert.equal(r.status, 0, r.stderr + r.stdout);
    const { data } = modulesYaml(out);
    assert.ok(!data.artifacts.rpms.some((n: string) => /^banner-.*\.noarch$/.test(n)), data.artifacts.rpms.join(', '));
    assert.ok(readdirSync(join(out, 'banner')).some((f) => f.endsWith('.noarch.rpm')), 'still in the repository');
  });
});
