#!/usr/bin/python3
"""rdgo's own verdict on overlay.yml files, used as an oracle.

    rdgo-verdict.py --rdgo-src DIR OVERLAY...

Imports rpmdistro-gitoverlay's `rdgo` package from DIR (a checkout made
outside this repository; nothing of it is copied here) and, for each
overlay, runs rdgo's own `resolve` task (TaskResolve.run: load, expand
components, mirror, generate source snapshots, write snapshot.json) and
then its `build` task (TaskBuild.run) on the snapshot it produced, in a
throw-away work directory.

Only the I/O is stubbed:
  * every process rdgo would start (git, tar, cmp, createrepo_c, mock) goes
    through one fake `subprocess` layer: the arguments are checked the way
    subprocess itself checks them (so a non-string argument still raises
    TypeError), `git clone` makes a directory holding a minimal spec file,
    `git rev-parse`/`git describe` answer a made-up commit id, no submodules,
    mock succeeds;
  * MockChain.__init__ (reads the host's mock configuration) is skipped;
    its build loop runs;
  * the `mockbuild` module (host mock) is an empty stand-in;
  * PyYAML >= 6 makes `Loader` mandatory: rdgo's `yaml.load(f)` is given
    FullLoader (rdgo was written for PyYAML 3, whose default Loader resolves
    scalars the same way).
Everything that parses or checks the overlay is rdgo's own code.

Prints one JSON line per overlay:
  {file, verdict: ok|error, stage: resolve|build|null, error, line}
"""

import argparse
import builtins
import contextlib
import copy
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback
import types

REAL_SUBPROCESS_CALLS = (subprocess.check_call, subprocess.check_output,
                         subprocess.Popen, subprocess.call)

FAKE_SPEC = """Name: fake
Version: 1
Release: 1%{?dist}
Summary: stand-in spec written by rdgo-verdict.py
License: MIT
Source0: fake.tar.gz

%description
stand-in

%prep
%setup -q

%build

%install

%files

%changelog
* Thu Jan 01 1970 nobody <nobody@example.com> 1-1
- stand-in
"""


def _check_args(argv):
    # What subprocess.Popen does with each argument before exec:
    # TypeError("expected str, bytes or os.PathLike object, not int").
    if isinstance(argv, (str, bytes)):
        return [argv]
    out = []
    for a in argv:
        os.fsencode(a)
        out.append(os.fsdecode(a))
    return out


def _fake_sha(*parts):
    return hashlib.sha1(repr(parts).encode()).hexdigest()


class FakeProc(object):
    def __init__(self, stdout_lines=(), returncode=0):
        self.stdout = list(stdout_lines)
        self.returncode = returncode

    def wait(self):
        return self.returncode

    def communicate(self, *a, **k):
        return (b''.join(self.stdout), b'')


def _opt(argv, name):
    if name in argv:
        i = argv.index(name)
        if i + 1 < len(argv):
            return argv[i + 1]
    return None


def fake_check_call(argv, cwd=None, env=None, **kw):
    argv = _check_args(argv)
    prog = os.path.basename(argv[0])
    if prog == 'git':
        sub = [a for a in argv[1:] if not a.startswith('-')]
        if argv[1] == 'clone':
            dest = argv[-1]
            if cwd and not os.path.isabs(dest):
                dest = os.path.join(cwd, dest)
            os.makedirs(dest, exist_ok=True)
            if '--mirror' not in argv:
                # a checkout: upstream or dist-git, each with one spec file
                with open(os.path.join(dest, os.path.basename(dest) + '.spec'), 'w') as f:
                    f.write(FAKE_SPEC)
        # checkout, config, fetch, submodule: nothing to do
        return 0
    if prog == 'tar':
        out = argv[argv.index('-czf') + 1]
        with open(os.path.join(cwd or '.', out), 'wb'):
            pass
        return 0
    if prog == 'mock':
        if '--buildsrpm' in argv:
            resdir = _opt(argv, '--resultdir')
            os.makedirs(resdir, exist_ok=True)
            open(os.path.join(resdir, 'fake-1-1.src.rpm'), 'wb').close()
        return 0
    if prog in ('createrepo_c', 'cp', 'cmp', 'rpkg-prep-sources'):
        return 0
    raise RuntimeError('rdgo-verdict: unexpected command {0}'.format(argv))


