import { BASE_MODULES, virtualModule, type ModuleStream } from './model';
import { compareStreams, type ModuleIndex } from './module-index';

/**
 * Stream expansion of one dependency (MBS common/resolve.py): which streams of a module a list such
 * as `[]`, `[a, b]` or `[-a]` allows, narrowed to the default stream when there is one, as one
 * resolution sees the index (its platform option added, base modules synthesized).
 */

export type Reason = 'explicit' | 'default stream' | 'only stream' | 'expanded from a list' | 'platform' | `runtime requirement of ${string}`;

export interface ResolveOptions {
  /** The platform the buildroot is for, `f41` or `platform:f41`: synthesized when no document defines it, and its default stream. */
  platform?: string;
  /** Combinations resolved per dependencies entry at most (default 64); the rest are reported. */
  maxExpansions?: number;
}

/** The index as one resolution sees it: plus the platform option. */
export class View {
  readonly defaults: Map<string, string>;
  private readonly platform?: { name: string; stream: string };

  constructor(readonly index: ModuleIndex, options: ResolveOptions) {
    if (options.platform) {
      const [name, stream] = options.platform.includes(':') ? options.platform.split(':', 2) : ['platform', options.platform];
      this.platform = { name, stream };
    }
    this.defaults = index.defaultStreams();
    // The platform a buildroot is for is the default among several platform streams.
    if (this.platform) this.defaults.set(this.platform.name, this.platform.stream);
  }

  get platformStream(): { name: string; stream: string } | undefined {
    if (this.platform) return this.platform;
    for (const name of BASE_MODULES) {
      const streams = this.index.streamNames(name);
      const d = this.defaults.get(name);
      if (d !== undefined) return { name, stream: d };
      if (streams.length === 1) return { name, stream: streams[0] };
    }
    return undefined;
  }

  streamNames(name: string): string[] {
    const streams = this.index.streamNames(name);
    if (this.platform?.name === name && !streams.includes(this.platform.stream)) return [...streams, this.platform.stream].sort(compareStreams);
    return streams;
  }

  /** Builds of a stream; a base module stream nobody defines is a virtual module (dnf's module_platform_id). */
  builds(name: string, stream: string): ModuleStream[] {
    const builds = this.index.builds(name, stream);
    return builds.length === 0 && BASE_MODULES.has(name) ? [virtualModule(name, stream)] : builds;
  }
}

const positives = (list: string[]): string[] => list.filter((s) => !s.startsWith('-'));
const negatives = (list: string[]): string[] => list.filter((s) => s.startsWith('-')).map((s) => s.slice(1));

/** Does `stream` meet a dependency list: `[]` any, positives any of, negatives all except. */
export function satisfies(list: string[], stream: string): boolean {
  if (list.length === 0) return true;
  const pos = positives(list);
  return pos.length ? pos.includes(stream) : !negatives(list).includes(stream);
}

export const showList = (list: string[]): string => `[${list.join(', ')}]`;

export interface Candidates {
  streams: string[];
  reason: Reason;
  notes: string[];
  error?: string;
}

/**
 * MBS's expansion of one buildrequire (common/resolve.py): positives kept (negatives beside them
 * ignored), all-negative or empty lists start from every stream known; several left and a default
 * stream among them -> the default alone.
 */
export function candidates(view: View, module: string, list: string[]): Candidates {
  const known = view.streamNames(module);
  const pos = positives(list);
  const notes: string[] = [];
  let streams: string[];
  if (pos.length) {
    if (pos.length !== list.length) notes.push(`${module}: ${showList(list)} mixes positive and negative streams; the negative ones are ignored`);
    // A base module nobody defines is taken as the document names it (synthesized, like dnf's platform).
    streams = BASE_MODULES.has(module) && known.length === 0 ? pos : pos.filter((s) => known.includes(s));
    const missing = pos.filter((s) => !streams.includes(s));
    if (streams.length && missing.length) notes.push(`${module}: no build of stream(s) ${missing.join(', ')}`);
  } else {
    const neg = negatives(list);
    streams = known.filter((s) => !neg.includes(s));
  }
  if (streams.length === 0) {
    const none = BASE_MODULES.has(module) ? ' (no platform stream known: name one as the platform, or load its document)' : ' (the index has no build of this module)';
    const error = `${module}:${showList(list)} matches no stream${known.length ? ` (known: ${known.join(', ')})` : none}`;
    return { streams, reason: 'explicit', notes, error };
  }
  if (BASE_MODULES.has(module)) {
    const d = view.defaults.get(module);
    return { streams: streams.length > 1 && d !== undefined && streams.includes(d) ? [d] : streams, reason: 'platform', notes };
  }
  if (streams.length === 1) return { streams, reason: pos.length ? 'explicit' : 'only stream', notes };
  const d = view.defaults.get(module);
  if (d !== undefined && streams.includes(d)) return { streams: [d], reason: 'default stream', notes };
  return { streams, reason: 'expanded from a list', notes };
}
