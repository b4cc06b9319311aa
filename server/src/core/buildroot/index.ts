/**
 * The module index a buildroot is resolved against, as the editor, the CLI and the resolver import
 * it: module streams (builds), the merged modulemd-defaults, and the non-modular packages of loaded
 * repositories. Loaders read modulemd v1/v2 stream documents, packager v2/v3 documents, defaults
 * documents, defaults directories (libmodulemd's update_from_defaults_directory) and createrepo_c
 * repositories. The work is done in model.ts (the data), documents.ts (reading YAML), defaults.ts
 * (merging defaults), module-index.ts (the index and its queries) and load.ts (files, repositories).
 */

export { BASE_MODULES, parseNevra, virtualModule, type Component, type Defaults, type Dependencies, type LoadedFile, type ModuleStream, type RepoPackage } from './model';
export { readModuleParsed, readModuleText, streamsOfDocument } from './documents';
export { mergeDefaults } from './defaults';
export { compareStreams, ModuleIndex } from './module-index';
export { loadDefaultsDirectory, loadModuleFile, loadRepository, primaryPackages, readMaybeCompressed } from './load';
