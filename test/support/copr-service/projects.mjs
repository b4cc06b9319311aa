// The API v3 general and project endpoints, as copr-frontend 5d37cd83 answers them
// (views/apiv3_ns/apiv3_general.py, apiv3_mock_chroots.py, apiv3_projects.py; forms.py CoprForm,
// CoprFormFactory; logic/coprs_logic.py CoprsLogic.add, CoprChrootsLogic.update_from_names).

import { badRequest, forbidden, formCompatible, FormErrors, isAbsent, looksLikeUrl, notFound, pyBool, pyInt, pyText, selectField, urlParts } from './forms.mjs';
import { canEdit, ownerName, paginate, PROJECT_KEYS, PROJECT_PROPS, projectToDict } from './model.mjs';
import { inputDict, pagination, params, requireUser } from './request.mjs';

// ---- general ----

export function home() {
  return { json: { version: 3 } };
}

/** apiv3_general.py AuthCheck: the user's to_dict() (serializable attributes id, name). */
export function authCheck(ctx) {
  const u = requireUser(ctx);
  return { json: { id: u.id, name: u.username } };
}

/** apiv3_mock_chroots.py: active mock chroots and their comments. */
export function mockChrootsList(ctx) {
  const out = {};
  for (const c of ctx.store.mockChroots) if (c.active) out[c.name] = c.comment ?? '';
  return { json: out };
}

// ---- projects ----

export function projectGet(ctx) {
  const p = params(ctx, ['ownername', 'projectname']);
  return { json: projectToDict(ctx.store, ctx.store.getCopr(p.ownername, p.projectname)) };
}

export function projectList(ctx) {
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
  const select = (k, choices) => selectField(data, errors, k, choices);
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
export async function projectAdd(ctx, [ownername]) {
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
export async function projectEdit(ctx, [ownername, projectname]) {
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
