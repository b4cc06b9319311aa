// The service's data: users, mock chroots, projects, builds, build chroots, batches, and what the
// frontend derives from them (build state, finished, blocked, permissions), with the JSON the API v3
// returns for each. The rules are those of copr-frontend at 5d37cd83 (models.py, logic/*.py,
// views/apiv3_ns/*.py); the file and function are named where each rule is implemented.

import { HttpError, notFound } from './forms.mjs';

/** StatusEnum (common/copr_common/enums.py). */
export const STATES = ['failed', 'succeeded', 'canceled', 'running', 'pending', 'skipped', 'starting', 'importing', 'forked', 'waiting', 'unknown'];
/** helpers.py FINISHED_STATES. */
export const FINISHED_STATES = ['succeeded', 'forked', 'canceled', 'skipped', 'failed'];

export const DEFAULT_MOCK_CHROOTS = [
  'fedora-41-x86_64',
  'fedora-41-aarch64',
  'fedora-41-i386',
  'fedora-42-x86_64',
  'fedora-42-aarch64',
  'fedora-rawhide-x86_64',
  'fedora-rawhide-aarch64',
  'epel-9-x86_64',
  'epel-9-aarch64',
];

export const DEFAULT_USERS = [
  { username: 'jdoe', login: 'jdoe-api-login', token: 'jdoe-api-token', groups: ['copr-team'] },
  { username: 'alice', login: 'alice-api-login', token: 'alice-api-token' },
  { username: 'admin', login: 'admin-api-login', token: 'admin-api-token', admin: true },
];
export const DEFAULT_GROUPS = [{ name: 'copr-team', fas_name: 'copr-team' }];

/** MockChroot.name is "{os_release}-{os_version}-{arch}". */
export function mockChroot(spec, rawhideVersion) {
  const s = typeof spec === 'string' ? { name: spec } : spec;
  const parts = s.name.split('-');
  if (parts.length < 3) throw new Error(`mock chroot name ${s.name} is not os_release-os_version-arch`);
  const arch = parts.pop();
  const os_version = parts.pop();
  const os_release = parts.join('-');
  const num = os_version === 'rawhide' ? String(rawhideVersion) : os_version;
  let dist = s.dist;
  const macros = { ...(s.macros ?? {}) };
  if (dist === undefined) {
    if (os_release === 'fedora') {
      dist = `.fc${num}`;
      macros.fedora ??= num;
    } else if (/^(epel|rhel|centos-stream|almalinux|rocky)/.test(os_release)) {
      dist = `.el${num}`;
      macros.rhel ??= num;
      if (os_release.startsWith('epel')) macros.epel ??= num;
    } else dist = '';
  }
  return { name: s.name, os_release, os_version, arch, comment: s.comment ?? '', active: s.active ?? true, dist, macros };
}

export class Store {
  constructor({ users = DEFAULT_USERS, groups = DEFAULT_GROUPS, mockChroots = DEFAULT_MOCK_CHROOTS, rawhideVersion = 44, baseUrl = '' } = {}) {
    this.baseUrl = baseUrl;
    this.users = users.map((u, i) => ({ id: i + 1, admin: false, groups: [], expired: false, ...u }));
    this.groups = groups.map((g, i) => ({ id: i + 1, ...g }));
    this.mockChroots = mockChroots.map((c) => mockChroot(c, rawhideVersion));
    this.projects = [];
    this.builds = new Map();
    this.batches = new Map();
    this.ids = { project: 0, build: 0, batch: 0, chroot: 0 };
  }

  activeMockChrootNames() {
    return this.mockChroots.filter((c) => c.active).map((c) => c.name);
  }
  mockChrootByName(name) {
    return this.mockChroots.find((c) => c.name === name) ?? null;
  }
  userByName(name) {
    return this.users.find((u) => u.username === name) ?? null;
  }
  groupByName(name) {
    return this.groups.find((g) => g.name === name) ?? null;
  }

