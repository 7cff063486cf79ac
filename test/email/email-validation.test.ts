// An address as the service checks it (src/guests/guest.validation.ts): syntax (parse.ts), then the
// DNS check of the parsed domain (dns-check.ts), against a local DNS server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DNS_MESSAGES, EmailDomainChecker, type DnsCheckConfig } from '../../src/email/dns-check.js';
import { INVALID_EMAIL_MESSAGE, parseEmailAddress } from '../../src/email/parse.js';
import { startTestDnsServer, type TestDnsServer } from '../../support/dns-server.js';

const silentLogger = { warn: () => undefined, info: () => undefined };

describe('email address: syntax, then the domain in the DNS', () => {
  let server: TestDnsServer;
  let config: DnsCheckConfig;

  before(async () => {
    server = await startTestDnsServer({
      zones: {
        'canary.test': { a: ['192.0.2.1'] },
        'example.test': { mx: [{ exchange: 'mail.example.test', priority: 10 }] },
        'bücher.example': { a: ['192.0.2.2'] },
        'nomail.example.test': { mx: [{ exchange: '.', priority: 0 }] },
      },
      servfail: ['broken.example.test'],
    });
    config = {
      mode: 'on',
      servers: [server.address],
      timeoutMs: 200,
      tries: 1,
      cacheTtlMs: 60_000,
      canaryDomain: 'canary.test',
      canaryIntervalMs: 60_000,
    };
  });

  after(() => server.close());

  /** The parsed address, then the verdict on its domain: what the service checks, in its order. */
  async function check(input: string, checker: EmailDomainChecker) {
    const parsed = parseEmailAddress(input);
    assert.ok(parsed.ok, `${input} parses`);
    return { parsed, verdict: await checker.checkDomain(parsed.domain) };
  }

  test('syntax alone makes no queries', () => {
    const count = server.queries.length;
    assert.deepEqual(parseEmailAddress(' Someone@Nowhere.Test '), {
      ok: true,
      email: 'someone@nowhere.test',
      domain: 'nowhere.test',
    });
    assert.deepEqual(parseEmailAddress('nope'), { ok: false, message: INVALID_EMAIL_MESSAGE });
    assert.equal(server.queries.length, count);
  });

  test('valid address on a mail domain', async () => {
    const checker = new EmailDomainChecker(config, silentLogger);
    assert.deepEqual(await check('Ann@Example.Test', checker), {
      parsed: { ok: true, email: 'ann@example.test', domain: 'example.test' },
      verdict: { ok: true },
    });
  });

  test('IDN address: normalized to its A-label form, and looked up by it', async () => {
    const checker = new EmailDomainChecker(config, silentLogger);
    assert.deepEqual(await check('Ann@BÜCHER.example', checker), {
      parsed: { ok: true, email: 'ann@xn--bcher-kva.example', domain: 'xn--bcher-kva.example' },
      verdict: { ok: true },
    });
    assert.ok(server.queries.includes('xn--bcher-kva.example A'));
  });

  test('DNS failures carry their message', async () => {
    const checker = new EmailDomainChecker(config, silentLogger);
    assert.deepEqual((await check('a@nomail.example.test', checker)).verdict, {
      ok: false,
      message: DNS_MESSAGES.nullMx,
    });
    assert.deepEqual((await check('a@missing.example.test', checker)).verdict, {
      ok: false,
      message: DNS_MESSAGES.notFound,
    });
  });

  test('an unverifiable domain is accepted with unverified: true in mode on', async () => {
    const checker = new EmailDomainChecker(config, silentLogger);
    assert.deepEqual(await check('a@broken.example.test', checker), {
      parsed: { ok: true, email: 'a@broken.example.test', domain: 'broken.example.test' },
      verdict: { ok: true, unverified: true },
    });
    const strict = new EmailDomainChecker({ ...config, mode: 'strict' }, silentLogger);
    assert.deepEqual((await check('a@broken.example.test', strict)).verdict, {
      ok: false,
      message: DNS_MESSAGES.unverifiable,
    });
  });

  test('a syntax failure makes no DNS query', () => {
    const count = server.queries.length;
    assert.deepEqual(parseEmailAddress(`${'a'.repeat(65)}@example.test`), {
      ok: false,
      message: INVALID_EMAIL_MESSAGE,
    });
    assert.equal(server.queries.length, count);
  });
});
