import { artifactNevra, rpmMapNevra } from './modulemd/artifacts';
import {
  buildafterCycle,
  buildafterSelf,
  buildafterUnknown,
  buildorderBuildafterComponent,
  buildorderBuildafterStream,
  componentArches,
} from './modulemd/components';
import { staticContext } from './modulemd/context';
import { mixedStreams } from './modulemd/dependencies';
import { defaultsIntents, v1Deprecated } from './modulemd/deprecation';
import { obsoletesDate, obsoletesReset } from './modulemd/obsoletes';
import { integerText } from './modulemd/integers';
import { duplicateContext } from './modulemd/packager';
import {
  cacheUnused,
  duplicateName,
  missingSource,
  specInternalWithDistgit,
  srcNotUrl,
  undefinedAlias,
  unknownRootKey,
  unknownTopLevelKey,
  unusedAlias,
} from './overlay/rules';
import type { Rule } from './rule';

/** Every semantic rule, in the order their findings read best. */
export const RULES: readonly Rule[] = [
  v1Deprecated,
  staticContext,
  integerText,
  buildorderBuildafterComponent,
  buildorderBuildafterStream,
  buildafterUnknown,
  buildafterSelf,
  buildafterCycle,
  componentArches,
  artifactNevra,
  rpmMapNevra,
  mixedStreams,
  duplicateContext,
  obsoletesReset,
  obsoletesDate,
  defaultsIntents,
  unknownTopLevelKey,
  unknownRootKey,
  cacheUnused,
  missingSource,
  specInternalWithDistgit,
  duplicateName,
  undefinedAlias,
  srcNotUrl,
  unusedAlias,
];

const byKind = new Map<string, Rule[]>();

export function rulesFor(schema: string): Rule[] {
  let list = byKind.get(schema);
  if (!list) {
    list = RULES.filter((r) => r.kinds.includes(schema));
    byKind.set(schema, list);
  }
  return list;
}