  /** ComplexLogic.get_copr_by_owner (complex_logic.py): "@group" or user name, ObjectNotFound otherwise. */
  getCopr(ownername, projectname) {
    if (typeof ownername !== 'string' || typeof projectname !== 'string') throw notFound(`Project ${ownername}/${projectname} does not exist.`);
    if (ownername.startsWith('@')) {
      const group = this.groupByName(ownername.slice(1));
      if (!group) throw notFound(`Group ${ownername.slice(1)} does not exist.`);
      const c = this.projects.find((p) => !p.deleted && p.group === group.name && p.name === projectname);
      if (!c) throw notFound(`Project @${group.name}/${projectname} does not exist.`);
      return c;
    }
    const c = this.projects.find((p) => !p.deleted && !p.group && p.user === ownername && p.name === projectname);
    if (!c) throw notFound(`Project ${ownername}/${projectname} does not exist.`);
    return c;
  }

  /** ComplexLogic.get_build: an id that is not an integer is a missing build too. */
  getBuild(id) {
    const n = /^\s*\d+\s*$/.test(String(id)) ? Number(id) : NaN;
    const b = this.builds.get(n);
    if (!b) throw notFound(`Build ${id} does not exist.`);
    return b;
  }

  /** ComplexLogic.get_build_chroot. */
  getBuildChroot(buildId, chrootname) {
    const b = this.getBuild(buildId);
    const bc = b.chroots.find((c) => c.name === chrootname);
    if (bc) return bc;
    if (!this.mockChrootByName(chrootname)) throw notFound(`Chroot ${chrootname} does not exist`);
    throw notFound(`Build ${buildId} was not submitted to ${chrootname} chroot.`);
  }

  newProject(fields) {
    const p = {
      id: ++this.ids.project,
      name: fields.name,
      user: fields.user,
      group: fields.group ?? null,
      homepage: null,
      contact: null,
      description: '',
      instructions: '',
      repos: '',
      persistent: false,
      auto_prune: true,
      build_enable_net: false,
      unlisted_on_hp: false,
      bootstrap: 'default',
      isolation: 'default',
      follow_fedora_branching: true,
      module_hotfixes: false,
      appstream: false,
      packit_forge_projects_allowed: '',
      repo_priority: null,
      storage: 'backend',
      disable_createrepo: false,
      multilib: false,
      fedora_review: false,
      runtime_dependencies: '',
      delete_after_days: null,
      created_on: Math.floor(Date.now() / 1000),
      deleted: false,
      // CoprChroot rows in creation order; a disabled one stays with deleted: true.
      chroots: [],
      ...fields.attrs,
    };
    this.projects.push(p);
    return p;
  }

  newBatch() {
    const b = { id: ++this.ids.batch, blocked_by: null, builds: [] };
    this.batches.set(b.id, b);
    return b;
  }
}

export const ownerName = (copr) => (copr.group ? `@${copr.group}` : copr.user);
export const fullName = (copr) => `${ownerName(copr)}/${copr.name}`;
/** Copr.active_chroots: the project's enabled chroots whose mock chroot is active. */
export const activeChroots = (store, copr) => copr.chroots.filter((c) => !c.deleted && store.mockChrootByName(c.name)?.active).map((c) => c.name);
/** Copr.repo_url: BACKEND_BASE_URL/results/<owner>/<project>. */
export const repoUrl = (store, copr) => `${store.baseUrl}/results/${fullName(copr)}`;

/** models.User.can_build_in (no CoprPermission rows here: owner, group member, admin). */
export function canBuildIn(store, user, copr) {
  if (user.admin) return true;
  if (copr.group) {
    const g = store.groupByName(copr.group);
    return !!g && user.groups.includes(g.fas_name);
  }
  return copr.user === user.username;
}
/** models.User.can_edit (same without permissions). */
export function canEdit(store, user, copr) {
  if (!copr.group && copr.user === user.username) return true;
  if (user.admin) return true;
  if (copr.group) {
    const g = store.groupByName(copr.group);
    return !!g && user.groups.includes(g.fas_name);
  }
  return false;
}