def fake_check_output(argv, cwd=None, env=None, **kw):
    argv = _check_args(argv)
    if os.path.basename(argv[0]) == 'git':
        if argv[1] == 'rev-parse':
            return (_fake_sha(cwd, argv[2]) + '\n').encode()
        if argv[1] == 'describe':
            return (_fake_sha(cwd, argv[-1]) + '\n').encode()
        if argv[1] == 'config':
            return b'\n'
    raise RuntimeError('rdgo-verdict: unexpected command {0}'.format(argv))


def fake_popen(argv, *a, **kw):
    argv = _check_args(argv)
    prog = os.path.basename(argv[0])
    if prog == 'git' and 'submodule' in argv:
        return FakeProc([])
    if prog == 'mock':
        resdir = _opt(argv, '--resultdir')
        os.makedirs(resdir, exist_ok=True)
        with open(os.path.join(resdir, 'state.log'), 'w') as f:
            f.write('Start: build setup \nStart: rpmbuild \nFinish: rpmbuild \n')
        return FakeProc([], 0)
    raise RuntimeError('rdgo-verdict: unexpected command {0}'.format(argv))


def fake_call(argv, *a, **kw):
    argv = _check_args(argv)
    if os.path.basename(argv[0]) == 'cmp':
        return 1
    raise RuntimeError('rdgo-verdict: unexpected command {0}'.format(argv))


def install_stubs(rdgo_src):
    builtins.__dict__['DATADIR'] = '/nonexistent/share'
    builtins.__dict__['PKGLIBDIR'] = '/nonexistent/lib/rpmdistro-gitoverlay'
    mb = types.ModuleType('mockbuild')
    mb.util = types.ModuleType('mockbuild.util')
    sys.modules['mockbuild'] = mb
    sys.modules['mockbuild.util'] = mb.util

    import yaml
    real_load = yaml.load

    def load(stream, Loader=None):
        return real_load(stream, Loader=Loader or yaml.FullLoader)
    yaml.load = load

    sys.path.insert(0, os.path.abspath(rdgo_src))
    from rdgo import utils, task_resolve, task_build, mockchain, basetask_resolve

    subprocess.check_call = fake_check_call
    subprocess.check_output = fake_check_output
    subprocess.Popen = fake_popen
    subprocess.call = fake_call

    class NoHostMockChain(mockchain.MockChain):
        def __init__(self, root, local_repo, append_chroot_install=[]):
            # the real __init__ reads /usr/sbin/mock and /etc/mock (host I/O)
            self.root = root
            self.local_repo = local_repo
            self._uniqueext = 'mockchain-verdict'
            self._local_tmp_dir = tempfile.mkdtemp('mockchain')
            self._config_path = self._local_tmp_dir
            self._mockcfg_path = os.path.join(self._local_tmp_dir, 'root.cfg')
            if not os.path.exists(self.local_repo):
                os.makedirs(self.local_repo, mode=0o755)
            " ".join(append_chroot_install)  # as hackily_mutate_mock_config
            mockchain.createrepo(self.local_repo)
    task_build.MockChain = NoHostMockChain
    return task_resolve, task_build, basetask_resolve


class Tracker(object):
    """Which component rdgo was handling when it failed (for the line)."""

    def __init__(self, basetask_resolve, task_resolve):
        self.index = None
        self.where = None
        tracker = self
        B = basetask_resolve.BaseTaskResolve
        real_expand = B._expand_component
        real_expand_overlay = B._expand_overlay

        def _expand_overlay(self, *a, **k):
            tracker.where = 'expand'
            tracker.index = -1
            try:
                return real_expand_overlay(self, *a, **k)
            finally:
                pass

        def _expand_component(self, component):
            tracker.index += 1
            return real_expand(self, component)
        B._expand_overlay = _expand_overlay
        B._expand_component = _expand_component

        T = task_resolve.TaskResolve
        real_srcsnap = T._generate_srcsnap

        def _generate_srcsnap(self, component):
            if tracker.where != 'srcsnap':
                tracker.where = 'srcsnap'
                tracker.index = -1
            tracker.index += 1
            return real_srcsnap(self, component)
        T._generate_srcsnap = _generate_srcsnap

    def reset(self):
        self.index = None
        self.where = None


# ---- locating a line in the overlay -------------------------------------

