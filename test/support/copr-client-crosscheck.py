#!/usr/bin/python3
"""Drive a Copr API v3 service with the OFFICIAL python client (python-copr, copr.v3).

Usage:
    GITOVERLAY_COPR_CLIENT=DIR /usr/bin/python3 test/support/copr-client-crosscheck.py URL \
        [--owner jdoe --login jdoe-api-login --token jdoe-api-token] [--project NAME] \
        [--chroot fedora-41-x86_64 ...] [--timeout 300] [--save-requests FILE]

DIR holds the client as `git -C <copr mirror> archive HEAD python | tar -x -C DIR` leaves it
(DIR/python/copr/v3), or a directory with copr/v3 in it. GITOVERLAY_COPR_CLIENT_COMMIT may name
the commit it comes from (recorded in the saved request log).

The client needs python3-requests, python3-munch, python3-requests-toolbelt and
python3-filelock (Debian package names): run it with the system Python that sees them.

What it does, all through the client: writes a copr config file ([copr-cli] login, username,
token, copr_url; encrypted = False since the local service is plain http) in a temporary
HOME, checks the API and the credentials, lists the mock chroots, creates a project (and reads,
edits and lists it), builds three SRPMs made here with rpmbuild -bs in two batches (the second
with with_build_id of the first, the third after_build_id of the first), waits for them,
cancels a fourth one while it is in progress, reads the build chroots, build configs, build
lists and built packages, and prints a JSON summary. With the local service
(test/support/copr-service.mjs) it also slows the fourth package down through the service's
test endpoint so the cancel happens mid-run, and --save-requests writes the service's request
log of the run (what the official client sent) to FILE.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request


def load_client():
    base = os.environ.get("GITOVERLAY_COPR_CLIENT")
    if not base:
        sys.exit("copr-client-crosscheck: set GITOVERLAY_COPR_CLIENT to the directory holding python-copr "
                 "(e.g. git -C <copr mirror> archive HEAD python | tar -x -C DIR)")
    for candidate in (os.path.join(base, "python"), base):
        if os.path.isdir(os.path.join(candidate, "copr", "v3")):
            sys.path.insert(0, candidate)
            break
    else:
        sys.exit("copr-client-crosscheck: no copr/v3 under {0}".format(base))
    try:
        import copr  # noqa: F401  pylint: disable=import-outside-toplevel
        from copr.v3 import Client  # pylint: disable=import-outside-toplevel
        from copr.v3.helpers import wait  # pylint: disable=import-outside-toplevel
        from copr.v3.exceptions import CoprException  # pylint: disable=import-outside-toplevel
    except ImportError as err:
        sys.exit("copr-client-crosscheck: the client does not import ({0}); it needs the Debian packages "
                 "python3-requests python3-munch python3-requests-toolbelt python3-filelock, "
                 "run with /usr/bin/python3".format(err))
    return copr, Client, wait, CoprException


SPEC = """Name: {name}
Version: {version}
Release: 1%{{?dist}}
Summary: A package for the Copr client cross-check
License: MIT
BuildArch: noarch

%description
{name}: built through the official Copr client.

%install
mkdir -p %{{buildroot}}%{{_datadir}}/{name}
echo {name} > %{{buildroot}}%{{_datadir}}/{name}/README

%files
%{{_datadir}}/{name}/README

%changelog
* Mon Jan 01 2024 Test <test@example.com> - {version}-1
- Test
"""


def make_srpm(work, name, version="1.0"):
    """rpmbuild -bs of a tiny noarch spec; returns the SRPM path."""
    top = os.path.join(work, "rpmbuild-" + name)
    os.makedirs(os.path.join(top, "SPECS"), exist_ok=True)
    spec = os.path.join(top, "SPECS", name + ".spec")
    with open(spec, "w", encoding="utf-8") as f:
        f.write(SPEC.format(name=name, version=version))
    subprocess.run(["rpmbuild", "-bs", "--define", "_topdir " + top, spec], check=True,
                   stdout=subprocess.DEVNULL, env=dict(os.environ, LC_ALL="C"))
    srpms = os.path.join(top, "SRPMS")
    return os.path.join(srpms, [f for f in os.listdir(srpms) if f.endswith(".src.rpm")][0])


def plain(munch):
    """A client result without the client's own __response__/__proxy__ entries."""
    return {k: v for k, v in dict(munch).items() if not k.startswith("__")}


