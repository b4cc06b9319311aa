import { moduleEnableOf } from '../../core/build/backends/mock';
import { readFile } from 'node:fs/promises';
import { warningLines } from '../../core/buildroot/warning-lines';
import { textReport } from '../../core/buildroot/report';
import { parseYaml } from '../../core/yaml/parse';
import type { Notifications } from '../../protocol';
import type { ServerContext } from '../context';
import { fsPath } from '../documents';
import { onAction, onRequest } from '../faults';
import { isSpec } from '../pipeline';

/** gitoverlay's own requests and notifications (server/src/protocol.ts): previews, buildroots, actions. */
export function registerGitoverlayHandlers(ctx: ServerContext): void {
  const { connection, documents, pipeline, autospec, overlays, buildroots, actions } = ctx;
  const refreshLenses = () => void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);

  connection.onNotification('gitoverlay/trust' satisfies keyof Notifications, (p: unknown) => {
    ctx.trust.receive(p);
    autospec.invalidate();
    // Lenses computed while untrusted say so: have the editor ask again.
    refreshLenses();
  });
  // A save or a HEAD move: the NEVR lenses are stale now, not on the next keystroke.
  connection.onNotification('gitoverlay/historyChanged' satisfies keyof Notifications, () => {
    autospec.invalidate();
    refreshLenses();
  });

  // The Buildroot view and preview: modules (with the reason each is there) and RPMs per expansion.
  onRequest(connection, 'gitoverlay/buildroot', async (p) => {
    try {
      const text = documents.get(p.uri)?.getText() ?? (await readFile(fsPath(p.uri), 'utf8'));
      const resolution = await buildroots.resolve(p.uri, text);
      const lines = warningLines(text, [...resolution.expansions.flatMap((e) => e.warnings), ...resolution.errors]);
      return { resolution, report: textReport(resolution.expansions) + resolution.errors.map((e) => `error: ${e}\n`).join(''), lines };
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
      const text = documents.get(p.uri)?.getText() ?? (await readFile(path, 'utf8'));
      return { text: await autospec.spec(path, text) };
    } catch (err) {
      return { text: `# gitoverlay could not compute this preview:\n# ${(err as Error).message}\n`, error: (err as Error).message };
    }
  });

  onRequest(connection, 'gitoverlay/buildableModules', () => buildroots.buildableModules());
  onRequest(connection, 'gitoverlay/overlayComponents', async (p) => {
    const a = pipeline.analysis(p.uri);
    if (a) return a.result.family === 'overlay' ? actions.components(a.parsed.documents[0]?.value) : [];
    // Not open in the editor (the task provider asks for every overlay): read it from disk.
    const text = await readFile(fsPath(p.uri), 'utf8').catch(() => '');
    return actions.components(parseYaml(text).documents[0]?.value);
  });

  // Builds and reverts (the palette commands, the Builds view): errors come back as { error }.
  onAction(connection, 'gitoverlay/build', async (p, token) => {
    const a = pipeline.analysis(p.uri);
    if (!a || a.result.family !== 'overlay') throw new Error('not an overlay manifest');
    try {
      // mock enables the module streams the Buildroot view resolves for this overlay: the preview and the build agree.
      const resolution = await buildroots.resolve(p.uri, a.parsed.text, a.parsed).catch(() => null);
      const moduleEnable = resolution?.expansions[0] ? moduleEnableOf(resolution.expansions[0]) : [];
      return await actions.build(fsPath(p.uri), a.parsed.documents[0]?.value, p.components, token, { backend: p.backend, copr: p.copr, moduleEnable });
    } finally {
      // The build resolved the overlay again (and recorded it): the component lenses show that now.
      refreshLenses();
    }
  });
  onAction(connection, 'gitoverlay/smoketest', (p, token) => actions.smoketest(fsPath(p.uri), token));
  onAction(connection, 'gitoverlay/rpmInfo', (p) => actions.rpmInfo(p.path));
  onAction(connection, 'gitoverlay/componentDistgit', async (p) => {
    const a = pipeline.analysis(p.uri);
    if (!a || a.result.family !== 'overlay') throw new Error('not an overlay manifest');
    return actions.componentDistgit(fsPath(p.uri), a.parsed.documents[0]?.value, p.index);
  });
  onAction(connection, 'gitoverlay/revertOverlayNEVR', async (p) => {
    const a = pipeline.analysis(p.uri);
    if (!a || a.result.family !== 'overlay') throw new Error('not an overlay manifest');
    return actions.overlayRevertNEVR(fsPath(p.uri), a.parsed.documents[0]?.value, p.index, fsPath(p.spec), p.commit);
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
    const a = isSpec(p.uri) ? null : pipeline.analysis(p.uri);
    if (!a || a.result.family !== 'overlay') return { error: 'not an overlay manifest' };
    try {
      const r = await overlays.resolve(fsPath(p.uri), a.parsed.documents[0]?.value);
      refreshLenses();
      return { components: r.components.map((c) => ({ name: c.name, nevr: c.nevr, error: c.error, warnings: c.warnings })) };
    } catch (err) {
      return { error: (err as Error).message };
    }
  });
}
