#!/usr/bin/env node
// Creates a small, buildable overlay "world" from nothing, deterministically (fixed commit dates and
// identities, no machine git configuration read):
//   DIR/upstream/{hello-macros,greet,tools}   upstream git repositories with tags (shell projects)
//   DIR/distgit/{hello-macros,greet,tools}    dist-git repositories (specs with %autorelease/%autochangelog)
//   DIR/overlay.yml                           aliases with file:// URLs; one srpmroot component, one
//                                             with override-version, one tracking a tag
//   DIR/distgit/{motd,banner}, DIR/motd-module.yaml   a modulemd v2 stream built from dist-git only
// Usage: node examples/make-world.mjs DIR      (DIR must not exist or be empty)
// Every package is BuildArch: noarch and needs nothing beyond rpmbuild itself.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const T0 = 1748822400; // 2025-06-02T00:00:00Z
const ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'World Maker',
  GIT_AUTHOR_EMAIL: 'world@example.com',
  GIT_COMMITTER_NAME: 'World Maker',
  GIT_COMMITTER_EMAIL: 'world@example.com',
  LC_ALL: 'C',
};

let clock = 0;
function git(dir, ...args) {
  return execFileSync('git', args, { cwd: dir, env: ENV, encoding: 'utf8' }).trim();
}
function repo(dir) {
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  return dir;
}
function commit(dir, message, files) {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text, { mode: name.endsWith('.sh') || !name.includes('.') ? 0o755 : 0o644 });
  }
  git(dir, 'add', '-A');
  const date = `@${T0 + ++clock * 3600} +0000`;
  execFileSync('git', ['commit', '-q', '--allow-empty', '-m', message], { cwd: dir, env: { ...ENV, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } });
  return git(dir, 'rev-parse', 'HEAD');
}
function tag(dir, name) {
  git(dir, 'tag', name);
}

function spec({ name, summary, install, files, extra = '' }) {
  return `Name:           ${name}
Version:        0.1
Release:        %autorelease
Summary:        ${summary}
License:        MIT
BuildArch:      noarch
Source0:        ${name}-0.1.tar.gz
${extra}
%description
${summary}.

%prep
%autosetup -p1

%build
: nothing to build

%install
${install}

%files
${files}

%changelog
%autochangelog
`;
}

