import { realpathSync } from 'node:fs';
import { relative } from 'node:path';
import { autospecFor, type Autospec } from '../autospec/run';
import { compareEVR } from '../overlay/rpmvercmp';

/** The NEVR one commit of a dist-git history produced (rpmautospec's release for it). */
export interface ProducedNEVR {
  commit: string;
  name: string | null;
  epochVersion: string | null;
  releaseNumber: number;
  release: string;
  /** `name-[epoch:]version-release`, null when the spec at that commit was unreadable. */
  nevr: string | null;
}

/** `[epoch:]version-release` for compareEVR. */
export function evrOf(p: { epochVersion: string | null; release: string }): string | null {
  return p.epochVersion === null ? null : `${p.epochVersion}-${p.release}`;
}

/** Every commit's NEVR, from one autospec run (the spec's Name at that commit). */
export function producedNEVRs(a: Autospec): Map<string, ProducedNEVR> {
  const out = new Map<string, ProducedNEVR>();
  for (const [id, r] of a.result.commits) {
    const c = a.history.commits.get(id);
    const spec = c?.specBlob ? (a.specs.get(c.specBlob) ?? null) : null;
    const name = spec?.name ?? null;
    const evr = evrOf(r);
    out.set(id, {
      commit: id,
      name,
      epochVersion: r.epochVersion,
      releaseNumber: r.releaseNumber,
      release: r.release,
      nevr: evr === null ? null : `${name ?? '?'}-${evr}`,
    });
  }
  return out;
}

/** Autospec of a dist-git repository at HEAD, ignoring the work tree: every commit's release (for collisions). */
export async function autospecAtHead(specOrDir: string): Promise<Autospec> {
  return autospecFor(specOrDir, { rev: 'HEAD', all: true });
}

/** The spec's path relative to the repository top (for the same file in a clone). */
export function specRelative(a: Autospec): string {
  if (!a.history.top) throw new Error(`${a.history.dir} is not in a git repository`);
  let spec = a.history.specPath;
  try {
    spec = realpathSync(spec); // git's top is a real path
  } catch {
    /* gone: as given */
  }
  return relative(a.history.top, spec);
}

/** a > b in rpm's order. */
export function sortsAbove(a: string, b: string): boolean {
  return compareEVR(a, b) > 0;
}
