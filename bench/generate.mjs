// Generates large, valid modulemd v2 streams for benchmarks: N components (buildafter chains),
// N artifacts, profiles and dependencies, like a big real module.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function bigModulemd(n) {
  const out = [];
  out.push('---', 'document: modulemd', 'version: 2', 'data:', '  name: bigmodule', '  stream: "1.0"', '  version: 20260101000000');
  out.push('  context: c0ffee42', '  arch: x86_64', '  summary: A generated module with many components');
  out.push('  description: >-', '    Generated for benchmarks: every component has a rationale, a ref,', '    arches and a buildafter edge to an earlier component.');
  out.push('  license:', '    module: [MIT]', '    content: [MIT, GPL-2.0-or-later]');
  out.push('  dependencies:', '  - buildrequires:', '      platform: [f41]', '      nodejs: ["20"]', '    requires:', '      platform: [f41]');
  out.push('  references:', '    community: https://example.org/bigmodule');
  out.push('  profiles:', '    default:', '      description: The default profile', '      rpms:');
  for (let i = 0; i < Math.min(n, 200); i++) out.push(`        - pkg${i}`);
  out.push('  api:', '    rpms:');
  for (let i = 0; i < Math.min(n, 200); i++) out.push(`      - pkg${i}`);
  out.push('  buildopts:', '    arches: [x86_64, aarch64, ppc64le, s390x]');
  out.push('  components:', '    rpms:');
  for (let i = 0; i < n; i++) {
    out.push(`      pkg${i}:`, `        rationale: Component number ${i} of the generated module.`, `        ref: rhel-${i % 7}.${i % 13}`);
    out.push('        arches: [x86_64, aarch64]');
    if (i > 0) out.push('        buildafter:', `          - pkg${Math.floor(i / 2)}`);
  }
  out.push('  artifacts:', '    rpms:');
  for (let i = 0; i < n; i++) out.push(`      - pkg${i}-0:1.${i % 10}.${i % 97}-1.module_f41+1234+c0ffee42.x86_64`);
  out.push('...', '');
  return out.join('\n');
}

export function writeBench(dir, sizes) {
  mkdirSync(dir, { recursive: true });
  return sizes.map((n) => {
    const path = join(dir, `modulemd-${n}.yaml`);
    writeFileSync(path, bigModulemd(n));
    return { n, path };
  });
}
