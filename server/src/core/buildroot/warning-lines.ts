/**
 * Where in the document a buildroot warning points: the line of the YAML key it names (a component
 * of a buildafter warning, the module of a buildrequires note, the first `buildorder:`). Text-based on
 * purpose: the resolution works on data without positions, and a warning names keys as written.
 */

/** The component or module key a warning is about, or a literal key to look for. */
function subjectOf(warning: string): { key: string } | null {
  let m = /^Buildafter '[^']*' of '([^']+)'/.exec(warning);
  if (m) return { key: m[1] };
  m = /^buildafter cycle: ([^ →;]+)/.exec(warning);
  if (m) return { key: m[1] };
  if (/^Cannot mix buildorder and buildafter/.test(warning)) return { key: 'buildorder' };
  m = /^([A-Za-z0-9_.+-]+): (?:\[|no build of stream)/.exec(warning);
  if (m) return { key: m[1] };
  return null;
}

/** 0-based line of the first YAML mapping key `key` (plain or quoted), or null. */
function keyLine(lines: readonly string[], key: string): number | null {
  const esc = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^\\s*(?:-\\s+)?(?:${esc}|"${esc}"|'${esc}')\\s*:(?:\\s|$)`);
  const i = lines.findIndex((l) => re.test(l));
  return i < 0 ? null : i;
}

/** For each warning, the 0-based line of TEXT it points at (absent: none found). */
export function warningLines(text: string, warnings: readonly string[]): Record<string, number> {
  const lines = text.split(/\r?\n/);
  const out: Record<string, number> = {};
  for (const w of warnings) {
    const s = subjectOf(w);
    const line = s ? keyLine(lines, s.key) : null;
    if (line !== null) out[w] = line;
  }
  return out;
}
