import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  LSPErrorCodes,
  ProposedFeatures,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type CancellationToken,
  type Connection,
  type InitializeParams,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { changelogText } from '../core/autospec/compute';
import { WorkspaceIndex } from '../core/index/workspace';
import { checkSpec, unparseableDiagnostic } from '../core/spec/diagnostics';
import { evaluatePreamble } from '../core/spec/preamble';
import { AutospecService } from './autospec';
import { OverlayService, overlayLenses } from './overlay';
import { BuildrootService } from './buildroot';
import { ActionService } from './actions';
import { buildrequireSites, siteDiagnostics, type BuildrequireSites } from '../core/buildroot/diagnostics';
import type { AnalyzeValue } from './analysis-worker';
import type { Resolution } from '../core/buildroot/resolve';
import { textReport } from '../core/buildroot/report';
import { AnalysisCache, fsPath, type Analysis } from './documents';
import { parseYaml } from '../core/yaml/parse';
import { toLspDiagnostic } from './convert';
import type { Notifications } from '../protocol';
import { installFaultHandlers, onAction, onRequest } from './faults';
import { answerFeature, type FeatureMethod, type FeatureParams, type OverlayAnchor } from './features';
import { BIG_DOCUMENT, BigDocuments, SUPERSEDED } from './big-documents';
import { indexFile, scanWorkspace, type ModuleTextSink, type ReadBig } from './workspace';

export interface Settings {
  enable: boolean;
  strictUnknownKeys: boolean;
}

const DEFAULTS: Settings = { enable: true, strictUnknownKeys: true };
const DEBOUNCE_MS = 75;

function cancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
}

