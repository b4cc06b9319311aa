#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Oracle: run the Module Build Service's (MBS, fm-orchestrator) own submission code
on a set of cases and print what it computes for each resulting module build:
version, context (with build_context / runtime_context / build_context_no_bms),
the expanded dependencies and xmd.mbs.

Usage (Debian's /usr/bin/python3 with python3-gi + gir1.2-modulemd-2.0):

    /usr/bin/python3 test/oracles/mbs/oracle.py --mbs DIR [--mbs-commit SHA] \
        [-o OUT.json] [CASES.json | -]

DIR holds fm-orchestrator's `module_build_service` package, e.g. made with
    git -C <fm-orchestrator.git> archive <commit> module_build_service | tar -x -C DIR
(or set GITOVERLAY_MBS_SRC=DIR). Nothing of fm-orchestrator is copied into this
repository; this script imports it from DIR at run time.

Debian packages needed besides python3-gi / gir1.2-modulemd-2.0:
    python3-sqlalchemy python3-solv python3-flask python3-dogpile.cache
    python3-prometheus-client python3-six python3-requests python3-munch python3-dnf
(koji, kobo and celery are not in Debian: they are replaced by the small fakes below.)

Input: {"cases": [case, ...]} (or a bare list). A case:
  name, description?     - labels
  document               - the module's modulemd YAML text (stream v1/v2, packager v2/v3)
  scmurl, commit         - the SCM URL MBS is given (…/<name>.git?#<commit>) and the full
                           commit hash the fake git knows
  branch?                - the branch (= module stream); default: the document's stream
  time                   - commit time (unix seconds or ISO 8601); the version is based on it
  available              - the module builds MBS's database holds, all "ready":
      {name, stream, version, context?="00000000", requires?: {module: [streams]},
       buildrequires?: {module: stream} (default: the platform stream it requires),
       filter?: [rpm names], rpms?: [built N-E:V-R], filtered_rpms?: [N-E:V-R] (both
       added to rpms and, by name, to filter), ref?, koji_tag?, virtual_streams?,
       xmd_mbs?: {extra xmd.mbs keys}}; base modules (platform) need none of the deps.
       Listed oldest first: MBS's "last build of a stream" is the most recently added.
  rpm_refs?              - {package or "package#branch": commit} heads of RPM component
                           branches (default: sha1("<repository>#<branch>"))
  params?                - extra submission API parameters (default_streams,
                           buildrequire_overrides, require_overrides, ...)
  config?                - MBS configuration overrides for this case, e.g.
                           {"stream_suffixes": {...}, "allow_only_compatible_base_modules": false}
  frontend?              - "fork" | "upstream-v3" (see below)
  expect_error?          - true when MBS is expected to refuse the case
Output: {"oracle": {...versions, command...}, "cases": [{name, frontend,
  submitted_version, db: [imported builds], builds: [...]} or {..., error}]}; each build:
  nsvc, version, context, static_context, build_context, runtime_context,
  build_context_no_bms, hash_inputs (the literal strings MBS hashes; checked here to
  hash to MBS's values), dependencies, xmd_mbs, modulemd (final YAML). Builds are
  sorted by (version, context).

What runs is MBS's code, in the order MBS runs it when a module build is
submitted from SCM and then picked up by the scheduler's `init` handler:

  web/submit.py   submit_module_build_from_scm
                    -> common/submit.py fetch_mmd (SCM checkout, name/stream checks,
                       version = commit time as %Y%m%d%H%M%S)
                    -> web/submit.py submit_module_build
                       (static contexts from xmd.mbs_options.contexts, validate_mmd,
                        dependency overrides, base module virtual streams,
                        web/mse.py generate_expanded_mmds [stream expansion,
                        common/resolve.py, libsolv MMDResolver, xmd.mbs.buildrequires,
                        context], get_prefixed_version, ModuleBuild.create,
                        ModuleBuild.contexts_from_mmd)
  scheduler/handlers/modules.py init (only these steps of it, in its order):
                    scheduler/default_modules.py add_default_modules
                    scheduler/submit.py format_mmd (xmd.mbs.scmurl/commit/rpms refs,
                                                    component defaults)
                    scheduler/submit.py record_filtered_rpms (xmd.mbs.buildrequires.*.filtered_rpms)
  (record_module_build_arches, record_component_builds, the ursine/collision
   handling and the Koji/mock work of the handler are not run: they do not change
   version, context, dependencies or the xmd.mbs fields reported here.)

The module builds MBS's database would hold ("available") are put into a real
SQLite database with MBS's own SQLAlchemy models, through MBS's own import
function (common/utils.py import_mmd, what `mbs-manager import_module` uses), so
the resolver queries (resolver/DBResolver.py) are MBS's own, unmodified.

Packager v3 documents: the fm-orchestrator commit available here (3.4.1+, Nov 2020)
predates MBS's packager-v3 support. Its load_mmd reads a v3 document through
libmodulemd's ModuleStream.read_string, which (libmodulemd 2.14) merges the
configurations into one stream v2 with one dependencies entry per configuration
and drops their contexts. A newer fm-orchestrator web/submit.py
(process_module_context_configuration, seen in a stored copy of the same fork
that is not reachable as a git commit) instead converts the document with
libmodulemd's PackagerV3.convert_to_index(), marks every stream static_context,
removes base modules from the runtime requires and submits each stream with
static_context=True. Case option "frontend":
  "fork"        - the pinned commit alone (default for everything but packager v3);
  "upstream-v3" - (default for packager v3) the newer front-end step transcribed in
                  `_upstream_v3_streams` below (the only submission step here that
                  is not fm-orchestrator's code), each stream then going through the
                  pinned commit's submit_module_build with
                  generate_expanded_mmds(static_context=True), as the newer
                  submit_module_build calls it.

Fakes, each the smallest the code paths need (nothing else is patched):
  * package `module_build_service/__init__.py` is not executed: it only builds the
    Flask web app, a Flask-SQLAlchemy `db` and imports the HTTP views (LDAP/auth...).
    A stand-in module provides `db` (a declarative base + the sqlalchemy names
    Flask-SQLAlchemy re-exports), `get_url_for`, `api_version`, `version`; its
    __path__ is the real package directory, so every submodule is MBS's own file.
  * pkg_resources entry points (normally from MBS's installed egg-info): resolver
    "db" = MBS's DBResolver; messaging "oracle_null" (and "fedmsg", the built-in
    default Config validates first) = a backend whose publish() drops the message
    (no fedmsg/moksha bus); builder "koji" = FakeKojiBuilder,
    whose get_built_rpms_in_module_build returns the case's RPM list for a module
    build (the real one asks a Koji hub for the RPMs tagged into the module's tag).
  * python modules `koji` (BUILD_STATES constants, GenericError), `kobo.rpmlib`
    (parse_nvr/make_nvr, used by record_filtered_rpms to get the name of an NVR)
    and `celery` (the scheduler package builds a Celery app at import time).
  * `git`: common/scm.py runs git through SCM._run_without_retry; it is replaced by
    a fake that answers the few commands MBS runs (clone -> a directory holding the
    case document as <name>.yaml; checkout; show -s --format=%ct -> the case time;
    branch -r --contains -> the case branch; ls-remote -> a branch's head for RPM
    components; clone --bare + rev-parse -> the case commit). All of SCM's own
    logic (URL parsing, time -> version, ref resolution) runs.
  * libsolv (python3-solv): Debian's build defaults pools to Debian dependency
    semantics, Fedora's (where MBS runs) to RPM; solv.Pool is made to start every
    pool with setdisttype(DISTTYPE_RPM), which is what MBS's MMDResolver expects.
  * common/monitor.py db_hook_event_listeners (Prometheus counters of database
    errors) is a no-op: it listens to an event SQLAlchemy 1.4 no longer has.
  * configuration: an MBS config file (MBS_CONFIG_FILE) with a section that only
    sets the SQLite URL, the messaging backend, SCMURLS, and any per-case "config".
"""
from __future__ import print_function

import argparse
import calendar
import contextlib
import datetime
import hashlib
import io
import json
import os
import platform as _platform
import re
import shlex
import shutil
import sys
import tempfile
import types
from collections import OrderedDict

_REAL_STDOUT = sys.stdout

# ----------------------------------------------------------------------------------------
# case state read by the fakes
# ----------------------------------------------------------------------------------------
STATE = {"case": None, "built_rpms": {}}


def _sha1(text):
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


# ----------------------------------------------------------------------------------------
# fakes installed before MBS is imported
# ----------------------------------------------------------------------------------------
def _install_python_module_fakes():
    # --- koji: only constants and the exception class are touched on these paths.
    koji = types.ModuleType("koji")
    koji.BUILD_STATES = {"BUILDING": 0, "COMPLETE": 1, "DELETED": 2, "FAILED": 3, "CANCELED": 4}
    koji.BUILD_STATES.update({v: k for k, v in list(koji.BUILD_STATES.items())})

    class GenericError(Exception):
        pass

    koji.GenericError = GenericError
    koji.ClientSession = None
    koji.read_config = None
    sys.modules["koji"] = koji

    # --- kobo.rpmlib: record_filtered_rpms uses parse_nvr(nvr)["name"].
    kobo = types.ModuleType("kobo")
    rpmlib = types.ModuleType("kobo.rpmlib")

    def parse_nvr(nvr):
        epoch = ""
        m = re.match(r"^(\d+):(.*)$", nvr)  # E:N-V-R
        if m:
            epoch, nvr = m.group(1), m.group(2)
        rel_dash = nvr.rfind("-")
        ver_dash = nvr.rfind("-", 0, rel_dash)
        if rel_dash <= 0 or ver_dash <= 0:
            raise ValueError("Invalid NVR: %s" % nvr)
        name, version, release = nvr[:ver_dash], nvr[ver_dash + 1:rel_dash], nvr[rel_dash + 1:]
        if ":" in version:  # N-E:V-R
            epoch, version = version.split(":", 1)
        return {"name": name, "epoch": epoch, "version": version, "release": release}

    def make_nvr(nvr, add_epoch=False, force_epoch=False):
        head = nvr["name"] + "-"
        if force_epoch or (add_epoch and nvr.get("epoch")):
            head += "%s:" % (nvr.get("epoch") or 0)
        return head + "%s-%s" % (nvr["version"], nvr["release"])

    rpmlib.parse_nvr = parse_nvr
    rpmlib.make_nvr = make_nvr
    kobo.rpmlib = rpmlib
    sys.modules["kobo"] = kobo
    sys.modules["kobo.rpmlib"] = rpmlib

    # --- celery: module_build_service/scheduler/__init__.py builds an app at import.
    celery = types.ModuleType("celery")

    class _Conf(dict):
        def update(self, *a, **kw):
            dict.update(self, *a, **kw)

    class _Signal(object):
        def connect(self, fn=None, **kw):
            return fn if fn is not None else (lambda f: f)

    class Celery(object):
        def __init__(self, *a, **kw):
            self.conf = _Conf()
            self.on_after_finalize = _Signal()

        def task(self, *a, **kw):
            if a and callable(a[0]) and not kw:
                return a[0]
            return lambda f: f

    celery.Celery = Celery
    sys.modules["celery"] = celery

    # --- libsolv: Debian builds libsolv with Debian dependency semantics as the pool
    # default; Fedora/RHEL, where MBS runs, build it for RPM. With Debian semantics
    # rich dependencies print as "a + b" / "a & b" instead of "(a with b)" /
    # "(a and b)", which web/mmd_resolver.py parses back, so no combination would ever
    # be found. New pools are therefore switched to RPM semantics (DISTTYPE_RPM).
    import solv

    debian_pool = solv.Pool

    class RpmPool(debian_pool):
        def __init__(self, *a, **kw):
            debian_pool.__init__(self, *a, **kw)
            self.setdisttype(debian_pool.DISTTYPE_RPM)

    solv.Pool = RpmPool


class _NullMessaging(object):
    """A messaging backend (see common/messaging.py) that drops every message."""

    @staticmethod
    def publish(topic, msg, conf, service):
        return None


def _fakes_getattr(name):
    if name != "FakeKojiBuilder":
        raise AttributeError(name)
    # module_build_service/builder/__init__.py has imported builder/base.py by now
    from module_build_service.builder.base import GenericBuilder

    class FakeKojiBuilder(GenericBuilder):
        """Builder backend "koji"; only get_built_rpms_in_module_build is used
        (by scheduler/submit.py record_filtered_rpms). The real one lists the RPMs
        tagged into the module build's Koji tag; this one returns the case's list."""
        backend = "koji"

        @classmethod
        def get_built_rpms_in_module_build(cls, mmd):
            nsvc = "%s:%s:%s:%s" % (mmd.get_module_name(), mmd.get_stream_name(),
                                    mmd.get_version(), mmd.get_context())
            return list(STATE["built_rpms"].get(nsvc, []))

    sys.modules["mbs_oracle_fakes"].FakeKojiBuilder = FakeKojiBuilder
    return FakeKojiBuilder


def _install_fake_distribution(mbs_dir):
    import pkg_resources

    fakes = types.ModuleType("mbs_oracle_fakes")
    fakes.NULL_MESSAGING = {
        "publish": _NullMessaging.publish,
        "parser": None,
        "services": [],
        "topic_suffix": ".",
    }
    fakes.__getattr__ = _fakes_getattr  # FakeKojiBuilder is made when MBS asks for it
    sys.modules["mbs_oracle_fakes"] = fakes

    dist = pkg_resources.Distribution(
        project_name="module-build-service", version="0+oracle", location=mbs_dir)
    dist._ep_map = pkg_resources.EntryPoint.parse_map({
        "mbs.resolver_backends": [
            "db = module_build_service.resolver.DBResolver:DBResolver",
        ],
        # Config() validates its built-in default "fedmsg" before our section switches
        # to "oracle_null", so that name must resolve too (to the same null backend).
        "mbs.messaging_backends": [
            "oracle_null = mbs_oracle_fakes:NULL_MESSAGING",
            "fedmsg = mbs_oracle_fakes:NULL_MESSAGING",
        ],
        "mbs.builder_backends": [
            "koji = mbs_oracle_fakes:FakeKojiBuilder",
        ],
    }, dist)
    pkg_resources.working_set.add(dist)
    return fakes


def _install_fake_package(mbs_dir):
    """Stand-in for module_build_service/__init__.py (Flask app + Flask-SQLAlchemy db)."""
    import sqlalchemy
    import sqlalchemy.orm
    from sqlalchemy.ext.declarative import declarative_base

    class _DB(object):
        def __init__(self):
            self.Model = declarative_base()

        def Table(self, name, *args, **kwargs):
            return sqlalchemy.Table(name, self.Model.metadata, *args, **kwargs)

        def __getattr__(self, name):
            for mod in (sqlalchemy, sqlalchemy.orm):
                if hasattr(mod, name):
                    return getattr(mod, name)
            raise AttributeError(name)

    pkg = types.ModuleType("module_build_service")
    pkg.__path__ = [os.path.join(mbs_dir, "module_build_service")]
    pkg.__file__ = os.path.join(mbs_dir, "module_build_service", "__init__.py")
    pkg.db = _DB()
    pkg.api_version = 2
    pkg.version = "oracle"
    pkg.app = None
    pkg.get_url_for = lambda *a, **kw: "/oracle-no-url"
    sys.modules["module_build_service"] = pkg
    return pkg


def _write_config(workdir):
    path = os.path.join(workdir, "mbs_oracle_config.py")
    with open(path, "w") as f:
        f.write(
            "class OracleConfiguration(object):\n"
            "    SQLALCHEMY_DATABASE_URI = %r\n"
            "    MESSAGING = 'oracle_null'\n"
            "    SYSTEM = 'koji'\n"
            "    RESOLVER = 'db'\n"
            "    LOG_LEVEL = %r\n"
            "    SCMURLS = ['https://', 'http://', 'git://', 'git+https://', 'ssh://']\n"
            % ("sqlite:///" + os.path.join(workdir, "mbs.db"),
               os.environ.get("MBS_ORACLE_LOG_LEVEL", "warning"))
        )
    os.environ["MBS_CONFIG_FILE"] = path
    os.environ["MBS_CONFIG_SECTION"] = "OracleConfiguration"


# ----------------------------------------------------------------------------------------
# fake git for common/scm.py
# ----------------------------------------------------------------------------------------
def _fake_git(cmd, chdir=None, log_stdout=False):
    from module_build_service.common.errors import UnprocessableEntity

    case = STATE["case"]
    if not cmd or cmd[0] != "git":
        raise UnprocessableEntity("oracle fake: unexpected command %r" % (cmd,))
    args = cmd[1:]
    out = b""
    if args[:3] == ["clone", "-q", "--no-checkout"]:
        sourcedir = args[4]
        if not os.path.isabs(sourcedir) and chdir:
            sourcedir = os.path.join(chdir, sourcedir)
        os.makedirs(sourcedir)
        name = os.path.basename(sourcedir.rstrip("/"))
        with io.open(os.path.join(sourcedir, name + ".yaml"), "w", encoding="utf-8") as f:
            f.write(case["document"])
    elif args[:2] == ["checkout", "-q"]:
        if args[2] != case["commit"]:
            raise UnprocessableEntity(
                "Failed on %r, retcode 1, out b'', err b\"error: pathspec '%s' did not match "
                "any file(s) known to git.\\n\"" % (cmd, args[2]))
    elif args == ["show", "-s", "--format=%ct"]:
        out = ("%d\n" % case["_epoch"]).encode("ascii")
    elif args[:3] == ["branch", "-r", "--contains"]:
        out = ("  origin/%s\n" % case["_branch"]).encode("utf-8")
    elif args[:2] == ["ls-remote", "--exit-code"]:
        repository, ref = args[2], args[3][len("refs/heads/"):]
        if re.match(r"^[0-9a-f]{7,40}$", ref):
            raise UnprocessableEntity("Failed on %r, retcode 2" % (cmd,))
        out = ("%s\trefs/heads/%s\n" % (_branch_head(repository, ref), ref)).encode("utf-8")
    elif args[:2] == ["clone", "-q"] and "--bare" in args:
        pass
    elif args[:1] == ["rev-parse"]:
        ref = args[1]
        full = case["commit"] if case["commit"].startswith(ref) else None
        if full is None:
            for h in (case.get("rpm_refs") or {}).values():
                if h.startswith(ref):
                    full = h
        if full is None:
            if re.match(r"^[0-9a-f]{40}$", ref):
                full = ref
            else:
                raise UnprocessableEntity("Failed on %r, retcode 128" % (cmd,))
        out = (full + "\n").encode("ascii")
    else:
        raise UnprocessableEntity("oracle fake: unhandled git command %r" % (cmd,))
    return 0, out, b""


def _branch_head(repository, ref):
    """Head commit of branch `ref` of an RPM component repository.

    Given by the case as rpm_refs[<package>] (package = last path element of the
    repository URL, without .git) or rpm_refs["<package>#<ref>"]; otherwise a made-up
    but deterministic sha1 of "<repository>#<ref>"."""
    refs = STATE["case"].get("rpm_refs") or {}
    pkg = repository.rstrip("/").rsplit("/", 1)[-1]
    if pkg.endswith(".git"):
        pkg = pkg[:-4]
    for key in ("%s#%s" % (pkg, ref), pkg):
        if key in refs:
            return refs[key]
    return _sha1("%s#%s" % (repository, ref))


# ----------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------
def _epoch(value):
    if isinstance(value, (int, float)):
        return int(value)
    s = str(value).strip()
    if re.match(r"^\d+$", s):
        return int(s)
    s = s.replace("Z", "+00:00")
    dt = datetime.datetime.fromisoformat(s)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return int(calendar.timegm(dt.utctimetuple()))


def _deps_json(mmd):
    out = []
    for deps in mmd.get_dependencies():
        out.append(OrderedDict([
            ("buildrequires", OrderedDict(
                (n, list(deps.get_buildtime_streams(n))) for n in sorted(deps.get_buildtime_modules()))),
            ("requires", OrderedDict(
                (n, list(deps.get_runtime_streams(n))) for n in sorted(deps.get_runtime_modules()))),
        ]))
    return out


def _doc_kind(text):
    m_doc = re.search(r"^document:\s*['\"]?([\w-]+)", text, re.M)
    m_ver = re.search(r"^version:\s*['\"]?(\d+)", text, re.M)
    return (m_doc.group(1) if m_doc else None, int(m_ver.group(1)) if m_ver else None)


# ----------------------------------------------------------------------------------------
# the oracle proper
# ----------------------------------------------------------------------------------------
class Oracle(object):
    def __init__(self, mbs_dir, workdir):
        self.mbs_dir = mbs_dir
        self.workdir = workdir
        sys.path.insert(0, mbs_dir)
        os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
        _install_python_module_fakes()
        fakes = _install_fake_distribution(mbs_dir)
        _write_config(workdir)
        _install_fake_package(mbs_dir)

        import gi
        gi.require_version("Modulemd", "2.0")
        from gi.repository import Modulemd
        self.Modulemd = Modulemd

        import module_build_service as pkg
        from module_build_service.common import conf, models
        from module_build_service.common import scm as scm_mod
        from module_build_service.common.utils import import_mmd, mmd_to_str, load_mmd
        # common/monitor.py hooks Prometheus counters to the engine's "dbapi_error"
        # event, which SQLAlchemy 1.4 (Debian bookworm) no longer has; the hook only
        # counts database errors, so it is replaced by a no-op.
        import module_build_service.common.monitor as monitor
        monitor.db_hook_event_listeners = lambda engine: None
        from module_build_service.scheduler.db_session import db_session, engine
        import module_build_service.web.submit as web_submit
        import module_build_service.scheduler.submit as sched_submit

        import module_build_service.builder  # noqa: F401  (registers the entry points)
        try:
            from module_build_service.scheduler.default_modules import add_default_modules
        except ImportError as e:  # python3-dnf missing
            add_default_modules = None
            self.add_default_modules_error = str(e)
        self.add_default_modules = add_default_modules

        scm_mod.SCM._run_without_retry = staticmethod(_fake_git)

        self.pkg = pkg
        self.conf = conf
        self.models = models
        self.import_mmd = import_mmd
        self.mmd_to_str = mmd_to_str
        self.load_mmd = load_mmd
        self.db_session = db_session
        self.engine = engine
        self.web_submit = web_submit
        self.sched_submit = sched_submit
        self.scm_mod = scm_mod
        self._conf_defaults = {}

    # -- database ------------------------------------------------------------------------
    def _reset_db(self):
        self.db_session.remove()
        meta = self.pkg.db.Model.metadata
        meta.drop_all(self.engine)
        meta.create_all(self.engine)

    def _apply_config(self, overrides):
        for key, value in self._conf_defaults.items():
            setattr(self.conf, key, value)
        self._conf_defaults = {}
        for key, value in (overrides or {}).items():
            self._conf_defaults[key] = getattr(self.conf, key)
            setattr(self.conf, key, value)

    def _import_available(self, available):
        Modulemd = self.Modulemd
        base_names = self.conf.base_module_names
        imported = {}
        pending = list(available)
        order = []
        # base modules first, then anything whose buildrequires are already imported
        while pending:
            progressed = False
            for entry in list(pending):
                brs = self._entry_buildrequires(entry)
                if entry["name"] not in base_names and not all(
                        any(k.startswith("%s:%s:" % (n, s)) for k in imported) for n, s in brs.items()):
                    continue
                if entry["name"] not in base_names and any(
                        e["name"] in base_names for e in pending if e is not entry):
                    continue
                pending.remove(entry)
                progressed = True
                order.append(entry)
                imported["%s:%s:%s:%s" % (entry["name"], entry["stream"], entry["version"],
                                          entry.get("context", "00000000"))] = entry
            if not progressed:
                raise ValueError("available: cannot order %r (missing buildrequires?)"
                                 % [e["name"] + ":" + e["stream"] for e in pending])

        result = []
        for entry in order:
            name, stream = entry["name"], entry["stream"]
            version = int(entry["version"])
            context = entry.get("context", "00000000")
            mmd = Modulemd.ModuleStreamV2.new(name, stream)
            mmd.set_version(version)
            mmd.set_context(context)
            mmd.set_summary(entry.get("summary", "%s module" % name))
            mmd.set_description(entry.get("description", "The %s module." % name))
            mmd.add_module_license("MIT")
            brs = self._entry_buildrequires(entry)
            reqs = entry.get("requires") or {}
            if brs or reqs:
                deps = Modulemd.Dependencies()
                for n, s in sorted(brs.items()):
                    deps.add_buildtime_stream(n, s)
                for n, streams in sorted(reqs.items()):
                    if not streams:
                        deps.set_empty_runtime_dependencies_for_module(n)
                    for s in streams:
                        deps.add_runtime_stream(n, s)
                mmd.add_dependencies(deps)
            filtered = list(entry.get("filtered_rpms") or [])
            filter_names = list(entry.get("filter") or [])
            for nvr in filtered:
                filter_names.append(sys.modules["kobo.rpmlib"].parse_nvr(nvr)["name"])
            for n in sorted(set(filter_names)):
                mmd.add_rpm_filter(n)
            nsvc = "%s:%s:%s:%s" % (name, stream, version, context)
            STATE["built_rpms"][nsvc] = sorted(set(list(entry.get("rpms") or []) + filtered))

            xmd_mbs = {
                "mse": True,
                "commit": entry.get("ref") or _sha1("commit of " + nsvc),
                "koji_tag": entry.get("koji_tag") or (
                    "module-%s-build" % stream if name in base_names
                    else "module-%s-%s-%s-%s" % (name, stream, version, context)),
                "buildrequires": {},
            }
            for n, s in sorted(brs.items()):
                cands = [imported[k] for k in imported if k.startswith("%s:%s:" % (n, s))]
                cands.sort(key=lambda e: int(e["version"]))
                dep = cands[-1]
                xmd_mbs["buildrequires"][n] = {
                    "stream": s, "version": str(dep["version"]),
                    "context": dep.get("context", "00000000"),
                    "ref": dep.get("ref") or _sha1("commit of %s:%s:%s:%s" % (
                        n, s, int(dep["version"]), dep.get("context", "00000000"))),
                    "koji_tag": dep.get("koji_tag") or "module-%s-build" % s,
                    "filtered_rpms": [],
                }
            if entry.get("virtual_streams"):
                xmd_mbs["virtual_streams"] = list(entry["virtual_streams"])
            for k, v in (entry.get("xmd_mbs") or {}).items():
                xmd_mbs[k] = v
            xmd = {"mbs": xmd_mbs}
            mmd.set_xmd(xmd)
            build, _ = self.import_mmd(self.db_session, mmd)
            result.append(OrderedDict([
                ("nsvc", nsvc),
                ("stream_version", build.stream_version),
                ("buildrequires", sorted(
                    "%s:%s:%s:%s" % (b.name, b.stream, b.version, b.context)
                    for b in build.buildrequires)),
                ("virtual_streams", sorted(v.name for v in build.virtual_streams)),
            ]))
        return result

    def _entry_buildrequires(self, entry):
        if entry["name"] in self.conf.base_module_names:
            return {}
        if "buildrequires" in entry:
            return dict(entry["buildrequires"])
        for bm in self.conf.base_module_names:
            streams = (entry.get("requires") or {}).get(bm)
            if streams:
                return {bm: streams[0]}
        return {}

    # -- newer fm-orchestrator front-end for packager v3 (see module docstring) ------------
    def _upstream_v3_streams(self, scm, text):
        """Transcription of the packager-v3 branch of a newer fm-orchestrator
        web/submit.py process_module_context_configuration(); not part of the
        pinned commit. Name/stream default to the SCM name/branch, as fetch_mmd
        does for stream documents."""
        Modulemd = self.Modulemd
        packager = Modulemd.read_packager_string(text)
        if packager.get_mdversion() != 3:
            raise ValueError("upstream-v3 front-end needs a modulemd-packager v3 document")
        if not packager.get_module_name():
            packager.set_module_name(scm.name)
        if not packager.get_stream_name():
            packager.set_stream_name(scm.branch)
        streams = packager.convert_to_index().search_streams()
        for stream in streams:
            if not stream.is_static_context():
                stream.set_static_context()
            deps = stream.get_dependencies()
            modules = deps[0].get_runtime_modules()
            keep = [(m, deps[0].get_runtime_streams(m)[0]) for m in modules
                    if m not in self.conf.base_module_names]
            deps[0].clear_runtime_dependencies()
            for m, s in keep:
                deps[0].add_runtime_stream(m, s)
        return streams

    # -- one case ------------------------------------------------------------------------
    def run_case(self, case):
        case = dict(case)
        kind, ver = _doc_kind(case["document"])
        frontend = case.get("frontend") or (
            "upstream-v3" if (kind == "modulemd-packager" and ver == 3) else "fork")
        case["_epoch"] = _epoch(case["time"])
        branch = case.get("branch")
        if not branch:
            m = re.search(r"^\s*stream:\s*['\"]?([^'\"\s]+)", case["document"], re.M)
            branch = m.group(1) if m else "master"
        case["_branch"] = branch
        STATE["case"] = case
        STATE["built_rpms"] = {}
        self._reset_db()
        self._apply_config(case.get("config"))

        out = OrderedDict([("name", case["name"])])
        if case.get("description"):
            out["description"] = case["description"]
        out["frontend"] = frontend
        out["submitted_version"] = int(datetime.datetime.utcfromtimestamp(
            case["_epoch"]).strftime("%Y%m%d%H%M%S"))
        try:
            out["db"] = self._import_available(case.get("available") or [])
            params = {"scmurl": case["scmurl"], "branch": branch}
            params.update(case.get("params") or {})
            modules = self._submit(frontend, params)
            builds = [self._init_and_report(m) for m in modules]
            builds.sort(key=lambda b: (b["version"], b["context"]))
            out["builds"] = builds
        except Exception as e:  # MBS's own refusal is a result too
            self.db_session.rollback()
            out["error"] = OrderedDict([("type", type(e).__name__), ("message", str(e))])
        finally:
            self._apply_config(None)
        return out

    def _submit(self, frontend, params):
        ws = self.web_submit
        if frontend == "fork":
            return ws.submit_module_build_from_scm(self.db_session, "oracle", params)
        if frontend != "upstream-v3":
            raise ValueError("unknown frontend %r" % frontend)
        # The SCM part of fetch_mmd (checkout, branch check), with MBS's SCM class.
        scm = self.scm_mod.SCM(params["scmurl"], params["branch"], self.conf.scmurls)
        td = tempfile.mkdtemp(dir=self.workdir)
        try:
            scm.checkout(td)
            scm.verify()
            with io.open(scm.get_module_yaml(), encoding="utf-8") as f:
                text = f.read()
        finally:
            shutil.rmtree(td, ignore_errors=True)
        streams = self._upstream_v3_streams(scm, text)
        modules = []
        original = ws.generate_expanded_mmds

        def static_expansion(*args, **kwargs):
            # the newer submit_module_build passes static_context=True for v3 streams;
            # the pinned one passes its own (False) value by keyword, so override it.
            kwargs["static_context"] = True
            return original(*args, **kwargs)

        ws.generate_expanded_mmds = static_expansion
        try:
            for stream in streams:
                stream.set_version(int(scm.version))
                modules += ws.submit_module_build(self.db_session, "oracle", stream, params)
        finally:
            ws.generate_expanded_mmds = original
        return modules

    def _init_and_report(self, build):
        ss = self.sched_submit
        mmd = build.mmd()
        submitted_xmd = json.loads(json.dumps(mmd.get_xmd()))
        defaults_added = None
        if self.add_default_modules is not None:
            defaults_added = self.add_default_modules(mmd)
        ss.format_mmd(mmd, build.scmurl, build, self.db_session, {})
        mmd = ss.record_filtered_rpms(mmd)
        build.modulemd = self.mmd_to_str(mmd)
        self.db_session.commit()

        xmd_mbs = json.loads(json.dumps(mmd.get_xmd().get("mbs", {}), sort_keys=True))
        M = self.models.ModuleBuild
        brs = submitted_xmd["mbs"]["buildrequires"]
        bc_input = json.dumps(OrderedDict(sorted({d: i["stream"] for d, i in brs.items()}.items())))
        bcn_input = json.dumps(OrderedDict(sorted(
            {d: i["stream"] for d, i in brs.items() if d not in self.conf.base_module_names}.items())))
        req = {}
        for deps in mmd.get_dependencies():
            for n in deps.get_runtime_modules():
                req[n] = req.get(n, set()).union(deps.get_runtime_streams(n))
        rc_input = json.dumps(OrderedDict(sorted({d: sorted(s) for d, s in req.items()}.items())))
        computed = M.contexts_from_mmd(self.mmd_to_str(mmd))
        # self-check: the literal strings given in the report hash to MBS's values
        assert _sha1(bc_input) == build.build_context == computed.build_context, bc_input
        assert _sha1(bcn_input) == build.build_context_no_bms, bcn_input
        assert _sha1(rc_input) == build.runtime_context, rc_input
        ctx_input = "%s:%s" % (build.build_context, build.runtime_context)
        static = bool(submitted_xmd["mbs"].get("static_context"))
        if not static:
            assert _sha1(ctx_input)[:8] == build.context

        return OrderedDict([
            ("nsvc", "%s:%s:%s:%s" % (build.name, build.stream, build.version, build.context)),
            ("name", build.name),
            ("stream", build.stream),
            ("version", int(build.version)),
            ("context", build.context),
            ("static_context", static),
            ("build_context", build.build_context),
            ("runtime_context", build.runtime_context),
            ("build_context_no_bms", build.build_context_no_bms),
            ("hash_inputs", OrderedDict([
                ("build_context", bc_input),
                ("runtime_context", rc_input),
                ("build_context_no_bms", bcn_input),
                ("context", ctx_input),
            ])),
            ("dependencies", _deps_json(mmd)),
            ("default_modules_added", defaults_added),
            ("xmd_mbs", xmd_mbs),
            ("modulemd", build.modulemd),
        ])


def _debian_version(package):
    try:
        import subprocess
        return subprocess.check_output(
            ["dpkg-query", "-W", "-f=${Version}", package], stderr=subprocess.DEVNULL
        ).decode("utf-8").strip() or None
    except Exception:
        return None


def _detect_commit(mbs_dir):
    marker = os.path.join(mbs_dir, ".mbs-commit")
    if os.path.exists(marker):
        with open(marker) as f:
            return f.read().strip()
    return None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mbs", default=os.environ.get("GITOVERLAY_MBS_SRC"),
                    help="directory holding fm-orchestrator's module_build_service package")
    ap.add_argument("--mbs-commit", help="fm-orchestrator commit of DIR, recorded in the output "
                    "(default: DIR/.mbs-commit if present)")
    ap.add_argument("--mbs-source", help="where DIR came from (repository and `git describe`), "
                    "recorded in the output")
    ap.add_argument("-o", "--output", help="write the JSON here instead of stdout")
    ap.add_argument("--only", action="append", help="run only the named case(s)")
    ap.add_argument("cases", nargs="?", default="-", help="cases JSON file, or - for stdin")
    args = ap.parse_args(argv)
    if not args.mbs or not os.path.isdir(os.path.join(args.mbs, "module_build_service")):
        ap.error("--mbs DIR (or GITOVERLAY_MBS_SRC) must hold module_build_service/")
    mbs_dir = os.path.abspath(args.mbs)

    if args.cases == "-":
        data = json.load(sys.stdin)
    else:
        with io.open(args.cases, encoding="utf-8") as f:
            data = json.load(f)
    cases = data["cases"] if isinstance(data, dict) else data
    if args.only:
        cases = [c for c in cases if c["name"] in args.only]

    workdir = tempfile.mkdtemp(prefix="mbs-oracle-")
    try:
        # MBS logs to stderr; keep stdout for the JSON only.
        with contextlib.redirect_stdout(sys.stderr):
            oracle = Oracle(mbs_dir, workdir)
            results = [oracle.run_case(c) for c in cases]
        Modulemd = oracle.Modulemd
        import sqlalchemy
        report = OrderedDict([
            ("oracle", OrderedDict([
                ("tool", "test/oracles/mbs/oracle.py"),
                ("fm_orchestrator_commit", args.mbs_commit or _detect_commit(mbs_dir)),
                ("fm_orchestrator_source", args.mbs_source),
                ("packager_v3_frontend", "frontend 'upstream-v3': oracle.py _upstream_v3_streams, a "
                 "transcription of a newer fm-orchestrator web/submit.py "
                 "process_module_context_configuration (not in the pinned commit)"),
                ("database", "SQLite (file) with MBS's own SQLAlchemy models; production MBS uses "
                 "PostgreSQL"),
                ("libmodulemd", Modulemd.get_version()),
                ("python", _platform.python_version()),
                ("sqlalchemy", sqlalchemy.__version__),
                ("python3_solv", _debian_version("python3-solv")),
                ("command", " ".join(shlex.quote(a) for a in ["/usr/bin/python3"] + (
                    [os.path.relpath(os.path.abspath(sys.argv[0]))] + sys.argv[1:]
                    if argv is None else ["oracle.py"] + list(argv)))),
            ])),
            ("cases", results),
        ])
        text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
        if args.output:
            with io.open(args.output, "w", encoding="utf-8") as f:
                f.write(text)
        else:
            _REAL_STDOUT.write(text)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    wrong = [r["name"] for r in results
             if ("error" in r) != _expects_error(cases, r["name"])]
    if wrong:
        sys.stderr.write("cases whose MBS error/no-error differs from expect_error: %s\n"
                         % ", ".join(wrong))
        return 1
    return 0


def _expects_error(cases, name):
    for c in cases:
        if c["name"] == name:
            return bool(c.get("expect_error"))
    return False


if __name__ == "__main__":
    sys.exit(main())
