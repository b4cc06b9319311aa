import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadHistory } from '../../server/src/core/autospec/history';
import { BlobStore } from '../../server/src/core/autospec/log-readers';

// loadHistory learns each commit's spec and changelog blob from one `git log --raw` limited to those
// two paths (merges diffed against their first parent), not from a lookup per tree. Random commit
// graphs (merges that take either side or neither, the spec deleted and restored, a second root,
// committer dates out of order, a spec in a subdirectory with glob characters in its name) are checked
// against `git rev-parse <commit>:<path>` for every commit.

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomHistory(seed: number, dirName: string, specName: string): { dir: string; specPath: string; commits: string[] } {
  const random = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const dir = mkdtempSync(join(tmpdir(), 'gitoverlay-blobs-'));
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  const g = (args: string[], input?: string, extra: NodeJS.ProcessEnv = {}): string =>
    execFileSync('git', args, { cwd: dir, env: { ...env, ...extra }, input }).toString().trim();
  g(['init', '-q', '-b', 'main']);
  const blob = (text: string): string => g(['hash-object', '-w', '--stdin'], text);
  const specs = ['1.0', '1.0', '1.1', '2.0', '2.0'].map((v, i) => blob(`Name: p\nVersion: ${v}\nRelease: ${i}%{?dist}\n`));
  const changelogs = ['* Mon Jan 01 2024 A <a@b> - 1\n- one\n', '* Tue Jan 02 2024 A <a@b> - 2\n- two\n'].map(blob);
  const commits: string[] = [];
  const tips: (string | null)[] = [null, null, null];
  for (let i = 0; i < 120; i++) {
    const entries: string[] = [`100644 blob ${blob(`readme ${i % 7}\n`)}\tREADME`];
    const inner: string[] = [];
    if (random() > 0.1) inner.push(`100644 blob ${pick(specs)}\t${specName}`);
    if (random() > 0.6) inner.push(`100644 blob ${pick(changelogs)}\tchangelog`);
    if (dirName) {
      inner.push(`100644 blob ${blob('x\n')}\tsources`);
      entries.push(`040000 tree ${g(['mktree'], inner.join('\n') + '\n')}\t${dirName}`);
    } else entries.push(...inner);
    const tree = g(['mktree'], entries.join('\n') + '\n');
    // Three branches; a commit extends one, sometimes merging another in; the last merges all.
    const b = Math.floor(random() * tips.length);
    const parents = i === 119 ? tips.filter((t): t is string => t !== null) : [tips[b], random() > 0.6 ? pick(tips) : null].filter((t): t is string => t !== null);
    const unique = [...new Set(parents)];
    // Dates jump back and forth: git's date order is no topological order here.
    const when = `@${1700000000 + i * 100 + Math.floor((random() - 0.5) * 5000)} +0000`;
    const id = g(['commit-tree', tree, ...unique.flatMap((p) => ['-p', p]), '-m', `commit ${i}`], undefined, {
      GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@e', GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when,
    });
    commits.push(id);
    tips[i === 119 ? 0 : b] = id;
    // Now and then a second root.
    if (random() > 0.97) tips[Math.floor(random() * tips.length)] = null;
  }
  g(['update-ref', 'refs/heads/main', commits[commits.length - 1]]);
  g(['checkout', '-q', '-f', 'main']);
  const specDir = dirName ? join(dir, dirName) : dir;
  mkdirSync(specDir, { recursive: true });
  return { dir, specPath: join(specDir, specName), commits };
}

function blobAt(dir: string, commit: string, path: string): string | null {
  try {
    return execFileSync('git', ['rev-parse', '-q', '--verify', `${commit}:${path}`], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return null;
  }
}

describe('each commit\u2019s spec and changelog blob, from one git log', () => {
  for (const [seed, dirName, specName] of [
    [1, '', 'p.spec'],
    [2, '', 'p.spec'],
    [3, 'rpm', 'p.spec'],
    [4, 'pkg dir', 'a[b]*.spec'],
  ] as const) {
    test(`seed ${seed}${dirName ? `, spec in '${dirName}/'` : ''} (${specName})`, async () => {
      const h = randomHistory(seed, dirName, specName);
      const history = await loadHistory(h.specPath);
      const reachable = execFileSync('git', ['rev-list', 'HEAD'], { cwd: h.dir }).toString().trim().split('\n');
      assert.deepEqual([...history.commits.keys()].sort(), [...reachable].sort());
      const merges = [...history.commits.values()].filter((c) => c.parents.length > 1).length;
      assert.ok(merges > 20, `the history has merges (${merges})`);
      const prefix = dirName ? `${dirName}/` : '';
      // Contents are read on demand, through one cat-file process.
      await history.fetch([...history.commits.values()].flatMap((c) => [c.specBlob, c.changelogBlob].filter((b): b is string => b !== null)));
      history.close();
      for (const c of history.commits.values()) {
        assert.equal(c.specBlob, blobAt(h.dir, c.id, `${prefix}${specName}`), `spec blob of ${c.id}`);
        assert.equal(c.changelogBlob, blobAt(h.dir, c.id, `${prefix}changelog`), `changelog blob of ${c.id}`);
        if (c.specBlob) assert.ok(history.blobs.get(c.specBlob)?.startsWith('Name: p\n'), 'the spec text was read');
      }
      // Children before parents.
      const index = new Map(history.order.map((id, i) => [id, i]));
      for (const c of history.commits.values()) for (const p of c.parents) assert.ok(index.get(p)! > index.get(c.id)!, `${p} after its child ${c.id}`);
    });
  }
});

describe('reading ahead stays within its budget', () => {
  test('waiting for what is read ahead does not read every blob the log named (a history of large specs)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitoverlay-budget-'));
    execFileSync('git', ['init', '-q'], { cwd: dir });
    // 300 distinct 10 kB texts; a 100 kB budget.
    const ids = execFileSync('git', ['hash-object', '-w', '--stdin-paths'], {
      cwd: dir,
      input: Array.from({ length: 300 }, (_, i) => {
        const f = join(dir, `t${i}`);
        writeFileSync(f, `${i}\n`.padEnd(10_000, 'x'));
        return f;
      }).join('\n'),
    })
      .toString()
      .trim()
      .split('\n');
    const store = new BlobStore(dir, undefined, 100_000);
    for (const id of ids) store.prefetch(id);
    await store.drain();
    try {
      assert.ok(store.blobs.size > 0, 'something was read ahead');
      // At most what was in flight when the budget was spent (64 at a time), not all 300.
      assert.ok(store.blobs.size <= 64 + 10, `${store.blobs.size} blobs read`);
      // What was asked for is still read on demand.
      await store.fetch([ids[299]]);
      assert.ok(store.blobs.get(ids[299])?.startsWith('299\n'));
    } finally {
      store.close();
    }
  });
});
