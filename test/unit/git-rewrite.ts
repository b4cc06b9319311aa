import { execFileSync } from 'node:child_process';

/**
 * Copies the history of `branch` in `src` into a new repository `dst`, every commit kept (merges,
 * dates, authors, messages, empty commits), with each file path passed through `map` (null drops the
 * file). With `git fast-export | git fast-import`: commit messages are `data <n>` blocks, copied by
 * length, so a message line can never be mistaken for a file command.
 */
export function rewritePaths(
  src: string,
  dst: string,
  branch: string,
  map: (path: string) => string | null,
  /** A file every commit rewrites with its own number (upstream code that changes on every branch). */
  stamp?: string,
): void {
  const stream = execFileSync('git', ['fast-export', '--reencode=no', '--signed-tags=strip', branch], { cwd: src, maxBuffer: 1 << 30 });
  const out: Buffer[] = [];
  let pos = 0;
  let commits = 0;
  let stampDue = false;
  const stampNow = (): void => {
    if (!stampDue || stamp === undefined) return;
    const text = `commit ${commits}\n`;
    out.push(Buffer.from(`M 100644 inline ${JSON.stringify(stamp)}\ndata ${Buffer.byteLength(text)}\n${text}`));
    stampDue = false;
  };
  while (pos < stream.length) {
    let nl = stream.indexOf(10, pos);
    if (nl < 0) nl = stream.length;
    const line = stream.toString('utf8', pos, nl);
    pos = nl + 1;
    const data = /^data (\d+)$/.exec(line);
    if (data) {
      const n = Number(data[1]);
      out.push(Buffer.from(`${line}\n`), stream.subarray(pos, pos + n));
      pos += n;
      continue;
    }
    if (line.startsWith('commit ')) {
      commits++;
      stampDue = true;
    }
    const m = /^(M \S+ \S+ |D )(.*)$/.exec(line);
    if (m || line === '' || line === 'deleteall') stampNow();
    if (m) {
      const path = m[2].startsWith('"') ? (JSON.parse(m[2]) as string) : m[2];
      const to = map(path);
      if (to !== null) out.push(Buffer.from(`${m[1]}${JSON.stringify(to)}\n`));
      continue;
    }
    out.push(Buffer.from(`${line}\n`));
  }
  execFileSync('git', ['init', '-q', '-b', 'main', dst]);
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dst, input: Buffer.concat(out), maxBuffer: 1 << 30 });
  const ref = execFileSync('git', ['rev-parse', '--symbolic-full-name', branch], { cwd: src }).toString().trim();
  execFileSync('git', ['symbolic-ref', 'HEAD', ref], { cwd: dst });
  execFileSync('git', ['reset', '-q', '--hard'], { cwd: dst });
}