def compose(path):
    import yaml
    try:
        with open(path) as f:
            return yaml.compose(f, Loader=yaml.SafeLoader)
    except Exception:
        return None


def mapping_get(node, key):
    import yaml
    if not isinstance(node, yaml.MappingNode):
        return None, None
    for k, v in node.value:
        if getattr(k, 'value', None) == key:
            return k, v
    return None, None


def rdgo_frames(exc, rdgo_src):
    """(function name, locals) of the traceback frames inside rdgo, outermost first."""
    out = []
    tb = exc.__traceback__
    src = os.path.abspath(rdgo_src)
    while tb is not None:
        f = tb.tb_frame
        if os.path.abspath(f.f_code.co_filename).startswith(src):
            out.append((f.f_code.co_name, f.f_locals))
        tb = tb.tb_next
    return out


COMPONENT_FUNCS = ('_expand_component', 'mirror', '_generate_srcsnap', '_generate_srcsnap_impl')


def line_of(node):
    return node.start_mark.line + 1


def locate(path, stage, err, exc, tracker, rdgo_src):
    import yaml
    if isinstance(exc, yaml.YAMLError):
        mark = getattr(exc, 'problem_mark', None) or getattr(exc, 'context_mark', None)
        return mark.line + 1 if mark else None
    root = compose(path)
    if root is None:
        return None
    if not isinstance(root, yaml.MappingNode):
        return line_of(root)  # the document itself is not a mapping
    frames = rdgo_frames(exc, rdgo_src)
    names = [n for n, _ in frames]
    msg = err
    keys_in_msg = []
    if isinstance(exc, KeyError) and exc.args:
        keys_in_msg.append(str(exc.args[0]))

    if 'require_key' in names:
        loc = dict(frames)['require_key']
        key = loc.get('key')
        parent = {'prefix': 'distgit', 'mock': 'root'}.get(key)
        if parent is not None:
            k, v = mapping_get(root, parent)
            if k is None:
                return None
            if not isinstance(v, yaml.MappingNode):
                return line_of(v)  # the value is of the wrong type
            ck, cv = mapping_get(v, key)
            return line_of(ck) if ck is not None else None  # missing: nowhere to point
        k, v = mapping_get(root, key)
        return line_of(k) if k is not None else None

    if stage == 'build':
        k, v = mapping_get(root, 'root')
        if k is not None and ('replace' in msg or 'mock' in msg):
            mk, mv = mapping_get(v, 'mock')
            return line_of(mk or k)
        return None

    if '_expand_srckey' in names and isinstance(exc, KeyError):
        # an alias entry without `name` (or the matched one without `url`)
        loc = dict(frames)['_expand_srckey']
        alias = loc.get('alias')
        aliases = loc.get('aliases')
        ak, av = mapping_get(root, 'aliases')
        if isinstance(av, yaml.SequenceNode) and isinstance(aliases, list):
            for i, a in enumerate(aliases):
                if a is alias and i < len(av.value):
                    return line_of(av.value[i])

    if any(n in COMPONENT_FUNCS for n in names) and tracker.index is not None and tracker.index >= 0:
        ck, comps = mapping_get(root, 'components')
        if not (isinstance(comps, yaml.SequenceNode) and tracker.index < len(comps.value)):
            return None
        comp = comps.value[tracker.index]
        if not isinstance(comp, yaml.MappingNode):
            return line_of(comp)
        dk, dv = mapping_get(comp, 'distgit')
        if 'component/distgit' in msg and isinstance(dv, yaml.MappingNode):
            for k, v in dv.value:
                if "key {0} ".format(getattr(k, 'value', '')) in msg:
                    return line_of(k)
        if 'patches action' in msg and isinstance(dv, yaml.MappingNode):
            pk, pv = mapping_get(dv, 'patches')
            if pk is not None:
                return line_of(pk)
        if 'mirror' in names:
            # a ref that is not a string reaches `git rev-parse`
            ref = dict(frames)['mirror'].get('branch_or_tag')
            for node in ([comp, dv] if isinstance(dv, yaml.MappingNode) else [comp]):
                for key in ('freeze', 'branch', 'tag'):
                    k, v = mapping_get(node, key)
                    if k is not None and not isinstance(ref, str) and isinstance(v, yaml.ScalarNode) \
                            and v.value == str(ref):
                        return line_of(k)
        if 'convert_key_pair_into_commands' in names:
            k, v = mapping_get(comp, 'defines')
            if k is not None:
                return line_of(k)
        if 'mirror' in names or '_get_mirrordir' in names or '_expand_srckey' in names:
            # which remote: the upstream src or the dist-git src
            remote = None
            for n, loc in frames:
                if n == 'mirror' and 'remote' in loc:
                    remote = loc['remote']
            url = getattr(remote, 'url', None)
            sk, sv = mapping_get(comp, 'src')
            if sk is not None and url is not None and isinstance(sv, yaml.ScalarNode) and \
                    url.endswith(str(sv.value).split(':', 1)[-1]):
                return line_of(sk)
            if isinstance(dv, yaml.MappingNode):
                dsk, dsv = mapping_get(dv, 'src')
                if dsk is not None:
                    return line_of(dsk)
            if dk is not None:
                return line_of(dk)
        for k, v in comp.value:
            name = str(getattr(k, 'value', ''))
            if "key {0} ".format(name) in msg or "type {0}".format(getattr(v, 'value', None)) in msg \
                    or name in keys_in_msg:
                return line_of(k)
        return line_of(comp)

    if '_expand_overlay' in names or 'run' in names:
        for key in ('components', 'aliases'):
            k, v = mapping_get(root, key)
            if k is not None and ("'" + key + "'" in msg or 'NoneType' in msg and key == 'components'):
                return line_of(k)
        if 'name' in keys_in_msg or 'url' in keys_in_msg:
            k, v = mapping_get(root, 'aliases')
            if k is not None:
                return line_of(k)
    return None


