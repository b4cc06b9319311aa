import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';
import { read, REFERENCE, ROOT } from './helpers';

// Tokenizes spec files with syntaxes/rpm-spec.tmLanguage.json the way VS Code does (vscode-textmate on
// the oniguruma WASM build) and checks the scopes a user would see as colours.

const GRAMMAR = join(ROOT, 'syntaxes/rpm-spec.tmLanguage.json');
const LANGUAGE_CONFIGURATION = join(ROOT, 'syntaxes/rpm-spec.language-configuration.json');
const GOLDEN = join(REFERENCE, 'rpmautospec-golden');
const SCOPE = 'source.rpm-spec';

let grammarPromise: Promise<vsctm.IGrammar> | undefined;
function grammar(): Promise<vsctm.IGrammar> {
  grammarPromise ??= (async () => {
    await oniguruma.loadWASM(readFileSync(join(ROOT, 'node_modules/vscode-oniguruma/release/onig.wasm')));
    const registry = new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
        createOnigString: (s: string) => new oniguruma.OnigString(s),
      }),
      // source.lua (embedded in %{lua:...}) is VS Code's own grammar; without it the Lua body stays plain
      loadGrammar: async (scopeName) => (scopeName === SCOPE ? vsctm.parseRawGrammar(read(GRAMMAR), GRAMMAR) : null),
    });
    const g = await registry.loadGrammar(SCOPE);
    assert.ok(g, 'the grammar loads');
    return g;
  })();
  return grammarPromise;
}

interface Token {
  text: string;
  start: number;
  end: number;
  scopes: string[];
}
interface Tokenized {
  lines: string[];
  tokens: Token[][];
  /** Depth of the rule stack after the last line: 1 = top level, 2 = inside one section. */
  depth: number;
}

async function tokenize(text: string): Promise<Tokenized> {
  const g = await grammar();
  const lines = text.split('\n');
  const tokens: Token[][] = [];
  let state = vsctm.INITIAL;
  for (const line of lines) {
    const r = g.tokenizeLine(line, state);
    tokens.push(r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), start: t.startIndex, end: t.endIndex, scopes: t.scopes })));
    state = r.ruleStack;
  }
  return { lines, tokens, depth: state.depth };
}

/** `scope` names the scope or one of its parents: `variable.other` matches `variable.other.macro.rpm-spec`. */
function hasScope(scopes: string[], scope: string): boolean {
  return scopes.some((s) => s === scope || s.startsWith(scope + '.'));
}

let checks = 0;

/** Index of the first line (at or after `from`) that starts with `prefix`. */
function lineOf(doc: Tokenized, prefix: string, from = 0): number {
  const i = doc.lines.findIndex((l, n) => n >= from && l.startsWith(prefix));
  assert.ok(i >= 0, `a line starting with ${JSON.stringify(prefix)}`);
  return i;
}

/** The tokens covering the `nth` (non-overlapping) occurrence of `needle` on line `line`. */
function covering(doc: Tokenized, line: number, needle: string, nth = 0): Token[] {
  const text = doc.lines[line];
  let at = -1;
  for (let k = 0; k <= nth; k++) {
    at = text.indexOf(needle, at < 0 ? 0 : at + needle.length);
    assert.ok(at >= 0, `${JSON.stringify(needle)} (#${nth}) on line ${line + 1}: ${text}`);
  }
  const end = at + needle.length;
  return doc.tokens[line].filter((t) => t.end > at && t.start < end);
}

function describeTokens(tokens: Token[]): string {
  return tokens.map((t) => `${JSON.stringify(t.text)} [${t.scopes.slice(1).join(', ')}]`).join('; ');
}

/** Every token covering `needle` on the line carries `scope`. */
function expectScope(doc: Tokenized, line: number, needle: string, scope: string, nth = 0): void {
  checks++;
  const tokens = covering(doc, line, needle, nth);
  assert.ok(
    tokens.every((t) => hasScope(t.scopes, scope)),
    `${JSON.stringify(needle)} on line ${line + 1} should be ${scope}: ${describeTokens(tokens)}`,
  );
}

