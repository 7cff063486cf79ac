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

  test('an address already in the one form comes back exactly as the full conversion gives it', () => {
    // A leading space sends an address through every step (it is trimmed first): the reference.
    const full = (address: string) => normalizeEmail(` ${address}`);
    const label = (n: number) => 'a'.repeat(n);
    const edges = [
      'plain@example.com',
      "o'brien+tag@sub.example.co",
      `x@${label(63)}.example`,
      `x@${label(64)}.example`,
      `x@${[label(63), label(63), label(63), label(61)].join('.')}`,
      `x@${[label(63), label(63), label(63), label(62)].join('.')}`,
      'x@b.example.',
      'x@b%41.test',
      'x@0x7f.1',
      'x@b.0x7f',
      'x@1.2.3.4',
      'x@xn--bcher-kva.example',
      'x@xn--a.example',
      'x@ab--cd.example',
      'x@a_b.example',
      'x@-a.example',
      'x@a-.example',
      'x@b..example',
      'x@example',
      'a@b@c.example',
    ];
    for (const address of edges) assert.equal(normalizeEmail(address), full(address), address);
    // Random strings of the characters that matter to the form's edges.
    const alphabet = 'abcxyz019.-_%@+ABX';
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 5000; i += 1) {
      const length = 3 + Math.floor(next() * 24);
      let address = '';
      for (let j = 0; j < length; j += 1) address += alphabet[Math.floor(next() * alphabet.length)];
      assert.equal(normalizeEmail(address), full(address), address);
    }
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
