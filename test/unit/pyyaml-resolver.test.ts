import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { pyFloatRepr, pyyamlRead } from '../../server/src/core/yaml/pyyaml-resolver';
import { show, streamV2, diagnostics } from './helpers';

/**
 * The resolver is compared with PyYAML itself, run live: the same tag and the same str() for the
 * kinds of scalars in PyYAML's own resolver and constructor tests (bool, int in every base,
 * sexagesimal, float with and without exponent, inf/nan, null, timestamps) and the strings next to them.
 */
const CASES = [
  // bool: YAML 1.1 words; y and n are not booleans to PyYAML
  'yes', 'Yes', 'YES', 'no', 'NO', 'on', 'On', 'off', 'OFF', 'true', 'True', 'FALSE', 'y', 'n', 'Y', 'yEs',
  // int
  '0', '-0', '685230', '+685_230', '02472256', '010', '08', '0o10', '0x_0A_74_AE', '0b1010_0111_0100_1010_1110', '190:20:30', '-1:30', '1_000', '18446744073709551616',
  // float: a dot is needed, an exponent needs a sign
  '6.8523015e+5', '685.230_15e+03', '685_230.15', '190:20:30.15', '-.inf', '.Inf', '.NaN', '1.', '.5', '3.0', '1.10', '8.10', '1.0e16', '1.5e-5', '0.0001', '123456789012345678.0', '1e3', '76554e01', '1.0e3', '6.8523015e5', '-0.0',
  // null
  '~', 'null', 'Null', 'NULL',
  // timestamps
  '2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5', '2001-12-15T02:59:43.1Z', '2002-1-2 3:04:05', '2001-12-15 2:59:43.000000',
  // strings that look close
  'el8', 'f41', '8.10.1', 'v1.0', '1.2.3-4', 'Yes please', '0x', '1:60', 'nodejs',
];

function python(): string | null {
  for (const py of ['/usr/bin/python3', 'python3']) {
    if (py.startsWith('/') && !existsSync(py)) continue;
    const r = spawnSync(py, ['-c', 'import yaml'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return null;
}

const PY_TAGS: Record<string, string> = { bool: 'bool', int: 'int', float: 'float', NoneType: 'null', date: 'timestamp', datetime: 'timestamp', str: 'str' };

describe("PyYAML's resolver, compared with PyYAML run live", () => {
  test('every case gets the tag and the str() PyYAML gives', () => {
    const py = python();
    assert.ok(py, 'PyYAML is needed for this test (apt-get install python3-yaml / dnf install python3-pyyaml)');
    const script = 'import json,sys,yaml\nfor c in json.load(sys.stdin):\n  v=yaml.safe_load("v: "+c)["v"]\n  print(json.dumps([type(v).__name__, str(v)]))';
    const r = spawnSync(py, ['-c', script], { input: JSON.stringify(CASES), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const theirs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as [string, string]);
    const diff: string[] = [];
    CASES.forEach((c, i) => {
      const ours = pyyamlRead(c);
      const [type, text] = theirs[i];
      if (PY_TAGS[type] !== ours.tag || text !== ours.text) diff.push(`${c}: PyYAML ${type} ${JSON.stringify(text)}, ours ${ours.tag} ${JSON.stringify(ours.text)}`);
    });
    assert.deepEqual(diff, []);
  });

  test("Python's float repr: scientific below 1e-4 and from 1e16, '.0' on integral values", () => {
    assert.deepEqual([1e16, 1e15, 0.0001, 0.00001, 1.1, 1000, 123.456, -2.5e-7].map(pyFloatRepr), ['1e+16', '1000000000000000.0', '0.0001', '1e-05', '1.1', '1000.0', '123.456', '-2.5e-07']);
  });
});

describe('yaml.numeric-string follows PyYAML', () => {
  const stream = (s: string) => streamV2().replace('stream: "1.0"', `stream: ${s}`);
  test('76554e01 is text to PyYAML: no warning (a YAML 1.2 parser reads 765540)', () => {
    assert.deepEqual(show(diagnostics(stream('76554e01'))), []);
  });
  test('3.0 is the float 3.0 to Python, which reads back the same: no warning; 1.10 becomes 1.1: a warning', () => {
    assert.deepEqual(show(diagnostics(stream('3.0'))), []);
    const [d] = diagnostics(stream('1.10'));
    assert.equal(d.code, 'yaml.numeric-string');
    assert.match(d.message, /'stream' is written as 1.10, which PyYAML-based tools read as the float 1.1; quote it: "1.10"/);
  });
  test('strings a YAML 1.2 parser keeps but PyYAML converts are reported too: on, 010 (octal 8), 1:30 (90)', () => {
    for (const [src, reads] of [['on', 'the boolean True'], ['010', 'the integer 8'], ['1:30', 'the integer 90']]) {
      const all = diagnostics(stream(src));
      assert.deepEqual(all.map((d) => d.code), ['yaml.numeric-string'], src);
      assert.ok(all[0].message.includes(`read as ${reads}`), all[0].message);
    }
  });
});
