import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSummary, resolveSummary } from '../../client/src/summaries';
import type { BuildResult } from '../../server/src/protocol';

const component = (name: string, status: BuildResult['components'][number]['status'], error?: string) => ({ name, nevr: `${name}-1-1`, status, log: `/out/logs/${name}.log`, files: [], error, pendingArches: [] });
const result = (components: BuildResult['components'], ok = true): BuildResult => ({ repo: '/out/repo', partial: null, arch: 'x86_64', sandbox: 'bwrap', backend: 'local', components, ok });

test('a one-component rebuild says one was built and two kept, not "built 3"', () => {
  const s = buildSummary(result([component('a', 'built'), component('b', 'kept'), component('c', 'kept')]));
  assert.deepEqual(s, { severity: 'info', message: 'gitoverlay: built 1 component, 2 kept from the previous build into /out/repo' });
});

test('a failed build names the first cause (not only the names) and offers its log', () => {
  const s = buildSummary(result([component('etcd', 'failed', 'git clone failed: could not resolve host\nmore'), component('b', 'failed', 'x'), component('c', 'built')], false));
  assert.equal(s.severity, 'error');
  assert.equal(s.message, 'gitoverlay: etcd failed: git clone failed: could not resolve host (and 1 other component: b); the previous repository is still served.');
  assert.equal(s.log, '/out/logs/etcd.log');
});

test('a resolve where every component failed says so, with the cause and the setting it names', () => {
  const refused = "file URL 'file:///src/etcd' refused: local repositories are read only when allowed (the CLI allows them; in the editor, set gitoverlay.allowFileUrls)";
  const s = resolveSummary([1, 2, 3, 4].map((i) => ({ name: `c${i}`, nevr: '', error: refused, warnings: [] })));
  assert.equal(s.severity, 'warning');
  assert.match(s.message, /^gitoverlay: resolved 0 of 4 components; c1 failed: file URL .* set gitoverlay\.allowFileUrls\) \(and 3 others: c2, c3, c4\)$/);
  assert.equal(s.setting, 'gitoverlay.allowFileUrls');
  assert.deepEqual(resolveSummary([{ name: 'a', nevr: 'a-1-1', warnings: ['w'] }]), { severity: 'info', message: 'gitoverlay: resolved 1 of 1 component; 1 component with warnings', setting: undefined });
});
