import { LSPErrorCodes, ResponseError, type CancellationToken, type Connection, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { buildrequireSites, siteDiagnostics, type BuildrequireSites } from '../core/buildroot/diagnostics';
import type { Resolution } from '../core/buildroot/resolve';
import type { WorkspaceIndex } from '../core/index/workspace';
import { checkSpec, unparseableDiagnostic } from '../core/spec/diagnostics';
import type { AnalyzeValue } from './analysis-worker';
import type { AutospecService } from './autospec';
import { BIG_DOCUMENT, BigDocuments, SUPERSEDED } from './big-documents';
import type { BuildrootService } from './buildroot';
import { toLspDiagnostic } from './convert';
import { AnalysisCache, fsPath, type Analysis } from './documents';
import { answerFeature, type FeatureMethod, type FeatureParams } from './features';
import { indexFile, type ModuleTextSink, type ReadBig } from './workspace';

/**
 * The document pipeline: every open document's analysis (cached per version), its diagnostics
 * (debounced, published only for the version they were computed for), the hand-off of huge documents
 * to the analysis worker, buildrequires checked against the module index, and the document requests
 * answered from the analysis of the right thread.
 */
const DEBOUNCE_MS = 75;
type LspDiagnostic = ReturnType<typeof toLspDiagnostic>;

export const isSpec = (uri: string): boolean => /\.spec(\.in)?$/.test(uri);

export function cancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
}