export function makeWorld(dirArg) {
  const dir = resolve(dirArg);
  if (existsSync(dir) && readdirSync(dir).length) throw new Error(`${dir} is not empty`);
  mkdirSync(dir, { recursive: true });
  clock = 0;

  // --- upstreams
  const macros = repo(join(dir, 'upstream', 'hello-macros'));
  commit(macros, 'Initial macros', { 'macros.hello': '%hello_greeting Hello\n', README: 'hello-macros\n' });
  tag(macros, 'v1.0');
  commit(macros, 'Add a second macro', { 'macros.hello': '%hello_greeting Hello\n%hello_target world\n' });

  const greet = repo(join(dir, 'upstream', 'greet'));
  commit(greet, 'greet: first version', { greet: '#!/bin/sh\necho "Hello, ${1:-world}!"\n' });
  tag(greet, 'greet-0.9');
  commit(greet, 'greet: add --version', { greet: '#!/bin/sh\n[ "$1" = --version ] && { echo greet 2.0; exit 0; }\necho "Hello, ${1:-world}!"\n' });
  commit(greet, 'greet: a man page', { 'greet.1': '.TH GREET 1\n.SH NAME\ngreet \\- say hello\n' });

  const tools = repo(join(dir, 'upstream', 'tools'));
  commit(tools, 'tools: count', { 'count-lines': '#!/bin/sh\nwc -l "$@"\n' });
  tag(tools, 'v1.0');
  commit(tools, 'tools: upper', { upper: "#!/bin/sh\ntr '[:lower:]' '[:upper:]'\n" });
  tag(tools, 'v1.1');
  commit(tools, 'tools: work after the tag (not built: the overlay tracks v1.1)', { lower: "#!/bin/sh\ntr '[:upper:]' '[:lower:]'\n" });

  // --- dist-git
  const dgMacros = repo(join(dir, 'distgit', 'hello-macros'));
  commit(dgMacros, 'Initial import', {
    'hello-macros.spec': spec({
      name: 'hello-macros',
      summary: 'RPM macros for the hello world',
      install: 'install -Dm644 macros.hello %{buildroot}%{_rpmconfigdir}/macros.d/macros.hello',
      files: '%{_rpmconfigdir}/macros.d/macros.hello',
    }),
  });
  commit(dgMacros, 'Install the README too', {
    'hello-macros.spec': spec({
      name: 'hello-macros',
      summary: 'RPM macros for the hello world',
      install: 'install -Dm644 macros.hello %{buildroot}%{_rpmconfigdir}/macros.d/macros.hello',
      files: '%doc README\n%{_rpmconfigdir}/macros.d/macros.hello',
    }),
  });

  const dgGreet = repo(join(dir, 'distgit', 'greet'));
  commit(dgGreet, 'Initial import', {
    'greet.spec': spec({
      name: 'greet',
      summary: 'Say hello',
      extra: 'Patch0:         greet-shout.patch\n',
      // %hello_greeting comes from hello-macros, the srpmroot component built first.
      install:
        'install -Dm755 greet %{buildroot}%{_bindir}/greet\ninstall -Dm644 greet.1 %{buildroot}%{_mandir}/man1/greet.1\n' +
        "mkdir -p %{buildroot}%{_datadir}/greet\necho '%{?hello_greeting}%{!?hello_greeting:unset}' > %{buildroot}%{_datadir}/greet/greeting",
      files: '%{_bindir}/greet\n%{_mandir}/man1/greet.1*\n%{_datadir}/greet/',
    }),
    'greet-shout.patch': `--- a/greet
+++ b/greet
@@ -1,3 +1,3 @@
 #!/bin/sh
 [ "$1" = --version ] && { echo greet 2.0; exit 0; }
-echo "Hello, \${1:-world}!"
+echo "HELLO, \${1:-world}!"
`,
  });

  const dgTools = repo(join(dir, 'distgit', 'tools'));
  commit(dgTools, 'Initial import', {
    'tools.spec': spec({
      name: 'tools',
      summary: 'Small text tools',
      install: 'install -Dm755 count-lines %{buildroot}%{_bindir}/count-lines\ninstall -Dm755 upper %{buildroot}%{_bindir}/upper',
      files: '%{_bindir}/count-lines\n%{_bindir}/upper',
    }),
  });
  commit(dgTools, 'Rebuild [skip changelog]', {});

  // --- a module: two dist-git-only packages (their sources are in dist-git), banner built after motd
  const motdSpec = (name, after) => `Name:           ${name}
Version:        1.0
Release:        %autorelease
Summary:        The ${name} of the hello world
License:        MIT
BuildArch:      noarch
Source0:        ${name}.txt

%description
The ${name} of the hello world${after ? `, built after ${after}` : ''}.

%prep

%build

%install
install -Dm644 %{SOURCE0} %{buildroot}%{_datadir}/${name}/${name}.txt

%files
%{_datadir}/${name}/

%changelog
%autochangelog
`;
  for (const name of ['motd', 'banner']) {
    const d = repo(join(dir, 'distgit', name));
    commit(d, 'Initial import', { [`${name}.spec`]: motdSpec(name, name === 'banner' ? 'motd' : ''), [`${name}.txt`]: `Welcome to the ${name}.\n` });
  }
  writeFileSync(
    join(dir, 'motd-module.yaml'),
    `---
document: modulemd
version: 2
data:
  name: motd
  stream: "1.0"
  summary: Messages of the day
  description: >-
    Two small packages built as a module by gitoverlay build.
  license:
    module: [MIT]
  dependencies:
    - buildrequires:
        platform: [f41]
      requires:
        platform: [f41]
  profiles:
    default:
      rpms: [motd, banner]
  components:
    rpms:
      motd:
        rationale: The message.
        repository: file://${dir}/distgit/motd
        ref: main
      banner:
        rationale: The banner.
        repository: file://${dir}/distgit/banner
        ref: main
        buildafter: [motd]
...
`,
  );

  writeFileSync(
    join(dir, 'overlay.yml'),
    `# A world made by examples/make-world.mjs: upstream snapshots on dist-git specs, all local.
aliases:
  - name: up
    url: file://${dir}/upstream/
  - name: dg
    url: file://${dir}/distgit/

distgit:
  prefix: dg
  branch: main

root:
  mock: fedora-41-$arch

components:
  - src: up:hello-macros
    branch: main
    srpmroot: true
  - src: up:greet
    branch: main
    override-version: "2.0"
  - src: up:tools
    tag: v1.1
`,
  );
  return dir;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('make-world.mjs')) {
  if (process.argv.length !== 3) {
    console.error('usage: node examples/make-world.mjs DIR');
    process.exit(2);
  }
  const dir = makeWorld(process.argv[2]);
  console.log(`world created in ${dir}: overlay ${join(dir, 'overlay.yml')}`);
}
