import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { builtModulemd, type BuiltRpm } from '../../server/src/core/mbs/built-modulemd';

// What a module build publishes, from its input and its packages (pure): the rules one by one.

const rpm = (name: string, arch: string, source: string, license = 'MIT'): BuiltRpm => ({
  file: `${source}/${name}-1.0-1.${arch}.rpm`,
  name,
  epoch: 0,
  version: '1.0',
  release: '1',
  arch,
  source,
  license,
  sha256: `${name}.${arch}`.padEnd(64, '0'),
});

const input = (extra: Record<string, unknown> = {}) => ({
  name: 'm',
  stream: 's',
  summary: 'x',
  description: 'y',
  license: { module: ['MIT'] },
  components: { rpms: { a: { rationale: 'r', ref: 'main' }, b: { rationale: 'r', ref: 'main', name: 'bee' } } },
  ...extra,
});

describe('the published modulemd of a module build', () => {
  test('refs pinned, artifacts sorted with their rpm-map, licences united and sorted', () => {
    const r = builtModulemd(input(), [rpm('a', 'noarch', 'a', 'MIT'), rpm('a', 'src', 'a'), rpm('bee', 'x86_64', 'bee', 'GPL-2.0-or-later')], { a: 'c0ffee', b: 'decaf' }, { version: 1, context: 'ctx', arch: 'x86_64' });
    const d = r.data as { components: { rpms: Record<string, { ref: string }> }; artifacts: { rpms: string[]; 'rpm-map': { sha256: Record<string, { nevra: string }> } }; license: { content: string[] } };
    assert.deepEqual([d.components.rpms.a.ref, d.components.rpms.b.ref], ['c0ffee', 'decaf']);
    assert.deepEqual(d.artifacts.rpms, ['a-0:1.0-1.noarch', 'a-0:1.0-1.src', 'bee-0:1.0-1.x86_64']);
    assert.deepEqual(Object.values(d.artifacts['rpm-map'].sha256).map((e) => e.nevra).sort(), d.artifacts.rpms);
    assert.deepEqual(d.license.content, ['GPL-2.0-or-later', 'MIT']);
    assert.deepEqual(Object.keys(r.data).slice(0, 5), ['name', 'stream', 'version', 'context', 'arch'], "libmodulemd's order");
  });

  test('filter.rpms: binary packages neither listed nor shipped; their source package stays', () => {
    const r = builtModulemd(input({ filter: { rpms: ['a'] } }), [rpm('a', 'noarch', 'a'), rpm('a', 'src', 'a')], {}, { version: 1, context: 'c', arch: 'x86_64' });
    assert.deepEqual((r.data as { artifacts: { rpms: string[] } }).artifacts.rpms, ['a-0:1.0-1.src']);
    assert.deepEqual(r.dropped.map((d) => d.file), ['a/a-1.0-1.noarch.rpm']);
    assert.deepEqual(r.shipped.map((p) => p.arch), ['src']);
  });

  test('buildopts.rpms.whitelist: only packages from those source packages are the module (component names otherwise)', () => {
    const rpms = [rpm('a', 'noarch', 'a'), rpm('bee', 'noarch', 'bee'), rpm('stray', 'noarch', 'stray')];
    const listed = (extra: Record<string, unknown>) => (builtModulemd(input(extra), rpms, {}, { version: 1, context: 'c', arch: 'x86_64' }).data as { artifacts: { rpms: string[] } }).artifacts.rpms;
    assert.deepEqual(listed({}), ['a-0:1.0-1.noarch', 'bee-0:1.0-1.noarch'], 'component names, a component renamed by its name:');
    assert.deepEqual(listed({ buildopts: { rpms: { whitelist: ['stray'] } } }), ['stray-0:1.0-1.noarch']);
  });

  test('demodularized.rpms: built and shipped, not listed', () => {
    const r = builtModulemd(input({ demodularized: { rpms: ['a'] } }), [rpm('a', 'noarch', 'a'), rpm('a', 'src', 'a')], {}, { version: 1, context: 'c', arch: 'x86_64' });
    assert.deepEqual((r.data as { artifacts: { rpms: string[] } }).artifacts.rpms, ['a-0:1.0-1.src']);
    assert.equal(r.shipped.length, 2);
  });
});
