/**
 * Python's textwrap.wrap (as rpmautospec formats changelog items): greedy filling of whitespace-separated
 * chunks, inner whitespace kept, whitespace dropped at line ends, over-long words broken.
 */
export function wrap(text: string, width: number, initialIndent = '', subsequentIndent = ''): string[] {
  const chunks = (text.replace(/\t/g, '        ').replace(/[\n\r\v\f]/g, ' ').match(/\s+|\S+/g) ?? []).reverse();
  const lines: string[] = [];
  while (chunks.length) {
    const cur: string[] = [];
    let len = 0;
    const indent = lines.length ? subsequentIndent : initialIndent;
    const w = width - indent.length;
    if (chunks[chunks.length - 1].trim() === '' && lines.length) chunks.pop();
    while (chunks.length) {
      const l = chunks[chunks.length - 1].length;
      if (len + l <= w) {
        cur.push(chunks.pop()!);
        len += l;
      } else break;
    }
    if (chunks.length && chunks[chunks.length - 1].length > w) {
      const space = Math.max(w - len, 1);
      const chunk = chunks[chunks.length - 1];
      cur.push(chunk.slice(0, space));
      len += space;
      chunks[chunks.length - 1] = chunk.slice(space);
    }
    if (cur.length && cur[cur.length - 1].trim() === '') {
      len -= cur[cur.length - 1].length;
      cur.pop();
    }
    if (cur.length) lines.push(indent + cur.join(''));
  }
  return lines;
}
