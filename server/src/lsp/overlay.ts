import type { Connection } from 'vscode-languageserver/node';
import { componentViews } from '../core/rules/overlay/model';
import { readState, type ResolvedState } from '../core/overlay/state';
import { resolveOverlay, type OverlayResolution } from '../core/overlay/resolve';
import { join, dirname } from 'node:path';
import type { Analysis } from './documents';
import { UntrustedError } from './autospec';

/** Resolution of overlay manifests for the editor: on request, with progress and cancel, kept per file. */
export class OverlayService {
  private readonly resolved = new Map<string, OverlayResolution>();
  trusted = true;
  allowFile = false;

  constructor(private readonly connection: Connection) {}

  /** The last resolution of this file (this session), else what `.gitoverlay/resolved.json` recorded. */
  async known(path: string): Promise<{ live?: OverlayResolution; state: ResolvedState }> {
    return { live: this.resolved.get(path), state: await readState(join(dirname(path), '.gitoverlay', 'resolved.json')) };
  }

  async resolve(path: string, value: unknown): Promise<OverlayResolution> {
    if (!this.trusted) throw new UntrustedError();
    const progress = await this.connection.window.createWorkDoneProgress();
    const abort = new AbortController();
    progress.begin('gitoverlay: resolving overlay components', undefined, path, true);
    progress.token.onCancellationRequested(() => abort.abort());
    try {
      const r = await resolveOverlay(path, value, { allowFile: this.allowFile, signal: abort.signal, onProgress: (m) => progress.report(m) });
      this.resolved.set(path, r);
      return r;
    } finally {
      progress.done();
    }
  }

  spec(path: string, index: number): string | undefined {
    return this.resolved.get(path)?.components[index]?.spec;
  }
}

/** One lens row per component: its NEVR (or how to get it) and the generated spec preview. */
export async function overlayLenses(service: OverlayService, a: Analysis, path: string) {
  const doc = a.parsed.documents[0];
  if (!doc || a.result.family !== 'overlay') return [];
  const { live, state } = await service.known(path);
  const lenses = [];
  for (const c of componentViews(doc.value)) {
    const span = doc.locator.firstKey(['components', c.index]) ?? doc.locator.value(['components', c.index]);
    if (!span) continue;
    const pos = a.parsed.lines.positionAt(span.start);
    const range = { start: pos, end: pos };
    const hit = live?.components[c.index];
    const recorded = c.name ? state.components[c.name] : undefined;
    const title = hit ? (hit.error ? `⚠ ${hit.error}` : hit.nevr + (hit.warnings.length ? ` ⚠ ${hit.warnings[0]}` : '')) : recorded ? `${recorded.nevr} (last resolution)` : 'Resolve to compute the NEVR';
    lenses.push({ range, command: { title, command: 'gitoverlay.resolveOverlay', arguments: [a.uri] } });
    if (hit && !hit.error) lenses.push({ range, command: { title: 'Preview generated spec', command: 'gitoverlay.previewComponentSpec', arguments: [a.uri, c.index] } });
  }
  return lenses;
}
