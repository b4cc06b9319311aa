import type { Defaults } from './model';

/** Merging modulemd-defaults documents of one module as libmodulemd's modulemd_defaults_v1_merge (non-strict). */

const setsEqual = (a: string[], b: string[]): boolean => {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((e) => y.has(e));
};

/**
 * Merges `from` into `into` at the same priority: a stream set on one side only is kept; different
 * streams: the higher `modified` wins, equal `modified` is a conflict that leaves no default stream
 * (and stays a conflict for every later merge of the same module, as libmodulemd's marker does).
 * Profile sets per stream follow the same rule; libmodulemd fails the whole merge on an equal-modified
 * profile mismatch, here it is reported and the earlier profiles are kept.
 */
export function mergeDefaults(from: Defaults, into: Defaults, problems: string[]): Defaults {
  const merged: Defaults = { ...into, profiles: { ...into.profiles } };
  if (into.conflict) {
    // libmodulemd keeps its conflict marker whatever comes later.
  } else if (from.stream !== undefined && into.stream === undefined) {
    merged.stream = from.stream;
  } else if (from.stream !== undefined && into.stream !== undefined && from.stream !== into.stream) {
    if (from.modified > into.modified) merged.stream = from.stream;
    else if (from.modified === into.modified) {
      merged.stream = undefined;
      merged.conflict = `Default stream mismatch in module ${into.module}: ${into.stream} != ${from.stream} (${into.source}, ${from.source}, ${into.modified ? `both modified ${into.modified}` : 'neither sets modified'}); no default stream`;
    }
  }
  for (const [stream, list] of Object.entries(from.profiles)) {
    const have = merged.profiles[stream];
    if (have === undefined || (!setsEqual(have, list) && from.modified > into.modified)) merged.profiles[stream] = list;
    else if (!setsEqual(have, list) && from.modified === into.modified) {
      problems.push(`Profile default mismatch in module ${into.module} stream ${stream} (${into.source}, ${from.source}); kept ${into.source}'s`);
    }
  }
  if (from.modified > into.modified) merged.modified = from.modified;
  merged.source = from.modified > into.modified ? from.source : into.source;
  return merged;
}
