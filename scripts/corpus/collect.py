"""Collect real modulemd documents from git mirrors fetched under /work/.mirror
into /work/corpus/modulemd/files and write /work/corpus/modulemd/manifest.json.
The originals stay outside any repository; only this recipe is committed."""
import hashlib, json, os, re, subprocess, sys
sys.path.insert(0, os.path.dirname(__file__))
import mmdval

MIRROR = '/work/.mirror'
OUT = '/work/corpus/modulemd'
REPOS = {  # owner/name: (slug, SPDX licence of the repository, include deleted history files)
    'fedora-modularity/libmodulemd': ('libmodulemd', 'MIT', True),
    'rpm-software-management/dnf': ('dnf', 'GPL-2.0-or-later', True),
    'rpm-software-management/libdnf': ('libdnf', 'LGPL-2.1-or-later', True),
    'rpm-software-management/dnf5': ('dnf5', 'GPL-2.0-or-later AND LGPL-2.1-or-later', True),
    'rpm-software-management/createrepo_c': ('createrepo_c', 'GPL-2.0-or-later', True),
    'rpm-software-management/modulemd-tools': ('modulemd-tools', 'MIT', True),
    'rpm-software-management/ci-dnf-stack': ('ci-dnf-stack', 'GPL-3.0-or-later', True),
    'James6xie/fm-orchestrator': ('fm-orchestrator', 'MIT', True),
    'pulp/pulp_rpm': ('pulp_rpm', 'GPL-2.0-or-later', True),
    'pulp/pulp-fixtures': ('pulp-fixtures', 'GPL-2.0-or-later', False),
    'yifengyou/pungi': ('pungi', 'GPL-2.0-only', False),
    'fedora-modularity/ModulemdTranslationHelpers': ('ModulemdTranslationHelpers', 'MIT', True),
    'fedora-copr/copr': ('copr', 'GPL-2.0-or-later', False),
    'Katello/katello': ('katello', 'GPL-2.0-only', False),
    'xsuchy/modulemd': ('xsuchy-modulemd', 'MIT', True),
}
REVISIONS = 3
DOC_RE = re.compile(rb'^document:\s*["\']?modulemd(-packager|-defaults|-obsoletes|-translations)?["\']?\s*(#.*)?$', re.M)


def git(gd, *args):
    return subprocess.run(['git', '--git-dir', gd] + list(args), capture_output=True, check=True).stdout


def gitdir(repo):
    r = os.path.join(MIRROR, repo.replace('/', '+'), 'repo')
    return os.path.join(r, '.git') if os.path.isdir(os.path.join(r, '.git')) else r


def candidates(repo, history):
    gd = gitdir(repo)
    head = git(gd, 'rev-parse', 'HEAD').decode().strip()
    seen = {}
    for line in git(gd, 'ls-tree', '-r', 'HEAD').decode().splitlines():
        meta, path = line.split('\t', 1)
        if re.search(r'\.ya?ml$', path):
            seen[path] = (head, meta.split()[2], 0)
    if history:
        # files deleted at some point of any branch: take them from the parent of the deleting commit
        # (best effort: a snapshot may lack some objects, git log then stops early)
        out = subprocess.run(['git', '--git-dir', gd, 'log', '--all', '--diff-filter=D', '--name-only', '--format=@%H'],
                             capture_output=True).stdout.decode()
        cur = None
        for l in out.splitlines():
            if l.startswith('@'):
                cur = l[1:]; continue
            if l and re.search(r'\.ya?ml$', l) and l not in seen:
                try:
                    parent = git(gd, 'rev-parse', cur + '^').decode().strip()
                    blob = git(gd, 'rev-parse', f'{parent}:{l}').decode().strip()
                    git(gd, 'cat-file', '-e', blob)
                except subprocess.CalledProcessError:
                    continue
                seen[l] = (parent, blob, 1)
    if history:
        # earlier revisions of modulemd files (distinct blobs, at the commit that wrote them), at most
        # REVISIONS per path, oldest first, so the corpus also holds documents written against older specs
        out = subprocess.run(['git', '--git-dir', gd, 'log', '--all', '--reverse', '--format=@%H', '--raw', '--no-abbrev'],
                             capture_output=True).stdout.decode(errors='replace')
        per_path = {}
        cur = None
        for l in out.splitlines():
            if l.startswith('@'):
                cur = l[1:]; continue
            m = re.match(r':\d+ \d+ [0-9a-f]+ ([0-9a-f]+) ([AM])\t(.*)$', l)
            if not m or not re.search(r'\.ya?ml$', m.group(3)):
                continue
            blob, path = m.group(1), m.group(3)
            revs = per_path.setdefault(path, [])
            if blob in [b for _, b in revs] or (path in seen and seen[path][1] == blob):
                continue
            if subprocess.run(['git', '--git-dir', gd, 'cat-file', '-e', blob], capture_output=True).returncode:
                continue
            revs.append((cur, blob))
        for path, revs in per_path.items():
            for commit, blob in revs[:REVISIONS]:
                seen[f'{path}\0{commit}'] = (commit, blob, 2)
    return gd, seen


