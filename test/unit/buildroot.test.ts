import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { loadDefaultsDirectory, loadModuleFile, loadRepository, ModuleIndex, readModuleText, streamsOfDocument } from '../../server/src/core/buildroot/index';
import { componentBatches, resolveModule, resolveNonModular, type Expansion, type ResolveOptions } from '../../server/src/core/buildroot/resolve';
import { parseYaml } from '../../server/src/core/yaml/parse';
import { REFERENCE, ROOT } from './helpers';
import { platformOfMock } from '../../server/src/core/buildroot/subject';

// ---- fixtures: tiny modulemd documents ------------------------------------------------------

interface StreamSpec {
  version?: string;
  context?: string;
  br?: Record<string, string[]>;
  req?: Record<string, string[]>;
  rpms?: string[];
  filter?: string[];
}

const flow = (m: Record<string, string[]>): string => `{${Object.entries(m).map(([k, v]) => `${k}: [${v.map((s) => JSON.stringify(s)).join(', ')}]`).join(', ')}}`;

/** A modulemd v2 build: artifacts are N-0:1-1.fc41.noarch for each name in `rpms`. */
function stream(name: string, s: string, o: StreamSpec = {}): string {
  return `---
document: modulemd
version: 2
data:
  name: ${name}
  stream: "${s}"
  version: ${o.version ?? '1'}
  context: ${o.context ?? 'c1'}
  summary: s
  description: d
  license: {module: [MIT]}
  dependencies:
  - buildrequires: ${flow(o.br ?? { platform: ['f41'] })}
    requires: ${flow(o.req ?? { platform: ['f41'] })}
${o.filter ? `  filter: {rpms: [${o.filter.join(', ')}]}\n` : ''}  artifacts:
    rpms: [${(o.rpms ?? [name]).flatMap((r) => [`${r}-0:1-1.fc41.noarch`, `${r}-0:1-1.fc41.src`]).join(', ')}]
...
`;
}

function defaults(module: string, s?: string, modified?: string): string {
  return `---
document: modulemd-defaults
version: 1
data:
  module: ${module}
${s === undefined ? '' : `  stream: "${s}"\n`}${modified ? `  modified: ${modified}\n` : ''}...
`;
}

/** The document being built: dependencies entries as given. */
function subject(deps: { br: Record<string, string[]>; req?: Record<string, string[]> }[], extra = ''): string {
  return `document: modulemd
version: 2
data:
  name: demo
  stream: "1"
  summary: s
  description: d
  license: {module: [MIT]}
  dependencies:
${deps.map((d) => `  - buildrequires: ${flow(d.br)}\n    requires: ${flow(d.req ?? {})}\n`).join('')}${extra}`;
}

function index(...texts: string[]): ModuleIndex {
  const i = new ModuleIndex();
  texts.forEach((t, k) => {
    const file = new ModuleIndex();
    file.addFile(readModuleText(t, `file${k}.yaml`));
    i.merge(file, false);
  });
  return i;
}

function resolve(subjectText: string, idx: ModuleIndex, options: ResolveOptions = { platform: 'platform:f41' }): { expansions: Expansion[]; errors: string[] } {
  const streams = parseYaml(subjectText).documents.flatMap((d) => streamsOfDocument(d, 'demo.yaml'));
  return resolveModule(streams, idx, options);
}

const reasons = (e: Expansion): Record<string, string> => Object.fromEntries(e.modules.map((m) => [m.nsvc.split(':').slice(0, 2).join(':'), m.reason]));

const NODE = [stream('nodejs', '18'), stream('nodejs', '20', { rpms: ['nodejs', 'npm'] }), stream('nodejs', '22')].join('');

// ---- stream expansion -------------------------------------------------------------------------

