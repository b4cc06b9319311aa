import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { checkText } from '../../server/src/core/check/check';
import { RULES } from '../../server/src/core/rules';
import type { Diagnostic } from '../../server/src/core/types';
import { at, codes, covered, diagnostics, read, REFERENCE, show } from './helpers';

const OVERLAY = 'overlay.yml';

/** Every code a test below has seen reported (checked against RULES at the end). */
const seen = new Set<string>();

/** All diagnostics of `text`, which must all carry `code`. */
function only(text: string, code: string, path = OVERLAY): Diagnostic[] {
  const all = diagnostics(text, path);
  assert.ok(all.length > 0, `expected ${code}, got nothing`);
  assert.deepEqual(codes(all), all.map(() => code), `expected only ${code}, got ${show(all).join('; ')}`);
  seen.add(code);
  return all;
}

function sole(text: string, code: string, path = OVERLAY): Diagnostic {
  const all = only(text, code, path);
  assert.equal(all.length, 1, `expected one ${code}, got ${show(all).join('; ')}`);
  return all[0];
}

function clean(text: string, path = OVERLAY): void {
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

/** A small overlay whose components start on line 12; both aliases are used by `components`. */
function overlay(components: string, prefix = 'fedorapkgs'): string {
  return `aliases:
  - name: github
    url: https://github.com/
  - name: fedorapkgs
    url: https://src.fedoraproject.org/rpms/
distgit:
  prefix: ${prefix}
  branch: f38
root:
  mock: fedora-38-$arch
components:
${components}`;
}

describe('overlay components', () => {
  test("a non-string define (`foo: 0`) is an error with the quoted value as fix (rdgo raises TypeError)", () => {
    const text = overlay(`  - src: github:openshift/origin
    spec: internal
    defines:
      make_redistributable: 0
`);
    const d = sole(text, 'overlay.defines-not-string');
    expectDiag(text, d, {
      severity: 'error',
      message: /The value of define 'make_redistributable' must be a string; quote it: "0"/,
      at: '15:29',
      covers: '0',
    });
    assert.equal(d.data?.replacement, '"0"');
    clean(text.replace('make_redistributable: 0', 'make_redistributable: "0"'));
  });

  test('a misspelt component key is refused with a did-you-mean (overide-version → override-version)', () => {
    const text = overlay(`  - src: github:projectatomic/skopeo
    overide-version: "1.10"
`);
    const d = sole(text, 'schema.unknown-key');
    expectDiag(text, d, {
      severity: 'error',
      message: /Unknown key 'overide-version'.*; did you mean 'override-version'\?/,
      at: '13:5',
      covers: 'overide-version',
    });
    assert.deepEqual(d.data, { key: 'overide-version', suggestion: 'override-version' });
    clean(text.replace('overide-version', 'override-version'));
  });

  test('a misspelt key in a distgit map is refused with a did-you-mean', () => {
    const text = overlay(`  - src: github:shurcooL/sanitized_anchor_name
    distgit:
      nmae: golang-github-shurcooL-sanitized_anchor_name
`);
    const d = sole(text, 'schema.unknown-key');
    expectDiag(text, d, {
      severity: 'error',
      message: /Unknown key 'nmae'.*; did you mean 'name'\?/,
      at: '14:7',
      covers: 'nmae',
    });
    clean(text.replace('nmae:', 'name:'));
  });

  test('spec other than internal is refused on the value', () => {
    const text = overlay(`  - src: github:projectatomic/bubblewrap
    spec: upstream
`);
    expectDiag(text, sole(text, 'schema.enum'), {
      severity: 'error',
      message: /'spec' must be one of: internal/,
      at: '13:11',
      covers: 'upstream',
    });
    clean(text.replace('spec: upstream', 'spec: internal'));
  });

  test('distgit patches other than keep or drop is refused on the value', () => {
    const text = overlay(`  - src: github:projectatomic/rpm-ostree
    distgit:
      patches: remove
`);
    expectDiag(text, sole(text, 'schema.enum'), {
      severity: 'error',
      message: /'patches' must be one of: keep, drop/,
      at: '14:16',
      covers: 'remove',
    });
    clean(text.replace('patches: remove', 'patches: drop'));
    clean(text.replace('patches: remove', 'patches: keep'));
  });

  test("a component with neither src nor distgit is refused (rdgo cannot fetch anything)", () => {
    const text = overlay(`  - src: github:coreos/etcd
  - name: flannel
    branch: master
`);
    expectDiag(text, sole(text, 'overlay.missing-source'), {
      severity: 'error',
      message: /Component 'flannel' needs 'src' or 'distgit'/,
      at: '13:5',
      covers: 'name',
    });
    clean(text.replace('  - name: flannel\n', '  - name: flannel\n    src: github:coreos/flannel\n'));
    clean(text.replace('  - name: flannel\n', '  - name: flannel\n    distgit: flannel\n'));
  });

  test("spec: internal together with a distgit map is refused on 'distgit'", () => {
    const text = overlay(`  - src: github:projectatomic/bubblewrap
    spec: internal
    distgit:
      branch: master
`);
    expectDiag(text, sole(text, 'overlay.spec-internal-with-distgit'), {
      severity: 'error',
      message: /'spec: internal' takes the spec from upstream; remove the 'distgit' map or the 'spec' key/,
      at: '14:5',
      covers: 'distgit',
    });
    clean(text.replace('    distgit:\n      branch: master\n', ''));
    clean(text.replace('    spec: internal\n', ''));
  });

  test('two components whose src URLs end in the same name collide (github:coreos/etcd.git → etcd)', () => {
    const text = overlay(`  - src: github:coreos/etcd.git
  - distgit: gtk-doc
  - src: https://gitlab.com/mirrors/etcd
    branch: release-3.5
`);
    expectDiag(text, sole(text, 'overlay.duplicate-name'), {
      severity: 'warning',
      message: /Component name 'etcd' is already used by the component on line 12; set a distinct 'name'/,
      at: '14:5',
      covers: 'src',
    });
    clean(text.replace('    branch: release-3.5\n', '    branch: release-3.5\n    name: etcd-gitlab\n'));
  });

  test('two components with the same explicit name collide, reported on the second name', () => {
    const text = overlay(`  - src: github:projectatomic/docker
    name: docker
  - src: github:moby/moby
    name: docker
`);
    expectDiag(text, sole(text, 'overlay.duplicate-name'), {
      severity: 'warning',
      message: /Component name 'docker' is already used by the component on line 12/,
      at: '15:11',
      covers: 'docker',
    });
    clean(text.replace(/name: docker\n$/, 'name: moby\n'));
  });

  test('override-version: 1.10 unquoted warns that PyYAML reads 1.1, with "1.10" as fix', () => {
    const text = overlay(`  - src: github:projectatomic/skopeo
    override-version: 1.10
`);
    const d = sole(text, 'yaml.numeric-string');
    seen.add('yaml.numeric-string');
    expectDiag(text, d, {
      severity: 'warning',
      message: /'override-version' is written as 1.10, which PyYAML-based tools read as the float 1.1; quote it: "1.10"/,
      at: '13:23',
      covers: '1.10',
    });
    assert.equal(d.data?.replacement, '"1.10"');
    clean(text.replace('1.10', '"1.10"'));
    clean(text.replace('1.10', '8')); // reads back as written
  });
});

describe('overlay aliases', () => {
  test('src using an alias that is not defined is refused, with a did-you-mean', () => {
    const text = overlay(`  - src: github:coreos/etcd
  - src: githb:coreos/flannel
`);
    const d = sole(text, 'overlay.undefined-alias');
    expectDiag(text, d, {
      severity: 'error',
      message: /Alias 'githb' is not defined under 'aliases'; did you mean 'github'\?/,
      at: '13:10',
      covers: 'githb:coreos/flannel',
    });
    assert.deepEqual(d.data, { alias: 'githb', suggestion: 'github', defined: ['github', 'fedorapkgs'] });
    clean(text.replace('githb:', 'github:'));
  });

  test('a distgit src using an undefined alias is refused', () => {
    const text = overlay(`  - src: github:coreos/ignition
    distgit:
      src: fedora:ignition
`);
    expectDiag(text, sole(text, 'overlay.undefined-alias'), {
      severity: 'error',
      message: /Alias 'fedora' is not defined under 'aliases'/,
      at: '14:12',
      covers: 'fedora:ignition',
    });
    clean(text.replace('fedora:ignition', 'fedorapkgs:ignition'));
    clean(text.replace('fedora:ignition', 'https://github.com/ashcrow/ignition-specs.git')); // a URL, not an alias
  });

  test('a distgit.prefix naming an undefined alias is refused', () => {
    // Both aliases stay in use (src and the component's distgit src), so only the prefix is wrong.
    const text = overlay(
      `  - src: github:coreos/etcd
    distgit:
      src: fedorapkgs:etcd
`,
      'fedorapkg',
    );
    expectDiag(text, sole(text, 'overlay.undefined-alias'), {
      severity: 'error',
      message: /Alias 'fedorapkg' is not defined under 'aliases'; did you mean 'fedorapkgs'\?/,
      at: '7:11',
      covers: 'fedorapkg',
    });
    clean(overlay('  - src: github:coreos/etcd\n'));
    clean(overlay('  - src: github:coreos/etcd\n', 'https://src.fedoraproject.org/rpms').replace(/  - name: fedorapkgs\n.*\n/, ''));
  });

  test('an alias nothing uses gets a warning on its name', () => {
    const text = overlay('  - src: github:coreos/etcd\n').replace('distgit:\n', '  - name: gnome\n    url: https://gitlab.gnome.org/GNOME/\ndistgit:\n');
    expectDiag(text, sole(text, 'overlay.unused-alias'), {
      severity: 'warning',
      message: /Alias 'gnome' is never used/,
      at: '6:11',
      covers: 'gnome',
    });
    clean(text.replace('  - src: github:coreos/etcd\n', '  - src: github:coreos/etcd\n  - src: gnome:libgsystem\n'));
  });
});

describe('overlay top level', () => {
  test("distgit without prefix is refused on 'distgit', naming 'prefix'", () => {
    const text = overlay(`  - src: github:coreos/etcd
    distgit:
      src: fedorapkgs:etcd
`).replace('  prefix: fedorapkgs\n', '');
    const d = sole(text, 'schema.required');
    expectDiag(text, d, { severity: 'error', message: /'distgit' is missing the required key 'prefix'/, at: '6:1', covers: 'distgit' });
    assert.deepEqual(d.data, { missing: 'prefix' });
  });

  test("an overlay without 'components' is refused", () => {
    const text = `aliases:
  - name: fedorapkgs
    url: https://src.fedoraproject.org/rpms/
distgit:
  prefix: fedorapkgs
root:
  mock: fedora-38-$arch
`;
    const d = sole(text, 'schema.required');
    expectDiag(text, d, { severity: 'error', message: /The document is missing the required key 'components'/, at: '1:1', covers: 'aliases' });
    assert.deepEqual(d.data, { missing: 'components' });
    clean(`${text}components:\n  - distgit: etcd\n`);
  });

  test("an overlay without 'distgit' is refused", () => {
    const text = `components:
  - src: https://github.com/coreos/etcd
aliases: []
root:
  mock: fedora-38-$arch
`;
    const d = sole(text, 'schema.required');
    expectDiag(text, d, { severity: 'error', message: /The document is missing the required key 'distgit': rdgo stops with 'Missing config key distgit'/, at: '1:1', covers: 'components' });
    clean(`distgit:\n  prefix: https://src.fedoraproject.org/rpms\n${text}`);
  });

  test('an unknown top-level key warns that rdgo ignores it, with a did-you-mean (component → components)', () => {
    const text = `${overlay('  - src: github:coreos/etcd\n')}component:\n  - src: github:coreos/flannel\n`;
    const d = sole(text, 'overlay.unknown-top-level-key');
    expectDiag(text, d, {
      severity: 'warning',
      message: /Unknown top-level key 'component' is ignored by rpmdistro-gitoverlay; did you mean 'components'\?/,
      at: '13:1',
      covers: 'component',
    });
    assert.deepEqual(d.data, { key: 'component', suggestion: 'components' });
    clean(overlay('  - src: github:coreos/etcd\n  - src: github:coreos/flannel\n'));
  });

  test("a 'cache' section is noted (information, not a warning: most real overlays have one) as never read by rdgo", () => {
    const text = overlay('  - src: github:coreos/etcd\n').replace('components:\n', 'cache:\n  buildserial: 0\ncomponents:\n');
    expectDiag(text, sole(text, 'overlay.cache-unused'), {
      severity: 'information',
      message: /'cache' is accepted but never read by rpmdistro-gitoverlay/,
      at: '11:1',
      covers: 'cache',
    });
    clean(overlay('  - src: github:coreos/etcd\n'));
  });

  test("rdgo's build reads only root.mock: another key under root is a warning (was an unknown-key error), with did-you-mean", () => {
    const text = overlay('  - src: github:coreos/etcd\n').replace('root:\n  mock: fedora-38-$arch\n', 'root:\n  mock: fedora-38-$arch\n  distgit-branch: f38\n');
    expectDiag(text, sole(text, 'overlay.unknown-root-key'), {
      severity: 'warning',
      message: /'distgit-branch' under root is ignored: rpmdistro-gitoverlay reads only root.mock/,
      at: '11:3',
      covers: 'distgit-branch',
    });
    const typo = overlay('  - src: github:coreos/etcd\n').replace('  mock: fedora', '  mokc: fedora');
    const all = diagnostics(typo, OVERLAY);
    assert.deepEqual(codes(all), ['schema.required', 'overlay.unknown-root-key'], show(all).join('; '));
    assert.match(all[0].message, /'root' is missing the required key 'mock': rdgo's build stops with 'Missing config key mock'/);
    assert.match(all[1].message, /did you mean 'mock'\?/);
  });

  test("a missing root is an error in rdgo's words ('Missing config key root'); missing aliases too (KeyError)", () => {
    const noRoot = overlay('  - src: github:coreos/etcd\n').replace('root:\n  mock: fedora-38-$arch\n', '');
    expectDiag(noRoot, sole(noRoot, 'schema.required'), {
      severity: 'error',
      message: /The document is missing the required key 'root': rdgo's build stops with 'Missing config key root'/,
      at: '1:1',
      covers: 'aliases',
    });
    const noAliases = `distgit:\n  prefix: https://src.fedoraproject.org/rpms/\nroot:\n  mock: fedora-38-$arch\ncomponents:\n  - src: https://github.com/coreos/etcd\n`;
    expectDiag(noAliases, sole(noAliases, 'schema.required'), {
      severity: 'error',
      message: /missing the required key 'aliases': rdgo's resolve fails without it \(KeyError: 'aliases'\), even with no alias to define: write 'aliases: \[\]'/,
      at: '1:1',
      covers: 'distgit',
    });
    clean(`aliases: []\n${noAliases}`);
  });

  test("src without a scheme or an alias (github.com/org/repo) is refused as rdgo does ('Invalid uri'), with https:// as fix", () => {
    const text = overlay('  - src: github:coreos/etcd\n  - src: github.com/projectatomic/bubblewrap\n');
    const d = sole(text, 'overlay.src-not-url');
    expectDiag(text, d, {
      severity: 'error',
      message: /rdgo refuses 'github.com\/projectatomic\/bubblewrap' \("Invalid uri"\): write a URL with a scheme \(https:\/\/github.com\/projectatomic\/bubblewrap\)/,
      at: '13:10',
      covers: 'github.com/projectatomic/bubblewrap',
    });
    assert.equal(d.data?.replacement, 'https://github.com/projectatomic/bubblewrap');
    clean(overlay('  - src: github:coreos/etcd\n  - src: https://github.com/projectatomic/bubblewrap\n'));
    clean(overlay('  - src: github:coreos/etcd\n  - src: github:projectatomic/bubblewrap\n'));
  });

  test('a ref or an rpmwith entry PyYAML reads as a float, a date or a number is an error (rdgo raises TypeError); text PyYAML keeps is fine', () => {
    for (const [line, at, covers] of [
      ['    tag: 1.0\n', '13:10', '1.0'],
      ['    branch: 2019-01-01\n', '13:13', '2019-01-01'],
      ['    rpmwith: [1]\n', '13:15', '1'],
    ] as const) {
      const text = overlay(`  - src: github:coreos/etcd\n${line}`);
      const d = sole(text, 'overlay.not-a-string');
      assert.equal(at, `${d.range.start.line + 1}:${d.range.start.character + 1}`, d.message);
      assert.equal(covered(text, d), covers);
      assert.equal(d.severity, 'error');
      assert.match(d.message, /rdgo/);
    }
    clean(overlay('  - src: github:coreos/etcd\n    tag: "1.0"\n'));
    clean(overlay('  - src: github:coreos/etcd\n    tag: 76554e01\n'));
  });

});

describe('which files are overlays', () => {
  const DIR = join(REFERENCE, 'examples/overlay');

  for (const file of readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f))) {
    test(`the real overlay ${file} has no errors`, () => {
      const result = checkText(join(DIR, 'overlay.yml'), read(join(DIR, file)));
      assert.equal(result.family, 'overlay');
      assert.deepEqual(show(result.diagnostics.filter((d) => d.severity === 'error')), []);
    });
  }

  test('a file named foo.overlay.yml is checked as an overlay', () => {
    const text = overlay(`  - src: github:coreos/etcd
    spec: external
`);
    for (const path of ['foo.overlay.yml', 'ci/centos.overlay.yaml', 'overlay.yaml']) {
      const result = checkText(path, text);
      assert.equal(result.family, 'overlay', path);
      assert.deepEqual(codes(result.diagnostics), ['schema.enum'], path);
    }
  });

  test('a plain YAML file (GitHub workflow, docker-compose) gets no diagnostics, even with a syntax error', () => {
    const workflow = `name: CI
on: [push, pull_request]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci
        env:
          FOO: [unclosed
`;
    const compose = `version: "3.8"
services:
  web:
    image: nginx
    ports:
      - "80:80"
  web:
    image: duplicate
\tdb: tab-indented
`;
    for (const [path, text] of [
      ['.github/workflows/ci.yml', workflow],
      ['docker-compose.yml', compose],
      ['docker-compose.yml', compose.replace('\tdb: tab-indented\n', '')],
    ] as const) {
      const result = checkText(path, text);
      assert.equal(result.family, null, path);
      assert.deepEqual(show(result.diagnostics), [], path);
    }
  });

  test("rpm-gitoverlay's overlay.yml (components with git:, a chroot) gets one note that it is not an rdgo overlay, not a flood", () => {
    const text = `aliases:\n  - name: github\n    url: https://github.com/\nchroot: fedora-rawhide-x86_64\ncomponents:\n  - name: libsolv\n    git:\n      src: github:openSUSE/libsolv\n`;
    const d = sole(text, 'overlay.not-rdgo');
    assert.equal(d.severity, 'warning');
    assert.match(d.message, /rpm-gitoverlay's overlay format .* not rpmdistro-gitoverlay's: rdgo would stop with 'Missing config key distgit'/);
  });

  test('an rdgo overlay under another name (example-overlay.yml) is recognised by its content', () => {
    const result = checkText('doc/example-overlay.yml', overlay('  - src: github:coreos/etcd\n    spec: external\n'));
    assert.equal(result.family, 'overlay');
    assert.deepEqual(codes(result.diagnostics), ['schema.enum']);
  });

  test("another tool's document:/version:/data: envelope (document: rpm-package-manifest) is not claimed as modulemd", () => {
    const result = checkText('manifest.yaml', 'document: rpm-package-manifest\nversion: 0\ndata:\n  repositories: []\n');
    assert.equal(result.family, null);
    assert.deepEqual(result.diagnostics, []);
    // A near miss of modulemd is still ours to report.
    assert.equal(checkText('m.yaml', 'document: modulmd\nversion: 2\ndata:\n  name: x\n').family, 'modulemd');
  });

});

describe('coverage of this file', () => {
  test('every overlay rule and overlay.defines-not-string has a test above', () => {
    const wanted = [...RULES.filter((r) => r.id.startsWith('overlay.')).map((r) => r.id), 'overlay.defines-not-string'];
    assert.deepEqual(
      wanted.filter((c) => !seen.has(c)),
      [],
    );
  });
});
