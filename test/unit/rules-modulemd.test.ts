import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkText } from '../../server/src/core/check/check';
import { DEFAULTS_CONFLICT } from '../../server/src/core/check/file-rules';
import { RULES } from '../../server/src/core/rules';
import { ENVELOPE_CODES } from '../../server/src/core/rules/modulemd/envelope';
import type { Diagnostic } from '../../server/src/core/types';
import { at, codes, covered, diagnostics, show, streamV2, withCode } from './helpers';

/** Every code a test below has seen reported (checked against RULES at the end). */
const seen = new Set<string>();

/** All diagnostics of `text`, which must all carry `code` (the document violates that rule only). */
function only(text: string, code: string, path = 'module.yaml'): Diagnostic[] {
  const all = diagnostics(text, path);
  assert.ok(all.length > 0, `expected ${code}, got nothing`);
  assert.deepEqual(codes(all), all.map(() => code), `expected only ${code}, got ${show(all).join('; ')}`);
  seen.add(code);
  return all;
}

/** The single diagnostic of `text`, which must carry `code`. */
function sole(text: string, code: string, path = 'module.yaml'): Diagnostic {
  const all = only(text, code, path);
  assert.equal(all.length, 1, `expected one ${code}, got ${show(all).join('; ')}`);
  return all[0];
}

/** The fixed document: nothing at all to report. */
function clean(text: string, path = 'module.yaml'): void {
  assert.deepEqual(show(diagnostics(text, path)), []);
}

interface Expect {
  severity: Diagnostic['severity'];
  message: RegExp;
  at: string;
  covers: string;
}

function expectDiag(text: string, d: Diagnostic, want: Expect): void {
  assert.equal(d.severity, want.severity, `severity of ${d.code}`);
  assert.match(d.message, want.message);
  assert.equal(at(d), want.at, `start of ${d.code}: ${d.message}`);
  assert.equal(covered(text, d), want.covers, `text under ${d.code}`);
}

const PACKAGER_V3 = (configs: string): string => `document: modulemd-packager
version: 3
data:
  name: nodejs
  stream: "20"
  summary: Javascript runtime
  description: Node.js built for two platforms.
  license: [MIT]
  configurations:
${configs}`;

const OBSOLETES = (extra: string): string => `document: modulemd-obsoletes
version: 1
data:
  module: nodejs
  stream: "11"
  message: nodejs 11 is end of life; use nodejs 12.
${extra}`;

const DEFAULTS = (module: string, stream: string, modified: string, extra = ''): string => `document: modulemd-defaults
version: 1
data:
  module: ${module}
  modified: ${modified}
  stream: ${stream}
${extra}`;

describe('modulemd v2 stream: static context', () => {
  const ctx = (value: string, flag = 'true'): string => streamV2(`  static_context: ${flag}\n  context: ${value}\n`);

  test('a static context with a dash is refused (only letters, digits and _)', () => {
    const text = ctx('my-ctx');
    expectDiag(text, sole(text, 'modulemd.static-context'), {
      severity: 'error',
      message: /context 'my-ctx' can only contain \[a-zA-Z0-9_\]/,
      at: '11:12',
      covers: 'my-ctx',
    });
    clean(ctx('my_ctx'));
  });

  test('a static context longer than 13 characters is refused', () => {
    const text = ctx('nodejs20build1');
    expectDiag(text, sole(text, 'modulemd.static-context'), {
      severity: 'error',
      message: /context 'nodejs20build1' exceeds maximum length \(13\)/,
      at: '11:12',
      covers: 'nodejs20build1',
    });
    clean(ctx('nodejs20build')); // exactly 13
  });

  test('an empty static context is refused', () => {
    const text = ctx('""');
    expectDiag(text, sole(text, 'modulemd.static-context'), {
      severity: 'error',
      message: /context must not be empty when static_context is true/,
      at: '11:12',
      covers: '""',
    });
    clean(ctx('RealCTX_1'));
  });

  test('an empty or non-text static context gets one diagnostic, not a schema error plus a context error', () => {
    for (const value of ['', '{id: 1}', '[CTX1]']) {
      const text = ctx(value);
      const all = diagnostics(text);
      assert.equal(all.length, 1, `context: ${value} → ${show(all).join('; ')}`);
      assert.equal(all[0].range.start.line + 1, 11);
    }
  });

  test('without static_context: true the context is the build system\'s and is not checked', () => {
    clean(ctx('my-ctx-that-is-far-too-long', 'false'));
    clean(streamV2('  context: my-ctx\n'));
  });
});

