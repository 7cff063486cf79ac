// validateEmailAddress: syntax, then the DNS check of the domain, against a local DNS server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DNS_MESSAGES,
  EmailDomainChecker,
  INVALID_EMAIL_MESSAGE,
  validateEmailAddress,
  type DnsCheckConfig,
} from '../../src/email/email-validation.js';
import { startTestDnsServer, type TestDnsServer } from '../../support/dns-server.js';

const silentLogger = { warn: () => undefined, info: () => undefined };

describe('validateEmailAddress', () => {
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

  test('without a checker: syntax only, no queries', async () => {
    const count = server.queries.length;
    assert.deepEqual(await validateEmailAddress(' Someone@Nowhere.Test '), { ok: true, email: 'someone@nowhere.test', domain: 'nowhere.test' });
    assert.deepEqual(await validateEmailAddress('nope'), { ok: false, message: INVALID_EMAIL_MESSAGE });
    assert.equal(server.queries.length, count);
  });

  test('valid address on a mail domain', async () => {
    const checker = new EmailDomainChecker(config, silentLogger);
    assert.deepEqual(await validateEmailAddress('Ann@Example.Test', checker), { ok: true, email: 'ann@example.test', domain: 'example.test' });
  });

  test('IDN address: normalized to its A-label form, and looked up by it', async () => {
    const checker = new EmailDomainChecker(config, silentLogger);
    assert.deepEqual(await validateEmailAddress('Ann@BÜCHER.example', checker), { ok: true, email: 'ann@xn--bcher-kva.example', domain: 'xn--bcher-kva.example' });
    assert.ok(server.queries.includes('xn--bcher-kva.example A'));
  });

  test('DNS failures carry their message', async () => {
    const checker = new EmailDomainChecker(config, silentLogger);
    assert.deepEqual(await validateEmailAddress('a@nomail.example.test', checker), { ok: false, message: DNS_MESSAGES.nullMx });
    assert.deepEqual(await validateEmailAddress('a@missing.example.test', checker), { ok: false, message: DNS_MESSAGES.notFound });
  });

  test('an unverifiable domain is accepted with unverified: true in mode on', async () => {
    const checker = new EmailDomainChecker(config, silentLogger);
    assert.deepEqual(await validateEmailAddress('a@broken.example.test', checker), {
      ok: true,
      email: 'a@broken.example.test',
      domain: 'broken.example.test',
      unverified: true,
    });
    const strict = new EmailDomainChecker({ ...config, mode: 'strict' }, silentLogger);
    assert.deepEqual(await validateEmailAddress('a@broken.example.test', strict), { ok: false, message: DNS_MESSAGES.unverifiable });
  });

  test('a syntax failure makes no DNS query', async () => {
    const checker = new EmailDomainChecker(config, silentLogger);
    const count = server.queries.length;
    assert.deepEqual(await validateEmailAddress(`${'a'.repeat(65)}@example.test`, checker), { ok: false, message: INVALID_EMAIL_MESSAGE });
    assert.equal(server.queries.length, count);
  });
});
