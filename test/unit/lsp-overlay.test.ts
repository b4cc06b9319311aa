import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CodeLens } from 'vscode-languageserver-protocol/node';
import { ROOT } from './helpers';
import { LspClient } from './lsp-client';

const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
function gitRepo(dir: string, commits: [string, Record<string, string>, number][], tag?: [string, number]): void {
  mkdirSync(dir, { recursive: true });
  const g = (args: string[], t?: number) =>
    execFileSync('git', args, { cwd: dir, env: t ? { ...env, GIT_AUTHOR_DATE: `@${t} +0000`, GIT_COMMITTER_DATE: `@${t} +0000` } : env });
  g(['init', '-q', '-b', 'master']);
  g(['config', 'user.name', 'Up Stream']);
  g(['config', 'user.email', 'up@example.org']);
  commits.forEach(([msg, files, t], i) => {
    for (const [n, text] of Object.entries(files)) writeFileSync(join(dir, n), text);
    g(['add', '-A']);
    g(['commit', '-q', '--allow-empty', '-m', msg], t);
    if (tag && i === tag[1]) g(['tag', tag[0]]);
  });
}

const SPEC = 'Name: foo\nVersion: 0\nRelease: %autorelease\nSummary: s\nLicense: MIT\nSource0: foo.tar.gz\n\n%description\nd\n\n%prep\n%autosetup\n\n%files\n\n%changelog\n%autochangelog\n';

