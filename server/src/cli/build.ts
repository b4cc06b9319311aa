import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildOverlay, type BuildResult } from '../core/build/build';
import { recordLastBuild } from '../core/build/last-build';
import { moduleEnableOf } from '../core/build/backends/mock';
import { buildModule, ModuleBuildError } from '../core/build/module';
import { OverlayError } from '../core/overlay/resolve';
import { CoprError } from '../core/copr/client';
import { CoprConfigError } from '../core/copr/config';
import { InputError } from './autospec';
import { buildIndex, resolveFileAt } from './buildroot';
import { loadYamlInput } from './input';
import { UsageError, type CommandResult } from './usage';

export const BUILD_USAGE = `usage: gitoverlay build [--backend local|mock|copr] [--copr OWNER/PROJECT] [--chroot NAME]... [--jobs N]
                        [--out DIR] [--component NAME]... [--dist .fc41] [--offline] [--no-sandbox] FILE
  FILE              an overlay, or a modulemd v2 stream document (components built from their dist-git
                    'repository' at 'ref' in buildorder/buildafter batches; modules.yaml added; local or
                    mock, which enables the streams the module builds against and adds earlier batches)
  --jobs N          components of one batch built at once (default 1); srpmroot ones first
  --out DIR         the repository (default: build/ beside OVERLAY); built into DIR.new and swapped in;
                    a failed run leaves DIR alone and keeps its successes in DIR.partial
  --component NAME  build only NAME (repeatable); the others are kept from DIR as they are
  --dist D          %{dist} (default .fc41)
  --offline         do not git fetch the mirrors first (only missing refs are fetched)
  --no-sandbox      run rpmbuild directly even when bwrap is installed
  --backend B       local: rpmbuild --nodeps here (in bwrap without network when installed); mock: each
                    SRPM rebuilt in a mock chroot; copr: built on Copr (default: mock when installed, else local)
  --copr O/P        the Copr project (created when missing); credentials from ~/.config/copr ([copr-cli])
  --chroot NAME     a Copr chroot (repeatable; default fedora-N-<this arch> and fedora-N-aarch64 from --dist):
                    every batch on the x86_64 one first, the others once it succeeded
  --module N:S      a module stream mock enables in its chroot (repeatable; the editor takes them
                    from the Buildroot view's resolution of the overlay)
  --repo PATH, --defaults DIR, --platform N:S
                    module metadata as \`gitoverlay buildroot\` reads it: mock enables the streams the
                    overlay's buildroot resolves to there (as the editor does); a module document's
                    buildrequires are resolved against it
  --copr-config F   copr-cli's configuration file instead of ~/.config/copr
  --poll SECONDS    how often Copr is asked for build states (default 10)
A Copr run is recorded in DIR.copr.json: run the same command again after an interruption and it
continues the same builds instead of submitting them twice. Ctrl+C cancels them on Copr.
Exit 1 when a component failed, 2 on a usage or input error.`;

/**
 * rpmbuild's spec errors (`error: line N: ...`) as `SPEC:N: error: ...` lines, the format the editor's
 * problem matcher reads, on the generated spec kept beside each failed component's log.
 */
export function specErrors(result: BuildResult, readLog: (path: string) => string): string[] {
  const out: string[] = [];
  for (const c of result.components) {
    if (c.status !== 'failed' || !c.log) continue;
    let text = '';
    try {
      text = readLog(c.log);
    } catch {
      continue;
    }
    const spec = c.log.replace(/build\.log$/, `${c.name}.spec`);
    for (const m of text.matchAll(/^error: line (\d+): (.*)$/gm)) out.push(`${spec}:${m[1]}: error: ${m[2]}`);
    if (!/^error: line \d+:/m.test(text)) {
      const last = /^error: (.*)$/m.exec(text);
      if (last) out.push(`${spec}:1: error: ${last[1]}`);
    }
  }
  return out;
}

