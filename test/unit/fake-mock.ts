import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A stand-in for mock (test support): mock's option table as its parser declares it, a parser that
// reads argv as argparse does with it, what mockbuild/config.py makes of the options, and a `mock`
// executable that checks its argv against the table and builds with rpmbuild, without a chroot.

export type Action = 'store' | 'append' | 'store_const' | 'store_true' | 'store_false' | 'repo';
/**
 * mock's options as its parser declares them (argparse, `parse_known_args`): mock/py/mock.py,
 * command_parse(), rpm-software-management/mock at 817875207de7d82c1d7402a50d3cbb3d4341fd6c
 * (mock-6.7-1-34-g81787520). `nargs`: values taken; `dest`: what mockbuild/config.py's
 * set_config_opts_per_cmdline() reads. Only the options gitoverlay may use, and their neighbours.
 */
export const MOCK_OPTIONS: { flags: string[]; nargs: 0 | 1; dest: string; action: Action }[] = [
  { flags: ['--rebuild'], nargs: 0, dest: 'mode', action: 'store_const' },
  { flags: ['-r', '--root'], nargs: 1, dest: 'chroot', action: 'store' },
  { flags: ['--resultdir'], nargs: 1, dest: 'resultdir', action: 'store' },
  { flags: ['-a', '--addrepo'], nargs: 1, dest: 'repos', action: 'append' },
  { flags: ['-D', '--define'], nargs: 1, dest: 'rpmmacros', action: 'append' },
  { flags: ['--with'], nargs: 1, dest: 'rpmwith', action: 'append' },
  { flags: ['--without'], nargs: 1, dest: 'rpmwithout', action: 'append' },
  { flags: ['--enablerepo'], nargs: 1, dest: 'enable_disable_repos', action: 'repo' },
  { flags: ['--disablerepo'], nargs: 1, dest: 'enable_disable_repos', action: 'repo' },
  { flags: ['--config-opts'], nargs: 1, dest: 'cli_config_opts', action: 'append' },
  { flags: ['--isolation'], nargs: 1, dest: 'isolation', action: 'store' },
  { flags: ['-n', '--no-clean'], nargs: 0, dest: 'clean', action: 'store_false' },
  { flags: ['--cleanup-after'], nargs: 0, dest: 'cleanup_after', action: 'store_true' },
  { flags: ['-N', '--no-cleanup-after'], nargs: 0, dest: 'cleanup_after', action: 'store_false' },
  { flags: ['--uniqueext'], nargs: 1, dest: 'uniqueext', action: 'store' },
  { flags: ['-v', '--verbose'], nargs: 0, dest: 'verbose', action: 'store_const' },
  { flags: ['-q', '--quiet'], nargs: 0, dest: 'verbose', action: 'store_const' },
  { flags: ['--target'], nargs: 1, dest: 'rpmbuild_arch', action: 'store' },
  { flags: ['--arch'], nargs: 1, dest: 'arch', action: 'store' },
  { flags: ['--forcearch'], nargs: 1, dest: 'forcearch', action: 'store' },
  { flags: ['--enable-network'], nargs: 0, dest: 'enable_network', action: 'store_true' },
  { flags: ['--nocheck'], nargs: 0, dest: 'check', action: 'store_false' },
  { flags: ['--additional-package'], nargs: 1, dest: 'additional_packages', action: 'append' },
];
/** config.py: the values `--isolation` takes (anything else: BadCmdline). */
export const ISOLATION = ['simple', 'nspawn', 'auto'];

