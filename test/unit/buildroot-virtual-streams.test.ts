import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ModuleIndex, readModuleText, streamsOfDocument } from '../../server/src/core/buildroot/index';
import { resolveModule } from '../../server/src/core/buildroot/resolve';
import { parseYaml } from '../../server/src/core/yaml/parse';

// Base module compatibility as MBS has it (docs/mbs-contract.md §4–5; the oracle's cases
// compatible-base-module-el8, compatible-base-module-newer-build and virtual-stream-buildrequire):
// here read from modulemd documents, whose xmd.mbs.virtual_streams name the streams a base module
// build also answers to.

const platform = (stream: string): string =>
  `---\ndocument: modulemd\nversion: 2\ndata:\n  name: platform\n  stream: ${stream}\n  version: 1\n  context: "00000000"\n  summary: s\n  description: d\n  license:\n    module: [MIT]\n  xmd:\n    mbs:\n      virtual_streams: [el8]\n...\n`;
const nodejs = (builtOn: string, version: string): string =>
  `---\ndocument: modulemd\nversion: 2\ndata:\n  name: nodejs\n  stream: "20"\n  version: ${version}\n  context: 9edba152\n  summary: s\n  description: d\n  license:\n    module: [MIT]\n  dependencies:\n    - buildrequires:\n        platform: [${builtOn}]\n      requires:\n        platform: [el8]\n...\n`;

function index(builtOn: string): ModuleIndex {
  const i = new ModuleIndex();
  i.addFile(readModuleText(platform('el8.1.0') + platform('el8.2.0') + nodejs(builtOn, builtOn === 'el8.1.0' ? '8010020240901080000' : '8020020240901080000'), 'repo.yaml'));
  return i;
}

const webapp = (platformList: string) =>
  streamsOfDocument(
    parseYaml(`document: modulemd\nversion: 2\ndata:\n  name: webapp\n  stream: main\n  summary: s\n  description: d\n  license:\n    module: [MIT]\n  dependencies:\n    - buildrequires:\n        platform: [${platformList}]\n        nodejs: ["20"]\n      requires:\n        platform: [el8]\n`).documents[0],
    'webapp.yaml',
  );

describe('base modules with virtual streams', () => {
  test('xmd.mbs.virtual_streams is read from a modulemd document', () => {
    const builds = index('el8.1.0').builds('platform', 'el8.2.0');
    assert.deepEqual(builds[0].virtualStreams, ['el8']);
    assert.equal(index('el8.1.0').builds('nodejs', '20')[0].virtualStreams, undefined);
  });

  test('a build made on el8.1.0 that requires platform:[el8] is used on el8.2.0', () => {
    const r = resolveModule(webapp('el8.2.0'), index('el8.1.0'));
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.expansions[0].modules.map((m) => m.nsvc), ['nodejs:20:8010020240901080000:9edba152', 'platform:el8.2.0:1:00000000']);
  });

  test('a build made on the newer el8.2.0 is not used on el8.1.0 (MBS: "Cannot find any module builds for nodejs:20")', () => {
    const r = resolveModule(webapp('el8.1.0'), index('el8.2.0'));
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0], /nodejs:20 has no usable build/);
  });

  test("Fedora's own platform documents: modulemd v1, virtual stream fedora; f-streams are no x.y.z, so any build requiring [fedora] fits", () => {
    // The shape of Fedora production MBS's platform definitions (fedora-infra ansible,
    // roles/mbs/common/files/default-modules.production/platform-f33.yaml at fdf52dca): a modulemd v1
    // document whose xmd.mbs.virtual_streams is [fedora]. Written here, not copied.
    const v1 = (stream: string): string =>
      `---\ndata:\n  name: platform\n  stream: ${stream}\n  version: 1\n  context: "00000000"\n  summary: s\n  description: d\n  license:\n    module: [MIT]\n  xmd:\n    mbs:\n      koji_tag: module-${stream}-build\n      virtual_streams: [fedora]\ndocument: modulemd\nversion: 1\n...\n`;
    const built = (on: string): string =>
      `---\ndocument: modulemd\nversion: 2\ndata:\n  name: tool\n  stream: "1"\n  version: 3320200101000000\n  context: aaaaaaaa\n  summary: s\n  description: d\n  license:\n    module: [MIT]\n  dependencies:\n    - buildrequires:\n        platform: [${on}]\n      requires:\n        platform: [fedora]\n...\n`;
    const i = new ModuleIndex();
    i.addFile(readModuleText(v1('f32') + v1('f33') + built('f33'), 'repo.yaml'));
    assert.deepEqual(i.builds('platform', 'f33')[0].virtualStreams, ['fedora']);
    const doc = (p: string) =>
      streamsOfDocument(parseYaml(`document: modulemd\nversion: 2\ndata:\n  name: app\n  stream: main\n  summary: s\n  description: d\n  license:\n    module: [MIT]\n  dependencies:\n    - buildrequires:\n        platform: [${p}]\n        tool: ["1"]\n      requires:\n        platform: [fedora]\n`).documents[0], 'app.yaml');
    // Built on f33, used on f32 as well: MBS's stream-version bound applies to x.y.z streams only
    // (oracle cases virtual-stream-fedora-same and virtual-stream-fedora-other).
    for (const p of ['f33', 'f32']) {
      const r = resolveModule(doc(p), i);
      assert.deepEqual(r.errors, [], p);
      assert.ok(r.expansions[0].modules.some((m) => m.nsvc === 'tool:1:3320200101000000:aaaaaaaa'), p);
    }
  });

  test('platform: [el8], a virtual stream, is built on the latest base module carrying it, saying so', () => {
    const r = resolveModule(webapp('el8'), index('el8.1.0'));
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.expansions[0].buildrequires, { platform: 'el8.2.0', nodejs: '20' });
    assert.ok(r.expansions[0].warnings.includes('platform:el8 is a virtual stream: using platform:el8.2.0, the latest base module carrying it (as MBS does)'), r.expansions[0].warnings.join('\n'));
  });
});
