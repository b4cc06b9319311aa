import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkText } from '../../server/src/core/check/check';
import { codeActions } from '../../server/src/core/features/code-actions';
import type { Diagnostic } from '../../server/src/core/types';
import { parseYaml } from '../../server/src/core/yaml/parse';
import { streamV2 } from './helpers';

/** Quick fixes where the message already knows the answer: applied, and the document checked again. */
function fixes(path: string, text: string, code: string): { title: string; apply: () => string; preferred?: boolean }[] {
  const result = checkText(path, text);
  const d = result.diagnostics.find((x) => x.code === code) as Diagnostic;
  assert.ok(d, `no ${code} in ${result.diagnostics.map((x) => x.code).join(', ')}`);
  return codeActions(parseYaml(text), result, [d]).map((a) => ({
    title: a.title,
    preferred: a.preferred,
    apply: () => {
      let out = text;
      // Edits from the end, so earlier offsets stay valid.
      const lines = () => parseYaml(out).lines;
      for (const e of [...a.edits].sort((x, y) => y.range.start.line - x.range.start.line || y.range.start.character - x.range.start.character)) {
        const li = lines();
        out = out.slice(0, li.offsetAt(e.range.start)) + e.newText + out.slice(li.offsetAt(e.range.end));
      }
      return out;
    },
  }));
}

const codes = (path: string, text: string) => checkText(path, text).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);

const OVERLAY = (components: string) =>
  `aliases:\n  - name: github\n    url: https://github.com/\n  - name: gitlab\n    url: https://gitlab.com/\ndistgit:\n  prefix: https://src.fedoraproject.org/rpms/\nroot:\n  mock: fedora-41-$arch\ncomponents:\n${components}`;

describe('quick fixes the message already knows', () => {
  test("spec: external → 'internal'", () => {
    const text = OVERLAY('  - src: github:a/b\n    spec: external\n  - src: gitlab:c/d\n');
    const [fix] = fixes('overlay.yml', text, 'schema.enum');
    assert.equal(fix.title, "Change to 'internal'");
    const fixed = fix.apply();
    assert.ok(fixed.includes('spec: internal'));
    assert.deepEqual(codes('overlay.yml', fixed), []);
  });

  test('an undefined alias prefix: the close one preferred, then every defined alias', () => {
    const text = OVERLAY('  - src: githb:a/b\n  - src: gitlab:c/d\n');
    const all = fixes('overlay.yml', text, 'overlay.undefined-alias');
    assert.deepEqual(all.map((f) => `${f.title}${f.preferred ? ' *' : ''}`), ["Change to 'github' *", "Change to 'gitlab'"]);
    assert.deepEqual(codes('overlay.yml', all[0].apply()), []);
    const far = OVERLAY('  - src: zzz:a/b\n  - src: github:c/d\n  - src: gitlab:e/f\n');
    assert.deepEqual(fixes('overlay.yml', far, 'overlay.undefined-alias').map((f) => f.title), ["Change to 'github'", "Change to 'gitlab'"]);
  });

  test('an unknown buildafter target → the close component name', () => {
    const text = streamV2('  components:\n    rpms:\n      libuv:\n        rationale: r\n      nodejs:\n        rationale: r\n        buildafter: [libvu]\n');
    const [fix] = fixes('module.yaml', text, 'modulemd.buildafter-unknown');
    assert.equal(fix.title, "Change to 'libuv'");
    assert.deepEqual(codes('module.yaml', fix.apply()), []);
  });

  test('a buildafter cycle: drop an edge, in a flow list and in a block list; the cycle is gone', () => {
    const flow = streamV2('  components:\n    rpms:\n      a:\n        rationale: r\n        buildafter: [b, c]\n      b:\n        rationale: r\n        buildafter: [a]\n      c:\n        rationale: r\n');
    const [f] = fixes('module.yaml', flow, 'modulemd.buildafter-cycle');
    assert.match(f.title, /^Remove 'b' from this buildafter/);
    const fixed = f.apply();
    assert.ok(fixed.includes('buildafter: [c]'), fixed);
    assert.deepEqual(codes('module.yaml', fixed), []);
    const block = streamV2('  components:\n    rpms:\n      a:\n        rationale: r\n        buildafter:\n          - b\n      b:\n        rationale: r\n        buildafter:\n          - a\n');
    const [g] = fixes('module.yaml', block, 'modulemd.buildafter-cycle');
    const fixedBlock = g.apply();
    assert.ok(!fixedBlock.includes('          - b\n'), fixedBlock);
    assert.deepEqual(codes('module.yaml', fixedBlock), [], fixedBlock);
  });
});
