#!/usr/bin/env node
// Creates a small dist-git repository for the sample workspace: DIR/python-demo/ with a spec using
// %autorelease and %autochangelog and a short, fixed history (same commit ids on every machine).
// Usage: node examples/make-dist-git.mjs [DIR]   (default: examples/dist-git)
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(process.argv[2] ?? join(here, 'dist-git'));
const repo = join(root, 'python-demo');
rmSync(repo, { recursive: true, force: true });
mkdirSync(repo, { recursive: true });

const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C', TZ: 'UTC' };
for (const k of Object.keys(env)) if (k.startsWith('GIT_') && !['GIT_CONFIG_GLOBAL', 'GIT_CONFIG_NOSYSTEM'].includes(k)) delete env[k];
const git = (args, date) =>
  execFileSync('git', args, { cwd: repo, env: date ? { ...env, GIT_AUTHOR_DATE: `@${date} +0000`, GIT_COMMITTER_DATE: `@${date} +0000` } : env });

const spec = (version) => `Name:           python-demo
Version:        ${version}
Release:        %autorelease
Summary:        A demo Python package
License:        MIT
URL:            https://example.org/python-demo
Source0:        %{name}-%{version}.tar.gz
BuildArch:      noarch

%description
A demo package for the gitoverlay sample workspace.

%prep
%autosetup

%build

%install

%files

%changelog
%autochangelog
`;

git(['init', '-q', '-b', 'rawhide']);
git(['config', 'user.name', 'Pat Packager']);
git(['config', 'user.email', 'pat@example.org']);
const commit = (message, files, date) => {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(repo, name), text);
  git(['add', '-A']);
  git(['commit', '-q', '--allow-empty', '-m', message], date);
};
commit('Initial import', { 'python-demo.spec': spec('1.0'), sources: 'SHA512 (python-demo-1.0.tar.gz) = 00\n' }, 1735700000);
commit('Update to 1.1\n\n- drop the upstreamed patch\n- run the tests', { 'python-demo.spec': spec('1.1'), sources: 'SHA512 (python-demo-1.1.tar.gz) = 11\n' }, 1735800000);
commit('Rebuild for Python 3.13', {}, 1735900000);
process.stdout.write(`${repo}\n`);
