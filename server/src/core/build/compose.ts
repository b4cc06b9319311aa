import { mkdir, readFile, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../git/exec';
import type { Ctx } from './context';
import { exists } from './fs';
import { STATE, type BuildState } from './state';
import type { BuildResult, ComponentBuild } from './types';

/**
 * The end of a run: `<out>.new/` becomes a yum repository (buildstate.json, createrepo_c, and
 * modifyrepo_c for a module's modules.yaml) swapped in atomically for `<out>`; a run with a failed
 * component leaves `<out>` alone and keeps its successes in `<out>.partial/`.
 */

/**
 * Writes buildstate.json, runs createrepo_c and swaps the repository in (or keeps the run's
 * successes in `<out>.partial`). `modules`, when given, returns the modules.yaml added to a
 * successful run's repodata (createrepo_c then modifyrepo_c: the text is validated by the caller).
 */
export async function compose(
  ctx: Ctx,
  components: ComponentBuild[],
  state: BuildState,
  progress: (line: string) => void,
  modules?: () => Promise<string>,
): Promise<BuildResult> {
  const { out, arch, signal } = ctx;

  const ok = components.every((r) => r.status !== 'failed');
  await writeFile(join(ctx.newDir, STATE), JSON.stringify(state, null, 2) + '\n');
  progress(`composing the repository (createrepo_c)`);
  await run('createrepo_c', ['--no-database', ...(await reproducible(ctx, components)), ctx.newDir], { signal });
  if (ok && modules) {
    const file = join(ctx.workDir, 'modules.yaml');
    await mkdir(ctx.workDir, { recursive: true });
    await writeFile(file, await modules());
    await run('modifyrepo_c', ['--mdtype=modules', file, join(ctx.newDir, 'repodata')], { signal });
    if (ctx.sourceDate) await pinModulesTimestamp(join(ctx.newDir, 'repodata', 'repomd.xml'), ctx.sourceDate);
    await rm(ctx.workDir, { recursive: true, force: true });
  }

  const relocate = (from: string, to: string): void => {
    for (const r of components) if (r.log?.startsWith(from + '/')) r.log = to + r.log.slice(from.length);
  };
  if (!ok) {
    const partial = `${out}.partial`;
    await rm(partial, { recursive: true, force: true });
    await rename(ctx.newDir, partial);
    relocate(ctx.newDir, partial);
    return {
      repo: (await exists(out)) ? out : null,
      partial,
      arch,
      sandbox: ctx.sandbox,
      backend: ctx.backend,
      components,
      ok,
    };
  }
  // Atomic swap: the repository path always names a complete repository.
  const old = `${out}.old`;
  await rm(old, { recursive: true, force: true });
  const hadOld = await exists(out);
  if (hadOld) await rename(out, old);
  await rename(ctx.newDir, out);
  relocate(ctx.newDir, out);
  if (hadOld) await rm(old, { recursive: true, force: true });
  await rm(`${out}.partial`, { recursive: true, force: true });
  return {
    repo: out,
    partial: null,
    arch,
    sandbox: ctx.sandbox,
    backend: ctx.backend,
    components,
    ok,
  };
}

/**
 * The same packages give the same repodata: the package files' times (which primary.xml records) and
 * the repository's revision and timestamps are the sources' newest commit time, not the clock.
 */
async function reproducible(ctx: Ctx, components: ComponentBuild[]): Promise<string[]> {
  if (!ctx.sourceDate) return [];
  const when = new Date(ctx.sourceDate * 1000);
  for (const c of components) for (const f of c.files) await utimes(join(ctx.newDir, f), when, when).catch(() => undefined);
  return [`--revision=${ctx.sourceDate}`, '--set-timestamp-to-revision'];
}

/**
 * modifyrepo_c stamps the record it adds with the clock and has no option (nor SOURCE_DATE_EPOCH) to
 * do otherwise: the modules record's <timestamp> is set to the sources' time, as createrepo_c's
 * --set-timestamp-to-revision does for its own records.
 */
async function pinModulesTimestamp(repomd: string, when: number): Promise<void> {
  const xml = await readFile(repomd, 'utf8');
  const fixed = xml.replace(/(<data type="modules">[\s\S]*?<timestamp>)\d+(<\/timestamp>)/, `$1${when}$2`);
  if (fixed !== xml) await writeFile(repomd, fixed);
}
