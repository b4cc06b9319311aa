/**
 * The one `%{lua:...}` idiom Fedora specs repeat, answered without Lua: a macro's value with one
 * character replaced everywhere, then printed (mesa's `Version: %{lua:ver = string.gsub(
 * rpm.expand("%{ver}"), "-", "~"); print(ver)}`). Only literal patterns whose meaning is the same in
 * Lua's pattern language and as plain text; anything else returns null and rpm runs the Lua.
 */
const GSUB =
  /^\s*([A-Za-z_]\w*)\s*=\s*string\.gsub\(\s*rpm\.expand\(\s*"([^"\\]*)"\s*\)\s*,\s*"([^"\\]*)"\s*,\s*"([^"\\]*)"\s*\)\s*;?\s*print\(\s*\1\s*\)\s*;?\s*$/;

/** What the Lua prints, given rpm's expansion of the macro text it names; null when not this idiom. */
export function luaIdiom(body: string, expand: (text: string) => string): string | null {
  const m = GSUB.exec(body);
  if (!m) return null;
  const [, , text, pattern, replacement] = m;
  // "-" alone is a literal hyphen in a Lua pattern; otherwise only characters that are never magic.
  if (pattern !== '-' && !/^[A-Za-z0-9_~ ]+$/.test(pattern)) return null;
  if (!/^[A-Za-z0-9_.~^+ -]*$/.test(replacement)) return null;
  return expand(text).split(pattern).join(replacement);
}