describe('modulemd v2 stream: buildorder and buildafter', () => {
  test('one component with both buildorder and buildafter is refused on its buildorder', () => {
    const text = streamV2(`  components:
    rpms:
      python3:
        rationale: The interpreter.
        buildorder: 10
        buildafter: [expat]
      expat:
        rationale: XML parser.
`);
    expectDiag(text, sole(text, 'modulemd.buildorder-buildafter-component'), {
      severity: 'error',
      message: /Cannot mix buildorder and buildafter in the same component: 'python3' has buildorder 10/,
      at: '14:9',
      covers: 'buildorder',
    });
    clean(text.replace('        buildorder: 10\n', ''));
  });

  test('a stream mixing buildorder in one component and buildafter in others is refused on the odd one out', () => {
    const text = streamV2(`  components:
    rpms:
      expat:
        rationale: XML parser.
        buildorder: 10
      python3:
        rationale: The interpreter.
        buildafter: [libffi]
      libffi:
        rationale: FFI library.
      python3-pip:
        rationale: Installer.
        buildafter: [python3]
`);
    expectDiag(text, sole(text, 'modulemd.buildorder-buildafter-stream'), {
      severity: 'error',
      message: /mix buildorder and buildafter in the same stream: 'expat' uses buildorder while 'python3', 'python3-pip' use buildafter/,
      at: '14:9',
      covers: 'buildorder',
    });
    clean(text.replace('        buildorder: 10\n', ''));
  });

  test('buildafter naming a component that does not exist is refused on that entry', () => {
    const text = streamV2(`  components:
    rpms:
      python3:
        rationale: The interpreter.
        buildafter: [expat, libfii]
      expat:
        rationale: XML parser.
      libffi:
        rationale: FFI library.
`);
    expectDiag(text, sole(text, 'modulemd.buildafter-unknown'), {
      severity: 'error',
      message: /Buildafter 'libfii' not found in components list/,
      at: '14:29',
      covers: 'libfii',
    });
    clean(text.replace('libfii]', 'libffi]'));
  });

  test('a component built after itself is reported as buildafter-self, not as a cycle', () => {
    const text = streamV2(`  components:
    rpms:
      golang:
        rationale: The compiler.
        buildafter:
          - go-srpm-macros
          - golang
      go-srpm-macros:
        rationale: Macros.
`);
    const d = sole(text, 'modulemd.buildafter-self');
    expectDiag(text, d, { severity: 'error', message: /Component 'golang' lists itself in buildafter/, at: '16:13', covers: 'golang' });
    assert.deepEqual(withCode(text, 'modulemd.buildafter-cycle'), []);
    clean(text.replace('          - golang\n', ''));
  });

  const CYCLE2 = streamV2(`  components:
    rpms:
      gcc:
        rationale: The compiler.
        buildafter: [glibc]
      glibc:
        rationale: The C library.
        buildafter: [gcc]
      make:
        rationale: Depends on the loop but is not part of it.
        buildafter: [gcc]
`);

  test('two components built after each other: each edge of the loop is marked once, naming the loop', () => {
    const found = only(CYCLE2, 'modulemd.buildafter-cycle');
    assert.equal(found.length, 2, show(found).join('; '));
    expectDiag(CYCLE2, found[0], { severity: 'error', message: /^buildafter cycle: gcc → glibc → gcc; these components can never be built$/, at: '14:22', covers: 'glibc' });
    expectDiag(CYCLE2, found[1], { severity: 'error', message: /^buildafter cycle: gcc → glibc → gcc;/, at: '17:22', covers: 'gcc' });
    assert.deepEqual(found[0].data?.cycle, ['gcc', 'glibc', 'gcc']);
  });

  test('a component outside the loop that depends on it is not marked', () => {
    const found = withCode(CYCLE2, 'modulemd.buildafter-cycle');
    // `make` (line 20) is after gcc but nothing is after make: not part of the loop.
    assert.ok(found.every((d) => d.range.start.line + 1 !== 20), show(found).join('; '));
    clean(CYCLE2.replace('        buildafter: [gcc]\n      make', '      make'));
  });

  test('three components in a loop: each of the three edges is marked once, naming a → b → c → a', () => {
    const text = streamV2(`  components:
    rpms:
      glibc:
        rationale: The C library.
        buildafter: [gcc]
      gcc:
        rationale: The compiler.
        buildafter:
          - binutils
      binutils:
        rationale: The assembler.
        buildafter: [glibc]
`);
    const found = only(text, 'modulemd.buildafter-cycle');
    assert.deepEqual(
      found.map((d) => `${at(d)} ${covered(text, d)}`),
      ['14:22 gcc', '18:13 binutils', '21:22 glibc'],
    );
    for (const d of found) {
      assert.equal(d.severity, 'error');
      assert.equal(d.message, 'buildafter cycle: binutils → glibc → gcc → binutils; these components can never be built');
      assert.deepEqual(d.data?.cycle, ['binutils', 'glibc', 'gcc', 'binutils']);
    }
    clean(text.replace('        buildafter: [glibc]\n', ''));
  });

  function chain(n: number, closed: boolean): string {
    const lines = ['  components:', '    rpms:'];
    for (let i = 0; i < n; i++) {
      lines.push(`      pkg${i}:`, `        rationale: Link ${i} of the chain.`);
      if (i > 0) lines.push(`        buildafter: [pkg${i - 1}]`);
      else if (closed) lines.push(`        buildafter: [pkg${n - 1}]`);
    }
    return streamV2(lines.join('\n') + '\n');
  }

  test('a 5,000-component buildafter chain is checked without overflowing the stack', () => {
    assert.deepEqual(show(diagnostics(chain(5000, false))), []);
  });

  test('closing a 5,000-component chain into a loop reports each of its 5,000 edges', () => {
    const found = only(chain(5000, true), 'modulemd.buildafter-cycle');
    assert.equal(found.length, 5000);
    assert.match(found[0].message, /^buildafter cycle: pkg0 → pkg4999 → pkg4998 → /);
  });
});