describe('buildroot: stream expansion (MBS §4.2)', () => {
  test('a positive list expands into one buildroot per stream ("expanded from a list"); one stream is "explicit"', () => {
    const r = resolve(subject([{ br: { platform: ['f41'], nodejs: ['18', '20'] } }]), index(NODE));
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.expansions.map((e) => e.buildrequires), [{ platform: 'f41', nodejs: '18' }, { platform: 'f41', nodejs: '20' }]);
    assert.deepEqual(reasons(r.expansions[1]), { 'nodejs:20': 'expanded from a list', 'platform:f41': 'platform' });
    assert.deepEqual(r.expansions[1].rpms, ['nodejs', 'npm']);
    const one = resolve(subject([{ br: { platform: ['f41'], nodejs: ['20'] } }]), index(NODE));
    assert.equal(reasons(one.expansions[0])['nodejs:20'], 'explicit');
    assert.deepEqual(one.expansions[0].modules.map((m) => m.nsvc), ['nodejs:20:1:c1', 'platform:f41:0:00000000']);
  });

  test('a negated list means every stream except those ("expanded from a list"), one left is "only stream"', () => {
    const r = resolve(subject([{ br: { platform: ['f41'], nodejs: ['-18'] } }]), index(NODE));
    assert.deepEqual(r.expansions.map((e) => e.buildrequires.nodejs), ['20', '22']);
    assert.equal(reasons(r.expansions[0])['nodejs:20'], 'expanded from a list');
    const only = resolve(subject([{ br: { platform: ['f41'], nodejs: ['-18', '-22'] } }]), index(NODE));
    assert.deepEqual(only.expansions.map((e) => reasons(e)['nodejs:20']), ['only stream']);
  });

  test('an empty list means every stream; a module with a single stream gives "only stream"', () => {
    const r = resolve(subject([{ br: { platform: ['f41'], nodejs: [] } }]), index(NODE));
    assert.deepEqual(r.expansions.map((e) => e.buildrequires.nodejs), ['18', '20', '22']);
    const single = resolve(subject([{ br: { platform: ['f41'], nodejs: [] } }]), index(stream('nodejs', '20')));
    assert.equal(reasons(single.expansions[0])['nodejs:20'], 'only stream');
  });

  test('several streams left and a default stream among them: the default alone ("default stream")', () => {
    const r = resolve(subject([{ br: { platform: ['f41'], nodejs: [] } }]), index(NODE, defaults('nodejs', '20')));
    assert.equal(r.expansions.length, 1);
    assert.deepEqual(r.expansions[0].buildrequires, { platform: 'f41', nodejs: '20' });
    assert.equal(reasons(r.expansions[0])['nodejs:20'], 'default stream');
  });

  test('an explicit buildrequire of another stream beats the default; other defaults join (Ursa Prime)', () => {
    const idx = index(NODE, stream('perl', '5.38'), defaults('nodejs', '20'), defaults('perl', '5.38'));
    const r = resolve(subject([{ br: { platform: ['f41'], nodejs: ['18'] } }]), idx);
    assert.deepEqual(reasons(r.expansions[0]), { 'nodejs:18': 'explicit', 'perl:5.38': 'default stream', 'platform:f41': 'platform' });
    assert.deepEqual(r.expansions[0].rpms, ['nodejs', 'perl']);
  });

  test('runtime requires of chosen modules are followed recursively ("runtime requirement of X")', () => {
    const idx = index(
      stream('meson', 'latest', { req: { platform: ['f41'], ninja: ['1'] } }),
      stream('ninja', '1', { req: { platform: ['f41'], re2c: [] } }),
      stream('re2c', '3'),
    );
    const r = resolve(subject([{ br: { platform: ['f41'], meson: ['latest'] } }]), idx);
    assert.deepEqual(reasons(r.expansions[0]), {
      'meson:latest': 'explicit',
      'ninja:1': 'runtime requirement of meson:latest',
      're2c:3': 'runtime requirement of ninja:1',
      'platform:f41': 'platform',
    });
    assert.deepEqual(r.expansions[0].rpms, ['meson', 'ninja', 're2c']);
  });

  test('defaults join in name order with their requirements; a later default that conflicts is left out (as dnf)', () => {
    const idx = index(
      stream('meson', 'latest', { req: { platform: ['f41'], perl: ['5.36'] } }),
      stream('perl', '5.36'),
      stream('perl', '5.38'),
      stream('zzz', '1', { req: { platform: ['f41'], perl: ['5.38'] } }),
      defaults('meson', 'latest'),
      defaults('perl', '5.38'),
      defaults('zzz', '1'),
    );
    const e = resolveNonModular(idx, { platform: 'platform:f41' }).expansions[0];
    assert.deepEqual(reasons(e), {
      'meson:latest': 'default stream',
      'perl:5.36': 'runtime requirement of meson:latest',
      'platform:f41': 'platform',
    });
    assert.deepEqual(e.warnings, ['default stream zzz:1 left out: zzz:1 has no usable build (contexts: c1): c1 requires perl:[5.38] but perl:5.36 is in the buildroot']);
  });

  test('filter.rpms of a buildrequired module stay out of the buildroot', () => {
    const idx = index(stream('perl', '5.38', { rpms: ['perl', 'perl-devel', 'perl-libs'], filter: ['perl-devel'] }));
    const r = resolve(subject([{ br: { platform: ['f41'], perl: ['5.38'] } }]), idx);
    assert.deepEqual(r.expansions[0].rpms, ['perl', 'perl-libs']);
  });

  test('the same binary RPM from two modules, or from a module and the platform, is a warning', () => {
    const idx = index(stream('nodejs', '20', { rpms: ['nodejs', 'npm'] }), stream('npm', '10', { rpms: ['npm'] }));
    idx.addPackages([{ name: 'nodejs', nevra: 'nodejs-0:18-1.fc41.noarch' }, { name: 'bash', nevra: 'bash-0:5-1.fc41.noarch' }]);
    const r = resolve(subject([{ br: { platform: ['f41'], nodejs: ['20'], npm: ['10'] } }]), idx);
    const e = r.expansions[0];
    assert.deepEqual(e.rpms, ['bash', 'nodejs', 'npm']);
    assert.ok(e.warnings.includes('npm come from both nodejs:20 and npm:10'), e.warnings.join('\n'));
    assert.ok(e.warnings.some((w) => w.startsWith('nodejs:20 ships nodejs, also in the platform')), e.warnings.join('\n'));
  });

  test('MBS-style: platform [-f39, -f40] against platforms f39/f40/f41 builds against f41 only', () => {
    const platforms = ['f39', 'f40', 'f41'].map((p) => stream('platform', p, { br: {}, req: {}, rpms: [] })).join('');
    const idx = index(platforms, stream('nodejs', '20', { br: { platform: ['f41'] } }));
    const r = resolve(subject([{ br: { platform: ['-f39', '-f40'], nodejs: ['20'] }, req: { platform: ['-f39', '-f40'] } }]), idx, {});
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.expansions.map((e) => e.buildrequires), [{ platform: 'f41', nodejs: '20' }]);
    assert.deepEqual(reasons(r.expansions[0]), { 'nodejs:20': 'explicit', 'platform:f41': 'platform' });
    // Without the negations: one expansion per platform, and the f39 one cannot find a nodejs:20 build.
    const all = resolve(subject([{ br: { platform: [], nodejs: ['20'] } }]), idx, {});
    assert.deepEqual(all.expansions.map((e) => e.buildrequires.platform), ['f39', 'f40', 'f41']);
    assert.match(all.errors[0], /nodejs:20 has no usable build \(contexts: c1\): c1 requires platform:\[f41\] but platform:f39 is in the buildroot/);
  });

  test('a buildrequire that matches no stream is an error naming the known streams', () => {
    const r = resolve(subject([{ br: { platform: ['f41'], nodejs: ['99'] } }]), index(NODE));
    assert.deepEqual(r.expansions, []);
    assert.match(r.errors[0], /buildrequires nodejs:\[99\] matches no stream \(known: 18, 20, 22\)/);
  });

  test('each dependencies entry expands on its own; the cartesian product is capped', () => {
    const r = resolve(subject([{ br: { platform: ['f41'], nodejs: ['18'] } }, { br: { platform: ['f41'], nodejs: ['22'] } }]), index(NODE));
    assert.deepEqual(r.expansions.map((e) => e.buildrequires.nodejs), ['18', '22']);
    const many = ['a', 'b', 'c'].map((m) => ['1', '2', '3', '4', '5'].map((s) => stream(m, s)).join('')).join('');
    const capped = resolve(subject([{ br: { platform: ['f41'], a: [], b: [], c: [] } }]), index(many), { platform: 'f41', maxExpansions: 64 });
    assert.equal(capped.expansions.length, 64);
    assert.ok(capped.expansions[0].warnings.includes('125 stream combinations; only the first 64 are resolved'));
  });

  test('packager v3: one expansion per configuration, platform added to its buildrequires', () => {
    const text = `document: modulemd-packager
version: 3
data:
  name: demo
  stream: latest
  summary: s
  description: d
  license: [MIT]
  configurations:
    - context: CTX1
      platform: f41
      buildrequires: {nodejs: ["18"]}
    - context: CTX2
      platform: f41
      buildrequires: {nodejs: ["20"]}
`;
    const r = resolve(text, index(NODE));
    assert.deepEqual(r.expansions.map((e) => e.buildrequires), [{ platform: 'f41', nodejs: '18' }, { platform: 'f41', nodejs: '20' }]);
  });

  test('numeric streams and 19-digit versions are kept as written', () => {
    const idx = index(stream('go', '1.10', { version: '8030020200827112412' }), stream('go', '1.9', { version: '8030020200827112411' }));
    const r = resolve(subject([{ br: { platform: ['f41'], go: ['1.10'] } }]).replace('["1.10"]', '[1.10]'), idx);
    assert.deepEqual(r.expansions[0].modules.map((m) => m.nsvc), ['go:1.10:8030020200827112412:c1', 'platform:f41:0:00000000']);
  });

  test('the newest build whose requires match the platform is taken', () => {
    const idx = index(stream('nodejs', '20', { version: '1' }), stream('nodejs', '20', { version: '3', context: 'f40', req: { platform: ['f40'] } }), stream('nodejs', '20', { version: '2' }));
    const r = resolve(subject([{ br: { platform: ['f41'], nodejs: ['20'] } }]), idx);
    assert.deepEqual(r.expansions[0].modules.map((m) => m.nsvc), ['nodejs:20:2:c1', 'platform:f41:0:00000000']);
  });
});