/** argv read as argparse reads it with that table (exact names, `--opt=value` too); throws where mock would. Self-contained: the fake mock embeds it. */
export function parseLikeMock(argv: string[], table: typeof MOCK_OPTIONS): { values: Record<string, string[]>; positionals: string[] } {
  const values: Record<string, string[]> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-') || a === '-') {
      positionals.push(a);
      continue;
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const o = table.find((t) => t.flags.includes(flag));
    if (!o) throw new Error(`unrecognized option ${flag}`);
    let v = 'true';
    if (o.nargs === 1) {
      if (eq > 0) v = a.slice(eq + 1);
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('-')) v = argv[++i];
      else throw new Error(`argument ${flag}: expected one argument`);
    } else if (eq > 0) throw new Error(`argument ${flag}: ignored explicit argument`);
    if (o.action === 'append' || o.action === 'repo') (values[o.dest] ??= []).push(o.action === 'repo' ? `${flag} ${v}` : v);
    else values[o.dest] = [o.action === 'store_const' || o.nargs === 0 ? flag : v];
  }
  return { values, positionals };
}

/** What set_config_opts_per_cmdline() makes of them: macros (with/without included) and --config-opts folded as mock folds them. Self-contained. */
export function mockConfig(p: { values: Record<string, string[]> }, isolation: string[]): { macros: Record<string, string>; opts: Record<string, unknown> } {
  const macros: Record<string, string> = {};
  const defs = [...(p.values.rpmmacros ?? [])];
  for (const w of p.values.rpmwith ?? []) defs.push(`_with_${w.replace(/-/g, '_')} --with-${w}`);
  for (const w of p.values.rpmwithout ?? []) defs.push(`_without_${w.replace(/-/g, '_')} --without-${w}`);
  for (const d of defs) {
    const m = /^(\S+) ([\s\S]+)$/.exec(d.trim());
    if (!m) throw new Error(`Bad option for '--define' (${d}).  Use --define 'macro expr'`);
    macros[m[1].startsWith('%') ? m[1] : `%${m[1]}`] = m[2];
  }
  const opts: Record<string, unknown> = {};
  for (const kv of p.values.cli_config_opts ?? []) {
    const at = kv.indexOf('=');
    if (at < 0) throw new Error(`--config-opts ${kv}: no '='`);
    const k = kv.slice(0, at);
    const raw = kv.slice(at + 1);
    const v: unknown = /^(true|True)$/.test(raw) ? true : /^(false|False)$/.test(raw) ? false : /^(none|None)$/.test(raw) ? null : /^[-+]?\d+$/.test(raw.trim()) ? Number(raw) : raw;
    if (!(k in opts)) opts[k] = v;
    else if (Array.isArray(opts[k])) (opts[k] as unknown[]).push(v);
    else opts[k] = v === '' ? [opts[k]] : [opts[k], v];
  }
  const iso = p.values.isolation?.[0];
  if (iso !== undefined && !isolation.includes(iso)) throw new Error(`Bad option for '--isolation'. Unknown value: ${iso}`);
  return { macros, opts };
}

/** Every argument is an option of the table with its arity, or the one SRPM; --rebuild is the mode. */
export function accepted(args: string[]): ReturnType<typeof mockConfig> & { p: ReturnType<typeof parseLikeMock> } {
  const p = parseLikeMock(args, MOCK_OPTIONS);
  assert.deepEqual(p.positionals, [args[args.length - 1]]);
  assert.match(p.positionals[0], /^\/.*\.src\.rpm$/);
  assert.deepEqual(p.values.mode, ['--rebuild']);
  return { p, ...mockConfig(p, ISOLATION) };
}

/**
 * A stand-in for mock, so the backend's plumbing runs here: it checks its argv against the table,
 * records it, and does what the options ask without a chroot (rpmbuild --rebuild; an
 * --additional-package found in an --addrepo repository is unpacked and its macros --load'ed).
 */
