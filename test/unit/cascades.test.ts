import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkText } from '../../server/src/core/check/check';
import { at, diagnostics } from './helpers';

describe('one defect, one diagnostic', () => {
  test('tab indentation gives the tab error only, not guesses about the broken tree', () => {
    const text = 'document: modulemd\nversion: 2\ndata:\n  summary: s\n  description: d\n  license:\n\tmodule: [MIT]\n';
    const found = diagnostics(text);
    assert.deepEqual(
      found.map((d) => `${d.code}@${at(d)}`),
      ['yaml.tab@7:1'],
    );
  });

  test('a duplicate key still lets the rest of the document be checked', () => {
    const text = 'document: modulemd\nversion: 2\ndata:\n  summary: s\n  summary: t\n  description: d\n  license:\n    module: [MIT]\n  bogus: 1\n';
    assert.deepEqual(
      diagnostics(text).map((d) => d.code),
      ['yaml.duplicate-key', 'schema.unknown-key'],
    );
  });

  test('a misspelt alias reference is one error, not also an "unused alias" warning', () => {
    const text = 'aliases:\n  - name: github\n    url: https://github.com/\ndistgit: {prefix: github}\nroot: {mock: fedora-41-$arch}\ncomponents:\n  - src: githb:coreos/etcd\n';
    const found = diagnostics(text, 'overlay.yml');
    assert.deepEqual(
      found.map((d) => d.code),
      ['overlay.undefined-alias'],
    );
    assert.match(found[0].message, /did you mean 'github'/);
  });

  test('an empty document: value is "no document type", not type "null"', () => {
    const found = diagnostics('document:\nversion: 2\ndata:\n  summary: s\n');
    assert.deepEqual(found.map((d) => d.code), ['modulemd.document-missing']);
    assert.match(found[0].message, /'document' is empty: name the document type/);
  });

  test('a single document that forgot its document: line is still recognised as modulemd', () => {
    const result = checkText('module.yaml', 'version: 2\ndata:\n  summary: s\n  description: d\n  license:\n    module: [MIT]\n');
    assert.equal(result.family, 'modulemd');
    assert.deepEqual(result.diagnostics.map((d) => `${d.code}@${at(d)}`), ['modulemd.document-missing@1:1']);
  });

  test('an ordinary YAML file with version and data keys is left alone', () => {
    const result = checkText('config.yaml', 'version: 3\ndata:\n  x: 1\nservices: {}\nnetworks: {}\n');
    assert.equal(result.family, null);
  });
});