// ---- batches ----------------------------------------------------------------------------------

describe('buildroot: component batches (§4.5)', () => {
  const comps = (list: { key: string; buildorder?: number; buildafter?: string[] }[]) => list.map((c) => ({ buildorder: 0, buildafter: [], ...c }));

  test('buildorder: ascending, equal values share a batch, document order within', () => {
    const { batches, warnings } = componentBatches(comps([{ key: 'c', buildorder: 10 }, { key: 'a' }, { key: 'b', buildorder: -1 }, { key: 'd', buildorder: 10 }]));
    assert.deepEqual(batches, [['b'], ['a'], ['c', 'd']]);
    assert.deepEqual(warnings, []);
  });

  test('buildafter: the DAG in layers (Kahn); a cycle is reported and left out', () => {
    const dag = componentBatches(comps([{ key: 'app', buildafter: ['lib', 'tool'] }, { key: 'lib', buildafter: ['base'] }, { key: 'base' }, { key: 'tool' }]));
    assert.deepEqual(dag.batches, [['base', 'tool'], ['lib'], ['app']]);
    const cyc = componentBatches(comps([{ key: 'a', buildafter: ['b'] }, { key: 'b', buildafter: ['a'] }, { key: 'c', buildafter: ['a'] }, { key: 'd' }]));
    assert.deepEqual(cyc.batches, [['d']]);
    assert.deepEqual(cyc.warnings, ['buildafter cycle: a → b → a; left out of the batches: a, b, c']);
  });

  test("a module document's components come out as the expansion's batches", () => {
    const extra = `  components:
    rpms:
      second: {rationale: r, buildorder: 2}
      first: {rationale: r}
`;
    const r = resolve(subject([{ br: { platform: ['f41'] } }], extra), index());
    assert.deepEqual(r.expansions[0].batches, [['first'], ['second']]);
  });
});

