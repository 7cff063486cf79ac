// What every JSON body becomes before validation (src/http/validation.ts): strings trimmed, `""`
// turned into null, at every depth; keys kept in order, "__proto__" as data; unknown keys found
// through nested objects and array items.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeBody, unknownFields } from '../../src/http/validation.js';

describe('normalizeBody', () => {
  it('trims strings and turns empty ones into null, in objects and arrays at any depth', () => {
    assert.deepEqual(
      normalizeBody({ a: '  x ', b: '   ', c: 3, d: null, e: [' y', '', { f: ' z ' }], g: { h: '\tw\n' } }),
      { a: 'x', b: null, c: 3, d: null, e: ['y', null, { f: 'z' }], g: { h: 'w' } },
    );
    assert.deepEqual(normalizeBody([{ email: ' a@b.test ' }]), [{ email: 'a@b.test' }]);
    assert.equal(normalizeBody(' s '), 's');
  });

  it('keeps the keys in their order, and a "__proto__" key as an own data property, never the prototype', () => {
    const parsed = JSON.parse('{"z":1,"__proto__":{"admin":true},"a":" 2 "}') as object;
    const out = normalizeBody(parsed) as Record<string, unknown>;
    assert.deepEqual(Object.keys(out), ['z', '__proto__', 'a']);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.equal((out as { admin?: unknown }).admin, undefined);
    assert.deepEqual(Object.getOwnPropertyDescriptor(out, '__proto__')?.value, { admin: true });
    assert.equal(out.a, '2');
  });

  it('refuses a body nested deeper than any this API takes', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100; i += 1) deep = { deep };
    assert.throws(() => normalizeBody(deep), /nests more than/);
  });
});

describe('unknownFields', () => {
  const schema = {
    type: 'array',
    items: {
      type: 'object',
      properties: { email: {}, profile: { type: 'object', properties: { name: {} } }, tags: { type: 'array' } },
    },
  };

  it('names unknown keys by their path, through array items and nested objects, and drops them when asked', () => {
    const body = [
      { email: 'a', extra: 1, profile: { name: 'n', nick: 'x' } },
      'not an object',
      { email: 'b', tags: ['t'] },
    ];
    assert.deepEqual(unknownFields(schema, body, false), ['0.extra', '0.profile.nick']);
    assert.equal((body[0] as Record<string, unknown>).extra, 1, 'kept without drop');
    assert.deepEqual(unknownFields(schema, body, true), ['0.extra', '0.profile.nick']);
    assert.deepEqual(body[0], { email: 'a', profile: { name: 'n' } });
    assert.deepEqual(unknownFields(schema, body, false), []);
  });
});
