/** What rpmautospec reads from a commit message: changelog items and magic comments. */
export interface CommitLog {
  items: string[];
  skipChangelog: boolean;
  /** `[bump release: N]`: the release number is at least N (the largest when several). */
  bumpRelease: number | null;
}

const MAGIC = /^\s*\[\s*(.*?)\s*\]\s*$/;

export function magicComments(message: string): { skipChangelog: boolean; bumpRelease: number | null } {
  let skipChangelog = false;
  let bumpRelease: number | null = null;
  if (!message.includes('[')) return { skipChangelog, bumpRelease };
  for (const line of message.split('\n')) {
    const m = MAGIC.exec(line);
    if (!m) continue;
    for (const part of m[1].split(',')) {
      const p = part.trim();
      if (/^skip\s+changelog$/.test(p)) skipChangelog = true;
      const b = /^bump\s+release\s*:?\s*(\d+)$/.exec(p);
      if (b) bumpRelease = Math.max(bumpRelease ?? 0, Number(b[1]));
    }
  }
  return { skipChangelog, bumpRelease };
}

/**
 * Commit message → changelog items: the subject (all leading non-empty lines), an ellipsis
 * continuation (`...` or `…`), then a dash list; a blank line ends it, other bodies are ignored.
 * `%` is doubled so rpm does not expand it.
 */
export function changelogItems(message: string): string[] {
  const lines = message.split('\n').map((l) => l.trim());
  const items: string[] = [];
  let i = 0;
  const subject: string[] = [];
  while (i < lines.length && lines[i] !== '') subject.push(lines[i++]);
  if (subject.length) {
    subject[0] = subject[0].replace(/^-+\s*/, '');
    items.push(subject.join(' '));
  }
  while (i < lines.length && lines[i] === '') i++;
  if (i < lines.length && /^(\.{3,}|…)/.test(lines[i]) && items.length) {
    const cont = [lines[i].replace(/^(\.{3,}|…)\s*/, '')];
    i++;
    while (i < lines.length && lines[i] !== '' && !lines[i].startsWith('-')) cont.push(lines[i++]);
    items[0] = [items[0], ...cont.filter((c) => c !== '')].join(' ');
  }
  if (i < lines.length && lines[i].startsWith('-')) {
    let current: string[] | null = null;
    for (; i < lines.length && lines[i] !== ''; i++) {
      if (lines[i].startsWith('-')) {
        if (current) items.push(current.join(' '));
        current = [lines[i].replace(/^-\s*/, '')];
      } else current!.push(lines[i]);
    }
    if (current) items.push(current.join(' '));
  }
  return items.map((s) => s.replace(/%/g, '%%'));
}

export function parseCommitMessage(message: string): CommitLog {
  return { items: changelogItems(message), ...magicComments(message) };
}
