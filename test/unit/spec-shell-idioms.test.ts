import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  'c=259; echo "v${c%.*}-stable"',
  'c=259.1; echo "v${c%.*}-stable"',
  'c=1.2; echo "x${c:0:1}y"',
  'c="259"; [ "$c" = "${c#*.*}" ]; echo $?',
  'c="259.1"; [ "$c" = "${c#*.*}" ]; echo $?',
  'c="259.1"; [ "$c" != "${c#*.*}" ]; echo $?',
  'c="259.1"; [ "$c" = "${c:0:3}" ]; echo $?',
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

  test('cat FILE reads the directory rpm runs in, as cat there prints it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitoverlay-cat-'));
    writeFileSync(join(dir, 'meson.version'), '259\n\n');
    const files = (name: string) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : null);
    for (const cmd of ['cat meson.version', 'cat missing.version']) {
      const theirs = spawnSync('/bin/sh', ['-c', cmd], { cwd: dir, encoding: 'utf8' }).stdout.replace(/\n+$/, '');
      assert.equal(shellIdiom(cmd, 'dash', files), theirs, cmd);
    }
    // Without the directory's files known, declined.
    assert.equal(shellIdiom('cat meson.version', 'dash'), null);
    assert.equal(shellIdiom('cat ../etc/passwd', 'dash', files), null);
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

describe('the %{lua:...} idiom answered without Lua', { skip: spawnSync('rpm', ['--version']).status !== 0 && 'rpm is not installed' }, () => {
  const cases = [
    '%{lua:ver = string.gsub(rpm.expand("%{ver}"), "-", "~"); print(ver)}',
    '%{lua: v = string.gsub(rpm.expand("%{ver}"), "-", "_") print(v) }',
    '%{lua:ver = string.gsub(rpm.expand("%{ver}"), "rc", "RC"); print(ver)}',
  ];
  test('as rpm --eval (its Lua) prints it', () => {
    const ctx = new MacroContext(new Map());
    ctx.define('ver', '22.3.0-rc1-x');
    for (const text of cases) {
      const theirs = execFileSync('rpm', ['--define', 'ver 22.3.0-rc1-x', '--eval', text], { encoding: 'utf8' }).replace(/\n$/, '');
      assert.equal(ctx.expand(text), theirs, text);
    }
  });

  test('other Lua, or patterns with Lua magic, is left to rpm', () => {
    const ctx = new MacroContext(new Map());
    ctx.define('ver', '1.0');
    for (const text of ['%{lua:print("x")}', '%{lua:ver = string.gsub(rpm.expand("%{ver}"), "%.", "_"); print(ver)}', '%{lua:ver = string.gsub(rpm.expand("%{ver}"), ".", "_"); print(ver)}']) {
      assert.throws(() => ctx.expand(text), /not evaluated/, text);
    }
  });
});