export function summary(result: BuildResult): string {
  const rows = [['COMPONENT', 'NEVR', 'STATUS', 'LOG'], ...result.components.map((c) => [c.name, c.nevr || '-', c.status, c.log ?? '-'])];
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) =>
    r
      .map((v, i) => (i < 3 ? v.padEnd(w[i]) : v))
      .join('  ')
      .trimEnd(),
  );
  for (const c of result.components) if (c.error) lines.push(`${c.name}: ${c.error}`);
  const pending = [...new Set(result.components.flatMap((c) => c.pendingArches))];
  lines.push(
    `built for ${result.arch}${pending.length ? `; pending (not buildable on this host): ${pending.join(', ')}` : ' (every package is noarch or host-arch only)'}`,
  );
  if ('nsvca' in result) lines.push(`module: ${String(result.nsvca)}${result.ok ? ' (modules.yaml in the repository)' : ''}`);
  for (const c of result.components) {
    for (const [chroot, r] of Object.entries(c.chroots ?? {})) lines.push(`  ${c.name} ${chroot}: ${r.state}${r.buildId ? ` (build ${r.buildId})` : ''}${r.state === 'failed' && r.resultUrl ? ` log: ${r.resultUrl}/builder-live.log.gz` : ''}`);
  }
  const repos = new Map<string, string>();
  for (const c of result.components) for (const [chroot, r] of Object.entries(c.chroots ?? {})) if (r.repoUrl) repos.set(chroot, r.repoUrl);
  for (const [chroot, url] of repos) lines.push(`copr repository ${chroot}: ${url}`);
  if (result.backend === 'copr') lines.push(`backend: copr (packages built on Copr; the ${result.arch === 'x86_64' ? 'x86_64' : 'primary'} chroot's downloaded into the repository)`);
  else if (result.backend === 'mock') lines.push('backend: mock');
  else lines.push(`sandbox: ${result.sandbox === 'bwrap' ? 'bwrap (no network)' : 'none'}; rpmbuild --nodeps (BuildRequires not checked)`);
  if (result.ok) lines.push(`repository: ${result.repo}`);
  else lines.push(`FAILED: ${result.repo ? `${result.repo} is unchanged` : 'no repository yet'}; successful results in ${result.partial}`);
  return lines.join('\n') + '\n';
}

