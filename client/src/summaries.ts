import type { BuildResult, ResolvedComponent } from '../../server/src/protocol';

/**
 * What the notifications after a build or a resolve say: counts that add up, and the first cause of a
 * failure (not only the names), so the toast itself says what to do. Pure: tested without VS Code.
 */
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
const firstLine = (s: string | undefined) => (s ?? '').split('\n').find((l) => l.trim()) ?? '';

export interface Summary {
  severity: 'info' | 'warning' | 'error';
  message: string;
  /** A `gitoverlay.*` setting the message names (the notification offers to open it). */
  setting?: string;
  /** A build log to offer ("Show log"). */
  log?: string;
}

function namedSetting(message: string): string | undefined {
  return /\b(gitoverlay\.[A-Za-z]+(?:\.[A-Za-z]+)*)/.exec(message)?.[1];
}

export function buildSummary(r: BuildResult): Summary {
  const count = (s: string) => r.components.filter((c) => c.status === s).length;
  const parts = [
    count('built') && `built ${plural(count('built'), 'component')}`,
    count('reused') && `${count('reused')} reused`,
    count('kept') && `${count('kept')} kept from the previous build`,
    count('skipped') && `${count('skipped')} skipped`,
  ].filter(Boolean);
  const bad = r.components.filter((c) => c.status === 'failed');
  if (bad.length) {
    const first = bad[0];
    const cause = firstLine(first.error);
    const message =
      `gitoverlay: ${first.name} failed${cause ? `: ${cause}` : ''}` +
      (bad.length > 1 ? ` (and ${plural(bad.length - 1, 'other component')}: ${bad.slice(1).map((c) => c.name).join(', ')})` : '') +
      `; ${r.repo ? 'the previous repository is still served' : 'no repository yet'}.`;
    return { severity: 'error', message, setting: namedSetting(message), log: first.log ?? undefined };
  }
  return { severity: 'info', message: `gitoverlay: ${parts.join(', ') || 'nothing to build'} into ${r.repo}` };
}

export function resolveSummary(components: ResolvedComponent[]): Summary {
  const broken = components.filter((c) => c.error);
  const warned = components.filter((c) => !c.error && c.warnings.length);
  const done = components.length - broken.length;
  let message = `gitoverlay: resolved ${done} of ${plural(components.length, 'component')}`;
  if (broken.length) {
    message += `; ${broken[0].name} failed: ${firstLine(broken[0].error)}`;
    if (broken.length > 1) message += ` (and ${plural(broken.length - 1, 'other')}: ${broken.slice(1).map((c) => c.name).join(', ')})`;
  }
  if (warned.length) message += `; ${plural(warned.length, 'component')} with warnings`;
  return { severity: broken.length ? 'warning' : 'info', message, setting: namedSetting(message) };
}
