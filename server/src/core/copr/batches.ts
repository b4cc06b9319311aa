/**
 * The overlay's batches as Copr's own build batches (pure): the first build of a batch opens it,
 * after the previous batch's first build (`after_build_id`: Copr starts it once that whole batch is
 * processed); the others join it (`with_build_id`). So Copr orders the builds, not gitoverlay.
 */

export interface Submission {
  name: string;
  /** Index of the batch among those submitted. */
  batch: number;
  /** Join the batch of this component's build. */
  with?: string;
  /** Open a new batch after the batch of this component's build. */
  after?: string;
}

/** Submissions in order (every build it refers to comes before it); empty batches are dropped. */
export function submissions(batches: readonly (readonly string[])[]): Submission[] {
  const out: Submission[] = [];
  let previousLeader: string | undefined;
  let index = 0;
  for (const batch of batches) {
    if (batch.length === 0) continue;
    const [leader, ...rest] = batch;
    out.push({ name: leader, batch: index, ...(previousLeader !== undefined ? { after: previousLeader } : {}) });
    for (const name of rest) out.push({ name, batch: index, with: leader });
    previousLeader = leader;
    index++;
  }
  return out;
}

/**
 * x86_64 first: the chroots of the first round (the primary architecture's) and of the second (every
 * other). The primary is the x86_64 chroot, else the first one given.
 */
export function rounds(chroots: readonly string[]): { primary: string; secondary: string[] } {
  if (chroots.length === 0) throw new Error('no Copr chroots given');
  const primary = chroots.find((c) => c.endsWith('-x86_64')) ?? chroots[0];
  return { primary, secondary: chroots.filter((c) => c !== primary) };
}

/** A chroot name as Copr spells them: `<os>-<version>-<arch>` (fedora-41-x86_64, centos-stream-9-aarch64). */
export function validChroot(name: string): boolean {
  return /^[a-z][a-z0-9]*(?:-[a-z0-9.]+)*-[a-z0-9_]+$/.test(name) && !name.startsWith('-');
}

/** The chroots a build for `%{dist}` goes to by default: fedora-N for .fcN, epel-N for .elN; host arch first, then aarch64. */
export function defaultChroots(dist: string, arch: string): string[] {
  const fc = /^\.fc(\d+)$/.exec(dist);
  const el = /^\.el(\d+)/.exec(dist);
  const base = fc ? `fedora-${fc[1]}` : el ? `epel-${el[1]}` : 'fedora-rawhide';
  return [...new Set([arch, 'aarch64'])].map((a) => `${base}-${a}`);
}