/** No token covering `needle` on the line carries `scope`. */
function expectNoScope(doc: Tokenized, line: number, needle: string, scope: string, nth = 0): void {
  checks++;
  const tokens = covering(doc, line, needle, nth);
  assert.ok(
    tokens.every((t) => !hasScope(t.scopes, scope)),
    `${JSON.stringify(needle)} on line ${line + 1} should not be ${scope}: ${describeTokens(tokens)}`,
  );
}

/** `needle` is exactly one token (the grammar captured it as a unit) and carries `scope`. */
function expectToken(doc: Tokenized, line: number, needle: string, scope: string, nth = 0): void {
  const tokens = covering(doc, line, needle, nth);
  checks++;
  assert.equal(tokens.length, 1, `${JSON.stringify(needle)} on line ${line + 1} is one token: ${describeTokens(tokens)}`);
  assert.equal(tokens[0].text, needle, `${JSON.stringify(needle)} on line ${line + 1} is one token: ${describeTokens(tokens)}`);
  expectScope(doc, line, needle, scope, nth);
}

// testpkg.spec as `gen-history.py 1 DIR` writes it (HEAD of the rawhide branch, before processing).
const GENERATED_SPEC = `Name:           testpkg
Epoch:          1
Version:        4.0.2
Release:        %autorelease -p -e beta2
Summary:        Generated test package
License:        MIT
URL:            https://example.com/testpkg
Source0:        testpkg-%{version}.tar.gz
Patch1:         fix-1.patch
Patch2:         fix-2.patch
Patch3:         fix-3.patch
Patch4:         fix-4.patch

%description
Generated test package (seed 1).

%prep

%build

%install

%files

%changelog
%autochangelog
`;

// A hand-written spec in the style of Fedora packages, with the constructs the generated ones lack.
const FULL_SPEC = `# Example spec with most constructs
%global forgeurl https://github.com/example/foo
%global shortcommit %(c=%{commit}; echo \${c:0:7})
%define _hardened_build 1
%undefine _debugsource_packages
%bcond_without tests
%{!?python3_sitelib: %global python3_sitelib %(%{__python3} -c "print(1)")}

Name:           foo
Version:        2.3.1%{?prerel:~%{prerel}}
Release:        %autorelease -b 2
Summary:        An example package
License:        MIT AND (Apache-2.0 OR BSD-3-Clause)
URL:            %{forgeurl}
Source0:        %{url}/archive/v%{version}/%{name}-%{version}.tar.gz
Patch12:        foo-fix-build.patch
BuildArch:      noarch
BuildRequires:  gcc >= 10, make
BuildRequires:  (python3-foo if python3 else python2-foo)
Requires(post): systemd
Requires:       %{name}-libs%{?_isa} = %{version}-%{release}

%if 0%{?fedora} >= 38 || 0%{?rhel} > 9
BuildRequires:  pkgconfig(glib-2.0)
%elif %{with tests}
BuildRequires:  python3-pytest
%else
# nothing
%endif
%ifarch x86_64 aarch64 %{arm}
BuildRequires:  valgrind
%endif

%description
Foo does things. It costs 100%% less.
Version: 2 of the protocol is supported.

%package -n python3-foo
Summary:        Python bindings for %name

%description -n python3-foo
Python bindings.

%prep
%autosetup -p1 -n %{name}-%{version}
sed -i 's/foo/bar/' Makefile # shell stays plain

%generate_buildrequires
%pyproject_buildrequires -t

%build
%make_build PREFIX=%{_prefix}
%{lua: for i = 1, 3 do print("echo " .. i .. "\\n") end
 local t = {a = 1, b = {2}}
}
printf '%%s\\n' done

%install
%make_install

%check
%if %{with tests}
make test
%endif

%post
%systemd_post foo.service

%files -f %{name}.lang
%license LICENSE
%config(noreplace) %{_sysconfdir}/foo.conf

%files -n python3-foo
%{python3_sitelib}/foo/

%changelog
* Mon Jan 01 2024 Jane Doe <jane@example.com> - 1:2.3.0-1
- Update to 2.3.0 (rhbz#123456)
- Fix a crash in %%prep
  with a continuation line
* Fri Jun 28 12:34:56 CEST 2019 John Smith <john@example.org> 2.2-3
- Dated with a time of day, no dash before the EVR
`;