/** Wires the engine to LSP. Every feature lives in core/features; this file only connects them. */
export function startServer(connection: Connection = createConnection(ProposedFeatures.all)): Connection {
  installFaultHandlers(connection);
  const documents = new TextDocuments(TextDocument);
  const cache = new AnalysisCache();
  const index = new WorkspaceIndex();
  const timers = new Map<string, NodeJS.Timeout>();
  let settings: Settings = { ...DEFAULTS };
  let folders: string[] = [];
  let pullConfiguration = false;
  const autospec = new AutospecService(connection);
  const overlays = new OverlayService(connection);
  const buildroots = new BuildrootService();
  const actions = new ActionService(connection);

  const isSpec = (uri: string): boolean => /\.spec(\.in)?$/.test(uri);
  const indexed = new Map<string, Analysis>();
  /** The analysis on this thread (any size: builds and resolutions of huge documents parse here too). */
  const analysis = (uri: string): Analysis | null => {
    const doc = documents.get(uri);
    if (!doc || isSpec(uri)) return null;
    const a = cache.get(doc);
    if (indexed.get(uri) !== a) {
      indexed.set(uri, a);
      index.update(uri, a.parsed);
      if (a.result.family === 'modulemd') buildroots.setParsed(uri, a.parsed);
    }
    return a;
  };
  const isBig = (doc: TextDocument): boolean => !isSpec(doc.uri) && (doc.getText() ?? '').length >= BIG_DOCUMENT;
  const big = new BigDocuments(
    (uri) => {
      const doc = documents.get(uri);
      return doc && { version: doc.version, text: doc.getText() };
    },
    index,
    () => cache.options,
    (m) => connection.console.error(m),
  );

  const moduleText: ModuleTextSink = (uri, text, modules) => (modules && text !== undefined ? buildroots.setLoaded(uri, text, modules) : buildroots.setText(uri, text));
  // Superseded (the file was opened, or the settings changed): the newer analysis sets the entries.
  const readBig: ReadBig = async (uri, text) => {
    const r = await big.readFile(uri, text);
    return r === SUPERSEDED ? null : r;
  };

  /** Huge documents are checked in the analysis worker; the main thread stays free for the others. */
  const publishBig = (doc: TextDocument): void => {
    // Captured now: TextDocuments updates the document object in place on the next change.
    const { uri, version } = doc;
    const text = doc.getText();
    void big.analyze(uri, version).then(
      (r) => {
        if (r === SUPERSEDED || documents.get(uri)?.version !== version) return;
        cache.delete(uri);
        indexed.delete(uri);
        index.set(uri, r.entries);
        if (r.modules) buildroots.setLoaded(uri, text, r.modules);
        bigRead.set(uri, { version, text, buildrequires: r.buildrequires });
        void bigBuildroot(uri, text, r).then((extra) => {
          if (documents.get(uri)?.version !== version) return;
          void connection.sendDiagnostics({ uri, version, diagnostics: [...r.diagnostics, ...extra] });
        });
      },
      (err: Error) => {
        if (documents.get(uri)?.version !== version) return;
        const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
        void connection.sendDiagnostics({ uri, version, diagnostics: [{ range, severity: 1, source: 'gitoverlay', code: 'internal', message: `gitoverlay could not check this document: ${err.message}` }] });
      },
    );
  };

  /** What the worker read of each huge document's buildrequires (for hovers), per version. */
  const bigRead = new Map<string, { version: number; text: string; buildrequires: AnalyzeValue['buildrequires'] }>();

  /** The buildrequires checks of a huge document: its sites and streams come from the worker. */
  const bigBuildroot = (uri: string, text: string, r: AnalyzeValue): Promise<ReturnType<typeof toLspDiagnostic>[]> =>
    r.buildrequires ? checkBuildrequires(uri, () => r.buildrequires!.where, () => buildroots.resolveStreams(uri, text, r.buildrequires!.subject)) : Promise.resolve([]);

  /**
   * Buildrequires checked against the module index (only when the index knows other modules: nothing
   * to check against otherwise, and no work on each keystroke). The sites and the resolution come from
   * this thread's analysis or, for a huge document, from what the worker read.
   */
  const checkBuildrequires = async (uri: string, where: () => BuildrequireSites, resolve: () => Promise<Resolution>): Promise<ReturnType<typeof toLspDiagnostic>[]> => {
    if (!buildroots.knowsOthers(uri)) return [];
    try {
      const idx = await buildroots.moduleIndex();
      const resolution = await resolve().catch(() => null);
      return siteDiagnostics(where(), idx, resolution, buildroots.settings.platform || undefined).map(toLspDiagnostic);
    } catch (err) {
      connection.console.error(`gitoverlay: buildroot check of ${uri} failed: ${(err as Error).message}`);
      return [];
    }
  };

  /** A document request: from this thread's analysis, or from the worker's for a huge document. */
  const feature = async <M extends FeatureMethod>(method: M, params: FeatureParams[M], token?: CancellationToken): Promise<unknown> => {
    const uri = params.textDocument.uri;
    if (token?.isCancellationRequested) return cancelled();
    const doc = documents.get(uri);
    if (!doc || isSpec(uri)) return null;
    if (isBig(doc)) return big.request(method, uri, doc.version, params, token).catch((err: unknown) => (err instanceof ResponseError ? err : Promise.reject(err)));
    const a = analysis(uri);
    if (!a) return null;
    if (token?.isCancellationRequested) return cancelled();
    return answerFeature(method, a, params, index);
  };

  const publish = (doc: TextDocument): void => {
    try {
      publishNow(doc);
    } catch (err) {
      connection.console.error(`gitoverlay: checking ${doc.uri} failed: ${(err as Error).stack ?? err}`);
    }
  };
  const publishNow = (doc: TextDocument): void => {
    if (!settings.enable) {
      void connection.sendDiagnostics({ uri: doc.uri, diagnostics: [] });
      return;
    }
    if (isBig(doc)) return publishBig(doc);
    big.release(doc.uri); // it was huge a moment ago: the worker lets its copy go
    bigRead.delete(doc.uri);
    let diagnostics: ReturnType<typeof toLspDiagnostic>[] = [];
    try {
      diagnostics = isSpec(doc.uri) ? specDiagnostics(doc).map(toLspDiagnostic) : (analysis(doc.uri)?.result.diagnostics.map(toLspDiagnostic) ?? []);
    } catch (err) {
      connection.console.error(`gitoverlay: checking ${doc.uri} failed: ${(err as Error).stack ?? err}`);
    }
    // Never publish for a version the editor has already moved past (the document object is updated in
    // place by TextDocuments, so the version is captured before anything asynchronous).
    const { uri, version } = doc;
    if (documents.get(uri)?.version !== version) return;
    void withBuildroot(doc, diagnostics).then((all) => {
      if (documents.get(uri)?.version !== version) return;
      void connection.sendDiagnostics({ uri, version, diagnostics: all });
    });
  };

  /** A small module document's diagnostics plus its buildrequires checks. */
  const withBuildroot = async (doc: TextDocument, base: ReturnType<typeof toLspDiagnostic>[]): Promise<ReturnType<typeof toLspDiagnostic>[]> => {
    // Huge documents: checked by bigBuildroot from what the worker read.
    const a = isSpec(doc.uri) || isBig(doc) ? null : analysis(doc.uri);
    if (!a || a.result.family !== 'modulemd' || !/\bbuildrequires\s*:/.test(a.parsed.text)) return base;
    return [...base, ...(await checkBuildrequires(doc.uri, () => buildrequireSites(a.parsed), () => buildroots.resolve(doc.uri, a.parsed.text, a.parsed)))];
  };

  const lastChange = new Map<string, number>();
  /**
   * An isolated edit is checked at once (after the messages already queued); edits in a burst (less
   * than DEBOUNCE_MS apart) wait for a pause, so fast typing never queues a check per keystroke.
   */
  const schedule = (doc: TextDocument): void => {
    const pending = timers.get(doc.uri);
    clearTimeout(pending);
    const now = Date.now();
    const idle = pending === undefined && now - (lastChange.get(doc.uri) ?? 0) > DEBOUNCE_MS;
    lastChange.set(doc.uri, now);
    timers.set(
      doc.uri,
      setTimeout(
        () => {
          timers.delete(doc.uri);
          const current = documents.get(doc.uri);
          if (!current) return;
          publish(current);
        },
        idle ? 0 : DEBOUNCE_MS,
      ),
    );
  };

  /** A spec's own diagnostics, and rpmautospec's refusal of it from the last history walk. */
  const specDiagnostics = (doc: TextDocument) => {
    const out = checkSpec(doc.getText());
    const error = autospec.unparseable(fsPath(doc.uri));
    if (error) out.push(unparseableDiagnostic(doc.getText(), error));
    return out;
  };
  // A finished walk may add or remove that refusal: publish the open spec again.
  autospec.onComputed = (specPath) => {
    for (const doc of documents.all()) if (isSpec(doc.uri) && fsPath(doc.uri) === specPath) publish(doc);
  };

  const applySettings = (raw: unknown): void => {
    const s = (raw ?? {}) as Partial<Settings>;
    const lenient = (s as { autospec?: { errorOnUnparseableSpec?: unknown } }).autospec?.errorOnUnparseableSpec === false;
    if (autospec.errorOnUnparseable === lenient) {
      autospec.errorOnUnparseable = !lenient;
      void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
      for (const doc of documents.all()) if (isSpec(doc.uri)) publish(doc);
    }
    const next: Settings = { enable: s.enable !== false, strictUnknownKeys: s.strictUnknownKeys !== false };
    overlays.allowFile = (s as { allowFileUrls?: boolean }).allowFileUrls === true;
    actions.allowFile = overlays.allowFile;
    const b = s as { moduleRepos?: unknown; defaultsDirs?: unknown; platform?: unknown };
    const paths = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').map((x) => (folders[0] && !x.startsWith('/') ? `${folders[0]}/${x}` : x)) : []);
    buildroots.configure({ moduleRepos: paths(b.moduleRepos), defaultsDirs: paths(b.defaultsDirs), platform: typeof b.platform === 'string' ? b.platform : '' });
    const changed = next.strictUnknownKeys !== settings.strictUnknownKeys || next.enable !== settings.enable;
    settings = next;
    cache.options = { strictUnknownKeys: settings.strictUnknownKeys };
    if (changed) {
      cache.clear();
      indexed.clear();
      big.reset();
      for (const doc of documents.all()) publish(doc);
    }
  };

  connection.onInitialize((params: InitializeParams) => {
    folders = (params.workspaceFolders ?? []).map((f) => URI.parse(f.uri).fsPath);
    if (folders.length === 0 && params.rootUri) folders = [URI.parse(params.rootUri).fsPath];
    pullConfiguration = !!params.capabilities.workspace?.configuration;
    const init = params.initializationOptions as { settings?: unknown; trusted?: boolean } | undefined;
    applySettings(init?.settings);
    autospec.trusted = init?.trusted !== false;
    overlays.trusted = autospec.trusted;
    actions.trusted = autospec.trusted;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        completionProvider: { triggerCharacters: [':', ' ', '-', '[', ','], resolveProvider: false },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        documentSymbolProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        foldingRangeProvider: true,
        codeLensProvider: { resolveProvider: true },
      },
      serverInfo: { name: 'gitoverlay' },
    };
  });

  connection.onInitialized(() => {
    if (pullConfiguration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'gitoverlay' });
      void connection.workspace.getConfiguration('gitoverlay').then(applySettings, () => undefined);
    }
    if (folders.length) {
      void scanWorkspace(index, folders, (uri) => documents.get(uri) !== undefined, moduleText, readBig).then(
        (n) => connection.console.log(`gitoverlay: indexed ${index.size} module file(s) among ${n} YAML file(s)`),
        (err) => connection.console.error(`gitoverlay: workspace scan failed: ${err}`),
      );
    }
  });

  connection.onDidChangeConfiguration((change) => {
    const pushed = (change.settings as { gitoverlay?: unknown } | undefined)?.gitoverlay;
    if (pushed !== undefined) applySettings(pushed);
    else if (pullConfiguration) void connection.workspace.getConfiguration('gitoverlay').then(applySettings, () => undefined);
  });

  connection.onDidChangeWatchedFiles((params) => {
    for (const change of params.changes) {
      if (documents.get(change.uri)) continue; // the open editor's text wins
      if (change.type === 3) (index.remove(change.uri), buildroots.setText(change.uri, undefined));
      else void indexFile(index, change.uri, moduleText, readBig);
    }
  });

  connection.onNotification('gitoverlay/trust' satisfies keyof Notifications, (p: Partial<Notifications['gitoverlay/trust']> | null) => {
    // Anything but an explicit `true` leaves the workspace untrusted.
    const trusted = p?.trusted === true;
    autospec.trusted = trusted;
    overlays.trusted = trusted;
    actions.trusted = trusted;
    autospec.invalidate();
    // Lenses computed while untrusted say so: have the editor ask again.
    void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  });
  connection.onNotification('gitoverlay/historyChanged' satisfies keyof Notifications, () => autospec.invalidate());

  // The Buildroot view and preview: modules (with the reason each is there) and RPMs per expansion.
  onRequest(connection, 'gitoverlay/buildroot', async (p) => {
    const doc = documents.get(p.uri);
    try {
      const text = doc?.getText() ?? (await (await import('node:fs/promises')).readFile(fsPath(p.uri), 'utf8'));
      const resolution = await buildroots.resolve(p.uri, text);
      return { resolution, report: textReport(resolution.expansions) + resolution.errors.map((e) => `error: ${e}\n`).join('') };
    } catch (err) {
      return { error: (err as Error).message };
    }
  });

  // Previews of what the build system generates: the changelog and the processed spec.
  onRequest(connection, 'gitoverlay/preview', async (p) => {
    const path = fsPath(p.uri);
    if (p.kind === 'component-spec' || p.kind === 'component-changelog') {
      const text = p.kind === 'component-spec' ? overlays.spec(path, p.index ?? -1) : overlays.changelog(path, p.index ?? -1);
      return { text: text ?? '# Resolve the overlay first (gitoverlay: Resolve Overlay Components).\n' };
    }
    try {
      if (p.kind === 'changelog') return { text: await autospec.changelog(path) };
      const open = documents.get(p.uri)?.getText();
      const text = open ?? (await import('node:fs/promises')).readFile(path, 'utf8');
      return { text: await autospec.spec(path, await text) };
    } catch (err) {
      return { text: `# gitoverlay could not compute this preview:\n# ${(err as Error).message}\n`, error: (err as Error).message };
    }
  });

  onRequest(connection, 'gitoverlay/buildableModules', () => buildroots.buildableModules());
  onRequest(connection, 'gitoverlay/overlayComponents', async (p) => {
    const a = analysis(p.uri);
    if (a) return a.result.family === 'overlay' ? actions.components(a.parsed.documents[0]?.value) : [];
    // Not open in the editor (the task provider asks for every overlay): read it from disk.
    const text = await (await import('node:fs/promises')).readFile(fsPath(p.uri), 'utf8').catch(() => '');
    return actions.components(parseYaml(text).documents[0]?.value);
  });
  // Builds and reverts (the palette commands, the Builds view): errors come back as { error }.
  onAction(connection, 'gitoverlay/build', async (p) => {
    const a = analysis(p.uri);
    if (!a || a.result.family !== 'overlay') throw new Error('not an overlay manifest');
    return actions.build(fsPath(p.uri), a.parsed.documents[0]?.value, p.components);
  });
  onAction(connection, 'gitoverlay/revertCandidates', (p) => actions.candidates(fsPath(p.uri)));
  onAction(connection, 'gitoverlay/revertPreview', (p) => actions.preview(fsPath(p.uri), p.commit));
  onAction(connection, 'gitoverlay/revertApply', async (p) => {
    const r = await actions.revert(fsPath(p.uri), p.commit, { bumpOnCollision: p.bumpOnCollision, allowCollision: p.allowCollision });
    autospec.invalidate();
    return r;
  });
  onAction(connection, 'gitoverlay/push', (p) => actions.push(fsPath(p.uri)));

  // Overlay components: resolve on request (clones mirrors: never implicitly), then show NEVRs.
  onRequest(connection, 'gitoverlay/resolve', async (p) => {
    const a = analysis(p.uri);
    if (!a || a.result.family !== 'overlay') return { error: 'not an overlay manifest' };
    try {
      const r = await overlays.resolve(fsPath(p.uri), a.parsed.documents[0]?.value);
      void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
      return { components: r.components.map((c) => ({ name: c.name, nevr: c.nevr, error: c.error, warnings: c.warnings })) };
    } catch (err) {
      return { error: (err as Error).message };
    }
  });

  connection.onCodeLens(async (params) => {
    if (!isSpec(params.textDocument.uri)) {
      const anchors = await feature('gitoverlay/overlayAnchors', params);
      return (Array.isArray(anchors) ? overlayLenses(overlays, anchors as OverlayAnchor[], params.textDocument.uri, fsPath(params.textDocument.uri)) : anchors) as never;
    }
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return [];
    const lines = doc.getText().split(/\r?\n/);
    const line = lines.findIndex((l) => /^Release\s*:/i.test(l));
    const at = line >= 0 ? line : Math.max(0, lines.findIndex((l) => /^Version\s*:/i.test(l)));
    const range = { start: { line: at, character: 0 }, end: { line: at, character: lines[at]?.length ?? 0 } };
    const uri = params.textDocument.uri;
    return [
      { range, data: { uri, kind: 'nevr' } },
      { range, command: { title: 'Preview changelog', command: 'gitoverlay.previewChangelog', arguments: [uri] } },
      { range, command: { title: 'Preview generated spec', command: 'gitoverlay.previewSpec', arguments: [uri] } },
    ];
  });

  connection.onCodeLensResolve(async (lens, token) => {
    const data = lens.data as { uri: string; kind: string } | undefined;
    if (!data || data.kind !== 'nevr') return lens;
    try {
      const a = await autospec.get(fsPath(data.uri));
      // The walk may be shared with other requests; a cancelled one just stops waiting for it.
      if (token.isCancellationRequested) return cancelled();
      const refused = autospec.unparseable(fsPath(data.uri));
      if (refused) {
        lens.command = { title: `gitoverlay: ${refused}`, command: '', tooltip: 'As rpmautospec: set gitoverlay.autospec.errorOnUnparseableSpec to false to compute the release anyway' } as typeof lens.command;
        return lens;
      }
      const text = documents.get(data.uri)?.getText() ?? a.history.workSpec ?? '';
      const pre = evaluatePreamble(text);
      const name = pre.ok ? (pre.value.name ?? '?') : '?';
      const nevr = a.result.epochVersion === null ? `${name}: version unknown` : `${name}-${a.result.epochVersion}-${a.result.release}`;
      lens.command = {
        title: `${nevr}${a.history.dirty ? ' (with uncommitted changes)' : ''}`,
        command: 'gitoverlay.previewChangelog',
        arguments: [data.uri],
        tooltip: `Release ${a.result.releaseNumber} computed from ${a.history.commits.size} commit(s), as rpmautospec does`,
      } as typeof lens.command;
    } catch (err) {
      lens.command = { title: `gitoverlay: ${(err as Error).message}`, command: '' };
    }
    return lens;
  });

  connection.onCompletion((params, token) => feature('textDocument/completion', params, token) as never);

  connection.onHover(async (params, token) => {
    if (isSpec(params.textDocument.uri)) return specHover(params.textDocument.uri, params.position);
    const base = (await feature('textDocument/hover', params, token)) as { contents: { value: string } } | ResponseError<void> | null;
    const doc = documents.get(params.textDocument.uri);
    if (!base || base instanceof ResponseError || !doc) return base as never;
    // On a buildrequire: which stream the buildroot gets, and why.
    if (isBig(doc)) {
      // The worker's sites for this version: the entry written on the hovered line.
      const held = bigRead.get(doc.uri);
      const site = held?.version === doc.version ? held.buildrequires?.where.sites.find((x) => x.range.start.line === params.position.line) : undefined;
      if (held?.buildrequires && site) {
        const r = await buildroots.resolveStreams(doc.uri, held.text, held.buildrequires.subject).catch(() => null);
        base.contents.value += inTheBuildroot(r, site.module);
      }
      return base as never;
    }
    const a = analysis(params.textDocument.uri);
    const node = a?.parsed.documents.map((d) => d.locator.nodeAt(a.parsed.lines.offsetAt(params.position))).find((n) => n !== null);
    const at = node?.path.indexOf('buildrequires') ?? -1;
    if (a && node && at >= 0 && node.path.length > at + 1) {
      const r = await buildroots.resolve(params.textDocument.uri, a.parsed.text, a.parsed).catch(() => null);
      base.contents.value += inTheBuildroot(r, String(node.path[at + 1]));
    }
    return base as never;
  });

  /** Hover on %autorelease / %autochangelog in a spec: what they expand to. */
  const specHover = async (uri: string, position: { line: number; character: number }) => {
    const doc = documents.get(uri);
    if (!doc) return null;
    const line = doc.getText().split(/\r?\n/)[position.line] ?? '';
    const re = /%\{?\??(autorelease|autochangelog)\b[^}\n]*\}?/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(line))) {
      if (position.character < m.index || position.character > m.index + m[0].length) continue;
      const range = { start: { line: position.line, character: m.index }, end: { line: position.line, character: m.index + m[0].length } };
      try {
        const a = await autospec.get(fsPath(uri));
        if (m[1] === 'autorelease') {
          return {
            range,
            contents: {
              kind: 'markdown' as const,
              value: `**%autorelease** → \`${a.result.release}%{?dist}\`\n\nRelease number ${a.result.releaseNumber} for \`${a.result.epochVersion ?? 'unknown version'}\`, computed from ${a.history.commits.size} commit(s) as rpmautospec does.`,
            },
          };
        }
        const text = changelogTextTop(a.result.changelog, 3);
        return { range, contents: { kind: 'markdown' as const, value: `**%autochangelog** (${a.result.changelog.length} entries)\n\n\`\`\`\n${text}\n\`\`\`` } };
      } catch (err) {
        return { range, contents: { kind: 'markdown' as const, value: `gitoverlay: ${(err as Error).message}` } };
      }
    }
    return null;
  };

  connection.onCodeAction((params, token) => feature('textDocument/codeAction', params, token) as never);
  connection.onDocumentSymbol((params, token) => feature('textDocument/documentSymbol', params, token) as never);
  connection.onDefinition((params, token) => feature('textDocument/definition', params, token) as never);
  connection.onReferences((params, token) => feature('textDocument/references', params, token) as never);
  connection.onFoldingRanges((params, token) => feature('textDocument/foldingRange', params, token) as never);

  // TextDocuments reports an open as a content change too: that one is already checked by onDidOpen.
  const opened = new Map<string, number>();
  documents.onDidOpen((e) => {
    opened.set(e.document.uri, e.document.version);
    lastChange.set(e.document.uri, Date.now()); // an edit right after opening is part of a burst
    publish(e.document);
  });
  documents.onDidChangeContent((e) => {
    const justOpened = opened.get(e.document.uri) === e.document.version;
    opened.delete(e.document.uri);
    if (!justOpened) schedule(e.document);
  });
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    timers.delete(e.document.uri);
    cache.delete(e.document.uri);
    indexed.delete(e.document.uri);
    big.forget(e.document.uri);
    bigRead.delete(e.document.uri);
    lastChange.delete(e.document.uri);
    void indexFile(index, e.document.uri, moduleText, readBig);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}

function changelogTextTop(entries: Parameters<typeof changelogText>[0], n: number): string {
  return changelogText(entries.slice(0, n)).trimEnd() + (entries.length > n ? '\n…' : '');
}

/** The hover line saying which stream of `module` the buildroot gets, and why ('' when none). */
function inTheBuildroot(r: Resolution | null, module: string): string {
  const chosen = (r?.expansions ?? []).flatMap((e) => e.modules.filter((m) => m.nsvc.startsWith(`${module}:`)).slice(0, 1));
  return chosen.length ? `\n\nIn the buildroot: ${chosen.map((m) => `\`${m.nsvc}\` (${m.reason})`).join('; ')}` : '';
}