describe('modulemd integers as libmodulemd reads them', () => {
  test('buildorder: 1e3 (a number to YAML tools) is not a base-10 integer for libmodulemd', () => {
    const text = streamV2('  components:\n    rpms:\n      nodejs:\n        rationale: The runtime.\n        buildorder: 1e3\n');
    expectDiag(text, sole(text, 'modulemd.integer-text'), {
      severity: 'error',
      message: /'buildorder' must be a base-10 integer.*1e3/,
      at: '14:21',
      covers: '1e3',
    });
    clean(text.replace('1e3', '1000'));
  });

  test('a module version beyond 64 bits is refused', () => {
    const text = streamV2('  version: 18446744073709551616\n');
    expectDiag(text, sole(text, 'modulemd.integer-text'), {
      severity: 'error',
      message: /'version' 18446744073709551616 does not fit in an? unsigned 64-bit integer/,
      at: '10:12',
      covers: '18446744073709551616',
    });
    clean(streamV2('  version: 18446744073709551615\n'));
  });
});

describe('modulemd v2 stream: arches, artifacts, dependencies', () => {
  test('a component arch outside buildopts.arches is refused on that arch', () => {
    const text = streamV2(`  buildopts:
    arches: [x86_64, aarch64]
  components:
    rpms:
      nodejs:
        rationale: The runtime.
        arches: [x86_64, s390x]
`);
    expectDiag(text, sole(text, 'modulemd.component-arch'), {
      severity: 'error',
      message: /Component rpm 'nodejs' arch 's390x' not in module buildopts.arches \(x86_64, aarch64\)/,
      at: '16:26',
      covers: 's390x',
    });
    clean(text.replace('s390x]', 'aarch64]'));
    clean(text.replace('    arches: [x86_64, aarch64]\n', '    rpms: {macros: "%_with_x 1"}\n')); // no module arches: no limit
  });

  const artifacts = (...rpms: string[]): string => streamV2(`  artifacts:\n    rpms:\n${rpms.map((r) => `      - ${r}\n`).join('')}`);

  test('an artifact without an epoch is refused (write 0: for none)', () => {
    const text = artifacts('bash-0:5.1.8-2.fc35.x86_64', 'bash-doc-5.1.8-2.fc35.noarch');
    expectDiag(text, sole(text, 'modulemd.artifact-nevra'), {
      severity: 'error',
      message: /Artifact 'bash-doc-5.1.8-2.fc35.noarch' is not in N-E:V-R.A format: no epoch/,
      at: '13:9',
      covers: 'bash-doc-5.1.8-2.fc35.noarch',
    });
    clean(artifacts('bash-0:5.1.8-2.fc35.x86_64', 'bash-doc-0:5.1.8-2.fc35.noarch'));
  });

  test('an artifact with a non-numeric epoch is refused', () => {
    const text = artifacts('bash-x:5.1.8-2.fc35.x86_64');
    expectDiag(text, sole(text, 'modulemd.artifact-nevra'), {
      severity: 'error',
      message: /'bash-x:5.1.8-2.fc35.x86_64' is not in N-E:V-R.A format: epoch 'x' is not a number/,
      at: '12:9',
      covers: 'bash-x:5.1.8-2.fc35.x86_64',
    });
    clean(artifacts('bash-1:5.1.8-2.fc35.x86_64'));
  });

  test("an artifact with a '-' in its version is refused", () => {
    const text = artifacts('python3-0:3.11-rc1-1.fc38.x86_64');
    expectDiag(text, sole(text, 'modulemd.artifact-nevra'), {
      severity: 'error',
      message: /'python3-0:3.11-rc1-1.fc38.x86_64' is not in N-E:V-R.A format: a '-' in the version/,
      at: '12:9',
      covers: 'python3-0:3.11-rc1-1.fc38.x86_64',
    });
    clean(artifacts('python3-0:3.11~rc1-1.fc38.x86_64'));
  });

  test('an artifact with epoch 0 is valid', () => {
    clean(artifacts('nodejs-0:8.11.4-1.module_2030+42747d40.x86_64', 'nodejs-docs-1:8.11.4-1.module_2030+42747d40.noarch'));
  });

  const rpmMap = (version: string, nevra: string): string =>
    streamV2(`  artifacts:
    rpm-map:
      sigmd5:
        5c2b5ad0c0bd31a3e2ab09e8d3a7e1f1:
          name: python-six
          epoch: 0
          version: ${version}
          release: 1.fc38
          arch: noarch
          nevra: ${nevra}
`);

  test("an rpm-map entry whose nevra disagrees with its fields is refused, with the exploded nevra as fix", () => {
    const text = rpmMap('1.16.0', 'python-six-0:1.15.0-1.fc38.noarch');
    const d = sole(text, 'modulemd.rpm-map-nevra');
    expectDiag(text, d, {
      severity: 'error',
      message: /'nevra' field \(python-six-0:1.15.0-1.fc38.noarch\) differs from exploded version \(python-six-0:1.16.0-1.fc38.noarch\)/,
      at: '19:18',
      covers: 'python-six-0:1.15.0-1.fc38.noarch',
    });
    assert.equal(d.data?.replacement, 'python-six-0:1.16.0-1.fc38.noarch');
    clean(rpmMap('1.16.0', 'python-six-0:1.16.0-1.fc38.noarch'));
  });

  test('quoted rpm-map fields are compared by their value, not with their quotes', () => {
    // Quoting is what the numeric-string hint recommends; it must not turn into a mismatch.
    clean(rpmMap('"1.16.0"', 'python-six-0:1.16.0-1.fc38.noarch'));
    clean(rpmMap('"1.10"', 'python-six-0:1.10-1.fc38.noarch'));
    clean(rpmMap("'1.10'", 'python-six-0:1.10-1.fc38.noarch'));
  });

  test('an unquoted `version: 1.10` in rpm-map is compared as written ("1.10"), not as the number 1.1', () => {
    const text = rpmMap('1.10', 'python-six-0:1.10-1.fc38.noarch');
    assert.deepEqual(withCode(text, 'modulemd.rpm-map-nevra'), []);
    // Only the quoting hint for PyYAML-based tools remains.
    assert.deepEqual(codes(diagnostics(text)), ['yaml.numeric-string']);
    // And the number-as-read form is the mismatch, not the written one.
    const wrong = rpmMap('1.10', 'python-six-0:1.1-1.fc38.noarch');
    assert.match(withCode(wrong, 'modulemd.rpm-map-nevra')[0].message, /exploded version \(python-six-0:1.10-1.fc38.noarch\)/);
  });

  const deps = (build: string, run: string): string =>
    streamV2(`  dependencies:
    - buildrequires:
        platform: ${build}
      requires:
        platform: ${run}
`);

  test('buildrequires mixing a stream and an excluded stream is refused', () => {
    const text = deps('[f38, -f37]', '[]');
    const d = sole(text, 'modulemd.mixed-streams');
    expectDiag(text, d, {
      severity: 'error',
      message: /Build-time dependency 'platform' contains a mix of positive and negative streams \(f38, -f37\)/,
      at: '12:19',
      covers: '[f38, -f37]',
    });
    assert.deepEqual(d.data, { module: 'platform', side: 'buildrequires' });
    clean(deps('[-f37, -f36]', '[]'));
  });

  test('requires mixing a stream and an excluded stream is refused', () => {
    const text = deps('[f38]', '[f38, -f36]');
    expectDiag(text, sole(text, 'modulemd.mixed-streams'), {
      severity: 'error',
      message: /Runtime dependency 'platform' contains a mix of positive and negative streams \(f38, -f36\)/,
      at: '14:19',
      covers: '[f38, -f36]',
    });
    clean(deps('[f38]', '[f38, f39]'));
  });
});

