import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { componentKey, planOverlay, rawOf } from '../../server/src/core/build/plan';
import type { ResolvedComponent } from '../../server/src/core/overlay/resolve';

/** The build plan is pure: what a run builds, in which batches, and when a previous result is reused. */

const resolved = (name: string, over: Partial<ResolvedComponent> = {}): ResolvedComponent => ({
  name,
  upstream: { url: `https://example.org/${name}.git`, ref: 'main', commit: `${name}-u1`, describe: 'v1' },
  distgit: { url: `https://example.org/rpms/${name}.git`, ref: 'rawhide', commit: `${name}-d1` },
  version: '1',
  release: '1',
  nevr: `${name}-1-1`,
  spec: `Name: ${name}\n`,
  warnings: [],
  ...over,
});

const overlay = {
  components: [{ src: 'tools' }, { src: 'macros', srpmroot: true, defines: { answer: 42 } }, { src: 'greet', rpmwith: ['docs'], rpmwithout: 'not a list' }],
};
const components = [resolved('tools'), resolved('macros'), resolved('greet')];

describe('build plan', () => {
  test('srpmroot components form the first batch, the rest follow in overlay order; results keep overlay order', () => {
    const plan = planOverlay('/o/overlay.yml', overlay, components);
    assert.deepEqual(plan.batches, [['macros'], ['tools', 'greet']]);
    assert.deepEqual(plan.order, ['tools', 'macros', 'greet']);
    assert.ok([...plan.byName.values()].every((p) => p.selected));
  });

  test('build options are read as rpmbuild takes them: defines as text, malformed lists as empty', () => {
    const plan = planOverlay('/o/overlay.yml', overlay, components);
    assert.deepEqual(plan.byName.get('macros')!.raw, { srpmroot: true, defines: { answer: '42' }, with: [], without: [] });
    assert.deepEqual(plan.byName.get('greet')!.raw, { srpmroot: false, defines: {}, with: ['docs'], without: [] });
    assert.deepEqual(rawOf(null), { srpmroot: false, defines: {}, with: [], without: [] });
  });

  test('only the named components are selected; an unknown name is an error naming the overlay', () => {
    const plan = planOverlay('/o/overlay.yml', overlay, components, ['greet']);
    assert.deepEqual(
      [...plan.byName].map(([n, p]) => [n, p.selected]),
      [
        ['tools', false],
        ['macros', false],
        ['greet', true],
      ],
    );
    assert.deepEqual(planOverlay('/o/overlay.yml', overlay, components, []).byName.get('tools')!.selected, true);
    assert.throws(() => planOverlay('/o/overlay.yml', overlay, components, ['nope']), /no component named 'nope' in \/o\/overlay\.yml/);
  });

  test('cache keys: the same inputs give the same key; commits, spec, dist and options change it', () => {
    const plan = planOverlay('/o/overlay.yml', overlay, components);
    const tools = plan.byName.get('tools')!;
    const key = componentKey(tools, '.fc41', []);
    assert.match(key, /^[0-9a-f]{64}$/);
    assert.equal(componentKey({ ...tools }, '.fc41', []), key);
    assert.notEqual(componentKey(tools, '.fc42', []), key);
    assert.notEqual(componentKey({ ...tools, c: resolved('tools', { upstream: { ...tools.c.upstream!, commit: 'u2' } }) }, '.fc41', []), key);
    assert.notEqual(componentKey({ ...tools, c: resolved('tools', { distgit: null }) }, '.fc41', []), key);
    assert.notEqual(componentKey({ ...tools, c: resolved('tools', { spec: 'Name: tools\n# changed\n' }) }, '.fc41', []), key);
    assert.notEqual(componentKey({ ...tools, raw: { ...tools.raw, with: ['x'] } }, '.fc41', []), key);
    // The order defines are written in does not matter.
    const a = componentKey({ ...tools, raw: { ...tools.raw, defines: { a: '1', b: '2' } } }, '.fc41', []);
    const b = componentKey({ ...tools, raw: { ...tools.raw, defines: { b: '2', a: '1' } } }, '.fc41', []);
    assert.equal(a, b);
  });

  test('cache keys: a rebuilt srpmroot component changes the later components’ keys, not its own', () => {
    const plan = planOverlay('/o/overlay.yml', overlay, components);
    const macros = plan.byName.get('macros')!;
    const greet = plan.byName.get('greet')!;
    assert.equal(componentKey(macros, '.fc41', ['k1']), componentKey(macros, '.fc41', ['k2']));
    assert.notEqual(componentKey(greet, '.fc41', ['k1']), componentKey(greet, '.fc41', ['k2']));
    assert.notEqual(componentKey(greet, '.fc41', []), componentKey(greet, '.fc41', ['k1']));
  });
});
