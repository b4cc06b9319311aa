import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { MacroContext } from '../../server/src/core/spec/macros';
import { shellIdiom, type Shell } from '../../server/src/core/spec/shell-idioms';
import { systemShell } from '../../server/src/core/spec/system-macros';

// The one-line %(...) idioms of real Fedora specs, answered without a shell, against bash and dash
// themselves (the test's own command strings, not a document's) and against rpm --eval on this machine.

const COMMANDS = [
  'c=0123456789abcdef0123; echo ${c:0:7}',
  'c=0123456789abcdef0123; echo ${c:0:4}',
  'c=abc; echo ${c:0:7}',
  'c=; echo ${c:0:7}',
  'b=v1.2.3; echo ${b:1}',
  'b=1.2.3-rc4; echo ${b/-/"~"}',
  '(v=1.2.3; echo ${v%.*})',
  'v=1.2.3; echo ${v%%.*}',
  'v=1.2.3; echo ${v#*.}',
  'v=1.2.3; echo ${v##*.}',
  'v=1.2.3; echo "${v%.*}"',
  'v=1.2.3; echo ${v}',
  'v=1.2.3; echo ${v%x}',
];
/** Not the idiom: the evaluator must decline (rpm then runs them). */
const DECLINED = ['c=a b; echo ${c:0:1}', 'c=abc; echo ${d:0:1}', 'c=abc; echo ${c:0:1}; rm x', 'cat meson.version', 'c=-n; echo ${c}', 'c=a*; echo ${c}', 'b=1.2.3-rc4; echo ${b/-/~}'];

function run(shell: string, cmd: string): string {
  return spawnSync(shell, ['-c', cmd], { encoding: 'utf8' }).stdout.replace(/\n+$/, '');
}

describe('%(...) idioms answered without a shell', () => {
  for (const shell of ['bash', 'dash'] as Shell[]) {
    test(`as ${shell} prints them`, { skip: !existsSync(`/bin/${shell}`) && `no /bin/${shell}` }, () => {
      const differ = COMMANDS.filter((c) => shellIdiom(c, shell) !== run(`/bin/${shell}`, c));
      assert.deepEqual(differ, []);
    });
  }

  test('bash and dash differ where dash has no such expansion, and the evaluator follows each', () => {
    assert.equal(shellIdiom('c=0123456789; echo ${c:0:7}', 'bash'), '0123456');
    assert.equal(shellIdiom('c=0123456789; echo ${c:0:7}', 'dash'), '');
  });

  test('anything else is declined', () => {
    for (const c of DECLINED) assert.equal(shellIdiom(c, 'bash'), null, c);
  });

  test("as rpm --eval expands them on this machine (its /bin/sh)", { skip: (spawnSync('rpm', ['--version']).status !== 0 || !systemShell()) && 'no rpm, or an unknown /bin/sh' }, () => {
    const ctx = new MacroContext(new Map(), systemShell());
    ctx.define('commit', '0123456789abcdef0123');
    ctx.define('version', '1.2.3');
    for (const text of ['%(c=%{commit}; echo ${c:0:7})', '%((v=%{version}; echo ${v%.*}))', '%(v=%{version}; echo ${v%%%%.*})']) {
      const theirs = execFileSync('rpm', ['--define', 'commit 0123456789abcdef0123', '--define', 'version 1.2.3', '--eval', text], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).replace(/\n$/, '');
      assert.equal(ctx.expand(text), theirs, text);
    }
  });
});
