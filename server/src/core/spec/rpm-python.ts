import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { onSpawn } from '../git/exec';

/**
 * rpm's own spec parser in one long-lived process, as rpmautospec uses it: Python's rpm bindings
 * (`python3-rpm`) in-process, `rpm.spec(file)` per request, the macros set exactly as rpmautospec
 * sets them and `rpm.reloadConfig()` after each parse. One process answers every spec version of a
 * history, where `rpmspec` costs a process each. Answers go to fd 3, so that whatever a spec prints
 * (a Lua `io.write`) cannot mix with them.
 */
const HELPER = String.raw`
import json, os, sys, tempfile
import rpm
answers = os.fdopen(3, "w")
answers.write(json.dumps({"python": "%d.%d" % sys.version_info[:2]}) + "\n")
answers.flush()
for line in sys.stdin:
    req = json.loads(line)
    with tempfile.NamedTemporaryFile(mode="w", prefix="gitoverlay-rpmerr-") as errfd:
        try:
            rpm.setLogFile(errfd)
            os.chdir(req["cwd"])
            for name, value in req["macros"]:
                # addMacro cannot define a parametric macro: %define does, as in rpmautospec.
                if "(" in name:
                    rpm.expandMacro("%define " + name + " " + value)
                else:
                    rpm.addMacro(name, value)
            h = rpm.spec(req["file"]).sourceHeader
            res = {"ok": True, "name": h.format("%{name}"), "epoch": h.format("%|epoch?{%{epoch}}:{}|"), "version": h.format("%{version}"), "release": h.format("%{release}")}
        except Exception:
            with open(errfd.name, "r", errors="replace", encoding="utf-8") as f:
                res = {"ok": False, "log": f.read()}
        finally:
            rpm.setLogFile(sys.stderr)
            rpm.reloadConfig()
    answers.write(json.dumps(res) + "\n")
    answers.flush()
`;

export interface ParseRequest {
  file: string;
  /** The directory rpm runs in (relative paths in `%(...)`). */
  cwd: string;
  /** Defined in this order: `rpm.addMacro(name, value)`, or `%define` for a parametric `name(opts)`. */
  macros: [string, string][];
}

export type ParseAnswer = { ok: true; name: string; epoch: string; version: string; release: string } | { ok: false; log: string };

class Helper {
  private readonly child: ChildProcess;
  /** X.Y of its Python once it has imported rpm (rpmautospec defines %__python from it), null if it could not. */
  readonly ready: Promise<string | null>;
  private hello: ((python: string | null) => void) | null = null;
  private readonly queue: { resolve: (a: ParseAnswer) => void; reject: (e: Error) => void }[] = [];
  private buffer = '';
  dead = false;

  constructor(python: string) {
    onSpawn?.(python, ['-c', '<gitoverlay rpm parser>']);
    this.ready = new Promise((resolve) => (this.hello = resolve));
    this.child = spawn(python, ['-c', HELPER], { stdio: ['pipe', 'ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C.UTF-8' } });
    const answers = this.child.stdio[3] as Readable;
    answers.setEncoding('utf8');
    answers.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (let nl = this.buffer.indexOf('\n'); nl >= 0; nl = this.buffer.indexOf('\n')) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        if (this.hello) {
          this.hello((JSON.parse(line) as { python: string }).python);
          this.hello = null;
          this.idle();
          continue;
        }
        this.queue.shift()?.resolve(JSON.parse(line) as ParseAnswer);
        this.idle();
      }
    });
    const fail = (why: string): void => {
      this.dead = true;
      this.hello?.(null);
      this.hello = null;
      this.idle();
      for (const q of this.queue.splice(0)) q.reject(new Error(why));
    };
    this.child.on('error', (e) => fail(e.message));
    this.child.on('exit', (code, signal) => fail(`rpm parser exited (${signal ?? code})`));
    (this.child.stdin as Writable).on('error', () => undefined);
    this.idle();
  }

  /** A helper with nothing to do does not keep the process (the CLI) alive. */
  private idle(): void {
    const handles = [this.child, this.child.stdin, this.child.stdio[3]] as unknown as { ref?: () => void; unref?: () => void }[];
    // Busy: answers are awaited, or the hello that says rpm loaded.
    const busy = this.queue.length > 0 || this.hello !== null;
    for (const h of handles) (busy ? h.ref : h.unref)?.call(h);
  }

  get pending(): number {
    return this.queue.length;
  }

  parse(req: ParseRequest): Promise<ParseAnswer> {
    if (this.dead) return Promise.reject(new Error('rpm parser is gone'));
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      this.idle();
      (this.child.stdin as Writable).write(JSON.stringify({ file: req.file, cwd: req.cwd, macros: req.macros }) + '\n');
    });
  }
}

/** Up to two parsers: this is a 2-core machine class, and rpm work is CPU-bound. */
const POOL_SIZE = 2;
let pool: Promise<Helper[] | null> | undefined;
let pythonOf: string | undefined;

/** Starts a parser (a walk calls it early, so that Python and rpm load while git runs). */
export function startRpmParsers(): void {
  if (pool || process.env.GITOVERLAY_RPM_PARSER === 'rpmspec') return;
  pool = (async () => {
    for (const python of ['/usr/bin/python3', 'python3']) {
      const first = new Helper(python);
      if ((await first.ready) !== null) {
        pythonOf = python;
        return [first];
      }
    }
    return null;
  })();
}

/** X.Y of the Python the parsers run, null when no Python with rpm's bindings is installed. */
export async function rpmParserPython(): Promise<string | null> {
  startRpmParsers();
  const all = await (pool ?? Promise.resolve(null));
  return all ? all[0].ready : null;
}

/** Parses with rpm's Python bindings; undefined when they are not installed (or the parser died). */
export async function parseWithRpmBindings(req: ParseRequest): Promise<ParseAnswer | undefined> {
  startRpmParsers();
  const all = await (pool ?? Promise.resolve(null));
  const alive = all?.filter((h) => !h.dead) ?? [];
  if (!alive.length) return undefined;
  let helper = alive.reduce((a, b) => (b.pending < a.pending ? b : a));
  // A second parser only when the first is busy: most walks need one version or two.
  if (helper.pending > 0 && all!.length < POOL_SIZE && pythonOf) {
    helper = new Helper(pythonOf);
    all!.push(helper);
  }
  try {
    return await helper.parse(req);
  } catch {
    return undefined;
  }
}
