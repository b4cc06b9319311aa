import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkSpec } from '../../server/src/core/spec/diagnostics';

const at = (text: string) => checkSpec(text).map((d) => `${d.code}:${d.severity}@${d.range.start.line + 1}:${d.range.start.character + 1}`);

describe('spec diagnostics: what rpmbuild drops or rejects', () => {
  test('spec.changelog-date: a malformed header or an impossible date; a wrong weekday warns', () => {
    assert.deepEqual(at('%changelog\n* garbage\n'), ['spec.changelog-date:error@2:1']);
    assert.deepEqual(at('%changelog\n* Mon Feb 30 2023 A <a@x> - 1-1\n'), ['spec.changelog-date:error@2:3']);
    assert.deepEqual(at('%changelog\n* Tue Jan 01 2024 A <a@x> - 1-1\n'), ['spec.changelog-date:warning@2:3']);
    assert.deepEqual(at('%changelog\n* Mon Jan 01 2024 A <a@x> - 1-1\n- fine\n'), []);
  });

  test('spec.changelog-order: a newer entry below an older one', () => {
    assert.deepEqual(at('%changelog\n* Mon Jan 01 2024 A - 1-1\n\n* Wed Jan 03 2024 A - 1-2\n'), ['spec.changelog-order:error@4:3']);
    assert.deepEqual(at('%changelog\n* Wed Jan 03 2024 A - 1-2\n\n* Mon Jan 01 2024 A - 1-1\n'), []);
  });

  test("spec.release-dash: a '-' in Release outside macros", () => {
    assert.deepEqual(at('Release: 1-beta%{?dist}\n'), ['spec.release-dash:error@1:11']);
    assert.deepEqual(at('Release: 1%{?dist}\nRelease: %autorelease -e rc1\n'), []);
  });

  test('spec.autorelease-flags: unknown options, missing or non-numeric values', () => {
    assert.deepEqual(at('Release: %autorelease -x\n'), ['spec.autorelease-flags:error@1:10']);
    assert.deepEqual(at('Release: %{autorelease -b two}\n'), ['spec.autorelease-flags:error@1:10']);
    assert.deepEqual(at('Release: %autorelease -e\n'), ['spec.autorelease-flags:error@1:10']);
    assert.deepEqual(at('Release: %autorelease -p -e beta2 -s 20240101git1234abc -b 3 -n\n'), []);
  });
});

test('one spec with each defect reports each code once', () => {
  const text = 'Release: 1-x\nRelease: %autorelease -z\n%changelog\n* Mon Jan 01 2024 A - 1\n* Wed Jan 03 2024 A - 2\n* nope\n';
  assert.deepEqual(
    checkSpec(text).map((d) => d.code).sort(),
    ['spec.autorelease-flags', 'spec.changelog-date', 'spec.changelog-order', 'spec.release-dash'],
  );
});