// ---- defaults ---------------------------------------------------------------------------------

describe('buildroot: defaults (§3.5) and defaults directories', () => {
  const MESON = join(REFERENCE, 'examples/modulemd-tests');

  test('equal modified, different streams (bad_defaults__meson*.yaml): no default stream, reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitoverlay-defaults-'));
    copyFileSync(join(MESON, 'bad_defaults__meson.yaml'), join(dir, 'bad_defaults__meson.yaml'));
    copyFileSync(join(MESON, 'bad_defaults__meson-2.yaml'), join(dir, 'bad_defaults__meson-2.yaml'));
    const idx = await loadDefaultsDirectory(dir);
    assert.equal(idx.defaultStreams().has('meson'), false);
    assert.match(idx.defaultConflicts()[0], /^Default stream mismatch in module meson: (latest != old|old != latest) \(.*neither sets modified\); no default stream$/);
    const e = resolveNonModular(idx, { platform: 'f41' }).expansions[0];
    assert.ok(e.warnings.some((w) => w.includes('Default stream mismatch in module meson')));
  });

  test('overrides/ replaces the base definition whatever its modified; base files merge by modified', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitoverlay-defaults-'));
    mkdirSync(join(dir, 'overrides'));
    writeFileSync(join(dir, 'nodejs.yaml'), defaults('nodejs', '18', '202001010000'));
    writeFileSync(join(dir, 'nodejs-newer.yaml'), defaults('nodejs', '20', '202101010000'));
    writeFileSync(join(dir, 'perl.yaml'), defaults('perl', '5.36', '202001010000'));
    writeFileSync(join(dir, 'README'), defaults('perl', 'not-yaml-suffix'));
    writeFileSync(join(dir, 'overrides', 'perl.yaml'), defaults('perl', '5.38', '201001010000'));
    const idx = await loadDefaultsDirectory(dir);
    assert.deepEqual(Object.fromEntries(idx.defaultStreams()), { nodejs: '20', perl: '5.38' });
    // An overrides/ file without a stream replaces too: the module loses its default.
    writeFileSync(join(dir, 'overrides', 'nodejs.yaml'), defaults('nodejs'));
    assert.deepEqual(Object.fromEntries((await loadDefaultsDirectory(dir)).defaultStreams()), { perl: '5.38' });
  });

  test('within one file a later defaults document replaces an earlier one (as dnf reads modules.yaml)', () => {
    const one = index(defaults('nodejs', '20', '2') + defaults('nodejs', '18', '1'));
    assert.equal(one.defaultStreams().get('nodejs'), '18');
    const two = index(defaults('nodejs', '20', '2'), defaults('nodejs', '18', '1'));
    assert.equal(two.defaultStreams().get('nodejs'), '20');
  });

  test('the non-modular buildroot: platform content + every default stream (Ursa Prime)', () => {
    const idx = index(NODE, stream('perl', '5.38'), defaults('nodejs', '20'));
    idx.addPackages([{ name: 'bash', nevra: 'bash-0:5-1.fc41.noarch' }, { name: 'npm', nevra: 'npm-0:1-1.fc41.noarch' }]);
    const e = resolveNonModular(idx, { platform: 'platform:f41' }, [['demo']]).expansions[0];
    assert.deepEqual(e.buildrequires, { platform: 'f41' });
    assert.deepEqual(reasons(e), { 'nodejs:20': 'default stream', 'platform:f41': 'platform' });
    // npm of the repository is modular (an artifact of nodejs:20, same NEVRA) so it is no platform content.
    assert.deepEqual(e.rpms, ['bash', 'nodejs', 'npm']);
    assert.deepEqual(e.batches, [['demo']]);
    assert.deepEqual(e.warnings, []);
  });
});

