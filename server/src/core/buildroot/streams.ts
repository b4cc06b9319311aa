import { BASE_MODULES, virtualModule, type ModuleStream } from './model';
import { streamVersion } from '../mbs/context';
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

  /**
   * MBS's resolve_base_module_virtual_streams: the stream of the latest base module build that
   * carries `virtual` among its virtual streams (highest stream version, then version), if any.
   */
  streamCarrying(name: string, virtual: string): string | undefined {
    let best: { stream: string; sv: number; version: bigint } | undefined;
    for (const stream of this.index.streamNames(name)) {
      for (const b of this.index.builds(name, stream)) {
        if (!b.virtualStreams?.includes(virtual)) continue;
        const sv = streamVersion(stream) ?? 0;
        const version = /^\d+$/.test(b.version) ? BigInt(b.version) : 0n;
        if (!best || sv > best.sv || (sv === best.sv && version > best.version)) best = { stream, sv, version };
      }
    }
    return best?.stream;
  }

  /** Builds of a stream; a base module stream nobody defines is a virtual module (dnf's module_platform_id). */
  builds(name: string, stream: string): ModuleStream[] {
    const builds = this.index.builds(name, stream);
    return builds.length === 0 && BASE_MODULES.has(name) ? [virtualModule(name, stream)] : builds;
  }
}

const positives = (list: string[]): string[] => list.filter((s) => !s.startsWith('-'));
const negatives = (list: string[]): string[] => list.filter((s) => s.startsWith('-')).map((s) => s.slice(1));

/**
 * Does a base module build meet a requirement its stream alone does not: the list names one of its
 * virtual streams (MBS: the base module provides `module(platform:el8)` beside
 * `module(platform:el8.2.0)`). A base module in x.y.z form must then be at least the one the
 * requiring build was built against (`builtAgainst`, its buildrequires' stream of that module), of
 * the same major version: a build made on el8.1.0 fits el8.2.0, not el8.0.0.
 */
export function meetsThroughVirtualStream(list: string[], base: Pick<ModuleStream, 'stream' | 'virtualStreams'>, builtAgainst?: string[]): boolean {
  if (!positives(list).some((v) => base.virtualStreams?.includes(v))) return false;
  // Streams not in x.y.z form have no version bound (MBS: any base module sharing the virtual stream).
  const own = xyzVersion(base.stream);
  const against = builtAgainst?.length === 1 ? xyzVersion(builtAgainst[0]) : null;
  return own === null || against === null || (against <= own && against >= Math.floor(own / 10000) * 10000);
}

/** A stream's padded version when it is in MBS's "x.y.z form" (`len(str(float(v))) >= 5` unpadded: el8.1.0, el10.0; not f41), else null. */
function xyzVersion(stream: string): number | null {
  const v = streamVersion(stream, false);
  return v !== null && v >= 100 ? streamVersion(stream) : null;
}

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
 * A buildrequired stream as MBS's submission rewrites it before expanding: a base module stream that
 * no build has but some carry as a virtual stream becomes the latest of those; others stay.
 */
export function baseStreamAsMbs(view: View, module: string, stream: string): string {
  if (!BASE_MODULES.has(module) || stream.startsWith('-') || view.streamNames(module).includes(stream)) return stream;
  return view.streamCarrying(module, stream) ?? stream;
}

/** `baseStreamAsMbs` over an index, for the dependencies MBS records (`mbsDependencies`). */
export function mbsStreamRewrite(index: ModuleIndex, options: ResolveOptions = {}): (module: string, stream: string) => string {
  const view = new View(index, options);
  return (module, stream) => baseStreamAsMbs(view, module, stream);
}

/**
 * MBS's expansion of one buildrequire (common/resolve.py): positives kept (negatives beside them
 * ignored), all-negative or empty lists start from every stream known; several left and a default
 * stream among them -> the default alone.
 */
export function candidates(view: View, module: string, written: string[]): Candidates {
  const known = view.streamNames(module);
  const notes: string[] = [];
  // A base module stream no build has, but a virtual stream of some: MBS builds on the latest of those.
  const list = written.map((s) => {
    const carrying = baseStreamAsMbs(view, module, s);
    if (carrying !== s) notes.push(`${module}:${s} is a virtual stream: using ${module}:${carrying}, the latest base module carrying it (as MBS does)`);
    return carrying;
  });
  const pos = positives(list);
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
