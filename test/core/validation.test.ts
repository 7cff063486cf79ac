import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasUnsafeText, unsafeTextErrors } from '../../src/core/validation.js';

const query = Object.create(null) as Record<string, unknown>;
query.q = 'fine';
query.tag = ['one', 'tw\u0007o'];

const CASES: Array<[string, unknown, string[]]> = [
  ['nothing', undefined, []],
  ['null', null, []],
  ['a number', 7, []],
  ['a clean string', 'Zoë 🙂 line one\nline two\ttabbed\r', []],
  ['NUL in a string', 'a\u0000b', ['body']],
  ['DEL in a string', 'a\u007fb', ['body']],
  ['a lone high surrogate', '\ud800x', ['body']],
  ['a lone low surrogate', 'x\udc00', ['body']],
  ['a clean object', { first_name: 'Ana', tags: ['a', 'b'], nested: { deep: [{ x: 'y' }] }, n: 3, b: true }, []],
  ['deep in arrays and objects', { nested: { deep: [{ x: 'y' }, { x: 'y\u001b' }] } }, ['nested.deep.1.x']],
  ['an array', ['ok', 'no\u0000'], ['1']],
  ['a null-prototype object with an array', query, ['tag.1']],
  ['several fields', { a: '\u0001', b: 'ok', c: ['\ud800'] }, ['a', 'c.0']],
];

describe('unsafe text', () => {
  for (const [name, value, fields] of CASES) {
    it(`${name}: hasUnsafeText agrees with the fields unsafeTextErrors names`, () => {
      assert.deepEqual(Object.keys(unsafeTextErrors(value)), fields);
      assert.equal(hasUnsafeText(value), fields.length > 0);
    });
  }

  it('looks only at own properties, as the errors do', () => {
    const inherited = Object.create({ bad: 'x\u0000' }) as Record<string, unknown>;
    inherited.good = 'fine';
    assert.equal(hasUnsafeText(inherited), false);
    assert.deepEqual(Object.keys(unsafeTextErrors(inherited)), []);
  });
});
