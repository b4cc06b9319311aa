import { checkRpmMapEntry } from '../rules/modulemd/artifacts';
import { checkDependencyEntry } from '../rules/modulemd/dependencies';
import { mapSchemaErrors } from '../schema/errors';
import { validatorFor } from '../schema/registry';
import type { Diagnostic } from '../types';
import { parseYaml } from '../yaml/parse';
import { DocContext } from './context';

/** Sub-objects that libmodulemd's tests (and editors) check on their own. */
export const FRAGMENTS = {
  buildconfig: 'modulemd-packager-v3#/definitions/buildconfig',
  'rpm-map-entry': 'modulemd-stream-v2#/definitions/rpmMapEntry',
  dependencies: 'modulemd-stream-v2#/definitions/dependencies',
} as const;

export type FragmentKind = keyof typeof FRAGMENTS;

/** Checks a YAML text holding one sub-object (a packager v3 configuration, an rpm-map entry...). */
export function checkFragment(kind: FragmentKind, text: string): Diagnostic[] {
  const parsed = parseYaml(text);
  const out: Diagnostic[] = [...parsed.syntax];
  for (const d of parsed.documents) {
    if (d.value === null || d.value === undefined) continue;
    const ctx = new DocContext(parsed.lines, d.locator, d.value, null, d.start);
    const validate = validatorFor(FRAGMENTS[kind]);
    if (!validate(d.value)) out.push(...mapSchemaErrors(ctx, validate.errors));
    if (kind === 'rpm-map-entry') out.push(...checkRpmMapEntry(ctx, []));
    if (kind === 'dependencies') out.push(...checkDependencyEntry(ctx, []));
  }
  return out;
}
