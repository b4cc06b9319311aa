import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildOverlay, type BuildResult } from '../../server/src/core/build/build';
import { buildModule } from '../../server/src/core/build/module';
import { run as cli } from '../../server/src/cli/main';
import { parseYaml } from '../../server/src/core/yaml/parse';
import { repoquery } from './dnf-query';
import { ROOT } from './helpers';

// Real tools only: rpmbuild, createrepo_c, dnf, git (bwrap when installed).
process.env.GIT_CONFIG_GLOBAL = '/dev/null';
process.env.GIT_CONFIG_NOSYSTEM = '1';

const has = (tool: string): boolean => (process.env.PATH ?? '').split(':').some((d) => existsSync(join(d, tool)));
const missing = ['rpmbuild', 'createrepo_c', 'dnf'].filter((t) => !has(t));
const skip = missing.length ? `needs ${missing.join(', ')} (not installed)` : false;

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'T',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 'T',
  GIT_COMMITTER_EMAIL: 't@example.com',
};
function gitIn(dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    env: GIT_ENV,
    encoding: 'utf8',
  }).trim();
}

/** path → sha256 of every file under dir (the repository's exact content). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else
        out[r] = createHash('sha256')
          .update(readFileSync(join(dir, r)))
          .digest('hex');
    }
  };
  walk('');
  return out;
}

function leftoverProcesses(marker: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(marker) && /rpmbuild|bwrap|rpm-tmp|sleep/.test(cmd)) found.push(`${pid}: ${cmd}`);
    } catch {
      /* gone */
    }
  }
  return found;
}

const EXPECTED = [
  'greet-2.0-1.20250602git70b5d4c.fc41.noarch',
  'greet-2.0-1.20250602git70b5d4c.fc41.src',
  'hello-macros-1.0.1-2.20250602gitaef9dcc.fc41.noarch',
  'hello-macros-1.0.1-2.20250602gitaef9dcc.fc41.src',
  'tools-1.1.0-2.20250602git314b91e.fc41.noarch',
  'tools-1.1.0-2.20250602git314b91e.fc41.src',
];

