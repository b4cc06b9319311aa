/** An N-E:V-R.A string split the way libmodulemd does it: from the end, epoch mandatory. */
export interface Nevra {
  name: string;
  epoch: string;
  version: string;
  release: string;
  arch: string;
}

/** Parses N-E:V-R.A; returns a reason string when it is not valid. */
export function parseNevra(s: string): Nevra | string {
  const dot = s.lastIndexOf('.');
  if (dot <= 0 || dot === s.length - 1) return 'no .arch suffix';
  const arch = s.slice(dot + 1);
  const nevr = s.slice(0, dot);
  const dash = nevr.lastIndexOf('-');
  if (dash <= 0 || dash === nevr.length - 1) return 'no -release';
  const release = nevr.slice(dash + 1);
  const nev = nevr.slice(0, dash);
  const colon = nev.lastIndexOf(':');
  if (colon < 0) return 'no epoch (write 0: for none)';
  const version = nev.slice(colon + 1);
  if (!version) return 'empty version';
  if (version.includes('-')) return "a '-' in the version";
  const ne = nev.slice(0, colon);
  const dash2 = ne.lastIndexOf('-');
  if (dash2 <= 0) return 'no name before the epoch';
  const epoch = ne.slice(dash2 + 1);
  if (!/^[0-9]+$/.test(epoch)) return `epoch '${epoch}' is not a number`;
  return { name: ne.slice(0, dash2), epoch, version, release, arch };
}

export const formatNevra = (n: Nevra): string => `${n.name}-${n.epoch}:${n.version}-${n.release}.${n.arch}`;
