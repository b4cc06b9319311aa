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
import { codeActions } from '../core/features/code-actions';
import { complete } from '../core/features/completion';
import { foldingRanges } from '../core/features/folding';
import { hover } from '../core/features/hover';
import { definition, references } from '../core/features/navigation';
import { documentSymbols } from '../core/features/symbols';
import { WorkspaceIndex } from '../core/index/workspace';
import { checkSpec } from '../core/spec/diagnostics';
import { evaluatePreamble } from '../core/spec/preamble';
import { AutospecService } from './autospec';
import { OverlayService, overlayLenses } from './overlay';
import { BuildrootService } from './buildroot';
import { ActionService } from './actions';
import { buildrequireDiagnostics } from '../core/buildroot/diagnostics';
import { textReport } from '../core/buildroot/report';
import { AnalysisCache, fsPath, type Analysis } from './documents';
import { parseYaml } from '../core/yaml/parse';
import { fromLspDiagnostic, toLspCodeAction, toLspCompletion, toLspDiagnostic, toLspSymbol } from './convert';
import { indexFile, scanWorkspace } from './workspace';

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
  const analysis = (uri: string): Analysis | null => {
    const doc = documents.get(uri);
    if (!doc || isSpec(uri)) return null;
    const a = cache.get(doc);
    index.update(uri, a.parsed);
    if (a.result.family === 'modulemd') buildroots.setParsed(uri, a.parsed);
    return a;
  };

  const publish = (doc: TextDocument): void => {
    if (!settings.enable) {
      void connection.sendDiagnostics({ uri: doc.uri, diagnostics: [] });
      return;
    }
    let diagnostics: ReturnType<typeof toLspDiagnostic>[] = [];
    try {
      diagnostics = isSpec(doc.uri) ? checkSpec(doc.getText()).map(toLspDiagnostic) : (analysis(doc.uri)?.result.diagnostics.map(toLspDiagnostic) ?? []);
    } catch (err) {
      connection.console.error(`gitoverlay: checking ${doc.uri} failed: ${(err as Error).stack ?? err}`);
    }
    // Never publish for a version the editor has already moved past.
    if (documents.get(doc.uri)?.version !== doc.version) return;
    void withBuildroot(doc, diagnostics).then((all) => {
      if (documents.get(doc.uri)?.version !== doc.version) return;
      void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: all });
    });
  };

  /** Buildrequires checked against the module index (only when the index knows other modules). */
  const withBuildroot = async (doc: TextDocument, base: ReturnType<typeof toLspDiagnostic>[]): Promise<ReturnType<typeof toLspDiagnostic>[]> => {
    const a = isSpec(doc.uri) ? null : analysis(doc.uri);
    if (!a || a.result.family !== 'modulemd' || !/\bbuildrequires\s*:/.test(a.parsed.text)) return base;
    // Nothing to check against when only this document defines modules (and no work on each keystroke).
    if (!buildroots.knowsOthers(doc.uri)) return base;
    try {
      const idx = await buildroots.moduleIndex();
      const resolution = await buildroots.resolve(doc.uri, a.parsed.text, a.parsed).catch(() => null);
      return [...base, ...buildrequireDiagnostics(a.parsed, idx, resolution, buildroots.settings.platform || undefined).map(toLspDiagnostic)];
    } catch (err) {
      connection.console.error(`gitoverlay: buildroot check of ${doc.uri} failed: ${(err as Error).message}`);
      return base;
    }
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

  const applySettings = (raw: unknown): void => {
    const s = (raw ?? {}) as Partial<Settings>;
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
      void scanWorkspace(index, folders, (uri) => documents.get(uri) !== undefined, (uri, text) => buildroots.setText(uri, text)).then(
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
      else void indexFile(index, change.uri, (uri, text) => buildroots.setText(uri, text));
    }
  });

  connection.onNotification('gitoverlay/trust', (p: { trusted: boolean }) => {
    autospec.trusted = p.trusted;
    overlays.trusted = p.trusted;
    actions.trusted = p.trusted;
    autospec.invalidate();
    // Lenses computed while untrusted say so: have the editor ask again.
    void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  });
  connection.onNotification('gitoverlay/historyChanged', () => autospec.invalidate());

  // The Buildroot view and preview: modules (with the reason each is there) and RPMs per expansion.
  connection.onRequest('gitoverlay/buildroot', async (p: { uri: string }) => {
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
  connection.onRequest('gitoverlay/preview', async (p: { uri: string; kind: 'changelog' | 'spec' | 'component-spec' | 'component-changelog'; index?: number }) => {
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

  // Builds and reverts (the palette commands, the Builds view): errors come back as { error }.
  const answer = async <T>(fn: () => Promise<T>): Promise<T | { error: string }> => {
    try {
      return await fn();
    } catch (err) {
      return { error: (err as Error).message };
    }
  };
  connection.onRequest('gitoverlay/buildableModules', () => buildroots.buildableModules());
  connection.onRequest('gitoverlay/overlayComponents', async (p: { uri: string }) => {
    const a = analysis(p.uri);
    if (a) return a.result.family === 'overlay' ? actions.components(a.parsed.documents[0]?.value) : [];
    // Not open in the editor (the task provider asks for every overlay): read it from disk.
    const text = await (await import('node:fs/promises')).readFile(fsPath(p.uri), 'utf8').catch(() => '');
    return actions.components(parseYaml(text).documents[0]?.value);
  });
  connection.onRequest('gitoverlay/build', (p: { uri: string; components?: string[] }) =>
    answer(async () => {
      const a = analysis(p.uri);
      if (!a || a.result.family !== 'overlay') throw new Error('not an overlay manifest');
      return actions.build(fsPath(p.uri), a.parsed.documents[0]?.value, p.components);
    }),
  );
  connection.onRequest('gitoverlay/revertCandidates', (p: { uri: string }) => answer(() => actions.candidates(fsPath(p.uri))));
  connection.onRequest('gitoverlay/revertPreview', (p: { uri: string; commit: string }) => answer(() => actions.preview(fsPath(p.uri), p.commit)));
  connection.onRequest('gitoverlay/revertApply', (p: { uri: string; commit: string; bumpOnCollision?: boolean; allowCollision?: boolean }) =>
    answer(async () => {
      const r = await actions.revert(fsPath(p.uri), p.commit, { bumpOnCollision: p.bumpOnCollision, allowCollision: p.allowCollision });
      autospec.invalidate();
      return r;
    }),
  );
  connection.onRequest('gitoverlay/push', (p: { uri: string }) => answer(() => actions.push(fsPath(p.uri))));

  // Overlay components: resolve on request (clones mirrors: never implicitly), then show NEVRs.
  connection.onRequest('gitoverlay/resolve', async (p: { uri: string }) => {
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
      const a = analysis(params.textDocument.uri);
      return a ? overlayLenses(overlays, a, fsPath(params.textDocument.uri)) : [];
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

  const withAnalysis = <T>(uri: string, token: CancellationToken, fn: (a: Analysis) => T): T | null | ResponseError<void> => {
    if (token.isCancellationRequested) return cancelled();
    const a = analysis(uri);
    if (!a) return null;
    if (token.isCancellationRequested) return cancelled();
    return fn(a);
  };

  connection.onCompletion((params, token) =>
    withAnalysis(params.textDocument.uri, token, (a) =>
      complete({ parsed: a.parsed, result: a.result, offset: a.parsed.lines.offsetAt(params.position), index }).map((c) => toLspCompletion(c, a.parsed.lines)),
    ),
  );

  connection.onHover(async (params, token) => {
    if (isSpec(params.textDocument.uri)) return specHover(params.textDocument.uri, params.position);
    const base = withAnalysis(params.textDocument.uri, token, (a) => {
      const h = hover(a.parsed, a.result, a.parsed.lines.offsetAt(params.position), index);
      return h ? { contents: { kind: 'markdown' as const, value: h.contents }, range: h.range } : null;
    });
    if (!base || base instanceof ResponseError) return base;
    // On a buildrequire: which stream the buildroot gets, and why.
    const a = analysis(params.textDocument.uri);
    const node = a?.parsed.documents.map((d) => d.locator.nodeAt(a.parsed.lines.offsetAt(params.position))).find((n) => n !== null);
    const at = node?.path.indexOf('buildrequires') ?? -1;
    if (a && node && at >= 0 && node.path.length > at + 1) {
      const module = String(node.path[at + 1]);
      const r = await buildroots.resolve(params.textDocument.uri, a.parsed.text, a.parsed).catch(() => null);
      const chosen = (r?.expansions ?? []).map((e) => e.modules.find((m) => m.nsvc.startsWith(`${module}:`))).filter((m) => m !== undefined);
      if (chosen.length) {
        base.contents.value += `\n\nIn the buildroot: ${chosen.map((m) => `\`${m!.nsvc}\` (${m!.reason})`).join('; ')}`;
      }
    }
    return base;
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

  connection.onCodeAction((params, token) =>
    withAnalysis(params.textDocument.uri, token, (a) =>
      codeActions(a.parsed, a.result, params.context.diagnostics.map(fromLspDiagnostic)).map((x) => toLspCodeAction(x, params.textDocument.uri)),
    ),
  );

  connection.onDocumentSymbol((params, token) => withAnalysis(params.textDocument.uri, token, (a) => documentSymbols(a.parsed, a.result).map(toLspSymbol)));

  connection.onDefinition((params, token) =>
    withAnalysis(params.textDocument.uri, token, (a) => {
      const r = definition(a.parsed, a.result, a.parsed.lines.offsetAt(params.position));
      return r ? { uri: params.textDocument.uri, range: r } : null;
    }),
  );

  connection.onReferences((params, token) =>
    withAnalysis(params.textDocument.uri, token, (a) =>
      references(a.parsed, a.result, a.parsed.lines.offsetAt(params.position), params.context.includeDeclaration).map((range) => ({ uri: params.textDocument.uri, range })),
    ),
  );

  connection.onFoldingRanges((params, token) => withAnalysis(params.textDocument.uri, token, (a) => (a.result.family ? foldingRanges(a.parsed) : [])));

  documents.onDidOpen((e) => publish(e.document));
  documents.onDidChangeContent((e) => schedule(e.document));
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    timers.delete(e.document.uri);
    cache.delete(e.document.uri);
    lastChange.delete(e.document.uri);
    void indexFile(index, e.document.uri, (uri, text) => buildroots.setText(uri, text));
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}

function changelogTextTop(entries: Parameters<typeof changelogText>[0], n: number): string {
  return changelogText(entries.slice(0, n)).trimEnd() + (entries.length > n ? '\n…' : '');
}
