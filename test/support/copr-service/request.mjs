// What flask.request gives copr-frontend's API v3 views, and the decorators around them
// (views/misc.py api_login_required, apiv3_ns/__init__.py query_to_parameters, get_copr,
// pagination, json2form.py get_input_dict).

import { badRequest, HttpError, internalError, pyInt, pyRepr, pyText } from './forms.mjs';

/**
 * views/misc.py _check_api_login + api_login_required: HTTP basic auth "login:token" against the
 * user's API login and token. Returns the user, or a 401 answer object; a malformed header is the
 * exception the frontend would hit (500).
 */
export function login(ctx) {
  const h = ctx.req.headers.authorization;
  let apiLogin = null;
  let token = null;
  if (h !== undefined) {
    const parts = h.trim().split(/\s+/);
    if (parts.length < 2) throw internalError();
    let text;
    try {
      // base64.b64decode: characters outside the alphabet dropped, then the padding must be right.
      const clean = parts[1].replace(/[^A-Za-z0-9+/=]/g, '');
      if (clean.length % 4 !== 0 || /=[^=]/.test(clean)) throw new Error('Incorrect padding');
      text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(clean, 'base64'));
    } catch {
      throw internalError();
    }
    const split = text.split(':');
    if (split.length !== 2) throw internalError();
    [apiLogin, token] = split;
  }
  if (token && apiLogin) {
    const u = ctx.store.users.find((x) => x.login === apiLogin);
    if (u && u.token === token && !u.expired) return u;
  }
  return {
    answer: {
      status: 401,
      json: { output: 'notok', error: `Login invalid/expired. Please visit ${ctx.svc.url}/api to get or renew your API token.` },
    },
  };
}
export function requireUser(ctx) {
  const u = login(ctx);
  if (u.answer) throw Object.assign(new HttpError(401, u.answer.json.error), { answer: u.answer });
  ctx.user = u;
  return u;
}

/** query_to_parameters: each named parameter from the path, else the query string, else its default, else 400. */
export function params(ctx, names, path = {}, defaults = {}) {
  const out = {};
  for (const n of names) {
    if (ctx.query.has(n)) out[n] = ctx.query.get(n);
    else if (path[n] !== undefined) out[n] = path[n];
    else if (n in defaults) out[n] = defaults[n];
    else throw badRequest(`Missing argument ${n}`);
  }
  return out;
}

/** The request's JSON body as request.get_json(silent=True) reads it (null when not JSON or invalid). */
export function jsonBody(ctx) {
  if (!ctx.isJson) return null;
  if (ctx.jsonParsed === undefined) {
    try {
      ctx.jsonParsed = JSON.parse(ctx.body.toString('utf8'));
    } catch {
      ctx.jsonParsed = null;
    }
  }
  return ctx.jsonParsed;
}
/** request.json (not silent): 415 when not JSON, 400 when it does not parse. */
export function strictJson(ctx) {
  if (!ctx.isJson) throw new HttpError(415, "Did not attempt to load JSON data because the request Content-Type was not 'application/json'.");
  const j = jsonBody(ctx);
  if (j === null && ctx.body.toString('utf8').trim() !== 'null') throw badRequest('Failed to decode JSON object: the body is not valid JSON');
  return j;
}
/** json2form.get_input_dict: the JSON body, or the form fields (first value of each). */
export function inputDict(ctx) {
  const j = jsonBody(ctx);
  const truthy = j !== null && j !== false && j !== 0 && j !== '' && !(typeof j === 'object' && Object.keys(j).length === 0);
  if (!truthy) return { ...ctx.form };
  // A JSON list, string or number is not a dict: get_form_compatible_data fails on it.
  if (typeof j !== 'object' || Array.isArray(j)) throw internalError();
  return j;
}
/** apiv3_ns get_copr(): ownername/projectname from the form, else from request.json. */
export function coprFromRequest(ctx) {
  const pick = (key) => {
    if (ctx.form[key]) return ctx.form[key];
    const j = strictJson(ctx);
    if (!j || typeof j !== 'object' || Array.isArray(j) || !(key in j)) throw internalError();
    return j[key];
  };
  const ownername = pick('ownername');
  const projectname = pick('projectname');
  if (typeof ownername !== 'string' || ownername === '') throw internalError();
  return ctx.store.getCopr(ownername, typeof projectname === 'string' ? projectname : pyText(projectname));
}

/** apiv3_ns pagination: PaginationForm over the query string; its errors are a 500 (CoprHttpException). */
export function pagination(ctx) {
  const errors = {};
  const int = (k) => {
    const v = ctx.query.get(k);
    if (v === null || v.trim() === '') return null;
    const n = pyInt(v);
    if (n === null) errors[k] = ['Not a valid integer value.'];
    return n;
  };
  const limit = int('limit');
  const offset = int('offset');
  const order = ctx.query.get('order')?.trim() || null;
  let order_type = 'ASC';
  const ot = ctx.query.get('order_type');
  if (ot !== null && ot.trim() !== '') {
    if (ot === 'ASC' || ot === 'DESC') order_type = ot;
    else errors.order_type = ['Not a valid choice.'];
  }
  if (Object.keys(errors).length) throw new HttpError(500, pyRepr(errors));
  // Paginator: limit 0 is no limit, offset defaults to 0, order to id.
  return { limit: limit || null, offset: offset || 0, order: order || 'id', order_type };
}