/** `gitoverlay build`; progress lines go to `io.progress` (stderr by default) as they happen. */
export async function runBuild(argv: string[], io: { progress?: (line: string) => void; signal?: AbortSignal } = {}): Promise<CommandResult> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      jobs: { type: 'string', short: 'j' },
      out: { type: 'string', short: 'o' },
      component: { type: 'string', multiple: true },
      dist: { type: 'string' },
      offline: { type: 'boolean' },
      'no-sandbox': { type: 'boolean' },
      json: { type: 'boolean' },
      backend: { type: 'string' },
      copr: { type: 'string' },
      chroot: { type: 'string', multiple: true },
      'copr-config': { type: 'string' },
      module: { type: 'string', multiple: true },
      poll: { type: 'string' },
      repo: { type: 'string', multiple: true },
      defaults: { type: 'string', multiple: true },
      platform: { type: 'string' },
    },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length ? 'one OVERLAY only' : 'no OVERLAY given', BUILD_USAGE);
  const jobs = values.jobs === undefined ? 1 : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs wants a positive integer, not '${values.jobs}'`, BUILD_USAGE);
  if (values.dist !== undefined && !/^[\w.+~^]*$/.test(values.dist))
    throw new UsageError(`--dist '${values.dist}' has characters a Release cannot have`, BUILD_USAGE);
  const backend = values.backend ?? (values.copr ? 'copr' : undefined);
  if (backend !== undefined && backend !== 'local' && backend !== 'mock' && backend !== 'copr') throw new UsageError(`--backend is local, mock or copr, not '${backend}'`, BUILD_USAGE);
  if (backend === 'copr' && !values.copr) throw new UsageError('--backend copr needs --copr OWNER/PROJECT', BUILD_USAGE);
  const bad = (values.module ?? []).find((m) => !/^[A-Za-z0-9_.+-]+:[A-Za-z0-9_.+~-]+$/.test(m));
  if (bad !== undefined) throw new UsageError(`--module wants NAME:STREAM, not '${bad}'`, BUILD_USAGE);
  const poll = values.poll === undefined ? undefined : Number(values.poll);
  if (poll !== undefined && !(poll > 0)) throw new UsageError(`--poll wants a number of seconds, not '${values.poll}'`, BUILD_USAGE);
  if (values.platform !== undefined && !/^[^:\s]+(:[^:\s]+)?$/.test(values.platform)) throw new UsageError(`--platform ${values.platform}: expected NAME:STREAM (platform:f41)`, BUILD_USAGE);
  const path = resolve(positionals[0]);
  const overlay = await loadYamlInput(path);
  const progress = io.progress ?? ((line: string) => process.stderr.write(line + '\n'));
  const isModule = typeof overlay === 'object' && overlay !== null && (overlay as { document?: unknown }).document === 'modulemd';
  // The module metadata the editor's Buildroot view reads (gitoverlay buildroot's --repo/--defaults):
  // an overlay's mock chroots get the streams it resolves, a module document's buildrequires resolve in it.
  const metadata = values.repo || values.defaults || values.platform ? await buildIndex(values.repo ?? [], values.defaults ?? []) : undefined;
  let moduleEnable = values.module;
  if (metadata && !isModule) {
    const resolution = await resolveFileAt(path, metadata, { platform: values.platform });
    const streams = resolution.expansions[0] ? moduleEnableOf(resolution.expansions[0]) : [];
    for (const e of resolution.errors) progress(`warning: buildroot: ${e}`);
    moduleEnable = [...new Set([...streams, ...(values.module ?? [])])];
    progress(`module streams of the buildroot (enabled in mock's chroots): ${moduleEnable.length ? moduleEnable.join(', ') : 'none'}`);
  }
  let result: BuildResult;
  // Ctrl+C / SIGTERM cancel the build: rpmbuild runs in its own process group, so it is killed
  // through the AbortSignal rather than by the terminal.
  let signal = io.signal;
  const onSignal = (): void => ac?.abort();
  const ac = signal ? null : new AbortController();
  if (ac) {
    signal = ac.signal;
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  try {
    result = await (isModule ? buildModule : buildOverlay)(path, overlay, {
      allowFile: true,
      jobs,
      out: values.out ? resolve(values.out) : undefined,
      components: values.component,
      dist: values.dist,
      fetch: !values.offline,
      sandbox: values['no-sandbox'] ? 'none' : 'auto',
      backend,
      moduleEnable,
      moduleIndex: metadata,
      copr: values.copr ? { project: values.copr, chroots: values.chroot, config: values['copr-config'], pollMs: poll !== undefined ? poll * 1000 : undefined } : undefined,
      signal,
      onProgress: progress,
    });
  } catch (err) {
    if (err instanceof Error && err.name === 'AbortError') return { code: 130, stderr: 'gitoverlay: build cancelled; the repository is unchanged\n' };
    // Copr refused or could not be reached, or its credentials are missing: not a usage error.
    if (err instanceof CoprError || err instanceof CoprConfigError) return { code: 1, stderr: `gitoverlay: ${err.message}\n` };
    if (err instanceof OverlayError || err instanceof ModuleBuildError) throw new InputError(`${positionals[0]}: ${err.message}`);
    if (err instanceof Error && err.message.startsWith('no component named')) throw new InputError(err.message);
    throw err;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  // The editor's Builds view shows what the last build of this document did (also when run as a task).
  recordLastBuild(path, result, (overlay as { document?: unknown } | null)?.document === 'modulemd');
  const errors = specErrors(result, (p) => readFileSync(p, 'utf8'));
  const stdout = values.json ? JSON.stringify(result, null, 2) + '\n' : summary(result) + errors.map((e) => e + '\n').join('');
  return { code: result.ok ? 0 : 1, stdout };
}
