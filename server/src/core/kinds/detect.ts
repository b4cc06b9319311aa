import type { YamlDocument } from '../yaml/parse';

/** A document kind the engine checks; `schema` is the basename of the file in `schemas/`. */
export interface ModulemdKind {
  family: 'modulemd';
  document: string;
  version: number;
  schema: string;
  label: string;
}

export interface OverlayKind {
  family: 'overlay';
  schema: 'overlay';
  label: 'overlay manifest';
}

export interface TestsKind {
  family: 'tests';
  schema: 'gitoverlay-tests';
  label: 'smoke tests';
}

export type Kind = ModulemdKind | OverlayKind | TestsKind;

/** Supported `document` types and versions, as libmodulemd 2.15 reads them. */
export const MODULEMD_KINDS: Record<string, Record<number, { schema: string; label: string }>> = {
  modulemd: {
    1: { schema: 'modulemd-stream-v1', label: 'modulemd v1 stream' },
    2: { schema: 'modulemd-stream-v2', label: 'modulemd v2 stream' },
  },
  'modulemd-stream': {
    2: { schema: 'modulemd-stream-v2', label: 'modulemd v2 stream' },
  },
  'modulemd-packager': {
    2: { schema: 'modulemd-packager-v2', label: 'modulemd-packager v2' },
    3: { schema: 'modulemd-packager-v3', label: 'modulemd-packager v3' },
  },
  'modulemd-defaults': { 1: { schema: 'modulemd-defaults-v1', label: 'modulemd-defaults v1' } },
  'modulemd-obsoletes': { 1: { schema: 'modulemd-obsoletes-v1', label: 'modulemd-obsoletes v1' } },
  'modulemd-translations': { 1: { schema: 'modulemd-translations-v1', label: 'modulemd-translations v1' } },
};

const OVERLAY_NAME = /(^|[\\/])(overlay\.ya?ml|[^\\/]+\.overlay\.ya?ml)$/;

export function isOverlayFileName(path: string): boolean {
  return OVERLAY_NAME.test(path);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Does this document look like a modulemd envelope (so that its defects are ours to report)? */
export function looksLikeModulemd(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  if (typeof value.document === 'string') {
    if (value.document.startsWith('modulemd')) return true;
    // Another tool's envelope (document: rpm-package-manifest): not ours, unless it is a near miss.
    if (!/^mod/i.test(value.document) && value.document.length > 0) return false;
  }
  // A forgotten `document:` line still leaves a recognisable envelope.
  return 'version' in value && isPlainObject(value.data) && ('document' in value || Object.keys(value).length <= 3);
}

export function looksLikeOverlay(value: unknown): boolean {
  return isPlainObject(value) && 'components' in value && ('distgit' in value || 'aliases' in value || 'root' in value);
}

/**
 * Why an overlay-named file is another tool's format (rpm-gitoverlay's `overlay.yml`: components
 * with `git:`, a `chroot`), or null when it is rdgo's (or a broken rdgo overlay).
 */
export function foreignOverlayFormat(value: unknown): string | null {
  if (!isPlainObject(value) || 'distgit' in value) return null;
  const components = Array.isArray(value.components) ? value.components.filter(isPlainObject) : [];
  const git = components.some((c) => 'git' in c || 'distgit-overrides' in c || 'version-from' in c);
  if (git || 'chroot' in value || 'chroots' in value) {
    return "this is rpm-gitoverlay's overlay format (components with 'git:', a 'chroot'), not rpmdistro-gitoverlay's: rdgo would stop with 'Missing config key distgit'";
  }
  return null;
}

export type FileFamily = 'modulemd' | 'overlay' | 'tests' | null;

const TESTS_NAME = /(^|[\\/])gitoverlay\.tests\.ya?ml$/;

/** Which family a YAML file belongs to; null = not ours, no diagnostics at all. */
export function detectFamily(path: string, documents: readonly YamlDocument[]): FileFamily {
  if (TESTS_NAME.test(path)) return 'tests';
  if (isOverlayFileName(path)) return 'overlay';
  if (documents.some((d) => looksLikeModulemd(d.value ?? d.shallow))) return 'modulemd';
  if (documents.length > 0 && looksLikeOverlay(documents[0].value ?? documents[0].shallow)) return 'overlay';
  return null;
}

export function modulemdKind(document: unknown, version: unknown): ModulemdKind | null {
  const v = envelopeVersion(version);
  if (typeof document !== 'string' || v === null) return null;
  const entry = MODULEMD_KINDS[document]?.[v];
  return entry ? { family: 'modulemd', document, version: v, ...entry } : null;
}

export const OVERLAY: OverlayKind = { family: 'overlay', schema: 'overlay', label: 'overlay manifest' };
export const TESTS: TestsKind = { family: 'tests', schema: 'gitoverlay-tests', label: 'smoke tests' };

/** libmodulemd reads every scalar as text, so `version: "2"` is as good as `version: 2`. */
export function envelopeVersion(version: unknown): number | null {
  if (typeof version === 'number' && Number.isInteger(version)) return version;
  if (typeof version === 'string' && /^[0-9]+$/.test(version)) return Number(version);
  return null;
}
