// The API v3 endpoints, as copr-frontend 5d37cd83 answers them (views/apiv3_ns/*.py, forms.py,
// logic/*.py): the same URLs and methods, the same checks in the same order (so the same error
// wins when a request has several), the same JSON. Each handler names the frontend code it follows.

import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  badRequest,
  expandChroots,
  fnmatch,
  forbidden,
  formCompatible,
  FormErrors,
  HttpError,
  internalError,
  isAbsent,
  looksLikeUrl,
  notFound,
  pyBool,
  pyInt,
  pyRepr,
  pyText,
  secureFilename,
  urlParts,
} from './forms.mjs';
import {
  activeChroots,
  batchingUserError,
  BUILD_KEYS,
  BUILD_PROPS,
  buildChrootToDict,
  buildFinished,
  buildToDict,
  canBuildIn,
  canEdit,
  CHROOT_KEYS,
  CHROOT_PROPS,
  fullName,
  ownerName,
  paginate,
  PROJECT_KEYS,
  PROJECT_PROPS,
  projectToDict,
  repoUrl,
  sourceResultUrl,
} from './model.mjs';

const GET = ['GET'];
const POST = ['POST'];
/** apiv3_ns/__init__.py: PUT endpoints take POST too (deprecated), DELETE ones too. */
const PUT = ['POST', 'PUT'];

/** [methods, path pattern, handler]; a path parameter is one URL-decoded segment, <int:...> digits. */
export const ROUTES = [
  [GET, /^\/api_3\/?$/, home],
  [GET, /^\/api_3\/auth-check\/?$/, authCheck],
  [GET, /^\/api_3\/project\/?$/, projectGet],
  [GET, /^\/api_3\/project\/list\/?$/, projectList],
  [POST, /^\/api_3\/project\/add\/([^/]+)\/?$/, projectAdd],
  [PUT, /^\/api_3\/project\/edit\/([^/]+)\/([^/]+)\/?$/, projectEdit],
  [GET, /^\/api_3\/build\/(\d+)\/?$/, buildGet],
  [GET, /^\/api_3\/build\/list\/?$/, buildList],
  [GET, /^\/api_3\/build\/source-chroot\/(\d+)\/?$/, sourceChroot],
  [GET, /^\/api_3\/build\/source-build-config\/(\d+)\/?$/, sourceBuildConfig],
  [GET, /^\/api_3\/build\/built-packages\/(\d+)\/?$/, buildBuiltPackages],
  [PUT, /^\/api_3\/build\/cancel\/(\d+)\/?$/, buildCancel],
  [POST, /^\/api_3\/build\/create\/url\/?$/, createFromUrl],
  [POST, /^\/api_3\/build\/create\/upload\/?$/, createFromUpload],
  [POST, /^\/api_3\/build\/check-before-build\/?$/, checkBeforeBuild],
  [GET, /^\/api_3\/build-chroot(?:\/(\d+)\/([^/]+))?\/?$/, buildChrootGet],
  [GET, /^\/api_3\/build-chroot\/list(?:\/(\d+))?\/?$/, buildChrootList],
  [GET, /^\/api_3\/build-chroot\/build-config(?:\/(\d+)\/([^/]+))?\/?$/, buildChrootConfig],
  [GET, /^\/api_3\/build-chroot\/built-packages\/?$/, buildChrootBuiltPackages],
  [GET, /^\/api_3\/mock-chroots\/list\/?$/, mockChrootsList],
];

// ---- request helpers (what flask.request gives the views) ----

/**
 * views/misc.py _check_api_login + api_login_required: HTTP basic auth "login:token" against the
 * user's API login and token. Returns the user, or a 401 answer object; a malformed header is the
 * exception the frontend would hit (500).
 */