// ---- repositories -----------------------------------------------------------------------------

describe('buildroot: repository metadata', () => {
  const MODULES = stream('nodejs', '20', { rpms: ['nodejs', 'npm'] }) + defaults('nodejs', '20');
  const PRIMARY = `<?xml version="1.0" encoding="UTF-8"?>
<metadata xmlns="http://linux.duke.edu/metadata/common" packages="3">
<package type="rpm"><name>bash</name><arch>noarch</arch><version epoch="0" ver="5" rel="1.fc41"/></package>
<package type="rpm"><name>npm</name><arch>noarch</arch><version epoch="0" ver="1" rel="1.fc41"/></package>
<package type="rpm"><name>bash</name><arch>src</arch><version epoch="0" ver="5" rel="1.fc41"/></package>
</metadata>
`;
  const has = (program: string): boolean => spawnSync(program, ['--version']).status === 0;

  function repo(compress: 'gz' | 'xz' | 'zst' | 'plain'): string {
    const dir = mkdtempSync(join(tmpdir(), 'gitoverlay-repo-'));
    mkdirSync(join(dir, 'repodata'));
    let name = `abc-modules.yaml${compress === 'plain' ? '' : `.${compress}`}`;
    const path = join(dir, 'repodata', name);
    if (compress === 'gz') writeFileSync(path, gzipSync(MODULES));
    else if (compress === 'plain') writeFileSync(path, MODULES);
    else {
      const r = spawnSync(compress === 'xz' ? 'xz' : 'zstd', ['-c', '-q'], { input: MODULES });
      writeFileSync(path, r.stdout);
    }
    writeFileSync(join(dir, 'repodata', 'def-primary.xml.gz'), gzipSync(PRIMARY));
    writeFileSync(
      join(dir, 'repodata', 'repomd.xml'),
      `<repomd><data type="primary"><location href="repodata/def-primary.xml.gz"/></data><data type="modules"><location href="repodata/${name}"/></data></repomd>`,
    );
    return dir;
  }

  for (const c of ['plain', 'gz', 'xz', 'zst'] as const) {
    test(`modules.yaml${c === 'plain' ? '' : '.' + c} and primary.xml.gz through repomd.xml`, { skip: (c === 'xz' && !has('xz')) || (c === 'zst' && !has('zstd')) }, async () => {
      const idx = await loadRepository(repo(c));
      assert.deepEqual(idx.streamNames('nodejs'), ['20']);
      assert.deepEqual(idx.nonModularRpms(), ['bash']);
      assert.deepEqual(resolveNonModular(idx, { platform: 'f41' }).expansions[0].rpms, ['bash', 'nodejs', 'npm']);
    });
  }

  test('.xz / .zst without their program installed: a clear error', async () => {
    const dir = repo('gz');
    const file = join(dir, 'repodata', 'x-modules.yaml.zst');
    writeFileSync(file, 'not really zstd');
    const path = process.env.PATH;
    process.env.PATH = join(dir, 'no-such-bin');
    try {
      await assert.rejects(loadModuleFile(file), /reading \.zst files needs the 'zstd' program, which is not installed/);
    } finally {
      process.env.PATH = path;
    }
  });

  test('a repository without repomd.xml is read by file names; a modules file on its own works too', async () => {
    const dir = repo('gz');
    const { rmSync } = await import('node:fs');
    rmSync(join(dir, 'repodata', 'repomd.xml'));
    assert.deepEqual((await loadRepository(dir)).nonModularRpms(), ['bash']);
    assert.deepEqual((await loadRepository(join(dir, 'repodata', 'abc-modules.yaml.gz'))).streamNames('nodejs'), ['20']);
    await assert.rejects(loadRepository(mkdtempSync(join(tmpdir(), 'gitoverlay-empty-'))), /no repodata/);
  });
});

