/**
 * Python's textwrap.wrap with its defaults (as rpmautospec formats changelog items): tabs expanded to
 * columns of 8, every whitespace character made a space, the text split into chunks by TextWrapper's
 * own `wordsep_re` (whitespace runs; words, broken after a hyphen between letters: "non-" "dumpable";
 * em-dashes), greedy filling, whitespace dropped at line ends, over-long words broken (after their last
 * hyphen that fits when there is one). Compared with Python's textwrap run live in the tests.
 */
const WS = '[\\t\\n\\x0b\\x0c\\r ]';
const NWS = '[^\\t\\n\\x0b\\x0c\\r ]';
/** Python's \w on str (letters, numbers, underscore), and its `letter` = [^\d\W] (a \w that is no decimal digit). */
const W = '[\\p{L}\\p{N}_]';
const WORD_PUNCT = `[\\p{L}\\p{N}_!"'&.,?]`;
const LETTER = '[\\p{L}\\p{Nl}\\p{No}_]';
const WORDSEP = new RegExp(
  `(${WS}+` +
    `|(?<=${WORD_PUNCT})-{2,}(?=${W})` +
    `|${NWS}+?(?:-(?:(?<=${LETTER}{2}-)|(?<=${LETTER}-${LETTER}-))(?=${LETTER}-?${LETTER})|(?=${WS}|$)|(?<=${WORD_PUNCT})(?=-{2,}${W})))`,
  'u',
);

/** What Python's str.strip() removes (str.isspace), which is not JS's \s (no U+FEFF; U+001C–U+001F, U+0085). */
const PY_SPACE = '[\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
/** `chunk.strip() == ''` in Python. */
const BLANK = new RegExp(`^${PY_SPACE}*$`);
const NOT_PLAIN = new RegExp(`[\\t\\n\\x0b\\x0c\\r]|${PY_SPACE}$`);

/** str.expandtabs(8): a tab moves to the next multiple of 8 columns; \n and \r start a new column count. */
function expandTabs(text: string): string {
  if (!text.includes('\t')) return text;
  let out = '';
  let col = 0;
  for (const ch of text) {
    if (ch === '\t') {
      const n = 8 - (col % 8);
      out += ' '.repeat(n);
      col += n;
    } else {
      out += ch;
      col = ch === '\n' || ch === '\r' ? 0 : col + 1;
    }
  }
  return out;
}

/** Python counts code points; a JS string's length counts UTF-16 units. */
const len = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};
const slice = (s: string, start: number, end?: number): string => Array.from(s).slice(start, end).join('');

function split(text: string): string[] {
  // Without a hyphen only wordsep_re's whitespace and `(?=\s|$)` branches can match: the chunks are
  // the runs of spaces and of non-spaces (the text's whitespace is all spaces by now). Same answer, faster.
  if (!text.includes('-')) return text.split(/( +)/).filter((c) => c);
  return text.split(WORDSEP).filter((c) => c);
}

export function wrap(text: string, width: number, initialIndent = '', subsequentIndent = ''): string[] {
  // Most items fit on their first line: one chunk list taken whole, none dropped (the text ends in no
  // whitespace), whatever the chunks are. A code point is at least one UTF-16 unit, so it fits in Python too.
  if (text && text.length + initialIndent.length <= width && !NOT_PLAIN.test(text)) return [initialIndent + text];
  const chunks = split(expandTabs(text).replace(/[\t\n\x0b\x0c\r]/g, ' ')).reverse();
  const lines: string[] = [];
  while (chunks.length) {
    const cur: string[] = [];
    let curLen = 0;
    const indent = lines.length ? subsequentIndent : initialIndent;
    const w = width - len(indent);
    if (BLANK.test(chunks[chunks.length - 1]) && lines.length) chunks.pop();
    while (chunks.length) {
      const l = len(chunks[chunks.length - 1]);
      if (curLen + l <= w) {
        cur.push(chunks.pop()!);
        curLen += l;
      } else break;
    }
    if (chunks.length && len(chunks[chunks.length - 1]) > w) {
      handleLongWord(chunks, cur, curLen, w);
      curLen = cur.reduce((n, c) => n + len(c), 0);
    }
    if (cur.length && BLANK.test(cur[cur.length - 1])) {
      curLen -= len(cur[cur.length - 1]);
      cur.pop();
    }
    if (cur.length) lines.push(indent + cur.join(''));
  }
  return lines;
}

/** TextWrapper._handle_long_word with break_long_words and break_on_hyphens. */
function handleLongWord(chunks: string[], cur: string[], curLen: number, width: number): void {
  const spaceLeft = width < 1 ? 1 : width - curLen;
  const chunk = chunks[chunks.length - 1];
  let end = spaceLeft;
  if (len(chunk) > spaceLeft) {
    // break after the last hyphen that fits, but only if there are non-hyphens before it
    const head = slice(chunk, 0, spaceLeft);
    const hyphen = head.lastIndexOf('-');
    const before = hyphen > 0 ? head.slice(0, hyphen) : '';
    if (hyphen > 0 && /[^-]/.test(before)) end = len(before) + 1;
  }
  cur.push(slice(chunk, 0, end));
  chunks[chunks.length - 1] = slice(chunk, end);
}
