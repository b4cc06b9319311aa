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
  return dirs.flatMap((d) =>
    readdirSync(d)
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => ({ name: f.includes('overlay') ? 'overlay.yml' : f, text: readFileSync(join(d, f), 'utf8') })),
  );
}

/** Tokens that tend to break YAML and the rules: anchors, flow brackets, document markers, tabs... */
const TOKENS = ['&a ', '*a', '{', '}', '[', ']', '---\n', '...\n', '\t', ': ', '- ', '#', '"', "'", '%', '!!str ', '? ', '|\n', '>\n', '\u0000', '\ufffd', '0x1F', '1.10', 'true', '~', '-1', '99999999999999999999'];

export type Mutation =
  | { kind: 'insert'; at: number; token: number }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicate-line'; line: number }
  | { kind: 'drop-line'; line: number }
  | { kind: 'indent'; line: number; by: number };

export function mutate(text: string, mutations: Mutation[]): string {
  let t = text;
  for (const m of mutations) {
    const lines = t.split('\n');
    const li = (x: number) => Math.abs(x) % Math.max(1, lines.length);
    const at = (x: number) => Math.abs(x) % Math.max(1, t.length + 1);
    switch (m.kind) {
      case 'insert':
        t = t.slice(0, at(m.at)) + TOKENS[m.token % TOKENS.length] + t.slice(at(m.at));
        break;
      case 'delete':
        t = t.slice(0, at(m.at)) + t.slice(at(m.at) + (m.length % 40));
        break;
      case 'duplicate-line':
        lines.splice(li(m.line), 0, lines[li(m.line)]);
        t = lines.join('\n');
        break;
      case 'drop-line':
        lines.splice(li(m.line), 1);
        t = lines.join('\n');
        break;
      case 'indent':
        lines[li(m.line)] = m.by >= 0 ? ' '.repeat(m.by % 6) + lines[li(m.line)] : lines[li(m.line)].replace(/^ {1,4}/, '');
        t = lines.join('\n');
        break;
    }
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
