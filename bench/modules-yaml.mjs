// Generates a multi-document file shaped like a distribution repository's repodata modules.yaml:
// ~250 modulemd v2 streams as the build system writes them (name, stream, version, context, arch,
// license module+content, dependencies, profiles, api, components with ref/rationale, artifacts
// with 20-400 NEVRAs, some with an rpm-map), ~40 modulemd-defaults v1 and ~10 modulemd-obsoletes v1.
// A few descriptions have prose with `*` and `&` (`runs on *nix`), as real ones do.
// Deterministic (seeded), about 2 MB with the default counts. `node bench/modules-yaml.mjs OUT`
// writes it to OUT.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { rng } from './rng.mjs';


const MODULE_NAMES = [
  'nodejs', 'perl', 'python39', 'ruby', 'php', 'postgresql', 'mariadb', 'mysql', 'redis', 'nginx',
  'httpd', 'maven', 'javapackages-tools', 'container-tools', 'virt', 'llvm-toolset', 'rust-toolset',
  'go-toolset', 'subversion', 'mercurial', 'squid', 'varnish', 'swig', 'freeradius', 'idm', 'log4j',
  'jaxb', 'eclipse', 'scala', 'sbt', 'gimp', 'inkscape', 'libreoffice', 'cri-o', 'kubernetes',
  'dwm', 'ghc', 'stratis', 'pki-core', 'pki-deps',
];
const ARCHES = ['x86_64', 'aarch64', 'ppc64le', 's390x'];
const LICENSES = ['MIT', 'GPL-2.0-or-later', 'GPL-3.0-or-later', 'LGPL-2.1-or-later', 'BSD-3-Clause', 'Apache-2.0', 'Artistic-1.0-Perl', 'PostgreSQL'];

const hex = (r, n) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('');
const pick = (r, xs) => xs[Math.floor(r() * xs.length)];

function streamDoc(r, i, name, stream, arch) {
  const version = 8000020230000000 + i * 1013;
  const context = hex(r, 8);
  const dist = `module+el8.${i % 10}.0+${10000 + i}+${context}`;
  const nComponents = 2 + Math.floor(r() ** 3 * 24);
  // Most streams are small, a few carry hundreds of RPMs (as in a real repository).
  const nArtifacts = 20 + Math.floor(r() ** 6 * 381);
  const comps = Array.from({ length: nComponents }, (_, k) => (k === 0 ? name : `${name}-${pick(r, ['devel', 'libs', 'utils', 'tools', 'doc', 'plugin', 'extra', 'compat'])}${k}`));
  const out = [];
  out.push('---', 'document: modulemd', 'version: 2', 'data:');
  out.push(`  name: ${name}`, `  stream: "${stream}"`, `  version: ${version}`, `  context: ${context}`, `  arch: ${arch}`);
  out.push(`  summary: ${name} module stream ${stream}, a generated stand-in for a distribution module`);
  out.push('  description: >-', `    This is the ${name} ${stream} module stream as a compose writes it into the repository`, '    metadata. It has components, artifacts, profiles and API like a real one, so that', '    checking a whole modules.yaml can be measured.');
  // Prose as upstream descriptions have it: a `*` or `&` in text (not an alias or anchor).
  if (i % 20 === 7) out.push(`    ${name} runs on *nix systems & is maintained by the *${name}* SIG.`);
  out.push('  license:', '    module:', '    - MIT', '    content:');
  for (let k = 0; k < 1 + Math.floor(r() * 3); k++) out.push(`    - ${LICENSES[(i + k) % LICENSES.length]}`);
  out.push('  xmd: {}');
  out.push('  dependencies:', '  - buildrequires:', '      platform: [el8.9.0]');
  if (r() < 0.4) out.push(`      ${pick(r, MODULE_NAMES)}: ["${1 + Math.floor(r() * 20)}"]`);
  out.push('    requires:', '      platform: [el8]');
  out.push('  references:', `    community: https://example.org/${name}`, `    documentation: https://example.org/${name}/docs`);
  out.push('  profiles:', '    common:', '      description: The common installation', '      rpms:');
  for (const c of comps.slice(0, Math.min(comps.length, 6))) out.push(`      - ${c}`);
  if (r() < 0.5) out.push('    minimal:', '      rpms:', `      - ${name}`);
  out.push('  api:', '    rpms:');
  for (const c of comps.slice(0, Math.min(comps.length, 10))) out.push(`    - ${c}`);
  if (r() < 0.3) out.push('  filter:', '    rpms:', `    - ${name}-debugsource`);
  out.push('  buildopts:', '    rpms:', '      macros: |', `        %_with_${name.replace(/[^a-z0-9]/g, '_')} 1`);
  out.push('  components:', '    rpms:');
  comps.forEach((c, k) => {
    out.push(`      ${c}:`, `        rationale: Component ${k} of the ${name} module.`, `        ref: ${hex(r, 40)}`);
    if (k > 0) out.push(`        buildorder: ${k % 3}`);
    if (r() < 0.1) out.push(`        arches: [${ARCHES.slice(0, 2).join(', ')}]`);
  });
  const nevras = [];
  for (let a = 0; a < nArtifacts; a++) {
    const c = comps[a % comps.length];
    const sub = a < comps.length ? c : `${c}-sub${Math.floor(a / comps.length)}`;
    const ar = a % 5 === 0 ? 'src' : a % 7 === 0 ? 'noarch' : arch;
    const epoch = a % 11 === 0 ? 1 : 0;
    nevras.push({ name: sub, epoch, version: `${1 + (a % 9)}.${a % 13}.${a % 31}`, release: `${1 + (a % 4)}.${dist}`, arch: ar });
  }
  const withMap = r() < 0.15;
  out.push('  artifacts:', '    rpms:');
  for (const n of nevras) out.push(`    - ${n.name}-${n.epoch}:${n.version}-${n.release}.${n.arch}`);
  if (withMap) {
    out.push('    rpm-map:', '      sha256:');
    for (const n of nevras.slice(0, Math.min(nevras.length, 12))) {
      out.push(`        ${hex(r, 64)}:`, `          name: ${n.name}`, `          epoch: ${n.epoch}`, `          version: "${n.version}"`, `          release: ${n.release}`, `          arch: ${n.arch}`, `          nevra: ${n.name}-${n.epoch}:${n.version}-${n.release}.${n.arch}`);
    }
  }
  out.push('...');
  return out.join('\n');
}

