/** The one form of an address: what every look-up, store and answer uses. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { normalizeEmail, parseEmailAddress } from '../../src/email/parse.js';

describe('normalizeEmail', () => {
  test('a Unicode domain, its punycode and its upper-case or decomposed spellings are one address', () => {
    const forms = [
      'x@bücher.example',
      'x@BÜCHER.EXAMPLE',
      'x@bu\u0308cher.example',
      'x@xn--bcher-kva.example',
      ' X@XN--BCHER-KVA.Example ',
      'x@bücher.example.',
    ];
    for (const form of forms) assert.equal(normalizeEmail(form), 'x@xn--bcher-kva.example', JSON.stringify(form));
  });

  test('the local part is NFC and lower case, never punycode', () => {
    assert.equal(normalizeEmail('Jo\u0308rg@example.test'), 'jörg@example.test');
    assert.equal(normalizeEmail('JÖRG@example.test'), 'jörg@example.test');
    assert.equal(normalizeEmail('jörg@example.test').normalize('NFC'), 'jörg@example.test');
  });

  test('a string that is no address is only trimmed and case-folded, and never throws', () => {
    assert.equal(normalizeEmail('  Not-An-Address '), 'not-an-address');
    assert.equal(normalizeEmail('a@'), 'a@');
    assert.equal(normalizeEmail('a@b%c.test'), 'a@b%c.test');
    assert.equal(normalizeEmail(''), '');
  });

  test('parseEmailAddress answers exactly the normalized form', () => {
    for (const input of [
      'A@Bücher.Example',
      'a@xn--bcher-kva.example',
      'Jo\u0308rg@BU\u0308CHER.test',
      'plain@example.com',
      '  Padded.Name+Tag@Sub.Example.COM  ',
      'ÅSA.Öberg@Bücher.Example',
      'x@XN--BCHER-KVA.Example',
    ]) {
      const parsed = parseEmailAddress(input);
      assert.ok(parsed.ok, input);
      assert.equal(parsed.email, normalizeEmail(input));
      assert.equal(normalizeEmail(parsed.email), parsed.email, 'the normalized form is a fixed point');
    }
  });
});