describe('gitoverlay build (real rpmbuild, createrepo_c, dnf)', { skip }, () => {
  let world: string;
  let overlayPath: string;
  let overlay: unknown;
  let out: string;
  const timings: Record<string, number> = {};
  const dirty: Record<string, string> = {};

  before(() => {
    world = join(mkdtempSync(join(tmpdir(), 'go-build-')), 'world');
    const t = Date.now();
    execFileSync(process.execPath, [join(ROOT, 'examples/make-world.mjs'), world], { stdio: 'ignore' });
    timings.world = Date.now() - t;
    overlayPath = join(world, 'overlay.yml');
    overlay = parseYaml(readFileSync(overlayPath, 'utf8')).documents[0].value;
    out = join(world, 'build');
    // Uncommitted work in the work trees: the build reads mirrors, so it must neither use nor touch it.
    dirty[join(world, 'distgit/greet/greet.spec')] = readFileSync(join(world, 'distgit/greet/greet.spec'), 'utf8').replace(
      'Say hello',
      'DIRTY uncommitted summary',
    );
    dirty[join(world, 'upstream/tools/WIP')] = 'work in progress\n';
    dirty[join(world, 'upstream/greet/greet')] = '#!/bin/sh\necho dirty\n';
    for (const [p, text] of Object.entries(dirty)) writeFileSync(p, text);
  });

  after(() => {
    console.log(`timings (ms): ${JSON.stringify(timings)}`);
    if (world) rmSync(join(world, '..'), { recursive: true, force: true });
  });

  test('the world is deterministic: same commits every time', () => {
    const again = join(mkdtempSync(join(tmpdir(), 'go-build-')), 'w');
    execFileSync(process.execPath, [join(ROOT, 'examples/make-world.mjs'), again], { stdio: 'ignore' });
    for (const r of ['upstream/greet', 'upstream/tools', 'upstream/hello-macros', 'distgit/greet', 'distgit/tools', 'distgit/hello-macros']) {
      assert.equal(gitIn(join(again, r), 'rev-parse', 'HEAD'), gitIn(join(world, r), 'rev-parse', 'HEAD'), r);
    }
    rmSync(join(again, '..'), { recursive: true, force: true });
  });

  test('first build: every component built, srpmroot first, repository served by dnf', async () => {
    const lines: string[] = [];
    const t = Date.now();
    const r = await buildOverlay(overlayPath, overlay, {
      allowFile: true,
      jobs: 2,
      onProgress: (l) => lines.push(l),
    });
    timings.firstBuild = Date.now() - t;
    assert.ok(r.ok, JSON.stringify(r.components, null, 1));
    assert.equal(r.repo, out);
    assert.deepEqual(
      r.components.map((c) => [c.name, c.status]),
      [
        ['hello-macros', 'built'],
        ['greet', 'built'],
        ['tools', 'built'],
      ],
    );
    assert.match(
      lines.find((l) => l.includes('building'))!,
      /^\[1\/3\] building hello-macros \.\.\.$/,
    );
    assert.deepEqual(await repoquery(out), EXPECTED);
    const log = readFileSync(r.components[1].log!, 'utf8');
    assert.match(log, /--nodeps: BuildRequires cannot be checked/);
    assert.match(log, has('bwrap') ? /sandbox: bwrap --unshare-all/ : /sandbox: none/);
    assert.ok(existsSync(join(out, 'buildstate.json')));
    assert.ok(!existsSync(`${out}.new`) && !existsSync(`${out}.work`) && !existsSync(`${out}.old`));
    // The committed spec was built, not the dirty one; the patch from dist-git was applied.
    const summary = execFileSync('rpm', ['-qp', '--qf', '%{SUMMARY}', join(out, 'greet', 'greet-2.0-1.20250602git70b5d4c.fc41.noarch.rpm')], {
      encoding: 'utf8',
    });
    assert.equal(summary, 'Say hello');
    const tgz = execFileSync('rpm2archive', ['-'], {
      input: readFileSync(join(out, 'greet', 'greet-2.0-1.20250602git70b5d4c.fc41.noarch.rpm')),
    });
    const script = execFileSync('tar', ['-xzO', './usr/bin/greet'], {
      input: tgz,
      encoding: 'utf8',
    });
    assert.match(script, /HELLO, /);
    // The srpmroot component's macros were loaded into the later builds.
    const greeting = execFileSync('tar', ['-xzO', './usr/share/greet/greeting'], { input: tgz, encoding: 'utf8' });
    assert.equal(greeting, 'Hello\n');
    assert.match(log, /srpmroot macros loaded \(rpmbuild --load\): \S+macros\.hello/);
  });

  test('an overlay reached through a symlink builds in bwrap too (real paths are bound, srpmroot macros loaded)', async () => {
    // Outside /tmp (bwrap's own tmpfs there would let the symlinked path be created): the checkout's test/.tmp/.
    mkdirSync(join(ROOT, 'test/.tmp'), { recursive: true });
    const link = join(mkdtempSync(join(ROOT, 'test/.tmp', 'go-build-link-')), 'world');
    symlinkSync(world, link);
    try {
      const r = await buildOverlay(join(link, 'overlay.yml'), overlay, { allowFile: true, out: join(link, 'build-linked'), jobs: 2, components: ['hello-macros', 'greet'] });
      assert.deepEqual(r.components.filter((c) => c.status !== 'built' && c.status !== 'skipped' && c.status !== 'kept').map((c) => `${c.name}: ${c.error}`), []);
      assert.ok(r.components.some((c) => c.name === 'greet' && c.status === 'built'), JSON.stringify(r.components));
      assert.match(readFileSync(r.components.find((c) => c.name === 'greet')!.log!, 'utf8'), /srpmroot macros loaded \(rpmbuild --load\)/);
    } finally {
      rmSync(join(link, '..'), { recursive: true, force: true });
      rmSync(join(world, 'build-linked'), { recursive: true, force: true });
    }
  });

  test('second build (CLI): everything reused, hard-linked, same repository content', async () => {
    const before = snapshot(out);
    const inode = statSync(join(out, 'tools', 'tools-1.1.0-2.20250602git314b91e.fc41.noarch.rpm')).ino;
    const t = Date.now();
    const r = await cli(['build', '--out', out, overlayPath]);
    timings.cachedBuild = Date.now() - t;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout!, /^hello-macros\s+hello-macros-1\.0\.1-2\.20250602gitaef9dcc\.fc41\s+reused\s+\S+build\.log$/m);
    assert.equal((r.stdout!.match(/ reused /g) ?? []).length, 3);
    assert.equal(statSync(join(out, 'tools', 'tools-1.1.0-2.20250602git314b91e.fc41.noarch.rpm')).ino, inode);
    const after = snapshot(out);
    for (const [f, h] of Object.entries(before)) if (f.endsWith('.rpm')) assert.equal(after[f], h, f);
    assert.deepEqual(await repoquery(out), EXPECTED);
  });

  test('CLI usage and input errors exit 2', async () => {
    assert.equal((await cli(['build'])).code, 2);
    assert.equal((await cli(['build', '--jobs', 'x', overlayPath])).code, 2);
    assert.equal((await cli(['build', join(world, 'nope.yml')])).code, 2);
    assert.equal((await cli(['build', '--component', 'nosuch', overlayPath])).code, 2);
  });

  test('a failing component: exit 1, previous repository untouched, successes in <out>.partial', async () => {
    const before = snapshot(out);
    const spec = readFileSync(join(world, 'distgit/tools/tools.spec'), 'utf8');
    // Commit from a clean index of tools only (the greet dirty files are in other repositories).
    writeFileSync(join(world, 'distgit/tools/tools.spec'), spec.replace(': nothing to build', 'echo broken >&2; exit 1'));
    gitIn(join(world, 'distgit/tools'), 'commit', '-q', '-am', 'Break the build');
    const r = await cli(['build', overlayPath]);
    assert.equal(r.code, 1);
    assert.match(r.stdout!, /^tools\s+\S+\s+failed\s+\S+\.partial\/tools\/build\.log$/m);
    assert.match(r.stdout!, /FAILED: .* is unchanged/);
    assert.deepEqual(snapshot(out), before);
    assert.deepEqual(await repoquery(out), EXPECTED);
    const partial = `${out}.partial`;
    assert.match(readFileSync(join(partial, 'tools', 'build.log'), 'utf8'), /broken/);
    assert.deepEqual(
      await repoquery(partial),
      EXPECTED.filter((n) => !n.startsWith('tools')),
    );
    assert.ok(!existsSync(`${out}.new`));
  });

  for (const sandbox of ['auto', 'none'] as const) {
    test(`cancel during rpmbuild (sandbox ${sandbox}): rejected, no rpmbuild/bwrap left, repository untouched`, async () => {
      const before = snapshot(out);
      const dg = join(world, 'distgit/greet');
      if (sandbox === 'auto') {
        // The dirty greet.spec stays uncommitted: the slow spec goes into the index only, then is committed.
        const committed = gitIn(dg, 'show', 'HEAD:greet.spec');
        const slow = committed.replace(': nothing to build', 'sleep 7919');
        const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], {
          cwd: dg,
          input: slow + '\n',
          encoding: 'utf8',
        }).trim();
        gitIn(dg, 'update-index', '--cacheinfo', `100644,${blob},greet.spec`);
        gitIn(dg, 'commit', '-q', '-m', 'Slow build');
      }
      const ac = new AbortController();
      const started = buildOverlay(overlayPath, overlay, {
        allowFile: true,
        components: ['greet'],
        signal: ac.signal,
        sandbox,
      });
      const logPath = `${out}.new/greet/build.log`;
      const t0 = Date.now();
      while (!(existsSync(logPath) && readFileSync(logPath, 'utf8').includes('+ sleep 7919'))) {
        assert.ok(Date.now() - t0 < 30_000, 'the slow %build never started');
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(leftoverProcesses(`${out}.work`).length > 0, 'rpmbuild should be running now');
      ac.abort();
      await assert.rejects(started, { name: 'AbortError' });
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(leftoverProcesses(`${out}.work`), []);
      assert.deepEqual(leftoverProcesses('sleep 7919'), [], "the build's own sleep ended (an unusual duration: nothing else runs it)");
      assert.deepEqual(snapshot(out), before);
      assert.ok(!existsSync(`${out}.new`) && !existsSync(`${out}.work`));
    });
  }

  test('uncommitted work in dist-git and upstream work trees survives every build', () => {
    for (const [p, text] of Object.entries(dirty)) assert.equal(readFileSync(p, 'utf8'), text, p);
    assert.match(gitIn(join(world, 'distgit/greet'), 'status', '--porcelain'), /M greet\.spec/);
    assert.match(gitIn(join(world, 'upstream/tools'), 'status', '--porcelain'), /\?\? WIP/);
  });

  test('cache key changes with dist: a --dist .fc42 build rebuilds, into another repository', async () => {
    // Restore the buildable specs first (HEAD~1 of tools and greet).
    for (const [repo, file] of [
      ['tools', 'tools.spec'],
      ['greet', 'greet.spec'],
    ]) {
      const dir = join(world, 'distgit', repo);
      const good = gitIn(dir, 'show', `HEAD~1:${file}`).replace(/^(echo broken.*|sleep 7919)$/m, ': nothing to build');
      const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], {
        cwd: dir,
        input: good + '\n',
        encoding: 'utf8',
      }).trim();
      gitIn(dir, 'update-index', '--cacheinfo', `100644,${blob},${file}`);
      gitIn(dir, 'commit', '-q', '-m', 'Fix the build');
    }
    // Back into the served repository: the unchanged srpmroot component is reused, the fixed ones
    // rebuilt, and the failed run's leftovers go.
    const fixed = await cli(['build', '--jobs', '2', overlayPath]);
    assert.equal(fixed.code, 0, fixed.stdout);
    assert.match(fixed.stdout!, /^hello-macros\s+\S+\s+reused /m);
    assert.match(fixed.stdout!, /^greet\s+\S+\s+built /m);
    assert.match(fixed.stdout!, /^tools\s+\S+\s+built /m);
    assert.ok(!existsSync(`${out}.partial`) && !existsSync(`${out}.old`) && !existsSync(`${out}.lock`));
    assert.equal((await repoquery(out)).length, 6);

    const other = join(world, 'build42');
    const r: BuildResult = await buildOverlay(overlayPath, overlay, {
      allowFile: true,
      out: other,
      dist: '.fc42',
      jobs: 3,
    });
    assert.ok(r.ok, JSON.stringify(r.components));
    assert.ok(r.components.every((c) => c.status === 'built'));
    assert.ok((await repoquery(other)).every((n) => n.includes('.fc42.')));
    assert.ok(!existsSync(`${out}.partial`) || existsSync(out));
  });

  test('one build per repository: a live lock refuses, a dead one is taken over', async () => {
    const lockOut = join(world, 'locked');
    writeFileSync(`${lockOut}.lock`, `${process.pid}\n`);
    await assert.rejects(buildOverlay(overlayPath, overlay, { allowFile: true, out: lockOut }), /another build \(pid \d+\) is writing/);
    writeFileSync(`${lockOut}.lock`, '999999999\n');
    const r = await buildOverlay(overlayPath, overlay, { allowFile: true, out: lockOut, components: ['hello-macros'] });
    assert.ok(r.ok);
    assert.deepEqual(
      r.components.map((c) => c.status),
      ['built', 'skipped', 'skipped'],
    );
    assert.ok(!existsSync(`${lockOut}.lock`));
    // A run that died mid-swap (<out> renamed to <out>.old, the new one not yet in place): recovered.
    execFileSync('mv', [lockOut, `${lockOut}.old`]);
    const again = await buildOverlay(overlayPath, overlay, { allowFile: true, out: lockOut, components: ['hello-macros'] });
    assert.deepEqual(
      again.components.map((c) => c.status),
      ['reused', 'skipped', 'skipped'],
    );
    assert.ok(!existsSync(`${lockOut}.old`));
  });

  test('CLI: SIGINT cancels (exit 130), kills rpmbuild, leaves no .new/.work/.lock', async () => {
    const cliOut = join(world, 'sigint');
    const dir = join(world, 'distgit/tools');
    const slow = gitIn(dir, 'show', 'HEAD:tools.spec').replace(': nothing to build', 'sleep 61');
    const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: dir, input: slow + '\n', encoding: 'utf8' }).trim();
    gitIn(dir, 'update-index', '--cacheinfo', `100644,${blob},tools.spec`);
    gitIn(dir, 'commit', '-q', '-m', 'Slow again');
    const child = spawn(
      process.execPath,
      [
        '-e',
        `require(${JSON.stringify(join(ROOT, 'out/server/src/cli/main.js'))}).main(process.argv.slice(1))`,
        'build',
        '--no-sandbox',
        '--out',
        cliOut,
        overlayPath,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const t0 = Date.now();
    while (!leftoverProcesses('sleep 61').length) {
      assert.ok(Date.now() - t0 < 30_000, `the slow %build never started: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    assert.equal(code, 130, stderr);
    assert.match(stderr, /build cancelled/);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(leftoverProcesses('sleep 61'), []);
    for (const suffix of ['', '.new', '.work', '.lock', '.partial']) assert.ok(!existsSync(cliOut + suffix), cliOut + suffix);
  });

  test('a modulemd v2 stream: components in buildafter order, modules.yaml valid and served by dnf', async () => {
    const modulePath = join(world, 'motd-module.yaml');
    const doc = parseYaml(readFileSync(modulePath, 'utf8')).documents[0].value;
    const modOut = join(world, 'module-repo');
    const lines: string[] = [];
    const r = await buildModule(modulePath, doc, { allowFile: true, out: modOut, onProgress: (l) => lines.push(l) });
    assert.ok(r.ok, JSON.stringify(r.components));
    // MBS's version: the platform's stream version (41) before the newest commit's time; its context from the expanded dependencies.
    assert.equal(r.nsvca, `motd:1.0:4120250602150000:b765cb0b:${r.arch}`);
    assert.ok(lines.indexOf('[1/2] building motd ...') < lines.indexOf('[2/2] building banner ...'));
    const label = execFileSync(
      'rpm',
      [
        '-qp',
        '--qf',
        '%{MODULARITYLABEL}',
        join(
          modOut,
          r.components[0].files.find((f) => f.endsWith('.noarch.rpm'))!,
        ),
      ],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(label, r.nsvca.split(':').slice(0, 4).join(':'));
    const root = mkdtempSync(join(tmpdir(), 'go-dnf-'));
    const info = execFileSync(
      'dnf',
      [
        '--setopt=reposdir=/dev/null',
        `--repofrompath=w,file://${modOut}`,
        `--installroot=${root}`,
        `--setopt=cachedir=${root}/cache`,
        '--releasever=41',
        '--setopt=module_platform_id=platform:f41',
        '-q',
        'module',
        'info',
        'motd:1.0',
      ],
      { encoding: 'utf8' },
    );
    rmSync(root, { recursive: true, force: true });
    assert.match(info, /Version\s+: 4120250602150000/);
    assert.match(info, /banner-0:1\.0-1\.module_f41\+4120250602150000\+\w+\.noarch/);
    assert.match(info, /motd-0:1\.0-1\.module_f41\+4120250602150000\+\w+\.src/);
    if (has('modulemd-validator')) {
      const gz = readdirSync(join(modOut, 'repodata')).find((f) => f.includes('modules.yaml'))!;
      const text = execFileSync('gzip', ['-dc', join(modOut, 'repodata', gz)]);
      const file = join(world, 'generated-modules.yaml');
      writeFileSync(file, text);
      execFileSync('modulemd-validator', [file], { stdio: 'pipe' });
    }
    // The CLI detects the document kind.
    const viaCli = await cli(['build', '--out', join(world, 'module-cli'), modulePath]);
    assert.equal(viaCli.code, 0, viaCli.stderr);
    assert.match(viaCli.stdout!, /^module: motd:1\.0:4120250602150000:\w+:\w+ \(modules\.yaml in the repository\)$/m);
  });
});
