import { readFile } from 'node:fs/promises';
import { parseYaml } from '../core/yaml/parse';
import { InputError } from './autospec';

/** Reads and parses a YAML input (an overlay.yml); unreadable or broken input is an InputError (exit 2). */
export async function loadYamlInput(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new InputError(`cannot read ${path}: no such file`);
  }
  const parsed = parseYaml(text);
  const fatal = parsed.syntax.find((d) => d.severity === 'error');
  if (fatal) throw new InputError(`${path}:${fatal.range.start.line + 1}:${fatal.range.start.character + 1}: ${fatal.message}`);
  return parsed.documents[0]?.value;
}