/** Build.finished_early (models.py). */
export const finishedEarly = (b) => b.canceled || b.source_status === 'failed' || b.source_status === 'canceled';
/** BuildChroot.finished. */
export const chrootFinished = (b, bc) => finishedEarly(b) || FINISHED_STATES.includes(bc.status);
/** Build.finished: finished early, or every chroot finished (the source state when there are none). */
export function buildFinished(b) {
  if (finishedEarly(b)) return true;
  if (b.chroots.length === 0) return FINISHED_STATES.includes(b.source_status);
  return b.chroots.every((bc) => chrootFinished(b, bc));
}
/** Batch.finished: has builds, and all of them finished. */
export const batchFinished = (batch) => batch.builds.length > 0 && batch.builds.every(buildFinished);
/** Batch.blocked: the batch it waits for is blocked or not finished (a failed batch is finished). */
export function batchBlocked(batch) {
  if (!batch.blocked_by) return false;
  if (batchBlocked(batch.blocked_by)) return true;
  return !batchFinished(batch.blocked_by);
}
export const buildBlocked = (b) => !!b.batch && batchBlocked(b.batch);

/** Build.status / Build.state (models.py): the build's state derived from the source and chroot states. */
export function buildState(b) {
  if (b.canceled) return 'canceled';
  if (['starting', 'pending', 'running', 'importing', 'failed'].includes(b.source_status)) return b.source_status;
  const states = b.chroots.map((c) => c.status);
  if (states.length === 0) return 'waiting';
  for (const s of ['running', 'starting', 'pending', 'failed', 'succeeded', 'skipped', 'forked']) if (states.includes(s)) return s;
  if (states.includes('waiting')) return 'pending';
  return 'unknown';
}

/** Build.batching_user_error (models.py): why USER may not batch with this build, or null. */
export function batchingUserError(store, b, user, modify) {
  if (b.batch) {
    if (!modify) return null;
    if (batchFinished(b.batch)) return `Batch ${b.batch.id} is already finished`;
    // Batch.can_assign_builds: the user can build in one of the batch's projects.
    const projects = [...new Set(b.batch.builds.map((x) => x.copr))];
    if (b.batch.builds.length === 0 || projects.some((c) => canBuildIn(store, user, c))) return null;
    const names = projects.map(fullName);
    const label = names.length === 1 ? `project ${names[0]}` : `projects ${names.join(', ')}`;
    return `The batch ${b.batch.id} belongs to ${label}.  You are not allowed to build there, so you neither can edit the batch.`;
  }
  const base = `Build ${b.id} is not yet in any batch, and `;
  if (!canBuildIn(store, user, b.copr)) return `${base}user '${user.username}' doesn't have the build permissions in project '${fullName(b.copr)}' to create a new one`;
  if (buildFinished(b)) return `${base}new batch can not be created because the build has already finished`;
  return null;
}

// ---- JSON as the API returns it (to_dict + flask-restx marshalling: model fields, in model order) ----

/** apiv3_projects.py to_dict, marshalled by the Project model (projectname is not in the model). */
export function projectToDict(store, c) {
  const chroot_repos = {};
  for (const name of activeChroots(store, c)) chroot_repos[name] = `${repoUrl(store, c)}/${name}/`;
  return {
    name: c.name,
    persistent: c.persistent,
    additional_repos: c.repos.split(/\s+/).filter(Boolean),
    storage: c.storage,
    homepage: c.homepage,
    contact: c.contact,
    description: c.description,
    instructions: c.instructions,
    devel_mode: c.disable_createrepo,
    unlisted_on_hp: c.unlisted_on_hp,
    auto_prune: c.auto_prune,
    enable_net: c.build_enable_net,
    bootstrap: c.bootstrap,
    isolation: c.isolation,
    module_hotfixes: c.module_hotfixes,
    appstream: c.appstream,
    packit_forge_projects_allowed: c.packit_forge_projects_allowed.split(/\s+/).filter(Boolean),
    follow_fedora_branching: c.follow_fedora_branching,
    repo_priority: c.repo_priority,
    id: c.id,
    ownername: ownerName(c),
    full_name: fullName(c),
    chroot_repos,
  };
}

/** apiv3_builds.py to_dict, marshalled by the Build model. */
export function buildToDict(store, b) {
  const started = b.chroots.map((c) => c.started_on).filter((x) => x);
  const ended = b.chroots.length && b.chroots.every((c) => c.ended_on !== null) ? Math.max(...b.chroots.map((c) => c.ended_on)) : null;
  return {
    chroots: b.chroots.map((c) => c.name),
    ended_on: ended,
    id: b.id,
    is_background: b.is_background,
    ownername: ownerName(b.copr),
    project_dirname: b.copr.name,
    projectname: b.copr.name,
    repo_url: repoUrl(store, b.copr),
    started_on: started.length ? Math.min(...started) : null,
    state: buildState(b),
    submitted_on: b.submitted_on,
    submitter: b.user,
    source_package: { name: b.package_name, url: b.srpm_url, version: b.pkg_version },
  };
}

