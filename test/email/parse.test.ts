import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeEmail } from '@hapi/address';
import { INVALID_EMAIL_MESSAGE, parseEmailAddress, toAsciiDomain } from '../../src/email/parse.js';

const octets = (s: string): number => Buffer.byteLength(s, 'utf8');

/** A syntactically valid domain of exactly `length` characters, ending in `.test`. */
function domainOfLength(length: number): string {
  const labels: string[] = [];
  let rest = length - '.test'.length;
  while (rest > 0) {
    let size = Math.min(63, rest);
    if (rest - size === 1) size -= 1; // never leave room for just a dot
    labels.push('d'.repeat(size));
    rest -= size;
    if (rest > 0) rest -= 1; // the dot before the next label
  }
  const domain = `${labels.join('.')}.test`;
  assert.equal(domain.length, length);
  return domain;
}

function expectValid(input: string, email: string, domain: string): void {
  assert.deepEqual(
    parseEmailAddress(input),
    { ok: true, email, domain },
    `expected ${JSON.stringify(input)} to be valid`,
  );
}

function expectInvalid(input: string): void {
  assert.deepEqual(
    parseEmailAddress(input),
    { ok: false, message: INVALID_EMAIL_MESSAGE },
    `expected ${JSON.stringify(input)} to be invalid`,
  );
}

describe('parseEmailAddress', () => {
  test('accepts a plain address and returns it trimmed and lowercased', () => {
    expectValid('user@example.com', 'user@example.com', 'example.com');
    expectValid('  John.Doe+Tag@Example.COM \n', 'john.doe+tag@example.com', 'example.com');
    expectValid("o'brien_x-y@sub.example.test", "o'brien_x-y@sub.example.test", 'sub.example.test');
  });

  test('does not restrict TLDs to the IANA list', () => {
    expectValid('a@b.test', 'a@b.test', 'b.test');
    expectValid('a@host.internal', 'a@host.internal', 'host.internal');
    expectValid('a@example.zzzzzz', 'a@example.zzzzzz', 'example.zzzzzz');
  });

  test('local part: 64 octets accepted, 65 rejected', () => {
    expectValid(`${'a'.repeat(64)}@example.com`, `${'a'.repeat(64)}@example.com`, 'example.com');
    expectInvalid(`${'a'.repeat(65)}@example.com`);
  });

  test('local part limit counts UTF-8 octets, not characters', () => {
    // 'ü' is 2 octets: 32 of them = 64 octets, 33 = 66 octets (only 33 characters).
    const ok = `${'ü'.repeat(32)}@example.com`;
    expectValid(ok, ok, 'example.com');
    expectInvalid(`${'ü'.repeat(33)}@example.com`);
  });

  test('whole address: 254 octets accepted, 255 rejected', () => {
    const local = 'a'.repeat(64);
    const ok = `${local}@${domainOfLength(254 - 65)}`;
    assert.equal(ok.length, 254);
    expectValid(ok, ok, ok.slice(65));
    const tooLong = `${local}@${domainOfLength(255 - 65)}`;
    assert.equal(tooLong.length, 255);
    expectInvalid(tooLong);
  });

  test('whole-address limit counts UTF-8 octets', () => {
    // 254 characters but 256 octets because of two two-octet letters.
    const domain = `${'d'.repeat(63)}.${'d'.repeat(63)}.ü${'d'.repeat(20)}.ü${'d'.repeat(20)}.${'d'.repeat(12)}.test`;
    const address = `${'a'.repeat(64)}@${domain}`;
    assert.equal(address.length, 254);
    assert.equal(octets(address), 256);
    // @hapi/address alone counts UTF-16 code units and accepts it ...
    assert.equal(analyzeEmail(address, { minDomainSegments: 2 }), null);
    // ... and the same address with ASCII letters is fine.
    const ascii = address.replaceAll('ü', 'u');
    expectValid(ascii, ascii, ascii.slice(65));
    expectInvalid(address);
  });

  test('rejects structurally broken addresses', () => {
    for (const input of [
      '',
      '   ',
      'userexample.com', // missing @
      'user@@example.com',
      'a@b@example.com',
      '@example.com',
      'user@',
      'user@localhost', // needs at least two domain segments
      'user@example.com.', // trailing dot
      'user@example..com',
      'user.@example.com',
      '.user@example.com',
      'us..er@example.com',
      'user@-example.com',
      'user@exa_mple.com',
      'user@1.2.3.4', // numeric TLD / IP address
      'user@[192.0.2.1]', // address literals are not supported
      '"quoted"@example.com',
      'us er@example.com',
      'user@exam ple.com',
      `user@${'d'.repeat(64)}.com`, // label over 63 octets
      'user@xn--a.com', // invalid punycode
    ]) {
      expectInvalid(input);
    }
  });

  test('rejects invisible characters the library would accept', () => {
    expectInvalid('a\u200bb@example.com'); // zero-width space
    expectInvalid('a\u00a0b@example.com'); // no-break space
    expectInvalid('ab\u0000@example.com');
    expectInvalid('ab@exa\u200dmple.com');
  });

  test('accepts internationalized domains and gives them in their one ASCII (punycode) form', () => {
    expectValid('user@bücher.example', 'user@xn--bcher-kva.example', 'xn--bcher-kva.example');
    expectValid('User@BÜCHER.Example', 'user@xn--bcher-kva.example', 'xn--bcher-kva.example');
    // Decomposed "u + combining diaeresis" is the same domain.
    expectValid('user@bu\u0308cher.example', 'user@xn--bcher-kva.example', 'xn--bcher-kva.example');
    expectValid('user@xn--bcher-kva.example', 'user@xn--bcher-kva.example', 'xn--bcher-kva.example');
    expectValid('User@XN--BCHER-KVA.Example', 'user@xn--bcher-kva.example', 'xn--bcher-kva.example');
    expectValid('почта@пример.рф', 'почта@xn--e1afmkfd.xn--p1ai', 'xn--e1afmkfd.xn--p1ai');
  });

  test('the address in its ASCII-domain form must fit in 254 octets too', () => {
    // 252 octets as given; the third label is 57 octets in UTF-8 but 63 as punycode.
    const domain = `${'d'.repeat(63)}.${'d'.repeat(60)}.ä${'b'.repeat(55)}.test`;
    const address = `${'a'.repeat(64)}@${domain}`;
    assert.equal(octets(address), 252);
    assert.equal(`${'a'.repeat(64)}@${toAsciiDomain(domain)}`.length, 258);
    expectInvalid(address);
    // Four letters shorter, both forms fit.
    const shorter = `${'a'.repeat(60)}@${domain}`;
    expectValid(shorter, `${'a'.repeat(60)}@${toAsciiDomain(domain)}`, toAsciiDomain(domain) as string);
  });

  test('accepts a Unicode local part (RFC 6531), in NFC and lower case', () => {
    expectValid('Jörg@example.test', 'jörg@example.test', 'example.test');
    expectValid('Jo\u0308rg@example.test', 'jörg@example.test', 'example.test');
    expectValid('JÖRG@BÜCHER.test', 'jörg@xn--bcher-kva.test', 'xn--bcher-kva.test');
  });

  test('never throws on non-string input', () => {
    for (const input of [undefined, null, 42, {}, ['a@b.test']]) {
      assert.deepEqual(parseEmailAddress(input as unknown as string), { ok: false, message: INVALID_EMAIL_MESSAGE });
    }
  });
});