export class DocumentPipeline {
  readonly cache = new AnalysisCache();
  private readonly indexed = new Map<string, Analysis>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly lastChange = new Map<string, number>();
  /** TextDocuments reports an open as a content change too: that one is already checked by onDidOpen. */
  private readonly opened = new Map<string, number>();
  /** What the worker read of each huge document's buildrequires (for hovers), per version. */
  private readonly bigRead = new Map<string, { version: number; text: string; buildrequires: AnalyzeValue['buildrequires'] }>();
  private readonly big: BigDocuments;
  enabled = true;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly index: WorkspaceIndex,
    private readonly buildroots: BuildrootService,
    private readonly autospec: AutospecService,
  ) {
    this.big = new BigDocuments(
      (uri) => {
        const doc = documents.get(uri);
        return doc && { version: doc.version, text: doc.getText() };
      },
      index,
      () => this.cache.options,
      (m) => connection.console.error(m),
    );
    // A finished history walk may add or remove rpmautospec's refusal: publish the open spec again.
    autospec.onComputed = (specPath) => {
      for (const doc of documents.all()) if (isSpec(doc.uri) && fsPath(doc.uri) === specPath) this.publish(doc);
    };
  }

  /** Module files on disk (the workspace scan, watched files) feed the buildroot resolution. */
  readonly moduleText: ModuleTextSink = (uri, text, modules) =>
    modules && text !== undefined ? this.buildroots.setLoaded(uri, text, modules) : this.buildroots.setText(uri, text);
  /** Huge files on disk are read by the worker; superseded (the file was opened meanwhile): null. */
  readonly readBig: ReadBig = async (uri, text) => {
    const r = await this.big.readFile(uri, text);
    return r === SUPERSEDED ? null : r;
  };

  /** The analysis on this thread (any size: builds and resolutions of huge documents parse here too). */
  analysis(uri: string): Analysis | null {
    const doc = this.documents.get(uri);
    if (!doc || isSpec(uri)) return null;
    const a = this.cache.get(doc);
    if (this.indexed.get(uri) !== a) {
      this.indexed.set(uri, a);
      this.index.update(uri, a.parsed);
      if (a.result.family === 'modulemd') this.buildroots.setParsed(uri, a.parsed);
    }
    return a;
  }

  isBig(doc: TextDocument): boolean {
    return !isSpec(doc.uri) && (doc.getText() ?? '').length >= BIG_DOCUMENT;
  }

  /** The buildrequires the worker read of a huge document, when they are for its current version. */
  bigBuildrequires(doc: TextDocument): { text: string; buildrequires: NonNullable<AnalyzeValue['buildrequires']> } | null {
    const held = this.bigRead.get(doc.uri);
    return held?.version === doc.version && held.buildrequires ? { text: held.text, buildrequires: held.buildrequires } : null;
  }

  /** A document request: from this thread's analysis, or from the worker's for a huge document. */
  async feature<M extends FeatureMethod>(method: M, params: FeatureParams[M], token?: CancellationToken): Promise<unknown> {
    const uri = params.textDocument.uri;
    if (token?.isCancellationRequested) return cancelled();
    const doc = this.documents.get(uri);
    if (!doc || isSpec(uri)) return null;
    if (this.isBig(doc)) return this.big.request(method, uri, doc.version, params, token).catch((err: unknown) => (err instanceof ResponseError ? err : Promise.reject(err)));
    const a = this.analysis(uri);
    if (!a) return null;
    if (token?.isCancellationRequested) return cancelled();
    return answerFeature(method, a, params, this.index);
  }

  /** New settings: a changed reading of the documents re-checks every open one. */
  configure(enable: boolean, strictUnknownKeys: boolean): void {
    const changed = enable !== this.enabled || strictUnknownKeys !== this.cache.options.strictUnknownKeys;
    this.enabled = enable;
    this.cache.options = { strictUnknownKeys };
    if (!changed) return;
    this.cache.clear();
    this.indexed.clear();
    this.big.reset();
    for (const doc of this.documents.all()) this.publish(doc);
  }

  /** Publishes the diagnostics of every open document `which` selects (all by default). */
  republish(which: (uri: string) => boolean = () => true): void {
    for (const doc of this.documents.all()) if (which(doc.uri)) this.publish(doc);
  }

  publish(doc: TextDocument): void {
    try {
      this.publishNow(doc);
    } catch (err) {
      this.connection.console.error(`gitoverlay: checking ${doc.uri} failed: ${(err as Error).stack ?? err}`);
    }
  }

  private publishNow(doc: TextDocument): void {
    if (!this.enabled) {
      void this.connection.sendDiagnostics({ uri: doc.uri, diagnostics: [] });
      return;
    }
    if (this.isBig(doc)) return this.publishBig(doc);
    this.big.release(doc.uri); // it was huge a moment ago: the worker lets its copy go
    this.bigRead.delete(doc.uri);
    let diagnostics: LspDiagnostic[] = [];
    try {
      diagnostics = isSpec(doc.uri) ? this.specDiagnostics(doc).map(toLspDiagnostic) : (this.analysis(doc.uri)?.result.diagnostics.map(toLspDiagnostic) ?? []);
    } catch (err) {
      this.connection.console.error(`gitoverlay: checking ${doc.uri} failed: ${(err as Error).stack ?? err}`);
    }
    // Never publish for a version the editor has already moved past (the document object is updated in
    // place by TextDocuments, so the version is captured before anything asynchronous).
    const { uri, version } = doc;
    if (this.documents.get(uri)?.version !== version) return;
    // The buildrequires checks wait for the module index (after a reload: the workspace scan). The
    // document's own diagnostics do not: they go out now, the complete set when the index is there.
    if (this.buildrootPending(doc)) void this.connection.sendDiagnostics({ uri, version, diagnostics });
    void this.withBuildroot(doc, diagnostics).then((all) => {
      if (this.documents.get(uri)?.version !== version) return;
      void this.connection.sendDiagnostics({ uri, version, diagnostics: all });
    });
  }

  /** A spec's own diagnostics, and rpmautospec's refusal of it from the last history walk. */
  private specDiagnostics(doc: TextDocument) {
    const out = checkSpec(doc.getText());
    const error = this.autospec.unparseable(fsPath(doc.uri));
    if (error) out.push(unparseableDiagnostic(doc.getText(), error));
    return out;
  }

  /** Huge documents are checked in the analysis worker; the main thread stays free for the others. */
  private publishBig(doc: TextDocument): void {
    // Captured now: TextDocuments updates the document object in place on the next change.
    const { uri, version } = doc;
    const text = doc.getText();
    void this.big.analyze(uri, version).then(
      (r) => {
        if (r === SUPERSEDED || this.documents.get(uri)?.version !== version) return;
        this.cache.delete(uri);
        this.indexed.delete(uri);
        this.index.set(uri, r.entries);
        if (r.modules) this.buildroots.setLoaded(uri, text, r.modules);
        this.bigRead.set(uri, { version, text, buildrequires: r.buildrequires });
        // The buildrequires checks of a huge document: its sites and streams come from the worker.
        const extra = r.buildrequires
          ? this.checkBuildrequires(uri, () => r.buildrequires!.where, () => this.buildroots.resolveStreams(uri, text, r.buildrequires!.subject))
          : Promise.resolve([]);
        void extra.then((more) => {
          if (this.documents.get(uri)?.version !== version) return;
          void this.connection.sendDiagnostics({ uri, version, diagnostics: [...r.diagnostics, ...more] });
        });
      },
      (err: Error) => {
        if (this.documents.get(uri)?.version !== version) return;
        const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
        void this.connection.sendDiagnostics({ uri, version, diagnostics: [{ range, severity: 1, source: 'gitoverlay', code: 'internal', message: `gitoverlay could not check this document: ${err.message}` }] });
      },
    );
  }

  /** Will this document's buildrequires checks wait for a module index not built yet? */
  private buildrootPending(doc: TextDocument): boolean {
    if (isSpec(doc.uri) || this.isBig(doc) || this.buildroots.indexReady() || !this.buildroots.knowsOthers(doc.uri)) return false;
    const a = this.analysis(doc.uri);
    return !!a && a.result.family === 'modulemd' && /\bbuildrequires\s*:/.test(a.parsed.text);
  }

  /** A small module document's diagnostics plus its buildrequires checks. */
  private async withBuildroot(doc: TextDocument, base: LspDiagnostic[]): Promise<LspDiagnostic[]> {
    const a = isSpec(doc.uri) || this.isBig(doc) ? null : this.analysis(doc.uri);
    if (!a || a.result.family !== 'modulemd' || !/\bbuildrequires\s*:/.test(a.parsed.text)) return base;
    return [...base, ...(await this.checkBuildrequires(doc.uri, () => buildrequireSites(a.parsed), () => this.buildroots.resolve(doc.uri, a.parsed.text, a.parsed)))];
  }

  /**
   * Buildrequires checked against the module index (only when the index knows other modules: nothing
   * to check against otherwise, and no work on each keystroke). The sites and the resolution come from
   * this thread's analysis or, for a huge document, from what the worker read.
   */
  private async checkBuildrequires(uri: string, where: () => BuildrequireSites, resolve: () => Promise<Resolution>): Promise<LspDiagnostic[]> {
    if (!this.buildroots.knowsOthers(uri)) return [];
    try {
      const idx = await this.buildroots.moduleIndex();
      const resolution = await resolve().catch(() => null);
      return siteDiagnostics(where(), idx, resolution, this.buildroots.settings.platform || undefined).map(toLspDiagnostic);
    } catch (err) {
      this.connection.console.error(`gitoverlay: buildroot check of ${uri} failed: ${(err as Error).message}`);
      return [];
    }
  }

  /**
   * An isolated edit is checked at once (after the messages already queued); edits in a burst (less
   * than DEBOUNCE_MS apart) wait for a pause, so fast typing never queues a check per keystroke.
   */
  private schedule(doc: TextDocument): void {
    const pending = this.timers.get(doc.uri);
    clearTimeout(pending);
    const now = Date.now();
    const idle = pending === undefined && now - (this.lastChange.get(doc.uri) ?? 0) > DEBOUNCE_MS;
    this.lastChange.set(doc.uri, now);
    this.timers.set(
      doc.uri,
      setTimeout(
        () => {
          this.timers.delete(doc.uri);
          const current = this.documents.get(doc.uri);
          if (current) this.publish(current);
        },
        idle ? 0 : DEBOUNCE_MS,
      ),
    );
  }

  /** Follows the editor's documents: opened, changed, closed. */
  listen(): void {
    this.documents.onDidOpen((e) => {
      this.opened.set(e.document.uri, e.document.version);
      this.lastChange.set(e.document.uri, Date.now()); // an edit right after opening is part of a burst
      this.publish(e.document);
    });
    this.documents.onDidChangeContent((e) => {
      const justOpened = this.opened.get(e.document.uri) === e.document.version;
      this.opened.delete(e.document.uri);
      if (!justOpened) this.schedule(e.document);
    });
    this.documents.onDidClose((e) => {
      const uri = e.document.uri;
      clearTimeout(this.timers.get(uri));
      this.timers.delete(uri);
      this.cache.delete(uri);
      this.indexed.delete(uri);
      this.big.forget(uri);
      this.bigRead.delete(uri);
      this.lastChange.delete(uri);
      // Closed, its file on disk is what the index and the buildroots know again.
      void indexFile(this.index, uri, this.moduleText, this.readBig);
      void this.connection.sendDiagnostics({ uri, diagnostics: [] });
    });
  }
}
