"""Run modulemd-validator live on a file and reduce its output to a verdict,
a first error line and a message.

firstErrorLine convention: for an error that carries a libyaml position
("[line N col M]", 1-based) that line; otherwise the 1-based line of the first
content line (usually `document:`) of the subdocument the validator reports as
failed, found by matching the re-emitted subdocument against the file's own
documents (parsed equality, then document/version order). The smallest wins.
"""
import re, subprocess, yaml

LINE_RE = re.compile(r'\[line (\d+) col (\d+)\]')
DOCLINE_RE = re.compile(r'^document:\s*["\']?([A-Za-z-]+)["\']?\s*(#.*)?$')


def split_documents(text):
    """[(first_content_line_1based, doc_text, document_value, version_value)]"""
    lines = text.split('\n')
    docs, cur, start = [], [], None
    def flush():
        if cur and any(l.strip() and not l.lstrip().startswith('#') for l, _ in cur):
            body = '\n'.join(l for l, _ in cur)
            first = next(n for l, n in cur if l.strip() and not l.lstrip().startswith('#') and l.strip() not in ('---',))
            dm = re.search(r'^document:\s*["\']?([\w-]+)', body, re.M)
            vm = re.search(r'^version:\s*["\']?(\w+)', body, re.M)
            docs.append((first, body, dm.group(1) if dm else None, vm.group(1) if vm else None))
    for i, l in enumerate(lines, 1):
        if l.startswith('---') and (len(l) == 3 or l[3] in ' \t'):
            flush(); cur = []
            rest = l[3:].strip()
            if rest and not rest.startswith('#'):
                cur.append((l, i))
            continue
        if l.rstrip() == '...':
            flush(); cur = []; continue
        cur.append((l, i))
    flush()
    return docs


def _load(s):
    try:
        return yaml.load(s, Loader=yaml.BaseLoader)
    except Exception:
        return None


def parse_output(stdout, stderr):
    """[(message, subdoc_text|None)] for Failed subdocument blocks; plus other error lines."""
    fails = []
    parts = re.split(r'^Failed subdocument \(', stdout, flags=re.M)
    for p in parts[1:]:
        m = re.match(r'(.*?)\): ?\n', p, re.S)
        if not m:
            fails.append((p.strip().split('\n')[0], None)); continue
        msg = m.group(1)
        body = p[m.end():]
        body = re.split(r'^\S+ (failed to validate|validated successfully)$', body, flags=re.M)[0]
        fails.append((msg, None if body.strip() == '(null)' else body))
    others = []
    for l in stderr.split('\n'):
        l = l.strip()
        if l and not l.endswith('failed to validate') and not l.endswith('validated successfully'):
            others.append(l)
    return fails, others


def run(path, typ=None):
    args = ['modulemd-validator'] + ([f'--type={typ}'] if typ else []) + [path]
    p = subprocess.run(args, capture_output=True, text=True, timeout=60)
    verdict = 'valid' if p.returncode == 0 else 'invalid'
    try:
        text = open(path, encoding='utf-8').read()
    except UnicodeDecodeError:
        text = open(path, encoding='latin-1').read()
    docs = split_documents(text)
    fails, others = parse_output(p.stdout, p.stderr)
    lines, messages = [], []
    used = set()
    for msg, body in fails:
        messages.append(msg)
        m = LINE_RE.search(msg)
        if m:
            lines.append(int(m.group(1))); continue
        if body is None:
            continue
        parsed = _load(body)
        hit = None
        for i, (first, dtext, dv, vv) in enumerate(docs):
            if i in used: continue
            if parsed is not None and _load(dtext) == parsed:
                hit = i; break
        if hit is None:
            dm = re.search(r'^document:\s*["\']?([\w-]+)', body, re.M)
            vm = re.search(r'^version:\s*["\']?(\w+)', body, re.M)
            for i, (first, dtext, dv, vv) in enumerate(docs):
                if i in used: continue
                if dv == (dm.group(1) if dm else None) and vv == (vm.group(1) if vm else None):
                    hit = i; break
        if hit is not None:
            used.add(hit); lines.append(docs[hit][0])
    for o in others:
        messages.append(o)
        m = LINE_RE.search(o)
        if m:
            lines.append(int(m.group(1)))
    if verdict == 'valid':
        first_line, message = None, None
    else:
        first_line = min(lines) if lines else None
        message = ' | '.join(messages) if messages else (p.stdout + p.stderr).strip()[:500]
    return {'args': args[1:-1], 'exit': p.returncode, 'verdict': verdict,
            'firstErrorLine': first_line, 'message': message}


if __name__ == '__main__':
    import sys, json
    print(json.dumps(run(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None), indent=1))