describe('modulemd-packager v3', () => {
  test('two configurations with the same context are refused on the second one', () => {
    const text = PACKAGER_V3(`    - context: CTX1
      platform: f38
    - context: CTX2
      platform: f39
    - context: CTX1
      platform: f40
`);
    expectDiag(text, sole(text, 'modulemd.duplicate-context'), {
      severity: 'error',
      message: /Duplicate context: CTX1 \(also configuration 1\)/,
      at: '14:16',
      covers: 'CTX1',
    });
    clean(text.replace(/CTX1\n      platform: f40/, 'CTX3\n      platform: f40'));
  });
});

describe('modulemd-obsoletes', () => {
  test('reset together with obsoleted_by is refused on reset', () => {
    const text = OBSOLETES(`  modified: 2023-01-15T08:30Z
  reset: true
  obsoleted_by:
    module: nodejs
    stream: "12"
`);
    expectDiag(text, sole(text, 'modulemd.obsoletes-reset'), {
      severity: 'error',
      message: /cannot have both reset and obsoleted_by/,
      at: '8:3',
      covers: 'reset',
    });
    clean(text.replace('  reset: true\n', ''));
    clean(OBSOLETES('  modified: 2023-01-15T08:30Z\n  reset: true\n'));
  });

  test('an impossible date (30 February) is a warning (libmodulemd accepts it)', () => {
    const text = OBSOLETES('  modified: 2023-02-30T10:00Z\n');
    expectDiag(text, sole(text, 'modulemd.obsoletes-date'), {
      severity: 'warning',
      message: /'modified' is not a real date: 2023-02-30T10:00Z/,
      at: '7:13',
      covers: '2023-02-30T10:00Z',
    });
    clean(OBSOLETES('  modified: 2023-02-28T10:00Z\n'));
    clean(OBSOLETES('  modified: 2024-02-29T10:00Z\n  eol_date: 2024-12-31T23:59Z\n')); // leap day
  });
});

