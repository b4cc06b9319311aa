// multipart/form-data (RFC 7578) parsed from a whole request body. No npm package for it is in
// node_modules and the service must not add dependencies, so this is a small parser of its own.
// As Werkzeug does (the frontend's request parser), a part with a `filename` parameter in its
// Content-Disposition is a file (request.files), any other part a form field (request.form).

/** The parameters of a header value like `form-data; name="x"; filename="y"` (quoted or token values). */
export function headerParams(value) {
  const params = {};
  const re = /;\s*([^\s=;]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^;]*)/g;
  let m;
  while ((m = re.exec(value))) {
    const key = m[1].toLowerCase();
    params[key] = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : m[2].trim();
  }
  // RFC 5987 filename*=utf-8''... wins over filename, as Werkzeug does.
  if (params['filename*']) {
    const ext = /^([^']*)'[^']*'(.*)$/.exec(params['filename*']);
    if (ext) {
      try {
        params.filename = decodeURIComponent(ext[2]);
      } catch {
        /* keep the plain one */
      }
    }
  }
  return params;
}

/**
 * Parse a multipart body. Returns { fields: [{name, value}], files: [{name, filename, contentType, data}] }
 * or throws an Error with a message saying what is malformed.
 */
export function parseMultipart(body, contentType) {
  const semi = contentType.indexOf(';');
  const { boundary } = semi < 0 ? {} : headerParams(contentType.slice(semi));
  if (!boundary) throw new Error('multipart body without a boundary parameter');
  const delim = Buffer.from(`--${boundary}`);
  const fields = [];
  const files = [];
  let pos = body.indexOf(delim);
  if (pos < 0) throw new Error('multipart body without its boundary');
  for (;;) {
    pos += delim.length;
    // "--" after a delimiter closes the body.
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break;
    // Skip transport padding and the CRLF after the delimiter.
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++;
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
    else if (body[pos] === 0x0a) pos += 1;
    else throw new Error('malformed multipart delimiter line');
    const headEnd = body.indexOf('\r\n\r\n', pos);
    if (headEnd < 0) throw new Error('multipart part without the end of its headers');
    const headers = {};
    for (const line of body.subarray(pos, headEnd).toString('utf8').split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delim]), headEnd + 4);
    if (next < 0) throw new Error('multipart part without a closing boundary');
    const data = body.subarray(headEnd + 4, next);
    const disp = headers['content-disposition'] ?? '';
    const p = disp.includes(';') ? headerParams(disp.slice(disp.indexOf(';'))) : {};
    if (p.name !== undefined) {
      if (p.filename !== undefined) files.push({ name: p.name, filename: p.filename, contentType: headers['content-type'] ?? null, data: Buffer.from(data) });
      else fields.push({ name: p.name, value: data.toString('utf8') });
    }
    pos = next + 2;
  }
  return { fields, files };
}
