/**
 * The requests and notifications gitoverlay adds to LSP, in one place both sides import (the client
 * through its project reference to the server): names, parameters and results. Like rust-analyzer's
 * lsp_ext.ts. Types only, plus the parameter shapes the server checks on arrival and one guard.
 */
import type { BuildResult } from './core/build/build';
import type { SmokeResult } from './core/compose/smoketest';
import type { Resolution } from './core/buildroot/resolve';
import type { ComponentDistgit } from './core/revert/component';
import type { OverlayRevertNEVR } from './core/revert/overlay-nevr';
import type { ApplyResult } from './core/revert/apply';
import type { RevertCandidate } from './core/revert/candidates';
import type { RevertPreview } from './core/revert/preview';

export type { BuildResult, ComponentBuild } from './core/build/build';
export type { SmokeResult } from './core/compose/smoketest';
export type { ApplyResult } from './core/revert/apply';
export type { RevertCandidate } from './core/revert/candidates';
export type { RevertPreview } from './core/revert/preview';

/** A result, or the error that stopped it (actions answer this way instead of failing the request). */
export type Answer<T> = T | { error: string };

export function failed<T>(a: Answer<T>): a is { error: string } {
  return typeof a === 'object' && a !== null && 'error' in a && typeof (a as { error: unknown }).error === 'string';
}

export type PreviewKind = 'changelog' | 'spec' | 'component-spec' | 'component-changelog';

export interface ResolvedComponent {
  name: string;
  nevr: string;
  error?: string;
  warnings: string[];
}

/** One component × chroot of a remote build, as the Builds view shows it while the build runs. */
export interface BuildChrootState {
  /** The overlay file being built. */
  file: string;
  component: string;
  chroot: string;
  state: string;
  buildId: number;
  resultUrl: string | null;
}

/** Method → [parameters, result]. */
export interface Requests {
  /** The Buildroot view and preview: modules (with why each is there) and RPMs per expansion. */
  /** `lines`: for a warning or error text, the 0-based line of the document it points at. */
  'gitoverlay/buildroot': [{ uri: string }, Answer<{ resolution: Resolution; report: string; lines: Record<string, number> }>];
  /** Previews of what the build system generates: the changelog, the processed spec, per component. */
  'gitoverlay/preview': [{ uri: string; kind: PreviewKind; index?: number }, { text: string; error?: string }];
  /** Module documents with components the workspace knows (build tasks). */
  'gitoverlay/buildableModules': [undefined, string[]];
  /** The component names of an overlay (open or on disk). */
  'gitoverlay/overlayComponents': [{ uri: string }, string[]];
  /** `backend` and `copr` (owner/project) override the gitoverlay.build.* settings for this build. */
  'gitoverlay/build': [{ uri: string; components?: string[]; backend?: string; copr?: string }, Answer<BuildResult>];
  /** The smoke test of the overlay's raw compose (gitoverlay.tests.yml beside it); promotes it when it passes. */
  'gitoverlay/smoketest': [{ uri: string }, Answer<SmokeResult>];
  'gitoverlay/revertCandidates': [{ uri: string }, Answer<RevertCandidate[]>];
  'gitoverlay/revertPreview': [{ uri: string; commit: string }, Answer<RevertPreview>];
  'gitoverlay/revertApply': [{ uri: string; commit: string; bumpOnCollision?: boolean; allowCollision?: boolean }, Answer<ApplyResult>];
  /** `git push` of the repository holding the spec, never forced. */
  'gitoverlay/push': [{ uri: string }, Answer<{ ok: boolean; summary: string }>];
  /** Resolve an overlay's components (clones mirrors: only on request). */
  'gitoverlay/resolve': [{ uri: string }, Answer<{ components: ResolvedComponent[] }>];
  /** Where an overlay component's build is reverted: its dist-git spec (a working clone for a remote one). */
  'gitoverlay/componentDistgit': [{ uri: string; index: number }, Answer<ComponentDistgit>];
  /** The NEVR an overlay component's build gets before and after reverting `commit` in its dist-git (`spec`). */
  'gitoverlay/revertOverlayNEVR': [{ uri: string; index: number; spec: string; commit: string }, Answer<OverlayRevertNEVR>];
  /** A built package's header and file list (`rpm -qp --info --list`), for the Builds view. */
  'gitoverlay/rpmInfo': [{ path: string }, Answer<{ text: string }>];
}

export type RequestMethod = keyof Requests;
export type RequestParams<M extends RequestMethod> = Requests[M][0];
export type RequestResult<M extends RequestMethod> = Requests[M][1];

/** Method → parameters. */
export interface Notifications {
  /** The workspace's trust; anything but `trusted: true` means untrusted. */
  'gitoverlay/trust': { trusted: boolean };
  /** HEAD moved or a spec was saved: cached history walks are stale. */
  'gitoverlay/historyChanged': undefined;
  /** Server → client, during a remote (Copr) build: one component's state on one chroot changed. */
  'gitoverlay/buildChroot': BuildChrootState;
}

/** What each request's parameters must look like (`?` optional), checked by the server on arrival. */
export type ParamType = 'string' | 'number' | 'boolean' | 'string[]' | 'string?' | 'number?' | 'boolean?' | 'string[]?';
export const PARAMS: { [M in RequestMethod]: Record<string, ParamType> | null } = {
  'gitoverlay/buildroot': { uri: 'string' },
  'gitoverlay/preview': { uri: 'string', kind: 'string', index: 'number?' },
  'gitoverlay/buildableModules': null,
  'gitoverlay/overlayComponents': { uri: 'string' },
  'gitoverlay/build': { uri: 'string', components: 'string[]?', backend: 'string?', copr: 'string?' },
  'gitoverlay/smoketest': { uri: 'string' },
  'gitoverlay/revertCandidates': { uri: 'string' },
  'gitoverlay/revertPreview': { uri: 'string', commit: 'string' },
  'gitoverlay/revertApply': { uri: 'string', commit: 'string', bumpOnCollision: 'boolean?', allowCollision: 'boolean?' },
  'gitoverlay/push': { uri: 'string' },
  'gitoverlay/resolve': { uri: 'string' },
  'gitoverlay/rpmInfo': { path: 'string' },
  'gitoverlay/componentDistgit': { uri: 'string', index: 'number' },
  'gitoverlay/revertOverlayNEVR': { uri: 'string', index: 'number', spec: 'string', commit: 'string' },
};
