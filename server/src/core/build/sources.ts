import type { WriteStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { git, run } from '../git/exec';
import type { ResolvedComponent } from '../overlay/resolve';
import { checkRemote } from '../overlay/url';
import type { Ctx } from './context';

/**
 * A component's sources, as every backend needs them: its dist-git files (patches, extra sources)
 * from the dist-git commit in the mirror, never a work tree, and Source0 made from the upstream
 * commit with `git archive`, named as the rewritten spec expects.
 */

/** Source0 (or Source) of the rewritten spec: the tarball name rpmbuild will look for in SOURCES. */
export function source0Of(spec: string): string | null {
  const head = spec.split(/^%changelog/m)[0];
  const m = /^Source0?[ \t]*:[ \t]*(\S+)[ \t]*$/im.exec(head);
  return m ? basename(m[1]) : null;
}

function mirrorDir(ctx: Ctx, url: string): string {
  return join(ctx.cacheDir, checkRemote(url, { allowFile: true, baseDir: ctx.overlayDir }).mirrorKey);
}

/** Writes `c`'s sources into `sources` (an existing directory); `scratch` is a directory for a temporary file. */
export async function prepareSources(ctx: Ctx, c: ResolvedComponent, sources: string, scratch: string, log: WriteStream): Promise<void> {
  const signal = ctx.signal;
  if (c.distgit) {
    const dg = mirrorDir(ctx, c.distgit.url);
    const tar = join(scratch, 'distgit.tar');
    await git(['archive', '--format=tar', '-o', tar, c.distgit.commit], {
      cwd: dg,
      signal,
    });
    await run('tar', ['-xf', tar, '-C', sources], { signal });
    await rm(tar);
    const lookaside = await readFile(join(sources, 'sources'), 'utf8').catch(() => '');
    if (lookaside.trim()) log.write("warning: dist-git has a non-empty 'sources' file: lookaside sources are not fetched by gitoverlay build\n");
  }
  if (c.upstream) {
    const tarball = source0Of(c.spec);
    if (!tarball || !tarball.endsWith('.tar.gz')) throw new Error(`the rewritten spec has no Source0 ending in .tar.gz (found ${tarball ?? 'none'})`);
    const prefix = tarball.slice(0, -'.tar.gz'.length);
    log.write(`Source0: ${tarball} from upstream ${c.upstream.commit}\n`);
    await git(['archive', '--format=tar.gz', `--prefix=${prefix}/`, '-o', join(sources, tarball), c.upstream.commit], {
      cwd: mirrorDir(ctx, c.upstream.url),
      signal,
    });
  }
}
