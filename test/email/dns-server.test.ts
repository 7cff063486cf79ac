// The test DNS server (support/dns-server.ts) answers the way the email checks rely on,
// as seen through Node's own resolver.
import assert from 'node:assert/strict';
import { Resolver } from 'node:dns/promises';
import { after, before, describe, test } from 'node:test';
import { startTestDnsServer, unusedUdpAddress, type TestDnsServer } from '../../support/dns-server.js';

function resolverFor(address: string): Resolver {
  const resolver = new Resolver({ timeout: 200, tries: 1 });
  resolver.setServers([address]);
  return resolver;
}

async function errorCodeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'NO_CODE';
  }
  assert.fail('expected the lookup to fail');
}

describe('startTestDnsServer', () => {
  let server: TestDnsServer;
  let resolver: Resolver;

  before(async () => {
    server = await startTestDnsServer({
      zones: {
        'mx.example.test': {
          mx: [
            { exchange: 'mail.mx.example.test', priority: 10 },
            { exchange: 'backup.example.test', priority: 20 },
          ],
        },
        'null-mx.example.test': { mx: [{ exchange: '', priority: 0 }] },
        'dot-mx.example.test': { mx: [{ exchange: '.', priority: 0 }] },
        'hosts.example.test': { a: ['192.0.2.1', '192.0.2.2'], aaaa: ['2001:db8::1'] },
        'empty.example.test': {},
        'bücher.example': { a: ['192.0.2.3'] },
      },
      wildcardSuffixes: { '*.wild.test': { a: ['192.0.2.4'] } },
      servfail: ['servfail.example.test'],
      refused: ['refused.example.test'],
      silentNames: ['silent.example.test'],
    });
    resolver = resolverFor(server.address);
  });

  after(() => server.close());

  test('listens on 127.0.0.1 with a random port', () => {
    assert.match(server.address, /^127\.0\.0\.1:\d+$/);
    assert.notEqual(server.port, 0);
    assert.equal(server.address, `127.0.0.1:${server.port}`);
  });

  /** Exchange and priority only: Node 24 adds `type: 'MX'` to each record, Node 20 does not. */
  const mxRecords = (records: { exchange: string; priority: number }[]) =>
    records.map(({ exchange, priority }) => ({ exchange, priority }));

  test('serves MX, A and AAAA records', async () => {
    const mx = mxRecords(await resolver.resolveMx('mx.example.test'));
    assert.deepEqual(
      mx.sort((a, b) => a.priority - b.priority),
      [
        { exchange: 'mail.mx.example.test', priority: 10 },
        { exchange: 'backup.example.test', priority: 20 },
      ],
    );
    assert.deepEqual((await resolver.resolve4('hosts.example.test')).sort(), ['192.0.2.1', '192.0.2.2']);
    assert.deepEqual(await resolver.resolve6('hosts.example.test'), ['2001:db8::1']);
  });

  test('encodes a null MX as the root name: Node returns an empty exchange', async () => {
    assert.deepEqual(mxRecords(await resolver.resolveMx('null-mx.example.test')), [{ exchange: '', priority: 0 }]);
    assert.deepEqual(mxRecords(await resolver.resolveMx('dot-mx.example.test')), [{ exchange: '', priority: 0 }]);
  });

  test('a known name without the asked type is NODATA (ENODATA)', async () => {
    assert.equal(await errorCodeOf(resolver.resolveMx('hosts.example.test')), 'ENODATA');
    assert.equal(await errorCodeOf(resolver.resolve4('empty.example.test')), 'ENODATA');
  });

  test('an unknown name is NXDOMAIN (ENOTFOUND)', async () => {
    assert.equal(await errorCodeOf(resolver.resolveMx('nope.example.test')), 'ENOTFOUND');
    assert.equal(await errorCodeOf(resolver.resolveMx('wild.test')), 'ENOTFOUND');
  });

  test('wildcard suffixes match names below the suffix, IDN zone keys are A-labels', async () => {
    assert.deepEqual(await resolver.resolve4('a.b.wild.test'), ['192.0.2.4']);
    assert.deepEqual(await resolver.resolve4('xn--bcher-kva.example'), ['192.0.2.3']);
  });

  test('SERVFAIL, REFUSED and silent names', async () => {
    assert.equal(await errorCodeOf(resolver.resolveMx('servfail.example.test')), 'ESERVFAIL');
    assert.equal(await errorCodeOf(resolver.resolveMx('refused.example.test')), 'EREFUSED');
    assert.equal(await errorCodeOf(resolver.resolveMx('silent.example.test')), 'ETIMEOUT');
  });

  test('records every query as "<name> <TYPE>"', async () => {
    await resolver.resolveMx('MX.Example.Test');
    assert.equal(server.queries.at(-1), 'mx.example.test MX');
    assert.ok(server.queriesFor('mx.example.test').length >= 1);
    assert.ok(server.queries.includes('hosts.example.test AAAA'));
  });

  test('silent: true never answers, but still records the query', async () => {
    const silent = await startTestDnsServer({
      zones: { 'mx.example.test': { mx: [{ exchange: 'm.example.test', priority: 1 }] } },
      silent: true,
    });
    try {
      assert.equal(await errorCodeOf(resolverFor(silent.address).resolveMx('mx.example.test')), 'ETIMEOUT');
      assert.deepEqual(silent.queries, ['mx.example.test MX']);
    } finally {
      await silent.close();
    }
  });

  test('unusedUdpAddress gives ECONNREFUSED', async () => {
    assert.equal(await errorCodeOf(resolverFor(await unusedUdpAddress()).resolveMx('mx.example.test')), 'ECONNREFUSED');
  });
});
