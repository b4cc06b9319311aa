// Form handling as copr-frontend does it: the frontend feeds API input into WTForms forms, so what a
// field accepts (and the text of its error) is WTForms' and Werkzeug's behaviour, re-implemented here
// from their documented semantics. Nothing in this file is copied from Copr.

/** An error the frontend turns into `{"error": message}` with this status (CoprHttpException and kin). */
export class HttpError extends Error {
  constructor(status, message, extra = {}) {
    super(message);
    this.status = status;
    this.extra = extra;
  }
}
export const badRequest = (m) => new HttpError(400, m);
export const forbidden = (m) => new HttpError(403, m);
export const notFound = (m) => new HttpError(404, m);
/** What the frontend answers for an exception it did not expect (error_handlers.py, BaseErrorHandler.message). */
export const internalError = () => new HttpError(500, "Request wasn't successful, there is probably a bug in the Copr code.");

/** Python's repr() of a str. */
export function pyStr(s) {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** Python's repr() of the JSON-like values form errors hold (dict, list, str, None, bool, int). */
export function pyRepr(v) {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return pyStr(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
  return `{${Object.entries(v).map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
}

/**
 * Form errors, field by field in the form's field order (WTForms orders fields by creation), the
 * form-level ones under the key None (kept in a Map so that key can be null).
 */
export class FormErrors {
  constructor() {
    this.map = new Map();
  }
  add(field, message) {
    if (!this.map.has(field)) this.map.set(field, []);
    this.map.get(field).push(message);
  }
  get empty() {
    return this.map.size === 0;
  }
  /** In the given field order (form-level errors last). */
  ordered(order) {
    const out = new Map();
    for (const f of order) if (this.map.has(f)) out.set(f, this.map.get(f));
    for (const [f, v] of this.map) if (!out.has(f)) out.set(f, v);
    return out;
  }
  /** `"Bad request parameters: {0}".format(form.errors)` (apiv3_builds.py). */
  repr(order) {
    return pyRepr(this.ordered(order));
  }
  /** InvalidForm's message: one "field: message" line per error (coprs/exceptions.py). */
  lines(order) {
    const out = [];
    for (const [f, msgs] of this.ordered(order)) for (const m of msgs) out.push(`${f === null ? 'None' : f}: ${m}`);
    return out.join('\n');
  }
}

/**
 * `get_form_compatible_data` (json2form.py): None values dropped, lists joined by one space unless
 * the field is preserved (chroots), the result read by WTForms as a MultiDict: a preserved list is
 * several values of one key.
 */
export function formCompatible(input, preserve = []) {
  const out = new Map();
  for (const [k, v] of Object.entries(input)) {
    if (v === null || v === undefined) continue;
    if (Array.isArray(v) && !preserve.includes(k)) out.set(k, [v.map(pyText).join(' ')]);
    else if (Array.isArray(v)) out.set(k, v);
    else out.set(k, [v]);
  }
  return out;
}

/** str() of a JSON value as Python prints it. */
export function pyText(v) {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyFloat(v);
  return pyRepr(v);
}
function pyFloat(n) {
  const s = String(n);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** Python's int() of one form value; null when it raises ValueError (WTForms: "Not a valid integer value."). */
export function pyInt(v) {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : null;
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return /^[+-]?\d+(_\d+)*$/.test(t) ? Number(t.replace(/_/g, '')) : null;
}

/** WTForms BooleanField with copr's false_values {False, "false", ""} (0 == False in Python). */
export function pyBool(values, dflt = false) {
  if (!values || values.length === 0) return dflt;
  const v = values[0];
  return !(v === false || v === 'false' || v === '' || v === 0);
}

/** "Optional": WTForms' Optional() stops validation when there is no data, or only whitespace. */
export function isAbsent(values) {
  return !values || values.length === 0 || (typeof values[0] === 'string' && values[0].trim() === '');
}

/**
 * A WTForms SelectField of copr's forms: null when absent or "None", else the stripped text, with
 * "Not a valid choice." recorded in `errors` when it is not one of `choices`.
 */
export function selectField(data, errors, key, choices) {
  if (!data.has(key) || isAbsent(data.get(key))) return null;
  const s = pyText(data.get(key)[0]).trim();
  if (s === 'None') return null;
  if (!choices.includes(s)) errors.add(key, 'Not a valid choice.');
  return s;
}

/** Python's fnmatch.fnmatchcase (the POSIX form: case-sensitive). */
export function fnmatch(name, pattern) {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '!') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j++;
      if (j >= pattern.length) re += '\\[';
      else {
        let stuff = pattern.slice(i + 1, j).replace(/\\/g, '\\\\');
        i = j;
        if (stuff[0] === '!') stuff = `^${stuff.slice(1)}`;
        else if (stuff[0] === '^') stuff = `\\${stuff}`;
        re += `[${stuff}]`;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  try {
    return new RegExp(`^(?:${re})$`, 's').test(name);
  } catch {
    return false;
  }
}

/** forms.py expand_chroots: names given literally, or the chroots a Unix pattern matches. */
export function expandChroots(patterns, chroots) {
  const out = new Set();
  for (const p of patterns ?? []) {
    const s = pyText(p);
    if (chroots.includes(s)) out.add(s);
    else for (const c of chroots) if (fnmatch(c, s)) out.add(c);
  }
  return out;
}

/** werkzeug.utils.secure_filename (its POSIX behaviour). */
export function secureFilename(name) {
  let s = String(name).normalize('NFKD').replace(/[^\x00-\x7f]/g, '');
  s = s.replace(/[/\\]/g, ' ');
  s = s.split(/\s+/).filter(Boolean).join('_').replace(/[^A-Za-z0-9_.-]/g, '');
  s = s.replace(/^[._]+|[._]+$/g, '');
  return s;
}

/** urllib.parse.urlparse's scheme and netloc, enough for copr's URL validators. */
export function urlParts(u) {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(\/\/([^/?#]*))?([^?#]*)/.exec(u);
  if (!m) return { scheme: '', netloc: '', path: u };
  return { scheme: m[1].toLowerCase(), netloc: m[3] ?? '', path: m[4] ?? '' };
}

/** WTForms' URL() validator, roughly: scheme://host[.tld][:port][/...]. */
export function looksLikeUrl(u) {
  return /^[a-z]+:\/\/([^/:]+\.[^/:]+|localhost|\[[0-9a-fA-F:]+\])(:[0-9]+)?(\/.*)?$/i.test(u);
}