def kind_of(text):
    docs = mmdval.split_documents(text)
    kinds = []
    for first, body, dv, vv in docs:
        kinds.append(f'{dv}-v{vv}' if dv else 'unknown')
    if len(kinds) == 1:
        return kinds[0], kinds
    return 'multi', kinds


def main():
    entries, shas = [], set()
    os.makedirs(os.path.join(OUT, 'files'), exist_ok=True)
    # files at a repository's HEAD first, then deleted files, then earlier revisions, so that a
    # document copied between repositories is credited to the repository that still holds it
    todo = []
    for repo, (slug, lic, history) in REPOS.items():
        gd, files = candidates(repo, history)
        todo += [(prio, repo, key, commit, blob) for key, (commit, blob, prio) in files.items()]
    for prio, repo, key, commit, blob in sorted(todo):
        slug, lic, history = REPOS[repo]
        gd = gitdir(repo)
        if True:
            path = key.split('\0')[0]
            try:
                data = git(gd, 'cat-file', 'blob', blob)
            except subprocess.CalledProcessError:
                continue  # absent from the snapshot (large file or LFS)
            if not DOC_RE.search(data):
                continue
            try:
                text = data.decode('utf-8')
            except UnicodeDecodeError:
                continue
            if '{{' in text or '{%' in text:
                continue  # templates
            sha = hashlib.sha256(data).hexdigest()
            if sha in shas:
                continue
            shas.add(sha)
            kind, kinds = kind_of(text)
            if kind == 'unknown' or any(k == 'unknown' for k in kinds):
                continue
            rid = (slug + '__' + re.sub(r'\.ya?ml$', '', path)).replace('/', '__')
            rid = re.sub(r'[^A-Za-z0-9_.+-]', '_', rid)
            if any(e['id'] == rid for e in entries):
                rid += '@' + commit[:8]
            if any(e['id'] == rid for e in entries):
                continue
            head = git(gd, 'rev-parse', 'HEAD').decode().strip()
            local = os.path.join('files', slug, path) if commit == head else os.path.join('files', slug, '@' + commit[:8], path)
            full = os.path.join(OUT, local)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, 'wb') as f:
                f.write(data)
            entries.append({'id': rid, 'repo': repo, 'license': lic, 'commit': commit, 'path': path, 'sha256': sha,
                            'local': local, 'kind': kind, 'documents': kinds})
    for e in entries:
        full = os.path.join(OUT, e['local'])
        e['validator'] = mmdval.run(full)
        if e['kind'].startswith('modulemd-packager-'):
            e['validatorTyped'] = mmdval.run(full, e['kind'])
    json.dump(entries, open(os.path.join(OUT, 'manifest.json'), 'w'), indent=1)
    print(len(entries), 'files')


if __name__ == '__main__':
    main()
