import { completeRelease } from '../autospec/compute';
import { evaluatePreamble, flagsFromRelease, type SpecVersion } from '../spec/preamble';
import { rpmspecVersion } from '../spec/rpmspec';

/**
 * Name, Epoch, Version and Release of a rewritten spec, as rpm would read them: the preamble
 * evaluator first, rpm itself (when installed) for what it cannot evaluate. %autorelease comes back
 * as rpmautospec's flag probe, which `expandAutorelease` turns into the real value.
 */
export async function specIdentity(text: string, signal?: AbortSignal): Promise<SpecVersion | null> {
  const r = evaluatePreamble(text);
  return r.ok ? r.value : rpmspecVersion(text, signal);
}

const PROBE = /E([^_]*)_S([^_]*)_P([01])_B(\d*)/g;

/** Replaces each %autorelease probe in an evaluated Release by what %autorelease expands to for release number `n`. */
export function expandAutorelease(release: string, n: number): string {
  return release.replace(PROBE, (probe) => completeRelease(n, flagsFromRelease(probe)!));
}