interface Golden {
  seed: number | string;
  processedSpec: string;
}

function golden(file: string): Golden {
  return JSON.parse(read(join(GOLDEN, file))) as Golden;
}

describe('RPM spec grammar (syntaxes/rpm-spec.tmLanguage.json)', () => {
  after(() => {
    // every check above ran; a vanished golden directory would show up as a much smaller number
    assert.ok(checks >= 1000, `only ${checks} scope checks ran`);
  });

  test('the Version tag is a tag and its value is not', async () => {
    const doc = await tokenize(GENERATED_SPEC);
    const v = lineOf(doc, 'Version:');
    expectToken(doc, v, 'Version', 'entity.name.tag');
    expectScope(doc, v, ':', 'punctuation.separator.key-value');
    expectNoScope(doc, v, '4.0.2', 'entity.name.tag');
    expectScope(doc, v, '4.0.2', 'constant.numeric.version');
    for (const tag of ['Name', 'Epoch', 'Release', 'Summary', 'License', 'URL', 'Source0', 'Patch4']) {
      expectToken(doc, lineOf(doc, tag + ':'), tag, 'entity.name.tag');
    }
    expectScope(doc, lineOf(doc, 'Epoch:'), '1', 'constant.numeric');
    expectScope(doc, lineOf(doc, 'Summary:'), 'Generated test package', 'string.unquoted');
    expectNoScope(doc, lineOf(doc, 'Summary:'), 'Generated test package', 'entity.name.tag');
    expectScope(doc, lineOf(doc, 'URL:'), 'https://example.com/testpkg', 'markup.underline.link');
  });

  test('tags with qualifiers, dependencies and tags of a subpackage', async () => {
    const doc = await tokenize(FULL_SPEC);
    const rp = lineOf(doc, 'Requires(post):');
    expectToken(doc, rp, 'Requires', 'entity.name.tag');
    expectToken(doc, rp, 'post', 'entity.other.attribute-name');
    expectNoScope(doc, rp, 'systemd', 'entity.name.tag');
    const br = lineOf(doc, 'BuildRequires:  gcc');
    expectToken(doc, br, 'BuildRequires', 'entity.name.tag');
    expectToken(doc, br, '>=', 'keyword.operator.comparison');
    expectToken(doc, br, '10', 'constant.numeric.version');
    expectToken(doc, lineOf(doc, 'BuildRequires:  (python3-foo'), 'if', 'keyword.operator.logical');
    expectToken(doc, lineOf(doc, 'Patch12:'), 'Patch12', 'entity.name.tag');
    expectToken(doc, lineOf(doc, 'BuildArch:'), 'noarch', 'constant.language');
    expectToken(doc, lineOf(doc, 'License:'), 'AND', 'keyword.operator.logical');
    // a tag inside %package is still a tag
    const sub = lineOf(doc, 'Summary:        Python bindings');
    expectToken(doc, sub, 'Summary', 'entity.name.tag');
    expectScope(doc, sub, 'name', 'variable.other.macro');
    // ... but "Version:" in the middle of a description is just text
    const prose = lineOf(doc, 'Version: 2 of the protocol');
    expectNoScope(doc, prose, 'Version', 'entity.name.tag');
  });

  test('%{version}, %name, %{?x}, %{!?x:...}, %{lua:...} and %(...) are macros', async () => {
    const gen = await tokenize(GENERATED_SPEC);
    const src = lineOf(gen, 'Source0:');
    expectScope(gen, src, '%{version}', 'variable.other.macro');
    expectToken(gen, src, 'version', 'variable.other.macro');
    expectToken(gen, src, '%{', 'punctuation.definition.variable.begin');
    expectNoScope(gen, src, 'testpkg-', 'variable.other.macro');
    expectNoScope(gen, src, '.tar.gz', 'variable.other.macro');

    const doc = await tokenize(FULL_SPEC);
    const req = lineOf(doc, 'Requires:       %{name}');
    expectScope(doc, req, '%{?_isa}', 'variable.other.macro');
    expectToken(doc, req, '?', 'keyword.operator.macro-conditional');
    expectScope(doc, req, '%{release}', 'variable.other.macro');
    expectScope(doc, lineOf(doc, 'Summary:        Python bindings'), '%name', 'variable.other.macro');
    const cond = lineOf(doc, '%{!?python3_sitelib:');
    expectToken(doc, cond, '!?', 'keyword.operator.macro-conditional');
    expectToken(doc, cond, 'python3_sitelib', 'variable.other.macro');
    expectToken(doc, cond, '%global', 'storage.type.macro');
    expectScope(doc, cond, '%(', 'variable.other.macro');
    expectScope(doc, cond, '__python3', 'variable.other.macro');
    expectScope(doc, cond, ')}', 'variable.other.macro');
    const shell = lineOf(doc, '%global shortcommit');
    expectScope(doc, shell, '%(', 'meta.macro.shell');
    expectScope(doc, shell, 'commit', 'variable.other.macro', 1);
    expectNoScope(doc, shell, 'echo', 'variable.other.macro');
    // a multi-line %{lua: ...} with Lua tables inside ends at its own closing brace
    const lua = lineOf(doc, '%{lua:');
    expectToken(doc, lua, 'lua', 'support.function.builtin');
    expectScope(doc, lua + 1, 'local t = {a = 1, b = {2}}', 'meta.embedded.block.lua');
    expectToken(doc, lua + 2, '}', 'punctuation.definition.variable.end');
    expectNoScope(doc, lua + 3, 'printf', 'meta.macro');
  });

  test('%global, %define and %undefine define macros', async () => {
    const doc = await tokenize(FULL_SPEC);
    const g = lineOf(doc, '%global forgeurl');
    expectToken(doc, g, '%global', 'storage.type.macro');
    expectToken(doc, g, 'forgeurl', 'entity.name.function.macro');
    expectNoScope(doc, g, 'https://github.com/example/foo', 'entity.name.function');
    const d = lineOf(doc, '%define');
    expectToken(doc, d, '%define', 'storage.type.macro');
    expectToken(doc, d, '_hardened_build', 'entity.name.function.macro');
    const u = lineOf(doc, '%undefine');
    expectToken(doc, u, '%undefine', 'storage.type.macro');
    expectToken(doc, u, '_debugsource_packages', 'entity.name.function.macro');
  });

  test('%if, %elif, %else, %endif and %ifarch are control keywords', async () => {
    const doc = await tokenize(FULL_SPEC);
    const i = lineOf(doc, '%if 0%{?fedora}');
    expectToken(doc, i, '%if', 'keyword.control.conditional');
    expectToken(doc, i, '>=', 'keyword.operator.comparison');
    expectToken(doc, i, '||', 'keyword.operator.logical');
    expectToken(doc, i, '38', 'constant.numeric');
    expectToken(doc, i, 'fedora', 'variable.other.macro');
    expectToken(doc, lineOf(doc, '%elif'), '%elif', 'keyword.control.conditional');
    expectToken(doc, lineOf(doc, '%else'), '%else', 'keyword.control.conditional');
    expectToken(doc, lineOf(doc, '%endif'), '%endif', 'keyword.control.conditional');
    const arch = lineOf(doc, '%ifarch');
    expectToken(doc, arch, '%ifarch', 'keyword.control.conditional');
    expectToken(doc, arch, 'aarch64', 'constant.language');
    // a conditional inside a build section, and the lines around it stay in the section
    const inCheck = lineOf(doc, '%if %{with tests}');
    expectToken(doc, inCheck, '%if', 'keyword.control.conditional');
    expectScope(doc, inCheck, '%if', 'meta.section.build');
    expectToken(doc, lineOf(doc, '%endif', inCheck), '%endif', 'keyword.control.conditional');
    // the tag between %if and %elif is a tag
    expectToken(doc, i + 1, 'BuildRequires', 'entity.name.tag');
  });

  test('section headers are headings', async () => {
    const gen = await tokenize(GENERATED_SPEC);
    for (const s of ['%description', '%prep', '%build', '%install', '%files', '%changelog']) {
      const n = lineOf(gen, s);
      expectToken(gen, n, s, 'markup.heading');
      expectToken(gen, n, s, 'keyword.control.section');
    }
    const doc = await tokenize(FULL_SPEC);
    for (const s of ['%package', '%generate_buildrequires', '%check', '%post', '%changelog']) {
      expectToken(doc, lineOf(doc, s + (s === '%package' ? ' ' : '')), s, 'markup.heading');
    }
    const pkg = lineOf(doc, '%package -n');
    expectToken(doc, pkg, '-n', 'variable.parameter.option');
    expectToken(doc, pkg, 'python3-foo', 'entity.name.section');
    expectScope(doc, pkg, ' -n python3-foo', 'markup.heading');
    expectToken(doc, lineOf(doc, '%files -f'), '-f', 'variable.parameter.option');
    expectScope(doc, lineOf(doc, '%files -f'), 'name', 'variable.other.macro');
    // %prep is a build section, not the %pre scriptlet
    expectScope(doc, lineOf(doc, '%prep'), '%prep', 'keyword.control.section.build');
    expectScope(doc, lineOf(doc, '%post'), '%post', 'keyword.control.section.scriptlet');
    // %files directives
    expectToken(doc, lineOf(doc, '%license'), '%license', 'storage.modifier');
    expectToken(doc, lineOf(doc, '%config(noreplace)'), 'noreplace', 'variable.parameter');
  });

  test('shell in build sections stays plain; macros in it are still macros', async () => {
    const doc = await tokenize(FULL_SPEC);
    const make = lineOf(doc, 'make test');
    checks++;
    assert.deepEqual(doc.tokens[make].map((t) => t.scopes), [[SCOPE, 'meta.section.build.rpm-spec']]);
    const sed = lineOf(doc, 'sed -i');
    expectNoScope(doc, sed, '# shell stays plain', 'comment');
    expectNoScope(doc, sed, "'s/foo/bar/'", 'string');
    const setup = lineOf(doc, '%autosetup');
    expectToken(doc, setup, '%autosetup', 'support.function');
    expectToken(doc, setup, '-p1', 'variable.parameter.option');
    expectToken(doc, setup, 'version', 'variable.other.macro');
    const mb = lineOf(doc, '%make_build');
    expectToken(doc, mb, 'make_build', 'variable.other.macro');
    expectToken(doc, mb, '_prefix', 'variable.other.macro');
    expectNoScope(doc, mb, 'PREFIX=', 'variable');
  });

  test('a # line is a comment, and the rpmautospec blocks are marked', async () => {
    const doc = await tokenize(FULL_SPEC);
    expectScope(doc, 0, '# Example spec with most constructs', 'comment.line.number-sign');
    expectToken(doc, 0, '#', 'punctuation.definition.comment');
    expectScope(doc, lineOf(doc, '# nothing'), '# nothing', 'comment.line.number-sign');

    const spec = await tokenize(golden('seed-1.json').processedSpec);
    for (const marker of ['## START: Set by rpmautospec', '## END: Set by rpmautospec', '## START: Generated by rpmautospec', '## END: Generated by rpmautospec']) {
      const n = lineOf(spec, marker);
      expectScope(spec, n, marker, 'comment.line.number-sign');
      expectToken(spec, n, marker.includes('START') ? 'START' : 'END', 'keyword.other.marker.rpmautospec');
    }
    const version = lineOf(spec, '## (rpmautospec version');
    expectScope(spec, version, spec.lines[version], 'comment.line.number-sign');
    expectToken(spec, version, '0.8.5', 'constant.numeric.version');
    const features = lineOf(spec, '## RPMAUTOSPEC:');
    expectToken(spec, features, 'autochangelog', 'support.function.rpmautospec');
    // the %define inside the block is code, not comment
    const def = lineOf(spec, '%define autorelease');
    expectNoScope(spec, def, '%define', 'comment');
    expectToken(spec, def, 'autorelease', 'entity.name.function.macro');
    expectToken(spec, def, 'e:s:pb:n', 'variable.parameter');
  });

  test('%autorelease -p -e beta2 and %autochangelog are highlighted', async () => {
    for (const doc of [await tokenize(GENERATED_SPEC), await tokenize(golden('seed-1.json').processedSpec)]) {
      const r = lineOf(doc, 'Release:');
      expectToken(doc, r, 'Release', 'entity.name.tag');
      expectToken(doc, r, '%autorelease', 'support.function.rpmautospec');
      expectToken(doc, r, '-p', 'variable.parameter.option');
      expectToken(doc, r, '-e', 'variable.parameter.option');
      expectToken(doc, r, 'beta2', 'string.unquoted.argument');
      expectNoScope(doc, r, '%autorelease -p -e beta2', 'entity.name.tag');
    }
    const gen = await tokenize(GENERATED_SPEC);
    expectToken(gen, lineOf(gen, '%autochangelog'), '%autochangelog', 'support.function.rpmautospec');
    const doc = await tokenize(FULL_SPEC);
    const r = lineOf(doc, 'Release:');
    expectToken(doc, r, '-b', 'variable.parameter.option');
    expectToken(doc, r, '2', 'string.unquoted.argument');
  });

  test('a %changelog header gives date, author, e-mail and EVR their own scopes', async () => {
    const spec = await tokenize(golden('seed-1.json').processedSpec);
    const h = lineOf(spec, '* Sat Dec 12 2020');
    expectToken(spec, h, '*', 'punctuation.definition.changelog');
    expectToken(spec, h, 'Sat Dec 12 2020', 'string.unquoted.date');
    expectToken(spec, h, 'Carol Čapek', 'entity.name.author');
    expectToken(spec, h, 'carol@example.net', 'markup.underline.link.email');
    expectToken(spec, h, '1:4.0.2-0.11.beta2', 'constant.numeric.version.evr');
    expectScope(spec, h, spec.lines[h], 'markup.heading');
    const item = h + 1;
    expectToken(spec, item, '-', 'punctuation.definition.list.begin');
    expectScope(spec, item, spec.lines[item], 'markup.list.unnumbered');
    // a wrapped item: the continuation line belongs to the item
    const wrapped = lineOf(spec, '  obsolete for');
    expectScope(spec, wrapped, 'obsolete for', 'markup.list.unnumbered');

    const doc = await tokenize(FULL_SPEC);
    const timed = lineOf(doc, '* Fri Jun 28');
    expectToken(doc, timed, 'Fri Jun 28 12:34:56 CEST 2019', 'string.unquoted.date');
    expectToken(doc, timed, 'John Smith', 'entity.name.author');
    expectToken(doc, timed, 'john@example.org', 'markup.underline.link.email');
    expectToken(doc, timed, '2.2-3', 'constant.numeric.version.evr');
    const bug = lineOf(doc, '- Update to 2.3.0');
    expectToken(doc, bug, 'rhbz#123456', 'markup.underline.link');
    expectNoScope(doc, bug, '2.3.0', 'constant');
  });

  test('%% is an escape, not a macro', async () => {
    const spec = await tokenize(golden('seed-1.json').processedSpec);
    const pct = lineOf(spec, '- Revert "Coverage 100%% commit');
    expectToken(spec, pct, '%%', 'constant.character.escape');
    expectNoScope(spec, pct, '%% commit', 'variable');
    const setup = lineOf(spec, '- Switch %%autosetup');
    expectToken(spec, setup, '%%', 'constant.character.escape');
    expectNoScope(spec, setup, 'autosetup', 'variable.other.macro');
    expectNoScope(spec, setup, 'autosetup', 'support.function');
    const name = lineOf(spec, '- switch python3.13 %%autosetup');
    expectToken(spec, name, '%%', 'constant.character.escape');
    expectNoScope(spec, name, '{name}', 'variable.other.macro');

    const doc = await tokenize(FULL_SPEC);
    expectToken(doc, lineOf(doc, 'Foo does things'), '%%', 'constant.character.escape');
    const printf = lineOf(doc, 'printf');
    expectToken(doc, printf, '%%', 'constant.character.escape');
    expectNoScope(doc, printf, 's\\n', 'variable');
  });

  test("every golden spec (processedSpec) tokenizes cleanly, with every header's parts scoped", async () => {
    const files = readdirSync(GOLDEN).filter((f) => f.endsWith('.json')).sort();
    assert.ok(files.length >= 20, 'the golden specs are there');
    for (const file of files) {
      const doc = await tokenize(golden(file).processedSpec);
      // no macro or Lua region runs away: the file ends inside %changelog, nothing else open
      checks++;
      assert.equal(doc.depth, 2, `${file}: rule stack depth at the end`);
      expectToken(doc, lineOf(doc, 'Version:'), 'Version', 'entity.name.tag');
      expectToken(doc, lineOf(doc, '%changelog'), '%changelog', 'markup.heading');
      // %autorelease or %{autorelease ...}, with -p/-n switches and -b/-e/-s values
      const release = lineOf(doc, 'Release:');
      expectScope(doc, release, 'autorelease', 'support.function.rpmautospec');
      const value = doc.lines[release].replace(/^Release:\s*/, '');
      const options = value.match(/(?<=\s)-[a-z]\b/g) ?? [];
      options.forEach((option, k) => expectToken(doc, release, option, 'variable.parameter.option', options.slice(0, k).filter((o) => o === option).length));
      for (const [, arg] of value.matchAll(/\s-[bes]\s+([^\s}]+)/g)) expectToken(doc, release, arg, 'string.unquoted.argument');
      let headers = 0;
      doc.lines.forEach((line, n) => {
        const m = /^\* (\w{3} \w{3} \d{2} \d{4}) (.+?) <([^>]+)> - (\S+)$/.exec(line);
        if (!m) return;
        headers++;
        expectToken(doc, n, m[1], 'string.unquoted.date');
        expectToken(doc, n, m[2], 'entity.name.author');
        expectToken(doc, n, m[3], 'markup.underline.link.email');
        expectToken(doc, n, m[4], 'constant.numeric.version.evr');
      });
      assert.ok(headers > 0, `${file}: has changelog headers`);
      // every %% in the file is an escape
      doc.lines.forEach((line, n) => {
        const escapes = line.split('%%').length - 1;
        for (let k = 0; k < escapes; k++) expectToken(doc, n, '%%', 'constant.character.escape', k);
      });
    }
  });
});

