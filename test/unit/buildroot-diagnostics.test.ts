import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildrequireDiagnostics } from '../../server/src/core/buildroot/diagnostics';
import { ModuleIndex, readModuleText } from '../../server/src/core/buildroot/index';
import { resolveModule } from '../../server/src/core/buildroot/resolve';
import { streamsOfDocument } from '../../server/src/core/buildroot/index';
import { parseYaml } from '../../server/src/core/yaml/parse';

const built = (name: string, stream: string, rpms: string[]) => `document: modulemd
version: 2
data:
  name: ${name}
  stream: "${stream}"
  version: 1
  context: c1
  summary: s
  description: d
  license: {module: [MIT]}
  dependencies: [{buildrequires: {platform: [f41]}, requires: {platform: [f41]}}]
  artifacts:
    rpms: [${rpms.map((r) => `${r}-0:1-1.x86_64`).join(', ')}]
`;

function index(...docs: string[]): ModuleIndex {
  const i = new ModuleIndex();
  docs.forEach((d, k) => i.addFile(readModuleText(d, `m${k}.yaml`)));
  return i;
}

const subject = (deps: string) => `document: modulemd\nversion: 2\ndata:\n  name: app\n  stream: main\n  summary: s\n  description: d\n  license: {module: [MIT]}\n  dependencies:\n    - buildrequires:\n        platform: [f41]\n${deps}`;

test('buildroot.ambiguous: several streams match and no default picks one', () => {
  const idx = index(built('perl', '5.38', ['perl']), built('perl', '5.40', ['perl']));
  const parsed = parseYaml(subject('        perl: []\n'));
  const d = buildrequireDiagnostics(parsed, idx, null, 'f41');
  assert.deepEqual(d.map((x) => `${x.code}:${x.severity}@${x.range.start.line + 1}`), ['buildroot.ambiguous:warning@12']);
  assert.equal(d[0].code, 'buildroot.ambiguous');
  assert.match(d[0].message, /matches 5\.38, 5\.40 of 'perl'/);
});

test('buildroot.conflict: the same RPM from two buildrequired modules', () => {
  const idx = index(built('tools', '1', ['make', 'gawk']), built('other', '1', ['gawk']));
  const text = subject('        tools: ["1"]\n        other: ["1"]\n');
  const parsed = parseYaml(text);
  const resolution = resolveModule(parsed.documents.flatMap((d) => streamsOfDocument(d, 'app.yaml')), idx, { platform: 'f41' });
  const d = buildrequireDiagnostics(parsed, idx, resolution, 'f41').filter((x) => x.code === 'buildroot.conflict');
  assert.equal(d.length, 1);
  assert.match(d[0].message, /gawk come from both (other|tools):1 and (other|tools):1/);
  assert.equal(d[0].range.start.line, 8, 'on the dependencies key');
});

test('buildroot.no-stream: a list no known stream matches is an error', () => {
  const idx = index(built('perl', '5.38', ['perl']));
  const d = buildrequireDiagnostics(parseYaml(subject('        perl: ["5.30"]\n')), idx, null, 'f41');
  assert.deepEqual(d.map((x) => `${x.code}:${x.severity}`), ['buildroot.no-stream:error']);
});