describe('deprecations', () => {
  test('a modulemd v1 document gets a deprecation warning on its version', () => {
    const v1 = `document: modulemd
version: 1
data:
  name: foo
  stream: stream-name
  summary: An example module
  description: A modulemd version 1 document.
  license:
    module: [MIT]
`;
    expectDiag(v1, sole(v1, 'modulemd.v1-deprecated'), {
      severity: 'warning',
      message: /modulemd v1 is deprecated: upgrade this document to version 2/,
      at: '2:10',
      covers: '1',
    });
    clean(streamV2());
  });

  test("modulemd-defaults with 'intents' gets a warning that dnf ignores them", () => {
    const text = DEFAULTS('nodejs', '"18"', '202301010000', `  intents:
    desktop:
      stream: "20"
`);
    expectDiag(text, sole(text, 'modulemd.defaults-intents'), {
      severity: 'warning',
      message: /'intents' is deprecated and ignored by dnf/,
      at: '7:3',
      covers: 'intents',
    });
    clean(DEFAULTS('nodejs', '"18"', '202301010000'));
  });
});

describe('modulemd-defaults across documents', () => {
  test('two defaults for one module with the same modified but different streams conflict', () => {
    const text = `${DEFAULTS('meson', 'latest', '202301010000')}---\n${DEFAULTS('meson', 'old', '202301010000')}`;
    expectDiag(text, sole(text, DEFAULTS_CONFLICT), {
      severity: 'error',
      message: /Default stream mismatch in module meson: 'latest' and 'old' with the same 'modified'/,
      at: '13:11',
      covers: 'old',
    });
    assert.equal(DEFAULTS_CONFLICT, 'modulemd.defaults-conflict');
    clean(`${DEFAULTS('meson', 'latest', '202301010000')}---\n${DEFAULTS('meson', 'old', '202301020000')}`); // newer wins
    clean(`${DEFAULTS('meson', 'latest', '202301010000')}---\n${DEFAULTS('ninja', 'old', '202301010000')}`); // other module
  });
});