def describe(exc, stderr_text, workdir):
    return re.sub(r' at 0x[0-9a-f]+', '', _describe(exc, stderr_text)).replace(workdir + '/', '')


def _describe(exc, stderr_text):
    if isinstance(exc, SystemExit):
        # rdgo.utils.fatal(): the message on stderr, then sys.exit(1)
        return 'fatal: ' + stderr_text.strip().split('\n')[-1]
    if isinstance(exc, KeyError):
        return 'KeyError: ' + repr(exc.args[0]) if exc.args else 'KeyError'
    return '{0}: {1}'.format(type(exc).__name__, exc)


def run_one(path, task_resolve, task_build, tracker, rdgo_src, debug=False):
    result = {'file': path, 'verdict': 'ok', 'stage': None, 'error': None, 'line': None}
    workdir = tempfile.mkdtemp(prefix='rdgo-verdict-')
    cwd = os.getcwd()
    out, errbuf = io.StringIO(), io.StringIO()
    stage = 'resolve'
    tracker.reset()
    try:
        shutil.copyfile(path, os.path.join(workdir, 'overlay.yml'))
        os.mkdir(os.path.join(workdir, 'src'))  # rpmdistro-gitoverlay init
        os.chdir(workdir)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(errbuf):
            task_resolve.TaskResolve().run(['--fetch-all'])
            stage = 'build'
            tracker.reset()
            task_build.TaskBuild().run(['--arch', 'x86_64'])
    except (Exception, SystemExit) as e:
        if isinstance(e, RuntimeError) and str(e).startswith('rdgo-verdict:'):
            raise
        result['verdict'] = 'error'
        result['stage'] = stage
        result['error'] = describe(e, errbuf.getvalue(), workdir)
        try:
            result['line'] = locate(path, stage, result['error'], e, tracker, rdgo_src)
        except Exception:
            result['line'] = None
        if debug:
            traceback.print_exc(file=sys.stderr)
    finally:
        os.chdir(cwd)
        shutil.rmtree(workdir, ignore_errors=True)
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--rdgo-src', required=True,
                    help='directory holding the rdgo/ package of rpmdistro-gitoverlay')
    ap.add_argument('--debug', action='store_true', help='print tracebacks to stderr')
    ap.add_argument('overlays', nargs='+')
    opts = ap.parse_args()
    task_resolve, task_build, basetask_resolve = install_stubs(opts.rdgo_src)
    tracker = Tracker(basetask_resolve, task_resolve)
    for p in opts.overlays:
        r = run_one(os.path.abspath(p), task_resolve, task_build, tracker, opts.rdgo_src, opts.debug)
        r['file'] = p
        sys.stdout.write(json.dumps(r) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