// ---- CLI --------------------------------------------------------------------------------------

describe('gitoverlay buildroot (CLI)', () => {
  const BIN = join(ROOT, 'bin/gitoverlay.js');
  const cli = (args: string[], cwd: string) => spawnSync(process.execPath, [BIN, 'buildroot', ...args], { cwd, encoding: 'utf8' });
  const work = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'gitoverlay-buildroot-'));
    writeFileSync(join(dir, 'repo.yaml'), NODE + stream('perl', '5.38') + defaults('perl', '5.38'));
    return dir;
  };

  test('--json: exactly {"expansions":[{buildrequires, modules, rpms, batches, warnings}]}', () => {
    const dir = work();
    writeFileSync(join(dir, 'demo.yaml'), subject([{ br: { platform: ['f41'], nodejs: ['18', '20'] } }], '  components:\n    rpms:\n      demo: {rationale: r}\n'));
    const r = cli(['--json', '--platform', 'platform:f41', '--repo', 'repo.yaml', 'demo.yaml'], dir);
    assert.equal(r.status, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(json), ['expansions']);
    assert.deepEqual(json.expansions[0], {
      buildrequires: { platform: 'f41', nodejs: '18' },
      modules: [
        { nsvc: 'nodejs:18:1:c1', reason: 'expanded from a list', source: join(dir, 'repo.yaml') },
        { nsvc: 'perl:5.38:1:c1', reason: 'default stream', source: join(dir, 'repo.yaml') },
        { nsvc: 'platform:f41:0:00000000', reason: 'platform', source: 'platform:f41 (synthesized)' },
      ],
      rpms: ['nodejs', 'perl'],
      batches: [['demo']],
      warnings: [],
    });
    assert.equal(json.expansions.length, 2);
  });

  test('text output; exit 1 when a buildrequire matches no stream', () => {
    const dir = work();
    writeFileSync(join(dir, 'ok.yaml'), subject([{ br: { platform: ['f41'], nodejs: ['20'] } }]));
    const ok = cli(['--platform', 'platform:f41', '--repo', 'repo.yaml', 'ok.yaml'], dir);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /^buildroot: buildrequires platform:f41 nodejs:20\n  modules:\n    nodejs:20:1:c1 +explicit\n/);
    assert.match(ok.stdout, /  rpms \(3\):\n    nodejs npm perl\n/);
    writeFileSync(join(dir, 'bad.yaml'), subject([{ br: { platform: ['f41'], nodejs: ['99'] } }]));
    const bad = cli(['--platform', 'platform:f41', '--repo', 'repo.yaml', 'bad.yaml'], dir);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /error: demo:1: buildrequires nodejs:\[99\] matches no stream \(known: 18, 20, 22\)/);
  });

  test('exit 2 on usage errors and unreadable input', () => {
    const dir = work();
    assert.equal(cli([], dir).status, 2);
    assert.equal(cli(['--bogus', 'x.yaml'], dir).status, 2);
    const missing = cli(['missing.yaml'], dir);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read missing\.yaml/);
    const noRepo = cli(['--repo', 'nope', 'repo.yaml'], dir);
    assert.equal(noRepo.status, 2);
    assert.equal(noRepo.stderr, 'gitoverlay: --repo nope: no such file or directory\n');
    writeFileSync(join(dir, 'other.yaml'), 'services: {web: {}}\n');
    assert.equal(cli(['other.yaml'], dir).status, 2);
  });

  test('an overlay: srpmroot components first, then the rest; a spec: its Name', () => {
    const dir = work();
    writeFileSync(
      join(dir, 'overlay.yml'),
      'distgit: {prefix: fedorapkgs}\naliases: [{name: fedorapkgs, url: "https://src.example.org/"}]\ncomponents:\n  - distgit: glib2\n  - distgit: go-srpm-macros\n    srpmroot: true\n  - src: "https://github.com/x/ostree.git"\n',
    );
    const o = JSON.parse(cli(['--json', '--platform', 'f41', '--repo', 'repo.yaml', 'overlay.yml'], dir).stdout);
    assert.deepEqual(o.expansions[0].batches, [['go-srpm-macros'], ['glib2', 'ostree']]);
    assert.deepEqual(o.expansions[0].rpms, ['perl']);
    writeFileSync(join(dir, 'x.spec'), 'Name: hello\nVersion: 1\nRelease: 1\nSummary: s\nLicense: MIT\n%description\nd\n');
    const s = JSON.parse(cli(['--json', '--platform', 'f41', '--repo', 'repo.yaml', 'x.spec'], dir).stdout);
    assert.deepEqual(s.expansions[0].batches, [['hello']]);
    assert.deepEqual(s.expansions[0].modules, [
      { nsvc: 'perl:5.38:1:c1', reason: 'default stream', source: join(dir, 'repo.yaml') },
      { nsvc: 'platform:f41:0:00000000', reason: 'platform', source: 'platform:f41 (synthesized)' },
    ]);
  });

  test("an overlay without --platform takes it from its root.mock (fedora-41-$arch: f41); without either, the note names the setting", () => {
    const dir = work();
    const overlay = 'distgit: {prefix: fedorapkgs}\naliases: [{name: fedorapkgs, url: "https://src.example.org/"}]\ncomponents:\n  - distgit: glib2\n';
    writeFileSync(join(dir, 'overlay.yml'), `${overlay}root: {mock: fedora-41-$arch}\n`);
    const o = JSON.parse(cli(['--json', '--repo', 'repo.yaml', 'overlay.yml'], dir).stdout);
    assert.deepEqual(o.expansions[0].buildrequires, { platform: 'f41' });
    assert.ok(o.expansions[0].modules.some((m: { nsvc: string }) => m.nsvc.startsWith('platform:f41:')));
    writeFileSync(join(dir, 'overlay.yml'), overlay);
    const none = JSON.parse(cli(['--json', '--repo', 'repo.yaml', 'overlay.yml'], dir).stdout);
    assert.match(JSON.stringify(none.expansions[0]), /no platform: set gitoverlay\.platform \(the CLI: --platform\), give the overlay a root\.mock/);
    assert.deepEqual(['fedora-41-$arch', 'centos-stream-9-x86_64', 'rhel-8-aarch64', 'fedora-rawhide-$arch', 'custom.cfg'].map(platformOfMock), ['f41', 'el9', 'el8', undefined, undefined]);
  });
});