function defaultsDoc(r, name, streams) {
  const out = ['---', 'document: modulemd-defaults', 'version: 1', 'data:', `  module: ${name}`, `  modified: ${202301010000 + Math.floor(r() * 100000)}`];
  out.push(`  stream: "${streams[0]}"`, '  profiles:');
  for (const s of streams) out.push(`    "${s}": [common]`);
  out.push('...');
  return out.join('\n');
}

function obsoletesDoc(r, name, stream, by) {
  const out = ['---', 'document: modulemd-obsoletes', 'version: 1', 'data:', '  modified: 2023-04-01T00:00Z', `  module: ${name}`, `  stream: "${stream}"`];
  out.push('  eol_date: 2024-05-31T00:00Z', `  message: Module stream ${name}:${stream} is no longer supported.`);
  if (by) out.push('  obsoleted_by:', `    module: ${name}`, `    stream: "${by}"`);
  out.push('...');
  return out.join('\n');
}

/** The whole file: `streams` module streams, `defaults` defaults, `obsoletes` obsoletes. */
export function modulesYaml({ streams = 250, defaults = 40, obsoletes = 10, seed = 1 } = {}) {
  const r = rng(seed);
  const docs = [];
  const streamsOf = new Map();
  for (let i = 0; i < streams; i++) {
    const name = MODULE_NAMES[i % MODULE_NAMES.length];
    const stream = `${1 + Math.floor(i / MODULE_NAMES.length)}`;
    const arch = ARCHES[i % 3 === 0 ? 1 : 0];
    if (!streamsOf.has(name)) streamsOf.set(name, []);
    if (!streamsOf.get(name).includes(stream)) streamsOf.get(name).push(stream);
    docs.push(streamDoc(r, i, name, stream, arch));
  }
  const names = [...streamsOf.keys()];
  for (let i = 0; i < defaults; i++) docs.push(defaultsDoc(r, names[i % names.length], streamsOf.get(names[i % names.length])));
  for (let i = 0; i < obsoletes; i++) {
    const name = names[i % names.length];
    const ss = streamsOf.get(name);
    docs.push(obsoletesDoc(r, name, ss[0], ss.length > 1 ? ss[ss.length - 1] : undefined));
  }
  return docs.join('\n') + '\n';
}

export function writeModulesYaml(path, options) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, modulesYaml(options));
  return path;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = process.argv[2] ?? join(import.meta.dirname, '.work/modules.yaml');
  writeModulesYaml(out);
  console.log(out);
}
