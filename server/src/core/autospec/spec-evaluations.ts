import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluatePreamble, preambleKey, type PreambleResult, type SpecVersion } from '../spec/preamble';
import type { Macro } from '../spec/macros';
import type { ReadFile } from '../spec/shell-idioms';
import { systemShell } from '../spec/system-macros';

/**
 * A spec version as rpmautospec's first attempt reads it, from rpm's macros on this machine. `files`:
 * the directory rpm runs in then (for `%(cat FILE)`).
 */
export function readSpec(text: string, system: ReadonlyMap<string, Macro> | undefined, files: ReadFile): PreambleResult {
  return evaluatePreamble(text, {}, { strict: true, system, shell: system ? systemShell() : undefined, readFile: files });
}

/** A commit's spec is parsed in a directory holding only itself (rpmautospecQuery): any other file is absent. */
export const specAlone =
  (fileName: string): ReadFile =>
  (name) => (name === fileName ? undefined : null);

/** The files of a directory on disk (the work tree's spec is parsed there, a commit's tree checked out there). */
export const filesIn =
  (dir: string): ReadFile =>
  (name) => {
    try {
      return readFileSync(join(dir, name), 'utf8');
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ENOENT' ? null : undefined;
    }
  };

/** The evaluator's answer when it is final (rpm would read the same), else undefined: rpm decides. */
export function vouched(r: PreambleResult): SpecVersion | undefined {
  return r.ok && r.unsure === undefined ? r.value : undefined;
}

/**
 * The evaluator's answer for each spec version of one history, computed once: by blob (or work-tree
 * key), and by the text before %prep, which is all it reads of a commit's spec (most commits touch
 * %build, %files or the changelog, and their versions read the same).
 */
export class SpecEvaluations {
  /** The evaluator's answer, by key. */
  readonly results = new Map<string, PreambleResult>();
  /** Versions known for certain (vouched here, or rpm's answer once asked), null when unparseable. */
  readonly specs = new Map<string, SpecVersion | null>();
  private readonly byPreamble = new Map<string, PreambleResult>();

  constructor(
    /** `<name>.spec`. */
    private readonly fileName: string,
    /** rpm's macros on this machine. */
    readonly system: ReadonlyMap<string, Macro>,
  ) {}

  /** A commit's spec, read alone. */
  commitSpec(key: string, text: string): PreambleResult {
    let r = this.results.get(key);
    if (!r) {
      const k = preambleKey(text);
      r = this.byPreamble.get(k);
      if (!r) this.byPreamble.set(k, (r = readSpec(text, this.system, specAlone(this.fileName))));
      this.keep(key, r);
    }
    return r;
  }

  /** The work tree's spec, read where it is (it may read the files beside it). */
  workSpec(key: string, text: string, dir: string): PreambleResult {
    let r = this.results.get(key);
    if (!r) this.keep(key, (r = readSpec(text, this.system, filesIn(dir))));
    return r;
  }

  private keep(key: string, r: PreambleResult): void {
    this.results.set(key, r);
    const sure = vouched(r);
    if (sure) this.specs.set(key, sure);
  }
}