function login(ctx) {
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
function requireUser(ctx) {
  const u = login(ctx);
  if (u.answer) throw Object.assign(new HttpError(401, u.answer.json.error), { answer: u.answer });
  ctx.user = u;
  return u;
}

/** query_to_parameters: each named parameter from the path, else the query string, else its default, else 400. */
function params(ctx, names, path = {}, defaults = {}) {
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
function jsonBody(ctx) {
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
function strictJson(ctx) {
  if (!ctx.isJson) throw new HttpError(415, "Did not attempt to load JSON data because the request Content-Type was not 'application/json'.");
  const j = jsonBody(ctx);
  if (j === null && ctx.body.toString('utf8').trim() !== 'null') throw badRequest('Failed to decode JSON object: the body is not valid JSON');
  return j;
}
/** json2form.get_input_dict: the JSON body, or the form fields (first value of each). */
function inputDict(ctx) {
  const j = jsonBody(ctx);
  const truthy = j !== null && j !== false && j !== 0 && j !== '' && !(typeof j === 'object' && Object.keys(j).length === 0);
  if (!truthy) return { ...ctx.form };
  // A JSON list, string or number is not a dict: get_form_compatible_data fails on it.
  if (typeof j !== 'object' || Array.isArray(j)) throw internalError();
  return j;
}
/** apiv3_ns get_copr(): ownername/projectname from the form, else from request.json. */
function coprFromRequest(ctx) {
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
function pagination(ctx) {
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

// ---- general ----

function home() {
  return { json: { version: 3 } };
}

/** apiv3_general.py AuthCheck: the user's to_dict() (serializable attributes id, name). */
function authCheck(ctx) {
  const u = requireUser(ctx);
  return { json: { id: u.id, name: u.username } };
}

/** apiv3_mock_chroots.py: active mock chroots and their comments. */
function mockChrootsList(ctx) {
  const out = {};
  for (const c of ctx.store.mockChroots) if (c.active) out[c.name] = c.comment ?? '';
  return { json: out };
}

// ---- projects ----

function projectGet(ctx) {
  const p = params(ctx, ['ownername', 'projectname']);
  return { json: projectToDict(ctx.store, ctx.store.getCopr(p.ownername, p.projectname)) };
}

function projectList(ctx) {
  const pag = pagination(ctx);
  const { ownername } = params(ctx, ['ownername'], {}, { ownername: null });
  let items = ctx.store.projects.filter((c) => !c.deleted);
  if (ownername) items = items.filter((c) => ownerName(c) === ownername);
  items = paginate(items, pag, PROJECT_KEYS, PROJECT_PROPS, 'copr');
  return { json: { items: items.map((c) => projectToDict(ctx.store, c)), meta: pag } };
}

const PROJECT_RENAMES = { devel_mode: 'disable_createrepo', additional_repos: 'repos' };
/** The fields of CoprFormFactory's form in WTForms' order (class fields first, the factory's after). */
const PROJECT_FORM_ORDER = [
  'description', 'instructions', 'homepage', 'contact', 'repos', 'runtime_dependencies', 'initial_pkgs', 'disable_createrepo',
  'unlisted_on_hp', 'auto_prune', 'use_bootstrap_container', 'bootstrap', 'isolation', 'follow_fedora_branching', 'multilib',
  'build_enable_net', 'enable_net', 'module_hotfixes', 'fedora_review', 'appstream', 'packit_forge_projects_allowed',
  'repo_priority', 'storage', 'id', 'group_id', 'name', 'persistent', 'delete_after_days', 'chroots', null,
];
const PROJECT_BOOLEANS = {
  disable_createrepo: false, unlisted_on_hp: false, auto_prune: true, follow_fedora_branching: true, multilib: false,
  build_enable_net: false, enable_net: false, module_hotfixes: false, fedora_review: false, appstream: false,
};

function renamed(data, renames) {
  const out = new Map();
  for (const [k, v] of data) out.set(renames[k] ?? k, v);
  return out;
}

/** The shared fields of CoprForm: validate DATA (a Map of value lists), collect values and errors. */
function validateProjectFields(ctx, data, errors) {
  const v = {};
  const str = (k, strip = true) => {
    if (!data.has(k)) return null;
    const s = pyText(data.get(k)[0]);
    return strip ? s.trim() : s;
  };
  v.description = str('description', false);
  v.instructions = str('instructions', false);
  for (const k of ['homepage', 'contact']) {
    const s = str(k);
    v[k] = s === null || s.trim() === '' ? null : s;
  }
  if (v.homepage !== null && !looksLikeUrl(v.homepage)) errors.add('homepage', 'Invalid URL.');
  if (v.contact !== null && !looksLikeUrl(v.contact) && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v.contact)) errors.add('contact', 'Contact must be email address or URL');
  for (const k of ['repos', 'runtime_dependencies']) {
    const s = str(k, false);
    const list = s ? s.trim().split(/\s+/).filter(Boolean) : [];
    v[k] = list.join('\n');
    for (const u of list) {
      const p = urlParts(u);
      if (!['http', 'https', 'copr'].includes(p.scheme) || !p.netloc) {
        errors.add(k, `A list of http[s] URLs separated by whitespace characters is needed ('${u}' doesn't seem to be a valid URL).`);
        break;
      }
      if (p.scheme === 'copr') {
        const seg = p.path.split('/');
        if (seg.length < 2 || seg[1] === '') {
          errors.add(k, `A list of http[s] URLs separated by whitespace characters is needed ('${u}' doesn't seem to be a valid URL).`);
          break;
        }
        try {
          ctx.store.getCopr(p.netloc, seg[1].split(':')[0]);
        } catch {
          errors.add(k, `${u} does not exist.`);
          break;
        }
      }
    }
  }
  for (const k of Object.keys(PROJECT_BOOLEANS)) v[k] = data.has(k) ? pyBool(data.get(k)) : null;
  if (data.has('use_bootstrap_container')) {
    const x = data.get('use_bootstrap_container')[0];
    v.use_bootstrap_container = x === true || x === 'true' ? true : x === false || x === 'false' ? false : null;
  } else v.use_bootstrap_container = null;
  const select = (k, choices) => {
    if (!data.has(k) || isAbsent(data.get(k))) return null;
    const s = pyText(data.get(k)[0]).trim();
    if (s === 'None') return null;
    if (!choices.includes(s)) errors.add(k, 'Not a valid choice.');
    return s;
  };
  v.bootstrap = select('bootstrap', ['default', 'off', 'on', 'image']);
  v.isolation = select('isolation', ['default', 'nspawn', 'simple']);
  v.storage = select('storage', ['backend', 'pulp']);
  const pf = str('packit_forge_projects_allowed', false);
  v.packit_forge_projects_allowed = pf ? pf.trim().split(/\s+/).map((x) => x.replace(/^[a-z]+:\/\//i, '')).join('\n') : '';
  v.repo_priority = intField(data, 'repo_priority', errors, (n) => (n < 1 ? 'Number must be at least 1.' : null));
  return v;
}

/** An Optional IntegerField: null when absent, errors for a non-integer or a failing range check. */
function intField(data, k, errors, range) {
  if (!data.has(k) || isAbsent(data.get(k))) return null;
  const n = pyInt(data.get(k)[0]);
  if (n === null) errors.add(k, 'Not a valid integer value.');
  // NumberRange fails on a missing (None) value too.
  const r = range ? range(n) : null;
  if (r) errors.add(k, r);
  return n;
}

/** SelectMultipleField (ChrootsField) values, and its "not a valid choice" check. */
function chrootsField(ctx, data, errors, field = 'chroots') {
  const values = (data.get(field) ?? []).map(pyText);
  const active = ctx.store.activeMockChrootNames();
  const bad = [...new Set(values)].filter((x) => !active.includes(x));
  if (bad.length === 1) errors.add(field, `'${bad[0]}' is not a valid choice for this field.`);
  else if (bad.length > 1) errors.add(field, `'${bad.join("', '")}' are not valid choices for this field.`);
  return values;
}

/** apiv3_projects.py ProjectAdd.post. */
async function projectAdd(ctx, [ownername]) {
  const user = requireUser(ctx);
  const store = ctx.store;
  const existOk = ctx.query.get('exist_ok') === 'True';
  // owner2tuple
  let owner = user;
  let group = null;
  if (ownername.startsWith('@')) {
    group = store.groupByName(ownername.slice(1));
    if (!group) throw notFound(`Group ${ownername.slice(1)} does not exist.`);
  } else if (ownername !== user.username) {
    owner = store.userByName(ownername);
    if (!owner) throw notFound(`No such user \`${ownername}'`);
  }
  const input = inputDict(ctx);
  const data = renamed(formCompatible(input, ['chroots']), PROJECT_RENAMES);
  // set_defaults: the form's field defaults for what the request leaves out.
  for (const [k, d] of Object.entries({ ...PROJECT_BOOLEANS, persistent: false })) if (!data.has(k)) data.set(k, [d]);
  if (!data.has('chroots')) data.set('chroots', []);
  const errors = new FormErrors();
  const v = validateProjectFields(ctx, data, errors);
  // The factory's own fields: name, persistent, delete_after_days, chroots.
  const rawName = data.has('name') ? pyText(data.get('name')[0]).trim() : '';
  let existing = null;
  if (!rawName) errors.add('name', 'This field is required.');
  else {
    if (!/^[\p{L}\p{N}_.-]+$/u.test(rawName)) errors.add('name', 'Name must contain only letters, digits, underscores, dashes and dots.');
    existing = store.projects.find((c) => !c.deleted && c.name === rawName && (group ? c.group === group.name : !c.group && c.user === owner.username)) ?? null;
    if (existing) errors.add('name', group ? `Group ${group.name} (fas: ${group.fas_name}) already has a project named '${rawName}'.` : `You already have a project named '${rawName}'.`);
    if (/^\d+$/.test(rawName)) errors.add('name', "Project's name can not be just number.");
  }
  const persistent = pyBool(data.get('persistent'));
  const deleteAfter = intField(data, 'delete_after_days', errors, (n) => (n === null || n < -1 || n > 720 ? 'Number must be between -1 and 720.' : null));
  const chroots = chrootsField(ctx, data, errors);
  if (errors.empty) {
    if (chroots.length === 0) errors.add(null, 'At least one chroot must be selected');
    else if (persistent && deleteAfter) errors.add('delete_after_days', "'delete after' can not be combined with persistent");
  }
  if (!errors.empty) {
    if (existOk && existing) return { json: projectToDict(store, existing) };
    throw badRequest(errors.lines(PROJECT_FORM_ORDER));
  }
  const unexpected = (Array.isArray(input.chroots) ? input.chroots : []).filter((c) => !store.mockChrootByName(pyText(c)));
  if (unexpected.length) throw badRequest(`Unexpected chroot: ${unexpected.join(', ')}`);
  let bootstrap = null;
  if (v.use_bootstrap_container !== null) bootstrap = v.use_bootstrap_container ? 'on' : 'off';
  if (v.bootstrap !== null) bootstrap = v.bootstrap;
  // CoprsLogic.add
  if (!user.admin && owner !== user) throw forbidden(`You were authorized as '${user.username}' user without permissions to access projects of user '${owner.username}'`);
  if (!user.admin && persistent) throw forbidden('Non-admin cannot create persistent project.');
  if (!user.admin && v.auto_prune === false) throw forbidden('Non-admin cannot disable auto-prunning.');
  if (!user.admin && v.storage) throw forbidden('Non-admin cannot set storage');
  if (group && !user.admin && !user.groups.includes(group.fas_name)) {
    throw forbidden(`User '${user.username}' doesn't have access to the copr group '${group.name}' (fas_name='${group.fas_name}')`);
  }
  const attrs = {
    repos: v.repos.split(/\s+/).filter(Boolean).join(' '),
    description: v.description ?? '',
    instructions: v.instructions ?? '',
    homepage: v.homepage,
    contact: v.contact,
    persistent,
    auto_prune: v.auto_prune,
    build_enable_net: v.enable_net,
    unlisted_on_hp: v.unlisted_on_hp,
    disable_createrepo: v.disable_createrepo,
    delete_after_days: deleteAfter,
    multilib: v.multilib,
    module_hotfixes: v.module_hotfixes,
    fedora_review: v.fedora_review,
    follow_fedora_branching: v.follow_fedora_branching,
    runtime_dependencies: v.runtime_dependencies.split(/\s+/).filter(Boolean).join(' '),
    appstream: v.appstream,
    packit_forge_projects_allowed: v.packit_forge_projects_allowed.split(/\s+/).filter(Boolean).join(' '),
    repo_priority: v.repo_priority,
    storage: v.storage ?? 'backend',
  };
  if (bootstrap) attrs.bootstrap = bootstrap;
  if (v.isolation) attrs.isolation = v.isolation;
  const copr = store.newProject({ name: rawName, user: owner.username, group: group?.name ?? null, attrs });
  // CoprChrootsLogic.new_from_names: in the order of the mock chroot table; then a createrepo action.
  for (const mc of store.mockChroots) if (chroots.includes(mc.name)) copr.chroots.push({ name: mc.name, deleted: false });
  ctx.svc.createrepoProject(copr);
  return { json: projectToDict(store, copr) };
}

/** apiv3_projects.py ProjectEdit._common (PUT, or POST deprecated). */
async function projectEdit(ctx, [ownername, projectname]) {
  const user = requireUser(ctx);
  const store = ctx.store;
  const copr = store.getCopr(ownername, projectname);
  const input = inputDict(ctx);
  const data = renamed(formCompatible(input, ['chroots']), PROJECT_RENAMES);
  const errors = new FormErrors();
  const v = validateProjectFields(ctx, data, errors);
  const deleteAfter = intField(data, 'delete_after_days', errors, (n) => (n === null || n < -1 || n > 720 ? 'Number must be between -1 and 720.' : null));
  const chroots = chrootsField(ctx, data, errors);
  if (!errors.empty) throw badRequest(errors.lines(PROJECT_FORM_ORDER));
  const unexpected = (Array.isArray(input.chroots) ? input.chroots : []).filter((c) => !store.mockChrootByName(pyText(c)));
  if (unexpected.length) throw badRequest(`Unexpected chroot: ${unexpected.join(', ')}`);
  if (!canEdit(store, user, copr)) throw forbidden('Only owners and admins may update their projects.');
  const changes = {};
  const set = (field, attr, value) => {
    if (data.has(field) && value !== null && value !== undefined) changes[attr] = value;
  };
  set('description', 'description', v.description);
  set('instructions', 'instructions', v.instructions);
  set('homepage', 'homepage', v.homepage);
  set('contact', 'contact', v.contact);
  set('repos', 'repos', v.repos.split(/\s+/).filter(Boolean).join(' '));
  set('runtime_dependencies', 'runtime_dependencies', v.runtime_dependencies.split(/\s+/).filter(Boolean).join(' '));
  for (const k of Object.keys(PROJECT_BOOLEANS)) set(k, k === 'enable_net' ? 'build_enable_net' : k, v[k]);
  set('bootstrap', 'bootstrap', v.bootstrap);
  set('isolation', 'isolation', v.isolation);
  set('packit_forge_projects_allowed', 'packit_forge_projects_allowed', v.packit_forge_projects_allowed.split(/\s+/).filter(Boolean).join(' '));
  set('repo_priority', 'repo_priority', v.repo_priority);
  set('delete_after_days', 'delete_after_days', deleteAfter);
  if (!user.admin && (changes.auto_prune ?? copr.auto_prune) === false) throw forbidden('Non-admin cannot disable auto-prunning.');
  Object.assign(copr, changes);
  if (chroots.length) {
    // CoprChrootsLogic.update_from_names: the named chroots enabled, the others disabled.
    const added = [];
    for (const mc of store.mockChroots) {
      if (!chroots.includes(mc.name)) continue;
      const cc = copr.chroots.find((c) => c.name === mc.name);
      if (cc && !cc.deleted) continue;
      if (cc) cc.deleted = false;
      else copr.chroots.push({ name: mc.name, deleted: false });
      added.push(mc.name);
    }
    for (const cc of copr.chroots) if (!chroots.includes(cc.name)) cc.deleted = true;
    if (added.length) ctx.svc.createrepoProject(copr, added);
  }
  return { json: projectToDict(store, copr), headers: ctx.req.method === 'POST' ? { Warning: 'This method is deprecated: Use PUT method instead of POST' } : {} };
}

// ---- builds ----

function buildGet(ctx, [id]) {
  return { json: buildToDict(ctx.store, ctx.store.getBuild(id)) };
}

/** apiv3_builds.py ListBuild.get. */
function buildList(ctx) {
  const pag = pagination(ctx);
  const p = params(ctx, ['ownername', 'projectname', 'packagename', 'status'], {}, { packagename: null, status: null });
  const copr = ctx.store.getCopr(p.ownername, p.projectname);
  let items = [...ctx.store.builds.values()].filter((b) => b.copr === copr);
  if (p.packagename) items = items.filter((b) => b.package_name === p.packagename);
  const limit = pag.limit;
  items = paginate(items, p.status ? { ...pag, limit: null } : pag, BUILD_KEYS, BUILD_PROPS, 'build');
  let out = items.map((b) => buildToDict(ctx.store, b));
  if (p.status) out = out.filter((b) => b.state === p.status).slice(0, limit || undefined);
  return { json: { items: out, meta: pag } };
}

/** apiv3_builds.py SourceChroot: the frontend fails (500) while the source build has no result dir. */
function sourceChroot(ctx, [id]) {
  const b = ctx.store.getBuild(id);
  if (!b.result_dir) throw internalError();
  return { json: { state: b.source_status, result_url: sourceResultUrl(ctx.store, b) } };
}

function sourceBuildConfig(ctx, [id]) {
  const b = ctx.store.getBuild(id);
  return {
    json: {
      source_type: b.source_type,
      source_dict: b.source_json,
      memory_limit: b.memory_reqs,
      timeout: b.timeout,
      is_background: b.is_background,
    },
  };
}

/** Build.results_dict: the built packages of each chroot. */
function buildBuiltPackages(ctx, [id]) {
  const b = ctx.store.getBuild(id);
  return { json: Object.fromEntries(b.chroots.map((bc) => [bc.name, { packages: bc.results ?? [] }])) };
}

/** apiv3_builds.py CancelBuild + BuildsLogic.cancel_build. */
function buildCancel(ctx, [id]) {
  const user = requireUser(ctx);
  const b = ctx.store.getBuild(id);
  if (!canBuildIn(ctx.store, user, b.copr)) throw forbidden('You are not allowed to cancel this build.');
  if (buildFinished(b)) throw new HttpError(409, `Cannot cancel build ${b.id}`);
  ctx.svc.cancel(b);
  return { json: buildToDict(ctx.store, b), headers: ctx.req.method === 'POST' ? { Warning: 'This method is deprecated: Use PUT method instead of POST' } : {} };
}

/** _get_build_form's fields in WTForms' order (the upload/url form adds pkgs last). */
const BUILD_FORM_ORDER = [
  'timeout', 'enable_net', 'background', 'project_dirname', 'bootstrap', 'isolation', 'package_name', 'chroots', 'exclude_chroots',
  'after_build_id', 'with_build_id', 'packit_forge_project', 'allow_user_ssh', 'ssh_public_keys', 'pkgs',
];

/**
 * forms.py _get_build_form validated on DATA (a Map of value lists) for COPR: returns the build
 * options process_creating_new_build passes on, and FormErrors.
 */
function validateBuildForm(ctx, copr, data, errors) {
  const store = ctx.store;
  const o = {};
  const chrootsList = activeChroots(store, copr).sort();
  // timeout: Optional, NumberRange(MIN_BUILD_TIMEOUT=0, MAX_BUILD_TIMEOUT=108000), default 18000.
  o.timeout = 18000;
  if (data.has('timeout') && !isAbsent(data.get('timeout'))) {
    const n = pyInt(data.get('timeout')[0]);
    if (n === null) errors.add('timeout', 'Not a valid integer value.');
    if (n === null || n < 0 || n > 108000) errors.add('timeout', 'Number must be between 0 and 108000.');
    o.timeout = n;
  }
  o.enable_net = data.has('enable_net') && data.get('enable_net').length ? pyBool(data.get('enable_net')) : null;
  o.background = pyBool(data.get('background'));
  o.project_dirname = data.has('project_dirname') ? pyText(data.get('project_dirname')[0]).trim() || null : null;
  const select = (k, choices) => {
    if (!data.has(k) || isAbsent(data.get(k))) return null;
    const s = pyText(data.get(k)[0]).trim();
    if (s === 'None') return null;
    if (!choices.includes(s)) errors.add(k, 'Not a valid choice.');
    return s;
  };
  o.bootstrap = select('bootstrap', ['unchanged', 'default', 'off', 'on', 'image']);
  o.isolation = select('isolation', ['unchanged', 'default', 'nspawn', 'simple']);
  // ChrootPatternsField: each value a chroot of the project or a pattern matching one.
  const patterns = (k) => {
    const vals = (data.get(k) ?? []).map(pyText);
    for (const x of vals) {
      if (chrootsList.includes(x) || chrootsList.some((c) => fnmatch(c, x))) continue;
      errors.add(k, `'${x}' is not a valid choice for this field.`);
      break;
    }
    return vals;
  };
  const chroots = patterns('chroots');
  const exclude = patterns('exclude_chroots');
  let selected = expandChroots(chroots, chrootsList);
  if (exclude.length) {
    if (selected.size === 0) selected = new Set(chrootsList);
    for (const x of expandChroots(exclude, chrootsList)) selected.delete(x);
  }
  o.chroot_names = [...selected];
  // after_build_id / with_build_id: IntegerField, Optional, and the batch check (_validate_batch_opts).
  const batchField = (k) => {
    if (!data.has(k) || isAbsent(data.get(k))) return { present: false, value: null };
    const n = pyInt(data.get(k)[0]);
    if (n === null) errors.add(k, 'Not a valid integer value.');
    return { present: true, value: n };
  };
  const after = batchField('after_build_id');
  const withB = batchField('with_build_id');
  for (const [k, f, other, modify] of [
    ['after_build_id', after, withB, false],
    ['with_build_id', withB, after, true],
  ]) {
    // Optional() stops the chain only when nothing was sent; an invalid integer still gets here.
    if (!f.present) continue;
    if (other.value) {
      errors.add(k, 'Only one batch option can be specified');
      continue;
    }
    if (!f.value) continue;
    const ref = store.builds.get(f.value);
    if (!ref) {
      errors.add(k, `Build ${f.value} not found`);
      continue;
    }
    const e = batchingUserError(store, ref, ctx.user, modify);
    if (e) errors.add(k, e);
  }
  o.after_build_id = after.value;
  o.with_build_id = withB.value;
  return o;
}

/** apiv3_builds.py process_creating_new_build: form errors (400), then the permission (403). */
function checkBuildRequest(ctx, copr, data, errors, o) {
  if (!errors.empty) throw badRequest(`Bad request parameters: ${errors.repr(BUILD_FORM_ORDER)}`);
  if (!canBuildIn(ctx.store, ctx.user, copr)) throw forbidden(`User ${ctx.user.username} is not allowed to build in the copr: ${fullName(copr)}`);
  // Not in the frontend: this service has only the project's main directory.
  if (o.project_dirname && o.project_dirname !== copr.name) {
    throw badRequest(`This local Copr service does not implement project directories other than the main one ('${o.project_dirname}' requested)`);
  }
  if (activeChroots(ctx.store, copr).length === 0) throw badRequest(`Can't create build - project ${fullName(copr)} has no active chroots`);
}

/** apiv3_builds.py CreateFromUpload (file_upload: the `json` part of the multipart body is the form). */
async function createFromUpload(ctx) {
  const jsonPart = ctx.files.find((f) => f.name === 'json');
  if (jsonPart) {
    let data;
    try {
      data = JSON.parse(jsonPart.data.toString('utf8'));
    } catch {
      throw internalError();
    }
    data = data || {};
    if (typeof data !== 'object' || Array.isArray(data)) throw internalError();
    ctx.form = data;
  }
  requireUser(ctx);
  const copr = coprFromRequest(ctx);
  const data = formCompatible(inputDict(ctx), ['chroots', 'exclude_chroots']);
  for (const f of ctx.files) data.set(f.name, [f]);
  const errors = new FormErrors();
  const o = validateBuildForm(ctx, copr, data, errors);
  // pkgs: FileField with FileRequired (a file part with a file name) and SrpmValidator.
  const pkg = data.get('pkgs')?.[0];
  if (!pkg || typeof pkg !== 'object' || !pkg.filename) errors.add('pkgs', 'This field is required.');
  else if (!/\.(src\.rpm|nosrc\.rpm|spec)$/.test(pkg.filename.toLowerCase())) errors.add('pkgs', 'You can upload only .src.rpm, .nosrc.rpm, and .spec files');
  checkBuildRequest(ctx, copr, data, errors, o);
  // BuildsLogic.create_new_from_upload: the file kept in the frontend's storage, public under /tmp/.
  const tmp = `tmp${randomBytes(6).toString('base64url').slice(0, 8).replace(/[-_]/g, 'x')}`;
  const filename = secureFilename(pkg.filename);
  await mkdir(join(ctx.svc.storageDir, tmp), { recursive: true });
  const path = join(ctx.svc.storageDir, tmp, filename);
  await writeFile(path, pkg.data);
  const url = `${ctx.svc.url}/tmp/${tmp}/${filename}`;
  const b = ctx.svc.newBuild(copr, ctx.user, o, {
    source_type: 'upload',
    source_json: { url, pkg: filename, tmp },
    pkgs: url,
    srpm_url: url.endsWith('.spec') ? null : url,
    uploadPath: path,
  });
  return { json: buildToDict(ctx.store, b) };
}

/** apiv3_builds.py CreateFromUrl: one build per URL, answered as a list. */
async function createFromUrl(ctx) {
  requireUser(ctx);
  const copr = coprFromRequest(ctx);
  const data = formCompatible(inputDict(ctx), ['chroots', 'exclude_chroots']);
  const errors = new FormErrors();
  const o = validateBuildForm(ctx, copr, data, errors);
  const raw = data.has('pkgs') ? pyText(data.get('pkgs')[0]) : '';
  const urls = raw.trim().split(/\s+/).filter(Boolean);
  if (urls.length === 0) errors.add('pkgs', 'URLs to packages are required');
  else {
    const notUrl = urls.find((u) => {
      const p = urlParts(u);
      return !p.scheme.startsWith('http') || !p.netloc;
    });
    if (notUrl) errors.add('pkgs', `A list of http[s] URLs separated by whitespace characters is needed ('${notUrl}' doesn't seem to be a valid URL).`);
    // UrlSrpmListValidator.is_url looks at the path's suffix only.
    const notSrpm = urls.find((u) => !/\.(src\.rpm|nosrc\.rpm|spec)$/.test(urlParts(u).path));
    if (notSrpm) errors.add('pkgs', `URLs must end with .src.rpm, .nosrc.rpm, or .spec ('${notSrpm}' doesn't seem to be a valid URL).`);
  }
  checkBuildRequest(ctx, copr, data, errors, o);
  const builds = urls.map((url) =>
    ctx.svc.newBuild(copr, ctx.user, o, { source_type: 'link', source_json: { url }, pkgs: url, srpm_url: url.endsWith('.spec') ? null : url }),
  );
  return { json: { items: builds.map((b) => buildToDict(ctx.store, b)), meta: { limit: null, offset: null, order: null, order_type: null } } };
}

/** apiv3_builds.py CheckBeforeBuild. */
function checkBeforeBuild(ctx) {
  requireUser(ctx);
  const data = formCompatible(inputDict(ctx), ['chroots', 'exclude_chroots']);
  const copr = coprFromRequest(ctx);
  const dir = data.has('project_dirname') ? pyText(data.get('project_dirname')[0]) : null;
  if (dir && dir !== copr.name) throw notFound(`copr dir ${ownerName(copr)}/${dir} does not exist.`);
  if (!canBuildIn(ctx.store, ctx.user, copr)) throw forbidden(`User '${ctx.user.username}' is not allowed to build in '${fullName(copr)}'`);
  const errors = new FormErrors();
  validateBuildForm(ctx, copr, data, errors);
  if (!errors.empty) throw badRequest(`Bad request parameters: ${errors.repr(BUILD_FORM_ORDER)}`);
  return { json: { message: 'It should be safe to submit a build like this' } };
}

// ---- build chroots ----

function buildChrootGet(ctx, [id, chroot]) {
  const p = params(ctx, ['build_id', 'chrootname'], { build_id: id, chrootname: chroot });
  const bc = ctx.store.getBuildChroot(p.build_id, p.chrootname);
  return { json: buildChrootToDict(ctx.store, ctx.store.getBuild(p.build_id), bc) };
}

/** apiv3_build_chroots.py BuildChrootList: an unknown build is an empty list, not a 404. */
function buildChrootList(ctx, [id]) {
  const pag = pagination(ctx);
  const p = params(ctx, ['build_id'], { build_id: id });
  const b = /^\d+$/.test(String(p.build_id).trim()) ? ctx.store.builds.get(Number(p.build_id)) : undefined;
  // For python3-copr <= 1.105: order=name is dropped (the default order, id, is used).
  const order = ctx.query.get('order') === 'name' ? { ...pag, order: 'id' } : pag;
  const items = b ? paginate(b.chroots, order, CHROOT_KEYS, CHROOT_PROPS, 'build_chroot') : [];
  return { json: { items: items.map((bc) => buildChrootToDict(ctx.store, b, bc)), meta: order } };
}

/** apiv3_build_chroots.py build_config (BuildConfigLogic), None values left out (skip_none). */
function buildChrootConfig(ctx, [id, chroot]) {
  const p = params(ctx, ['build_id', 'chrootname'], { build_id: id, chrootname: chroot });
  const bc = ctx.store.getBuildChroot(p.build_id, p.chrootname);
  const b = ctx.store.getBuild(p.build_id);
  const copr = b.copr;
  const active = activeChroots(ctx.store, copr).includes(bc.name);
  const repos = active ? [{ baseurl: `${repoUrl(ctx.store, copr)}/${bc.name}/`, id: 'copr_base', name: 'Copr repository', repo_gpgcheck: false }] : [];
  if (active && copr.module_hotfixes) repos[0].module_hotfixes = true;
  if (active && copr.repo_priority !== null && copr.repo_priority !== 99) repos[0].priority = copr.repo_priority;
  const out = {
    additional_repos: [`copr://${fullName(copr)}`, ...copr.repos.split(/\s+/).filter(Boolean)],
    additional_packages: active ? [] : null,
    with_opts: active ? [] : null,
    without_opts: active ? [] : null,
    enable_net: b.enable_net,
    is_background: b.is_background,
    memory_limit: b.memory_reqs,
    timeout: b.timeout,
    repos,
  };
  const bootstrap = b.bootstrap && b.bootstrap !== 'unchanged' ? b.bootstrap : copr.bootstrap;
  if (bootstrap && bootstrap !== 'default') out.bootstrap = bootstrap;
  for (const k of Object.keys(out)) if (out[k] === null) delete out[k];
  return { json: out };
}

function buildChrootBuiltPackages(ctx) {
  const p = params(ctx, ['build_id', 'chrootname']);
  const bc = ctx.store.getBuildChroot(p.build_id, p.chrootname);
  return { json: { packages: bc.results ?? [] } };
}

export { login };
