import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ModuleIndex, type ModuleStream } from '../../server/src/core/buildroot/index';
import { mbsStreamRewrite, resolveModule } from '../../server/src/core/buildroot/resolve';
import { streamsOfDocument } from '../../server/src/core/buildroot/documents';
import { buildContext, moduleContext, prefixedVersion, pythonJson, runtimeContext, streamVersion } from '../../server/src/core/mbs/context';
import { mbsDependencies, solutionOf } from '../../server/src/core/mbs/expand';
import { mbsIdentity } from '../../server/src/core/mbs/identity';
import { parseYaml } from '../../server/src/core/yaml/parse';
import { FIXTURES } from './helpers';

// MBS's own functions (fm-orchestrator, run by test/oracles/mbs/oracle.py with Debian's libmodulemd
// GObject bindings) computed the version, context, expanded dependencies and xmd.mbs of every case in
// test/fixtures/mbs/cases.json; gitoverlay must compute the same from the same inputs.

interface Available {
  name: string;
  stream: string;
  version: number | string;
  context: string;
  ref?: string;
  requires?: Record<string, string[] | string>;
  buildrequires?: Record<string, string[] | string>;
  filter?: string[];
  rpms?: string[];
  virtual_streams?: string[];
}
interface Case {
  name: string;
  document: string;
  available: Available[];
  time: string;
  commit: string;
  scmurl: string;
  rpm_refs: Record<string, string>;
}
interface Expected {
  name: string;
  submitted_version: number;
  frontend?: string;
  error?: { type: string; message: string };
  builds: { version: number; context: string; build_context: string; runtime_context: string; dependencies: unknown[]; xmd_mbs: Record<string, unknown>; hash_inputs: Record<string, string> }[];
}

const DIR = join(FIXTURES, 'mbs');
const cases = (JSON.parse(readFileSync(join(DIR, 'cases.json'), 'utf8')) as { cases: Case[] }).cases;
// Versions pass 2^53 (el8.1.0's prefix gives 19 digits): read as text, not as JavaScript numbers.
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8').replace(/("(?:version|submitted_version)": )(\d{16,})/g, '$1"$2"')) as { cases: Expected[] };

/** Where gitoverlay knowingly differs from MBS, and why (docs/mbs-contract.md). */
const NOT_APPLICABLE: Record<string, string> = {
  'buildafter-rejected': 'gitoverlay builds buildafter (a DAG of batches); MBS refuses it as "not yet supported"',
  'version-in-document-rejected': "gitoverlay replaces a document's version with its own; MBS refuses the document",
  'packager-v3-two-configurations-fork': "the pinned commit's older front-end merges a packager v3 document's configurations; gitoverlay follows the newer one (case packager-v3-two-configurations)",
  'static-contexts-xmd': "xmd.mbs_options.contexts (MBS's older static contexts) is not read: packager v3 configurations say the same",
};

/** Where gitoverlay does not do what MBS does yet: run, reported as to do, not hidden. */
const TODO: Record<string, string> = {};

/** The cases write a stream list or a single stream. */
const lists = (m: Record<string, string[] | string> | undefined): Record<string, string[]> =>
  Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));

function indexOf(c: Case): ModuleIndex {
  const index = new ModuleIndex();
  for (const a of c.available) {
    const s: ModuleStream = {
      name: a.name,
      stream: a.stream,
      version: String(a.version),
      context: a.context,
      dependencies: [{ buildrequires: lists(a.buildrequires), requires: lists(a.requires) }],
      profiles: {},
      rpms: [],
      nevras: [],
      filter: [],
      components: [],
      source: `case ${c.name}`,
      ref: a.ref,
      // What the oracle's database answers for a build's filtered packages: its built ones (N-E:V-R) named in its filter.
      filteredRpms: a.filter ? (a.rpms ?? []).filter((n) => a.filter!.includes(n.replace(/-[^-]+-[^-]+$/, ''))).sort() : undefined,
      virtualStreams: a.virtual_streams,
    };
    index.addStream(s);
  }
  return index;
}

describe("MBS's identity of a module build: the oracle's answers (fm-orchestrator's own functions)", () => {
  test('the hashes are over Python json.dumps text', () => {
    assert.equal(pythonJson({ nodejs: '20', platform: 'f41' }), '{"nodejs": "20", "platform": "f41"}');
    assert.equal(pythonJson({ a: ['1', '2'], b: [] }), '{"a": ["1", "2"], "b": []}');
    assert.equal(pythonJson({ n: 'é' }), '{"n": "\\u00e9"}');
    assert.equal(streamVersion('f27'), 270000);
    assert.equal(streamVersion('el8.1.0'), 80100);
    assert.equal(streamVersion('f27', false), 27);
    assert.equal(streamVersion('rawhide'), null);
    assert.equal(prefixedVersion('20241105102030', 'f41'), '4120241105102030');
    assert.equal(prefixedVersion('20241105102030', 'rawhide'), '20241105102030');
    assert.equal(moduleContext(buildContext({ platform: { stream: 'f41' } }), runtimeContext([{ requires: { platform: ['f41'] } }])).length, 8);
  });

  for (const c of cases) {
    const want = expected.cases.find((e) => e.name === c.name);
    test(`${c.name}`, { skip: NOT_APPLICABLE[c.name] ?? (!want ? 'no recorded answer' : false), todo: TODO[c.name] ?? false }, () => {
      const doc = parseYaml(c.document).documents[0];
      const subjects = streamsOfDocument(doc, c.name);
      const res = resolveModule(subjects, indexOf(c));
      if (want!.error) {
        assert.ok(res.errors.length > 0, `MBS refused it (${want!.error.message}); gitoverlay resolved ${res.expansions.length} builds`);
        return;
      }
      assert.deepEqual(res.errors, []);
      const ours = res.expansions.map((x) => {
        const { dependencies, entry, staticContext } = mbsDependencies(doc.value, x.subject, x.entry, mbsStreamRewrite(indexOf(c)));
        return mbsIdentity({
          dependencies,
          entry,
          staticContext,
          solution: solutionOf(x, indexOf(c)),
          time: String(want!.submitted_version),
          commit: c.commit,
          scmurl: c.scmurl,
          // The components' commits are an input (what the SCM answered the oracle), not computed.
          rpmRefs: Object.fromEntries(Object.entries((want!.builds[0]?.xmd_mbs.rpms ?? {}) as Record<string, { ref: string }>).map(([k, v]) => [k, v.ref])),
        });
      });
      const key = (b: { context: string }) => b.context;
      assert.deepEqual(
        ours.map((b) => ({ version: b.version, context: b.context, dependencies: b.dependencies, xmd: b.xmd.mbs })).sort((a, b) => (key(a) < key(b) ? -1 : 1)),
        want!.builds
          .map((b) => ({ version: String(b.version), context: b.context, dependencies: b.dependencies, xmd: b.xmd_mbs }))
          .sort((a, b) => (key(a) < key(b) ? -1 : 1)),
      );
    });
  }
});
