import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkText } from '../check/check';
import { parseYaml } from '../yaml/parse';

/** `gitoverlay.tests.yml` beside an overlay (schemas/gitoverlay-tests.schema.json), as the smoke test reads it. */
export interface SmokeTests {
  file: string;
  repos: string[];
  install: { name: string; packages: string[] }[];
  commands: { name: string; run: string[]; expectOutput?: string }[];
  components: Record<string, { install: string[]; commands: { name: string; run: string[]; expectOutput?: string }[] }>;
}

export class TestsFileError extends Error {}

export const TESTS_FILE = 'gitoverlay.tests.yml';

type RawCommand = { name?: string; run: string[]; 'expect-output'?: string };
const command = (c: RawCommand, i: number) => ({ name: c.name ?? c.run.join(' ') ?? `command ${i + 1}`, run: c.run.map(String), ...(c['expect-output'] !== undefined ? { expectOutput: String(c['expect-output']) } : {}) });

/** Reads and checks the tests file (the editor's checks: an error is reported with its file:line). */
export async function readTests(overlayDir: string): Promise<SmokeTests> {
  const file = join(overlayDir, TESTS_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new TestsFileError(`no ${TESTS_FILE} beside the overlay (${file}): declare what to install and run there`);
  }
  const errors = checkText(file, text).diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new TestsFileError(errors.map((d) => `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.message}`).join('\n'));
  const v = parseYaml(text).documents[0]?.value as {
    repos?: string[];
    install: { name?: string; packages: string[] }[];
    commands?: RawCommand[];
    components?: Record<string, { install?: string[]; commands?: RawCommand[] }>;
  };
  return {
    file,
    repos: (v.repos ?? []).map(String),
    install: v.install.map((s, i) => ({ name: s.name ?? `set ${i + 1}`, packages: s.packages.map(String) })),
    commands: (v.commands ?? []).map(command),
    components: Object.fromEntries(Object.entries(v.components ?? {}).map(([k, c]) => [k, { install: (c.install ?? []).map(String), commands: (c.commands ?? []).map(command) }])),
  };
}
