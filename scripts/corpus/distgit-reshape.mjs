// Stand-ins for the text of real dist-git histories: the same shape, none of the free text.
// A spec keeps every line rpm reads to find Name, Epoch, Version, Release and the sections (tags other
// than prose ones, macro definitions and calls, conditionals, Lua blocks, section headers); the words
// of prose (Summary, URL, License, %description, comments, shell lines, %changelog text) become
// synthetic words of the same length and case (synth.mjs), so lines wrap and columns fall as before.
// Commit messages keep their lines, blank lines, bullets, `...` continuations, `%` and magic comments
// (`[skip changelog]`, `[bump release: N]`) verbatim; their words are replaced the same way.

const PROSE_TAG = /^(Summary|URL|Url|Group|Vendor|Packager|License|BugURL|VCS|Distribution)\s*(\([^)]*\))?\s*:/i;
const TAG = /^[A-Za-z][A-Za-z0-9]*\s*(\([^)]*\))?\s*:/;
const SECTION = /^%(package|description|prep|build|install|check|clean|files|changelog|pre|post|preun|postun|pretrans|posttrans|preuntrans|postuntrans|trigger\w*|filetrigger\w*|transfiletrigger\w*|verifyscript|generate_buildrequires|conf|sourcelist|patchlist)\b/;
const MAGIC = /^\s*\[\s*(.*?)\s*\]\s*$/;

/** The end of the macro token at `i` (a `%`): `%%`, `%{...}`, `%(...)`, `%[...]`, `%name`, `%1`. */
function macroEnd(s, i) {
  const c = s[i + 1];
  const close = { '{': '}', '(': ')', '[': ']' }[c];
  if (close) {
    let depth = 0;
    for (let j = i + 1; j < s.length; j++) {
      if (s[j] === c) depth++;
      else if (s[j] === close && --depth === 0) return j + 1;
    }
    return s.length;
  }
  const m = /^%(%|[!?]*[A-Za-z_][A-Za-z0-9_]*|[0-9*#]+|-[A-Za-z]\*?)/.exec(s.slice(i));
  return m ? i + m[0].length : i + 1;
}

/** Replaces the words of `s` outside macro tokens. */
function proseWords(s, synth) {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const p = s.indexOf('%', i);
    const end = p < 0 ? s.length : p;
    out += s.slice(i, end).replace(/[A-Za-z]+/g, synth);
    if (p < 0) break;
    const e = macroEnd(s, p);
    out += s.slice(p, e);
    i = e;
  }
  return out;
}

/** A `%changelog` (or `changelog` file) line: dates and the `- EVR` stay, names and text change. */
function changelogLine(line, synth) {
  const head = /^(\*\s+\S+\s+\S+\s+\S+\s+\S+)(.*?)((?:\s+-\s+\S+)?\s*)$/.exec(line);
  if (head) return head[1] + proseWords(head[2], synth) + head[3];
  return proseWords(line, synth);
}

export function reshapeSpec(text, synth) {
  const lines = text.split('\n');
  let section = null;
  let continuation = false;
  let luaDepth = 0;
  return lines
    .map((line) => {
      const t = line.trim();
      if (luaDepth > 0) {
        // Inside a macro call open across lines: kept.
        continuation = line.endsWith('\\');
        luaDepth = Math.max(0, luaDepth + (line.split('{').length - line.split('}').length));
        return line;
      }
      if (continuation) {
        // The rest of a multi-line macro definition: its macros stay, its prose changes.
        continuation = line.endsWith('\\');
        if (t.includes('%{lua:')) luaDepth = Math.max(0, line.split('{').length - line.split('}').length);
        return luaDepth > 0 ? line : proseWords(line, synth);
      }
      if (t.includes('%{') && line.split('{').length > line.split('}').length) {
        // A macro call left open across lines (%{lua: ...}, %{shrink: ...}): rpm reads it all.
        luaDepth = line.split('{').length - line.split('}').length;
        continuation = line.endsWith('\\');
        return line;
      }
      if (/^%(global|define|undefine)\b/.test(t)) {
        continuation = line.endsWith('\\');
        return line;
      }
      const sec = SECTION.exec(t);
      if (sec) {
        section = sec[1];
        return line;
      }
      if (/^%(if|ifarch|ifnarch|ifos|ifnos|elif|elifarch|elifos|else|endif|include|load|bcond|bcond_with|bcond_without)\b/.test(t)) return line;
      if (t.startsWith('#')) return proseWords(line, synth);
      if (section === null || section === 'package') {
        if (PROSE_TAG.test(t)) {
          const colon = line.indexOf(':');
          return line.slice(0, colon + 1) + proseWords(line.slice(colon + 1), synth);
        }
        if (TAG.test(t) || t === '') return line;
        return line.includes('%') ? line : proseWords(line, synth);
      }
      if (section === 'changelog') return changelogLine(line, synth);
      return proseWords(line, synth);
    })
    .join('\n');
}

export function reshapeChangelogFile(text, synth) {
  return text
    .split('\n')
    .map((l) => changelogLine(l, synth))
    .join('\n');
}

export function reshapeMessage(message, synth) {
  return message
    .split('\n')
    .map((line) => {
      const m = MAGIC.exec(line);
      if (m && /^(skip\s+changelog|bump\s+release\s*:?\s*\d+)(\s*,\s*(skip\s+changelog|bump\s+release\s*:?\s*\d+))*$/.test(m[1])) return line;
      return line.replace(/[A-Za-z]+/g, synth);
    })
    .join('\n');
}