export const FAKE_MOCK = `#!${process.execPath}
const { spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs'), path = require('node:path'), os = require('node:os');
${parseLikeMock.toString()}
${mockConfig.toString()}
const argv = process.argv.slice(2);
fs.appendFileSync(process.env.FAKE_MOCK_RECORD, JSON.stringify(argv) + '\\n');
let p, cfg;
try { p = parseLikeMock(argv, ${JSON.stringify(MOCK_OPTIONS)}); cfg = mockConfig(p, ${JSON.stringify(ISOLATION)}); }
catch (e) { console.error('ERROR: ' + e.message); process.exit(5); }
const out = p.values.resultdir[0];
fs.writeFileSync(path.join(out, 'state.log'), 'Start: build setup\\n');
fs.writeFileSync(path.join(out, 'root.log'), 'fake root.log for ' + p.values.chroot[0] + '\\n');
if (process.env.FAKE_MOCK_EXIT) process.exit(Number(process.env.FAKE_MOCK_EXIT));
const top = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-mock-'));
const args = ['--rebuild', '--nodeps', '--define', '_topdir ' + top];
for (const [k, v] of Object.entries(cfg.macros)) args.push('--define', k.slice(1) + ' ' + v);
for (const name of p.values.additional_packages || []) {
  const hits = (p.values.repos || []).filter((r) => fs.existsSync(path.join(r, 'repodata/repomd.xml')))
    .flatMap((r) => fs.readdirSync(r).filter((f) => f.endsWith('.rpm')).map((f) => path.join(r, f)))
    .filter((f) => execFileSync('rpm', ['-qp', '--nosignature', '--qf', '%{NAME}', f], { encoding: 'utf8' }) === name);
  if (!hits.length) { fs.appendFileSync(path.join(out, 'root.log'), 'No match for argument: ' + name + '\\n'); process.exit(30); }
  const root = path.join(top, 'root-' + name);
  fs.mkdirSync(root);
  execFileSync('tar', ['-xzf', '-', '-C', root], { input: execFileSync('rpm2archive', ['-'], { input: fs.readFileSync(hits[0]) }) });
  const md = path.join(root, 'usr/lib/rpm/macros.d');
  for (const f of fs.existsSync(md) ? fs.readdirSync(md) : []) args.push('--load', path.join(md, f));
}
const r = spawnSync('rpmbuild', [...args, p.positionals[0]], { encoding: 'utf8' });
fs.writeFileSync(path.join(out, 'build.log'), r.stdout + r.stderr);
if (r.status !== 0) process.exit(10);
fs.copyFileSync(p.positionals[0], path.join(out, path.basename(p.positionals[0])));
for (const d of fs.readdirSync(path.join(top, 'RPMS'))) for (const f of fs.readdirSync(path.join(top, 'RPMS', d))) fs.renameSync(path.join(top, 'RPMS', d, f), path.join(out, f));
fs.rmSync(top, { recursive: true, force: true });
`;


/**
 * Runs `fn` with the stand-in as `mock` first on PATH; it records every argv it gets (one JSON array
 * a line) in the file `fn` receives. PATH and the environment are put back afterwards.
 */
export async function withFakeMock(fn: (record: string) => Promise<void>): Promise<void> {
  const bin = mkdtempSync(join(tmpdir(), 'go-fake-mock-'));
  writeFileSync(join(bin, 'mock'), FAKE_MOCK);
  chmodSync(join(bin, 'mock'), 0o755);
  const record = join(bin, 'argv.jsonl');
  const saved = { PATH: process.env.PATH, FAKE_MOCK_RECORD: process.env.FAKE_MOCK_RECORD };
  process.env.PATH = `${bin}:${process.env.PATH}`;
  process.env.FAKE_MOCK_RECORD = record;
  try {
    await fn(record);
  } finally {
    delete process.env.FAKE_MOCK_EXIT;
    process.env.PATH = saved.PATH;
    if (saved.FAKE_MOCK_RECORD === undefined) delete process.env.FAKE_MOCK_RECORD;
    rmSync(bin, { recursive: true, force: true });
  }
}

/** The argv lines the stand-in recorded. */
export function recordedRuns(record: string): string[][] {
  return readFileSync(record, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]);
}