describe('modulemd envelope', () => {
  test("a misspelt document type is refused with a did-you-mean ('modulemd-default' → modulemd-defaults)", () => {
    const text = DEFAULTS('nodejs', '"18"', '202301010000').replace('modulemd-defaults', 'modulemd-default');
    const d = sole(text, 'modulemd.document-unknown');
    expectDiag(text, d, {
      severity: 'error',
      message: /Document type 'modulemd-default' unknown.*did you mean 'modulemd-defaults'\?/,
      at: '1:11',
      covers: 'modulemd-default',
    });
    assert.deepEqual(d.data, { suggestion: 'modulemd-defaults' });
    assert.equal(d.code, ENVELOPE_CODES.documentUnknown);
    clean(DEFAULTS('nodejs', '"18"', '202301010000'));
  });

  test('a version the document type does not have is refused on the version', () => {
    const text = streamV2().replace('version: 2', 'version: 3');
    expectDiag(text, sole(text, 'modulemd.version-unsupported'), {
      severity: 'error',
      message: /Invalid mdversion 3 for modulemd: supported versions are 1, 2/,
      at: '2:10',
      covers: '3',
    });
    const packager = PACKAGER_V3('    - context: CTX1\n      platform: f38\n').replace('version: 3', 'version: 1');
    expectDiag(packager, sole(packager, 'modulemd.version-unsupported'), {
      severity: 'error',
      message: /Invalid mdversion 1 for modulemd-packager: supported versions are 2, 3/,
      at: '2:10',
      covers: '1',
    });
  });

  test('a quoted document version (`version: "2"`) is accepted, as libmodulemd reads the text', () => {
    // modulemd-validator: "validated successfully"; the envelope accepts it too.
    clean(streamV2().replace('version: 2', 'version: "2"'));
    clean(DEFAULTS('nodejs', '"18"', '202301010000').replace('version: 1', "version: '1'"));
  });

  test('document: modulemd-stream (the alias libmodulemd accepts for modulemd) is accepted', () => {
    // modulemd-validator: "validated successfully"; the envelope maps it to the v2 stream schema.
    const text = streamV2().replace('document: modulemd\n', 'document: modulemd-stream\n');
    assert.deepEqual(withCode(text, 'schema.const').map((d) => `${at(d)} ${d.message}`), []);
    clean(text);
  });

  test("a document without 'document:' (next to a modulemd one) is refused on its first key", () => {
    const text = `${DEFAULTS('nodejs', '"18"', '202301010000')}---\n${DEFAULTS('meson', 'latest', '202301010000').replace('document: modulemd-defaults\n', '')}`;
    const d = sole(text, 'modulemd.document-missing');
    expectDiag(text, d, { severity: 'error', message: /No document type specified: add 'document:'/, at: '8:1', covers: 'version' });
    assert.deepEqual(d.data, { missing: 'document' });
    clean(`${DEFAULTS('nodejs', '"18"', '202301010000')}---\n${DEFAULTS('meson', 'latest', '202301010000')}`);
  });

  test("a document without 'version:' is refused on its first key", () => {
    const text = streamV2().replace('version: 2\n', '');
    const d = sole(text, 'modulemd.version-missing');
    expectDiag(text, d, { severity: 'error', message: /No metadata version specified: add 'version:'/, at: '1:1', covers: 'document' });
    assert.deepEqual(d.data, { missing: 'version' });
  });

  test("a document without 'data:' is refused on its first key", () => {
    const text = 'document: modulemd\nversion: 2\n';
    const d = sole(text, 'modulemd.data-missing');
    expectDiag(text, d, { severity: 'error', message: /No data section provided: add 'data:'/, at: '1:1', covers: 'document' });
    assert.deepEqual(d.data, { missing: 'data' });
  });

  test('a document that is a list instead of a mapping is refused', () => {
    const first = DEFAULTS('nodejs', '"18"', '202301010000');
    const text = `${first}---\n- document: modulemd-defaults\n- version: 1\n`;
    expectDiag(text, sole(text, 'modulemd.not-a-mapping'), {
      severity: 'error',
      message: /A modulemd document must be a mapping with document, version and data/,
      at: '8:1',
      covers: '- document: modulemd-defaults',
    });
    clean(first);
  });

  test('an odd envelope or defaults value (a mapping with a toString key) is reported, never crashes the check', () => {
    // YAML can build any mapping; String() of {toString: 1} throws a TypeError.
    const odd = [
      'document: {toString: 1}\nversion: 2\ndata: {}\n',
      'document: modulemd\nversion: {toString: 1}\ndata: {}\n',
      `${DEFAULTS('meson', 'latest', '202301010000')}---\n${DEFAULTS('meson', '{toString: 1}', '202301010000')}`,
    ];
    for (const text of odd) {
      let result: ReturnType<typeof checkText> | undefined;
      assert.doesNotThrow(() => {
        result = checkText('module.yaml', text);
      }, `checkText threw on:\n${text}`);
      assert.ok(result && result.diagnostics.some((d) => d.severity === 'error'), `no error for:\n${text}`);
    }
  });
});