describe('RPM spec language contribution', () => {
  test('package.json contributes the rpm-spec language and grammar, shipped in the VSIX', () => {
    const pkg = JSON.parse(read(join(ROOT, 'package.json')));
    const language = pkg.contributes.languages.find((l: { id: string }) => l.id === 'rpm-spec');
    assert.ok(language, 'language rpm-spec');
    assert.deepEqual(language.aliases, ['RPM Spec', 'spec']);
    assert.deepEqual(language.extensions, ['.spec', '.spec.in']);
    const grammarEntry = pkg.contributes.grammars.find((g: { language: string }) => g.language === 'rpm-spec');
    assert.equal(grammarEntry.scopeName, SCOPE);
    assert.equal(JSON.parse(read(join(ROOT, grammarEntry.path))).scopeName, SCOPE);
    assert.ok(existsSync(join(ROOT, language.configuration)));
    const configuration = JSON.parse(read(join(ROOT, language.configuration)));
    assert.equal(configuration.comments.lineComment, '#');
    assert.ok(configuration.autoClosingPairs.some((p: { open: string; close: string }) => p.open === '%{' && p.close === '}'));
    const ignore = read(join(ROOT, '.vscodeignore')).split('\n');
    for (const file of [grammarEntry.path, language.configuration]) assert.ok(ignore.includes('!' + file.replace(/^\.\//, '')), `.vscodeignore keeps ${file}`);
  });
});