describe('toAsciiDomain', () => {
  test('converts IDN domains to A-labels and lowercases', () => {
    assert.equal(toAsciiDomain('bücher.example'), 'xn--bcher-kva.example');
    assert.equal(toAsciiDomain('BÜCHER.Example'), 'xn--bcher-kva.example');
    assert.equal(toAsciiDomain('Example.COM.'), 'example.com');
  });

  test('rejects names that cannot be looked up as mail domains', () => {
    for (const input of ['', '.', 'a..b', 'xn--a.com', '0x7f.1', '1.2.3.4', '[::1]', `${'a'.repeat(64)}.com`]) {
      assert.equal(toAsciiDomain(input), null, JSON.stringify(input));
    }
  });
});

describe('parseEmailAddress answered again from memory', () => {
  test('the same input gets the same answer, frozen, and past what is kept every answer is still right', () => {
    const first = parseEmailAddress(' Ana@BÜCHER.example ');
    assert.deepEqual(first, { ok: true, email: 'ana@xn--bcher-kva.example', domain: 'xn--bcher-kva.example' });
    assert.equal(Object.isFrozen(first), true, 'callers share the answer, so none may change it');
    assert.deepEqual(parseEmailAddress(' Ana@BÜCHER.example '), first);
    // More distinct inputs than are kept, valid and invalid: the oldest are dropped, none is mixed up.
    const inputs = Array.from({ length: 10_000 }, (_, i) =>
      i % 3 === 0 ? `bad ${i}@x.test` : `P${i}@Host${i % 7}.test`,
    );
    for (const round of [1, 2])
      for (const [i, input] of inputs.entries()) {
        const parsed = parseEmailAddress(input);
        if (i % 3 === 0) assert.equal(parsed.ok, false, `${input} (round ${round})`);
        else assert.deepEqual(parsed, { ok: true, email: `p${i}@host${i % 7}.test`, domain: `host${i % 7}.test` });
      }
    // An input longer than what is kept by its text is still parsed: surrounding spaces are trimmed.
    const padded = `${' '.repeat(600)}Ana@bücher.example${' '.repeat(10)}`;
    assert.deepEqual(parseEmailAddress(padded), first);
  });
});
