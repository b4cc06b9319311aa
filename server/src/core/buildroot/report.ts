import type { Expansion } from './resolve';

function wrap(words: string[], indent: string, width = 100): string[] {
  const lines: string[] = [];
  let line = indent;
  for (const w of words) {
    if (line.length > indent.length && line.length + 1 + w.length > width) {
      lines.push(line);
      line = indent;
    }
    line += (line.length > indent.length ? ' ' : '') + w;
  }
  if (line.length > indent.length) lines.push(line);
  return lines;
}

/** The readable report `gitoverlay buildroot` prints and the editor previews. */
export function textReport(expansions: Expansion[]): string {
  const out: string[] = [];
  expansions.forEach((e, i) => {
    const br = Object.entries(e.buildrequires).map(([m, s]) => `${m}:${s}`).join(' ') || '(nothing)';
    out.push(`${expansions.length > 1 ? `expansion ${i + 1} of ${expansions.length}` : 'buildroot'}: buildrequires ${br}`);
    const w = Math.max(0, ...e.modules.map((m) => m.nsvc.length));
    out.push('  modules:');
    for (const m of e.modules) out.push(`    ${m.nsvc.padEnd(w)}  ${m.reason}`);
    out.push(`  rpms (${e.rpms.length}):`);
    out.push(...wrap(e.rpms, '    '));
    if (e.batches.length) {
      out.push('  batches:');
      e.batches.forEach((b, k) => out.push(`    ${k + 1}. ${b.join(', ')}`));
    }
    if (e.warnings.length) {
      out.push('  warnings:');
      for (const msg of e.warnings) out.push(`    - ${msg}`);
    }
  });
  if (expansions.length === 0) out.push('no buildroot could be resolved (see the errors)');
  return out.join('\n') + '\n';
}