describe('the rule safety net', () => {
  test('a rule that throws is reported as a gitoverlay.internal-error warning, and the other findings remain', () => {
    const rule = RULES.find((r) => r.id === 'modulemd.static-context');
    assert.ok(rule);
    const original = rule.check;
    rule.check = () => {
      throw new Error('unexpected input');
    };
    try {
      const text = streamV2('  static_context: yes\n');
      const all = diagnostics(text);
      assert.deepEqual(codes(all), ['gitoverlay.internal-error', 'schema.boolean']);
      expectDiag(text, all[0], {
        severity: 'warning',
        message: /^Rule modulemd.static-context failed: unexpected input$/,
        at: '1:1',
        covers: 'document',
      });
    } finally {
      rule.check = original;
    }
    clean(streamV2('  static_context: true\n  context: CTX1\n'));
  });
});

describe('coverage of this file', () => {
  test('every modulemd rule, envelope code and the defaults conflict has a test above', () => {
    const wanted = [
      ...RULES.filter((r) => r.id.startsWith('modulemd.')).map((r) => r.id),
      ...Object.values(ENVELOPE_CODES),
      DEFAULTS_CONFLICT,
    ];
    assert.deepEqual(
      wanted.filter((c) => !seen.has(c)),
      [],
    );
  });
});