def test_endpoint(url, path, body=None, method=None):
    """The local service's /__test__/ endpoints (not part of Copr); None when the service has none."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url + path, data=data, method=method or ("POST" if data else "GET"),
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return json.loads(res.read().decode())
    except Exception:  # pylint: disable=broad-except
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("url", help="the Copr frontend URL (copr_url), e.g. http://127.0.0.1:PORT")
    ap.add_argument("--owner", default="jdoe", help="the user name (config 'username'), owner of the project")
    ap.add_argument("--login", default="jdoe-api-login", help="the API login")
    ap.add_argument("--token", default="jdoe-api-token", help="the API token")
    ap.add_argument("--project", default="crosscheck", help="the project to create")
    ap.add_argument("--chroot", action="append", dest="chroots", help="a chroot to build in (repeatable)")
    ap.add_argument("--timeout", type=int, default=300, help="seconds to wait for the builds")
    ap.add_argument("--save-requests", metavar="FILE", help="write the service's request log of this run to FILE")
    args = ap.parse_args()
    url = args.url.rstrip("/")
    chroots = args.chroots or ["fedora-41-x86_64", "fedora-41-aarch64"]

    copr, Client, wait, CoprException = load_client()
    work = tempfile.mkdtemp(prefix="copr-crosscheck-")
    # The client's auth cache lives in ~/.cache/copr: keep it out of the real home.
    os.environ["HOME"] = work
    summary = {"url": url, "client_version": copr.__version__, "steps": []}
    step = lambda name, value: summary["steps"].append({"step": name, "result": value})  # noqa: E731
    has_test_endpoint = test_endpoint(url, "/__test__/faults") is not None
    if has_test_endpoint:
        test_endpoint(url, "/__test__/requests", method="DELETE")
    try:
        config = os.path.join(work, "copr.conf")
        with open(config, "w", encoding="utf-8") as f:
            f.write("[copr-cli]\nlogin = {0}\nusername = {1}\ntoken = {2}\ncopr_url = {3}\n"
                    "# the service is plain http: python-copr refuses http unless told so\nencrypted = False\n"
                    .format(args.login, args.owner, args.token, url))
        client = Client.create_from_config_file(config)

        step("home", plain(client.base_proxy.home()))
        step("auth_check", plain(client.base_proxy.auth_check()))
        step("mock_chroots", sorted(plain(client.mock_chroot_proxy.get_list())))

        project = client.project_proxy.add(
            args.owner, args.project, chroots=chroots[:1], description="cross-check of the local Copr service",
            instructions="none", unlisted_on_hp=True, enable_net=False)
        step("project_add", {"full_name": project.full_name, "chroot_repos": sorted(project.chroot_repos)})
        edited = client.project_proxy.edit(args.owner, args.project, chroots=chroots, description="edited")
        step("project_edit", {"description": edited.description, "chroot_repos": sorted(edited.chroot_repos)})
        again = client.project_proxy.add(args.owner, args.project, chroots=chroots, exist_ok=True)
        step("project_add_exist_ok", again.id == project.id)
        step("project_get", client.project_proxy.get(args.owner, args.project).full_name)
        step("project_list", [p.full_name for p in client.project_proxy.get_list(args.owner)])

        srpms = {n: make_srpm(work, n) for n in ("xc-alpha", "xc-beta", "xc-gamma", "xc-delta")}
        if has_test_endpoint:
            # Slow the fourth package down (in the service, not in Copr) so it is canceled mid-run.
            test_endpoint(url, "/__test__/faults", {"packageDelays": {"xc-delta": {"running": 60000}}})
        opts = {"chroots": chroots, "timeout": 3600, "background": False, "enable_net": False,
                "isolation": "default", "bootstrap": "default"}
        alpha = client.build_proxy.create_from_file(args.owner, args.project, srpms["xc-alpha"], buildopts=dict(opts))
        beta = client.build_proxy.create_from_file(args.owner, args.project, srpms["xc-beta"],
                                                   buildopts=dict(opts, with_build_id=alpha.id))
        gamma = client.build_proxy.create_from_file(args.owner, args.project, srpms["xc-gamma"],
                                                    buildopts={"chroots": chroots, "after_build_id": alpha.id})
        delta = client.build_proxy.create_from_file(args.owner, args.project, srpms["xc-delta"],
                                                    buildopts={"chroots": chroots[:1]})
        step("submitted", {n: {"id": b.id, "state": b.state, "chroots": b.chroots}
                           for n, b in (("alpha", alpha), ("beta", beta), ("gamma", gamma), ("delta", delta))})

        # The batch rule, seen from the client: gamma stays pending while alpha's batch runs.
        gamma_waited = True
        deadline = time.time() + args.timeout
        while time.time() < deadline:
            # gamma first: had it started, alpha's batch would have finished before.
            g = client.build_proxy.get(gamma.id)
            a, b = client.build_proxy.get(alpha.id), client.build_proxy.get(beta.id)
            first_done = all(x.state in ("succeeded", "failed", "canceled", "skipped") for x in (a, b))
            if not first_done and g.state != "pending":
                gamma_waited = False
            if first_done:
                break
            time.sleep(0.5)
        step("gamma_waited_for_the_first_batch", gamma_waited)

        # Cancel delta once it runs (or whatever state it reached).
        for _ in range(240):
            d = client.build_proxy.get(delta.id)
            running = client.build_chroot_proxy.get(delta.id, chroots[0]).state == "running"
            if running or not has_test_endpoint:
                break
            time.sleep(0.5)
        canceled = client.build_proxy.cancel(delta.id)
        step("cancel", {"id": canceled.id, "state_before": d.state, "state_after": canceled.state})
        try:
            client.build_proxy.cancel(delta.id)
            step("cancel_again", "accepted")
        except CoprException as err:
            response = err.result.get("__response__")
            step("cancel_again", {"error": str(err), "status": response.status_code if response is not None else None})

        finished = wait([alpha, beta, gamma], interval=1, timeout=args.timeout)
        step("finished", {b.id: b.state for b in finished})
        builds = {b.id: b for b in finished}
        g, a = builds[gamma.id], builds[alpha.id]
        step("gamma_started_after_alpha_ended", bool(g.started_on and a.ended_on and g.started_on >= a.ended_on))

        bch = client.build_chroot_proxy.get(alpha.id, chroots[0])
        step("build_chroot", {"name": bch.name, "state": bch.state, "result_url": bch.result_url})
        step("build_chroot_list", [(c.name, c.state) for c in client.build_chroot_proxy.get_list(alpha.id)])
        config_ = client.build_chroot_proxy.get_build_config(alpha.id, chroots[0])
        step("build_config", {"repos": [r["id"] for r in config_.repos], "timeout": config_.timeout})
        step("built_packages", plain(client.build_proxy.get_built_packages(alpha.id)))
        step("build_list", sorted((b.id, b.state) for b in client.build_proxy.get_list(args.owner, args.project)))
        step("build_list_package", [b.id for b in client.build_proxy.get_list(args.owner, args.project,
                                                                              packagename="xc-beta")])
        try:
            client.build_proxy.get(999999)
        except CoprException as err:
            step("unknown_build", {"error": str(err)})
        try:
            client.project_proxy.get(args.owner, "no-such-project")
        except CoprException as err:
            step("unknown_project", {"error": str(err)})
        summary["ok"] = (gamma_waited and canceled.state == "canceled"
                         and all(builds[x.id].state == "succeeded" for x in (alpha, beta, gamma)))
    except CoprException as err:
        summary["ok"] = False
        summary["error"] = "{0}: {1}".format(type(err).__name__, err)
    finally:
        if has_test_endpoint:
            test_endpoint(url, "/__test__/faults", method="DELETE")
        shutil.rmtree(work, ignore_errors=True)

    if args.save_requests:
        log = test_endpoint(url, "/__test__/requests")
        if log is None:
            sys.exit("copr-client-crosscheck: --save-requests needs the local service's /__test__/requests")
        for entry in log:
            entry.pop("time", None)
        with open(args.save_requests, "w", encoding="utf-8") as f:
            json.dump({
                "about": ("What the official python-copr client sends, as test/support/copr-service.mjs "
                          "logged it during test/support/copr-client-crosscheck.py: one entry per request "
                          "(method, path, query, authenticated user, JSON body or multipart fields; files "
                          "as name, size and sha256 - the SRPMs are made afresh by each run, so their "
                          "sizes and digests differ between runs, and so do the multipart boundaries and the "
                          "number of polling GETs; build ids depend on the service's state)."),
                "client": {
                    "repository": "https://github.com/fedora-copr/copr",
                    "path": "python/copr",
                    "commit": os.environ.get("GITOVERLAY_COPR_CLIENT_COMMIT"),
                    "version": copr.__version__,
                    "user_agent": "copr python-copr/{0}".format(copr.__version__),
                },
                "requests": log,
            }, f, indent=2)
            f.write("\n")

    json.dump(summary, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")
    return 0 if summary.get("ok") else 1


if __name__ == "__main__":
    sys.exit(main())
