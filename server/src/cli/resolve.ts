import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { OverlayError, resolveOverlay, type ResolvedComponent } from '../core/overlay/resolve';
import { InputError } from './autospec';
import { loadYamlInput } from './input';
import { UsageError, type CommandResult } from './usage';

export const RESOLVE_USAGE = `usage: gitoverlay resolve [--json] [--fetch] [--cache DIR] [--spec-dir DIR] OVERLAY
  --json          the resolution as JSON (without the spec texts)
  --fetch         git fetch every mirror first (otherwise only missing refs are fetched)
  --cache DIR     where mirrors live (default: .gitoverlay/mirrors beside OVERLAY)
  --spec-dir DIR  write each component's rewritten spec to DIR/<name>.spec
file:// URLs and local paths are allowed here (the editor refuses them): you chose to resolve OVERLAY.`;

const short = (sha: string | undefined): string => (sha ? sha.slice(0, 7) : '-');

function textReport(components: ResolvedComponent[]): string {
  const ok = components.filter((c) => c.error === undefined);
  const width = (values: string[]): number => Math.max(0, ...values.map((v) => v.length));
  const upstream = (c: ResolvedComponent): string => (c.upstream ? `upstream@${short(c.upstream.commit)}` : '-');
  const distgit = (c: ResolvedComponent): string => (c.distgit ? `distgit@${short(c.distgit.commit)}` : '-');
  const w0 = width(components.map((c) => c.name));
  const w1 = width(ok.map((c) => c.nevr));
  const w2 = width(ok.map(upstream));
  const lines: string[] = [];
  for (const c of components) {
    if (c.error !== undefined) lines.push(`${c.name.padEnd(w0)}  error: ${c.error}`);
    else lines.push(`${c.name.padEnd(w0)}  ${c.nevr.padEnd(w1)}  ${upstream(c).padEnd(w2)}  ${distgit(c)}`);
    for (const w of c.warnings) lines.push(`  warning: ${w}`);
  }
  return lines.join('\n') + '\n';
}

/** `gitoverlay resolve`: mirrors, commits, NEVRs and rewritten specs of an overlay. Exit 1 if a component failed. */
export async function runResolve(argv: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean' },
      fetch: { type: 'boolean' },
      cache: { type: 'string' },
      'spec-dir': { type: 'string' },
    },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length ? 'one OVERLAY only' : 'no OVERLAY given', RESOLVE_USAGE);
  const path = resolve(positionals[0]);
  const overlay = await loadYamlInput(path);
  let result;
  try {
    result = await resolveOverlay(path, overlay, {
      allowFile: true,
      fetch: values.fetch ?? false,
      cacheDir: values.cache ? resolve(values.cache) : undefined,
    });
  } catch (err) {
    if (err instanceof OverlayError) throw new InputError(`${positionals[0]}: ${err.message}`);
    throw err;
  }
  const failed = result.components.some((c) => c.error !== undefined);

  let written = '';
  const specDir = values['spec-dir'];
  if (specDir) {
    await mkdir(specDir, { recursive: true });
    for (const c of result.components) if (c.error === undefined) await writeFile(join(specDir, `${c.name}.spec`), c.spec);
    written = `wrote ${result.components.filter((c) => c.error === undefined).length} spec(s) to ${specDir}\n`;
  }

  // The documented shape: the build's SOURCE_DATE_EPOCH stays internal.
  const components = result.components.map(({ spec: _spec, sourceDate: _date, ...rest }) => rest);
  const stdout = values.json ? JSON.stringify(result.warnings ? { components, warnings: result.warnings } : { components }, null, 2) + '\n' : textReport(result.components);
  const notes = (result.warnings ?? []).map((w) => `gitoverlay: warning: ${w}\n`).join('') + written;
  return { code: failed ? 1 : 0, stdout, stderr: notes || undefined };
}
