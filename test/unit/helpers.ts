import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkText } from '../../server/src/core/check/check';
import type { Diagnostic } from '../../server/src/core/types';

/** Repository root (tests run from out/test/unit). */
export const ROOT = resolve(__dirname, '../../..');
export const FIXTURES = resolve(ROOT, 'test/fixtures');
/** Reference material (libmodulemd's specs and tests, real overlays, rpmautospec's outputs), with licences. */
export const REFERENCE = resolve(FIXTURES, 'reference');

export function read(path: string): string {
  return readFileSync(path, 'utf8');
}

export function diagnostics(text: string, path = 'module.yaml'): Diagnostic[] {
  return checkText(path, text).diagnostics;
}

export function errors(text: string, path = 'module.yaml'): Diagnostic[] {
  return diagnostics(text, path).filter((d) => d.severity === 'error');
}

/** `line:col` (1-based, as editors show it) of where a diagnostic starts. */
export function at(d: Diagnostic): string {
  return `${d.range.start.line + 1}:${d.range.start.character + 1}`;
}

/** The text a diagnostic's range covers. */
export function covered(text: string, d: Diagnostic): string {
  const lines = text.split('\n');
  if (d.range.start.line !== d.range.end.line) return lines.slice(d.range.start.line, d.range.end.line + 1).join('\n');
  return lines[d.range.start.line].slice(d.range.start.character, d.range.end.character);
}

export function codes(list: Diagnostic[]): string[] {
  return list.map((d) => d.code);
}

/** A minimal valid modulemd v2 stream with `extra` lines spliced into data. */
export function streamV2(extra = ''): string {
  return `document: modulemd
version: 2
data:
  name: demo
  stream: "1.0"
  summary: A demo module
  description: A module used by the tests.
  license:
    module: [MIT]
${extra}`;
}

/** `code@line:col message` for each diagnostic: readable assertion failures. */
export function show(list: Diagnostic[]): string[] {
  return list.map((d) => `${d.code}@${at(d)} ${d.message}`);
}

/** The diagnostics of one code. */
export function withCode(text: string, code: string, path = 'module.yaml'): Diagnostic[] {
  return diagnostics(text, path).filter((d) => d.code === code);
}

/** `components.rpms` entries (at 6 spaces) with 140-character rationales: 60,000 of them make 10 MB. */
export function manyComponents(n = 60000): string {
  return Array.from({ length: n }, (_, i) => `      c${i}:\n        rationale: ${'r'.repeat(140)}\n`).join('');
}

/** A billion-laughs mapping (11 levels of ten aliases each), for `data.xmd` at 4 spaces. */
export function aliasBomb(): string {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 12; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
  return lines.map((l) => `    ${l}\n`).join('');
}