describe('overlay components in the language server', () => {
  let client: LspClient;
  let ws: string;
  before(async () => {
    ws = mkdtempSync(join(tmpdir(), 'gitoverlay-lsp-overlay-'));
    gitRepo(join(ws, 'repos/foo-upstream'), [
      ['Initial', { 'a.c': '1' }, 1700000000],
      ['Two', { 'a.c': '2' }, 1700100000],
      ['Three', { 'a.c': '3' }, 1700200000],
    ], ['v1.0', 0]);
    gitRepo(join(ws, 'repos/foo'), [
      ['Initial import', { 'foo.spec': SPEC }, 1700000000],
      ['Rebuild', {}, 1700100000],
    ]);
    mkdirSync(join(ws, 'work'));
    writeFileSync(
      join(ws, 'work/overlay.yml'),
      `aliases:\n  - name: local\n    url: file://${ws}/repos/\ndistgit:\n  prefix: local\n  branch: master\ncomponents:\n  - src: local:foo-upstream\n    distgit: foo\n`,
    );
    client = new LspClient();
    client.settings = { allowFileUrls: true };
    await client.initialize(join(ws, 'work'));
  });
  after(() => client.close());

  test('before resolving, each component lens offers to resolve; after, it shows the NEVR and a spec preview', async () => {
    const uri = `file://${join(ws, 'work/overlay.yml')}`;
    await client.open(uri, `aliases:\n  - name: local\n    url: file://${ws}/repos/\ndistgit:\n  prefix: local\n  branch: master\ncomponents:\n  - src: local:foo-upstream\n    distgit: foo\n`);
    // Settings are pulled after `initialized`; let them arrive.
    await new Promise((r) => setTimeout(r, 300));
    let lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as CodeLens[];
    assert.equal(lenses.length, 1);
    assert.equal(lenses[0].command?.title, 'Resolve to compute the NEVR');
    assert.equal(lenses[0].range.start.line, 7);
    const r = (await client.connection.sendRequest('gitoverlay/resolve', { uri })) as { components: { name: string; nevr: string; error?: string }[]; error?: string };
    assert.equal(r.error, undefined);
    assert.equal(r.components[0].error, undefined);
    assert.match(r.components[0].nevr, /^foo-1\.0\.2-2\.20231117git[0-9a-f]{7}$/);
    lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as CodeLens[];
    assert.equal(lenses[0].command?.title, r.components[0].nevr);
    // Then the revert of a build of this component (in its dist-git), and the previews.
    assert.deepEqual(lenses.slice(1).map((l) => l.command?.command), ['gitoverlay.revertComponent', 'gitoverlay.previewComponentChangelog', 'gitoverlay.previewComponentSpec']);
    assert.deepEqual(lenses[1].command?.arguments, [uri, 0]);
    assert.equal(lenses[1].command?.title, 'Revert…');
    const changelog = (await client.connection.sendRequest('gitoverlay/preview', { uri, kind: 'component-changelog', index: 0 })) as { text: string };
    // %autochangelog as rpmautospec expands it: entries and their EVRs come from the dist-git history.
    assert.match(changelog.text, /^\* Thu Nov 16 2023 Up Stream <up@example\.org> - 0-2\n- Rebuild\n\n\* Tue Nov 14 2023 Up Stream <up@example\.org> - 0-1\n- Initial import\n$/);
    const spec = (await client.connection.sendRequest('gitoverlay/preview', { uri, kind: 'component-spec', index: 0 })) as { text: string };
    assert.match(spec.text, /^Version:\s+1\.0\.2$/m);
  });

  test('a newer resolution recorded outside the editor (a build, a task, the CLI) replaces the one resolved here on the lens', async () => {
    const uri = `file://${join(ws, 'work/overlay.yml')}`;
    const r = (await client.connection.sendRequest('gitoverlay/resolve', { uri })) as { components: { nevr: string }[] };
    const title = async () => ((await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as CodeLens[])[0].command?.title;
    assert.equal(await title(), r.components[0].nevr);
    // A new dist-git commit, then the CLI resolves (fetching) and records it, as a build does.
    execFileSync('git', ['commit', '-q', '--allow-empty', '-m', 'Rebuild again'], { cwd: join(ws, 'repos/foo'), env: { ...env, GIT_AUTHOR_NAME: 'U', GIT_AUTHOR_EMAIL: 'u@e', GIT_COMMITTER_NAME: 'U', GIT_COMMITTER_EMAIL: 'u@e' } });
    await new Promise((res) => setTimeout(res, 20));
    execFileSync(process.execPath, [join(ROOT, 'bin/gitoverlay.js'), 'resolve', '--fetch', join(ws, 'work/overlay.yml')]);
    const next = r.components[0].nevr.replace(/-2\./, '-3.');
    assert.notEqual(next, r.components[0].nevr);
    assert.equal(await title(), `${next} (last resolution)`);
  });

  test('file:// remotes are refused unless the setting allows them', async () => {
    client.settings = { allowFileUrls: false };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    await new Promise((r) => setTimeout(r, 300));
    const uri = `file://${join(ws, 'work/overlay.yml')}`;
    const r = (await client.connection.sendRequest('gitoverlay/resolve', { uri })) as { components?: { error?: string }[] };
    assert.match(r.components?.[0].error ?? '', /file/i);
  });

  test('untrusted: resolve, build and revert are refused saying why; trusting again refreshes the lenses', async () => {
    const uri = `file://${join(ws, 'work/overlay.yml')}`;
    const spec = `file://${join(ws, 'repos/foo/foo.spec')}`;
    let refreshes = 0;
    client.connection.onRequest('workspace/codeLens/refresh', () => void refreshes++);
    await client.connection.sendNotification('gitoverlay/trust', { trusted: false });
    const resolve = (await client.connection.sendRequest('gitoverlay/resolve', { uri })) as { error?: string };
    assert.equal(resolve.error, 'This workspace is not trusted: gitoverlay does not run git here. Trust the workspace to resolve overlay components.');
    const build = (await client.connection.sendRequest('gitoverlay/build', { uri, components: [] })) as { error?: string };
    assert.equal(build.error, 'This workspace is not trusted: gitoverlay does not run git or rpmbuild here. Trust the workspace to build.');
    const revert = (await client.connection.sendRequest('gitoverlay/revertCandidates', { uri: spec })) as { error?: string };
    assert.equal(revert.error, 'This workspace is not trusted: gitoverlay does not run git here. Trust the workspace to revert.');
    await client.connection.sendNotification('gitoverlay/trust', { trusted: true });
    const deadline = Date.now() + 5000;
    while (refreshes === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(refreshes > 0, 'the server asks the editor to refresh its lenses once trusted');
  });
});
