// The API v3 routes, and the build and build-chroot endpoints, as copr-frontend 5d37cd83 answers
// them (views/apiv3_ns/*.py, forms.py, logic/*.py): the same URLs and methods, the same checks in
// the same order (so the same error wins when a request has several), the same JSON. Each handler
// names the frontend code it follows. The project endpoints are in projects.mjs.

import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { badRequest, expandChroots, fnmatch, forbidden, formCompatible, FormErrors, HttpError, isAbsent, notFound, pyInt, pyText, selectField, secureFilename, urlParts, pyBool } from './forms.mjs';
import {
  activeChroots,
  batchingUserError,
  BUILD_KEYS,
  BUILD_PROPS,
  buildChrootToDict,
  buildFinished,
  buildToDict,
  canBuildIn,
  CHROOT_KEYS,
  CHROOT_PROPS,
  fullName,
  ownerName,
  paginate,
  repoUrl,
  sourceResultUrl,
} from './model.mjs';
import { authCheck, home, mockChrootsList, projectAdd, projectEdit, projectGet, projectList } from './projects.mjs';
import { coprFromRequest, inputDict, pagination, params, requireUser } from './request.mjs';

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
  const select = (k, choices) => selectField(data, errors, k, choices);
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
  // tempfile.mkdtemp's name: "tmp" and 8 characters of [a-z0-9_].
  const tmp = `tmp${[...randomBytes(8)].map((x) => 'abcdefghijklmnopqrstuvwxyz0123456789_'[x % 37]).join('')}`;
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
