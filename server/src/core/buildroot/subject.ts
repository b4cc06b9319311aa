import { isObject } from '../check/context';
import { detectFamily } from '../kinds/detect';
import { labelOf } from '../overlay/expand';
import { evaluatePreamble } from '../spec/preamble';
import { parseYaml, type ParsedYaml } from '../yaml/parse';
import { basename } from 'node:path';
import { ModuleIndex, readModuleParsed, streamsOfDocument } from './index';
import { overlayBatches, resolveModule, resolveNonModular, type Resolution, type ResolveOptions } from './resolve';

/** The file cannot be resolved as given (not a module, overlay or spec; a syntax error). */
export class BuildrootInputError extends Error {}

/** What FILE asks for: the resolution of its module documents, of its overlay, or of its spec. */
export function resolveText(path: string, text: string, index: ModuleIndex, options: ResolveOptions): Resolution {
  if (/\.spec(\.in)?$/.test(path)) {
    const preamble = evaluatePreamble(text);
    const name = preamble.ok && preamble.value.name ? preamble.value.name : basename(path).replace(/\.spec(\.in)?$/, '');
    return resolveNonModular(index, options, [[name]]);
  }
  return resolveParsed(path, parseYaml(text), index, options);
}

/**
 * The same from an already parsed text (the editor parses each version once). `ownDefaultsIndexed`:
 * the index already holds this file's modulemd-defaults (the editor's does), so it is not modified.
 */
export function resolveParsed(path: string, parsed: ParsedYaml, index: ModuleIndex, options: ResolveOptions, ownDefaultsIndexed = false): Resolution {
  const fatal = parsed.syntax.find((d) => d.severity === 'error');
  if (fatal) throw new BuildrootInputError(`${path}:${fatal.range.start.line + 1}:${fatal.range.start.character + 1}: ${fatal.message}`);
  const family = detectFamily(path, parsed.documents);
  if (family === 'overlay') {
    const overlay = parsed.documents[0]?.value;
    const list = isObject(overlay) && Array.isArray(overlay.components) ? overlay.components : [];
    const components = list.map((c, i) => ({ name: labelOf(c, i), srpmroot: isObject(c) && c.srpmroot === true }));
    // Without a platform setting, the overlay's own mock config says which one (fedora-41-$arch: f41).
    const mock = isObject(overlay) && isObject(overlay.root) ? overlay.root.mock : undefined;
    const platform = options.platform ?? (typeof mock === 'string' ? platformOfMock(mock) : undefined);
    return resolveNonModular(index, platform ? { ...options, platform } : options, overlayBatches(components));
  }
  if (family !== 'modulemd') throw new BuildrootInputError(`${path}: neither a modulemd document, an overlay nor a .spec`);
  // Defaults documents beside the module join the index, merged as one more file.
  if (!ownDefaultsIndexed) index.addFile({ streams: [], defaults: readModuleParsed(parsed, path).defaults, problems: [] });
  const subject = parsed.documents.flatMap((d) => streamsOfDocument(d, path));
  if (subject.length === 0) throw new BuildrootInputError(`${path}: no modulemd stream or packager document to resolve`);
  return resolveModule(subject, index, options);
}


/** The platform stream a mock config builds for: fedora-41-$arch → f41, centos-stream-9-… or rhel-9-… → el9. */
export function platformOfMock(mock: string): string | undefined {
  const fedora = /^fedora-(\d+)-/.exec(mock);
  if (fedora) return `f${fedora[1]}`;
  const el = /^(?:centos-stream|centos|rhel|epel|almalinux|rocky)[+-]?(\d+)-/.exec(mock);
  return el ? `el${el[1]}` : undefined;
}