/** BuildChroot.result_dir_url: set once the backend started the chroot (result_dir known). */
export const chrootResultUrl = (store, b, bc) => (bc.result_dir ? `${store.baseUrl}/results/${fullName(b.copr)}/${bc.name}/${bc.result_dir}/` : null);

/** apiv3_build_chroots.py to_dict, marshalled by the BuildChroot model. */
export function buildChrootToDict(store, b, bc) {
  return { started_on: bc.started_on, ended_on: bc.ended_on, state: bc.status, name: bc.name, result_url: chrootResultUrl(store, b, bc) };
}

/** The source (SRPM) build's result URL (Build.result_dir_url). */
export const sourceResultUrl = (store, b) => (b.result_dir ? `${store.baseUrl}/results/${fullName(b.copr)}/srpm-builds/${b.result_dir}` : null);

/**
 * Sort and slice as apiv3_ns Paginator does: order by a database column (KEYS: column -> value of an
 * item), ASC/DESC, offset, limit. A model property that is no column, or an unknown name, is a 500.
 */
export function paginate(items, { limit, offset, order, order_type }, keys, props, table) {
  const col = order || 'id';
  if (!keys[col]) {
    if (props.includes(col)) throw new HttpError(500, `Cannot order by ${col}`);
    throw new HttpError(500, `Cannot order by ${col}, ${table} doesn't have such property`);
  }
  const sorted = [...items].sort((a, b) => cmp(keys[col](a), keys[col](b)));
  if (order_type === 'DESC') sorted.reverse();
  const start = offset || 0;
  return sorted.slice(start, limit ? start + limit : undefined);
}
function cmp(a, b) {
  if (a === b) return 0;
  // PostgreSQL sorts NULL last in ascending order.
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  return a < b ? -1 : 1;
}

export const BUILD_KEYS = {
  id: (b) => b.id,
  submitted_on: (b) => b.submitted_on,
  pkg_version: (b) => b.pkg_version,
  canceled: (b) => Number(b.canceled),
  is_background: (b) => Number(b.is_background),
  timeout: (b) => b.timeout,
  enable_net: (b) => Number(b.enable_net),
  memory_reqs: (b) => b.memory_reqs,
  source_status: (b) => STATUS_NUMBER[b.source_status],
  srpm_url: (b) => b.srpm_url,
  result_dir: (b) => b.result_dir,
  copr_id: (b) => b.copr.id,
  batch_id: (b) => b.batch?.id ?? null,
};
export const BUILD_PROPS = ['state', 'status', 'started_on', 'ended_on', 'min_started_on', 'max_ended_on', 'package_name', 'chroots', 'finished', 'submitter'];
export const CHROOT_KEYS = {
  id: (bc) => bc.id,
  status: (bc) => STATUS_NUMBER[bc.status],
  started_on: (bc) => bc.started_on,
  ended_on: (bc) => bc.ended_on,
  result_dir: (bc) => bc.result_dir,
  build_id: (bc) => bc.build_id,
};
export const CHROOT_PROPS = ['state', 'name', 'finished', 'result_dir_url', 'task_id'];
export const PROJECT_KEYS = {
  id: (c) => c.id,
  name: (c) => c.name,
  homepage: (c) => c.homepage,
  contact: (c) => c.contact,
  description: (c) => c.description,
  created_on: (c) => c.created_on,
  persistent: (c) => Number(c.persistent),
  auto_prune: (c) => Number(c.auto_prune),
  repo_priority: (c) => c.repo_priority,
};
export const PROJECT_PROPS = ['full_name', 'owner_name', 'repo_url', 'active_chroots', 'devel_mode', 'enable_net'];
/** StatusEnum's numbers (what the database sorts by). */
export const STATUS_NUMBER = { failed: 0, succeeded: 1, canceled: 2, running: 3, pending: 4, skipped: 5, starting: 6, importing: 7, forked: 8, waiting: 9, unknown: 1000 };
