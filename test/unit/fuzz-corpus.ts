import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkText } from '../../server/src/core/check/check';
import type { Diagnostic } from '../../server/src/core/types';
import { FIXTURES, REFERENCE, ROOT } from './helpers';

/** The example corpus the mutator starts from: every fixture, reference document and sample. */
export function corpus(): { name: string; text: string }[] {
  const dirs = [
    join(FIXTURES, 'differential'),
    join(REFERENCE, 'examples/modulemd-tests'),
    join(REFERENCE, 'examples/modulemd-spec'),
    join(REFERENCE, 'examples/overlay'),
    join(ROOT, 'examples/modules'),
    join(ROOT, 'examples/mistakes'),
  ];
  const samples = dirs.flatMap((d) =>
    readdirSync(d)
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => ({ name: f.includes('overlay') ? 'overlay.yml' : f, text: readFileSync(join(d, f), 'utf8') })),
  );
  return [...samples, ...realWorld()];
}

/** The real-world stand-ins under 8 KB (every kind, real shapes; the larger ones only slow mutation down). */
function realWorld(): { name: string; text: string }[] {
  const modulemd = join(FIXTURES, 'real-world/modulemd');
  const overlays = join(FIXTURES, 'real-world/overlays');
  const small = (file: string): string | null => {
    const t = readFileSync(file, 'utf8');
    return t.length < 8192 ? t : null;
  };
  const out: { name: string; text: string }[] = [];
  for (const f of readdirSync(modulemd).filter((x) => x.endsWith('.yaml'))) {
    const text = small(join(modulemd, f));
    if (text) out.push({ name: f, text });
  }
  for (const d of readdirSync(overlays).filter((x) => /^\d+$/.test(x))) {
    const text = small(join(overlays, d, 'overlay.yml'));
    if (text) out.push({ name: 'overlay.yml', text });
  }
  return out;
}

/** Tokens that tend to break YAML and the rules: anchors, flow brackets, document markers, tabs... */
const TOKENS = ['&a ', '*a', '{', '}', '[', ']', '---\n', '...\n', '\t', ': ', '- ', '#', '"', "'", '%', '!!str ', '? ', '|\n', '>\n', '\u0000', '\ufffd', '0x1F', '1.10', 'true', '~', '-1', '99999999999999999999'];

export type Mutation =
  | { kind: 'insert'; at: number; token: number }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicate-line'; line: number }
  | { kind: 'drop-line'; line: number }
  | { kind: 'indent'; line: number; by: number };

/** One mutation as a single text edit: replace `length` characters at `offset` by `text`. */
export interface MutationEdit {
  offset: number;
  length: number;
  text: string;
}

/**
 * The edit one mutation makes to `t`. `mutate` applies these in turn; the language-server fuzzer sends
 * the same edits as incremental didChange ranges, so both targets see the same mutations.
 */
export function mutationEdit(t: string, m: Mutation): MutationEdit {
  const lines = t.split('\n');
  const li = (x: number) => Math.abs(x) % Math.max(1, lines.length);
  const at = (x: number) => Math.abs(x) % Math.max(1, t.length + 1);
  /** Offset of the start of line `l` (lines split on \n only, as above). */
  const lineStart = (l: number) => {
    let o = 0;
    for (let k = 0; k < l; k++) o += lines[k].length + 1;
    return o;
  };
  switch (m.kind) {
    case 'insert':
      return { offset: at(m.at), length: 0, text: TOKENS[m.token % TOKENS.length] };
    case 'delete': {
      const o = at(m.at);
      return { offset: o, length: Math.min(m.length % 40, t.length - o), text: '' };
    }
    case 'duplicate-line':
      return { offset: lineStart(li(m.line)), length: 0, text: lines[li(m.line)] + '\n' };
    case 'drop-line': {
      const l = li(m.line);
      if (lines.length === 1) return { offset: 0, length: t.length, text: '' };
      // A line and its newline; the last line takes the newline before it.
      if (l < lines.length - 1) return { offset: lineStart(l), length: lines[l].length + 1, text: '' };
      return { offset: lineStart(l) - 1, length: lines[l].length + 1, text: '' };
    }
    case 'indent': {
      const l = li(m.line);
      if (m.by >= 0) return { offset: lineStart(l), length: 0, text: ' '.repeat(m.by % 6) };
      return { offset: lineStart(l), length: /^ {0,4}/.exec(lines[l])![0].length, text: '' };
    }
  }
}

export function mutate(text: string, mutations: Mutation[]): string {
  let t = text;
  for (const m of mutations) {
    const e = mutationEdit(t, m);
    t = t.slice(0, e.offset) + e.text + t.slice(e.offset + e.length);
  }
  return t;
}

export const mutationArb: fc.Arbitrary<Mutation[]> = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), token: fc.nat() }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.nat() }),
    fc.record({ kind: fc.constant('duplicate-line' as const), line: fc.nat() }),
    fc.record({ kind: fc.constant('drop-line' as const), line: fc.nat() }),
    fc.record({ kind: fc.constant('indent' as const), line: fc.nat(), by: fc.integer({ min: -4, max: 5 }) }),
  ),
  { minLength: 1, maxLength: 6 },
);

/** What must hold for every input: no exception, well-formed diagnostics inside the text. */
export function checkInvariant(name: string, text: string): Diagnostic[] {
  const r = checkText(name, text);
  const lines = text.split(/\r\n|\r|\n/).length;
  for (const d of r.diagnostics) {
    const { start, end } = d.range;
    if (start.line < 0 || start.line >= lines || end.line >= lines || end.line < start.line || (end.line === start.line && end.character < start.character)) {
      throw new Error(`bad range ${JSON.stringify(d.range)} for ${d.code} (${lines} lines)`);
    }
    if (!d.code || !d.message || d.source !== 'gitoverlay') throw new Error(`malformed diagnostic ${JSON.stringify(d)}`);
  }
  return r.diagnostics;
}
