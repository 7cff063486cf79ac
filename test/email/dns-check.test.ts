// EmailDomainChecker against a real DNS server on 127.0.0.1 (no internet needed).
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, mock, test } from 'node:test';
import {
  DNS_CACHE_MAX_ENTRIES,
  DNS_MESSAGES,
  EmailDomainChecker,
  type DnsCheckConfig,
  type DnsCheckMode,
  type DnsLogger,
} from '../../src/email/dns-check.js';
import { INVALID_EMAIL_MESSAGE } from '../../src/email/parse.js';
import { startTestDnsServer, unusedUdpAddress, type TestDnsServer } from '../../support/dns-server.js';

interface LogEntry {
  level: 'warn' | 'info';
  obj: Record<string, unknown>;
  msg: string;
}

class MemoryLogger implements DnsLogger {
  readonly entries: LogEntry[] = [];
  warn(obj: object, msg: string): void {
    this.entries.push({ level: 'warn', obj: obj as Record<string, unknown>, msg });
  }
  info(obj: object, msg: string): void {
    this.entries.push({ level: 'info', obj: obj as Record<string, unknown>, msg });
  }
  get warnings(): LogEntry[] {
    return this.entries.filter((e) => e.level === 'warn');
  }
}

const CANARY = 'canary.test';
const MX = 'mx.example.test';
const A_ONLY = 'a-only.example.test';
const AAAA_ONLY = 'aaaa-only.example.test';
const NULL_MX = 'null-mx.example.test';
const NO_RECORDS = 'no-records.example.test';
const NXDOMAIN = 'nx.example.test';
const SERVFAIL = 'servfail.example.test';
const REFUSED = 'refused.example.test';
const SLOW = 'slow.example.test';
// Silent names of their own for tests that count queries: c-ares keeps retrying a query
// after the checker gave up on it, so a shared name could see another test's retries.
const SLOW_RETRY = 'slow-retry.example.test';
const SLOW_DEADLINE = 'slow-deadline.example.test';
const SLOW_DEDUPE = 'slow-dedupe.example.test';

const OK = { ok: true } as const;
const UNVERIFIED = { ok: true, unverified: true } as const;
const fail = (message: string) => ({ ok: false, message });

let server: TestDnsServer;
const checkers: EmailDomainChecker[] = [];

before(async () => {
  server = await startTestDnsServer({
    zones: {
      [CANARY]: { mx: [{ exchange: 'mx.canary.test', priority: 5 }] },
      [MX]: { mx: [{ exchange: 'mail.mx.example.test', priority: 10 }] },
      [A_ONLY]: { a: ['192.0.2.10'] },
      [AAAA_ONLY]: { aaaa: ['2001:db8::10'] },
      // A null MX wins even though the name also has an address (RFC 7505 §3).
      [NULL_MX]: { mx: [{ exchange: '', priority: 0 }], a: ['192.0.2.11'] },
      [NO_RECORDS]: {},
      'bücher.example': { mx: [{ exchange: 'mail.xn--bcher-kva.example', priority: 10 }] },
    },
    wildcardSuffixes: { '*.wild.test': { mx: [{ exchange: 'mail.wild.test', priority: 10 }] } },
    servfail: [SERVFAIL],
    refused: [REFUSED],
    silentNames: [SLOW, SLOW_RETRY, SLOW_DEADLINE, SLOW_DEDUPE],
  });
});

after(() => server.close());

afterEach(() => {
  for (const checker of checkers.splice(0)) checker.stop();
});

function makeChecker(overrides: Partial<DnsCheckConfig> = {}): { checker: EmailDomainChecker; logger: MemoryLogger } {
  const logger = new MemoryLogger();
  const checker = new EmailDomainChecker(
    {
      mode: 'on',
      servers: [server.address],
      timeoutMs: 200,
      tries: 1,
      cacheTtlMs: 60_000,
      canaryDomain: CANARY,
      canaryIntervalMs: 60_000,
      ...overrides,
    },
    logger,
  );
  checkers.push(checker);
  return { checker, logger };
}

/** Queries the server received for `name` during `run`. */
async function queriesDuring(name: string, run: () => Promise<unknown>): Promise<string[]> {
  const before = server.queriesFor(name).length;
  await run();
  return server.queriesFor(name).slice(before);
}

describe('EmailDomainChecker: DNS answers', () => {
  test('MX records: ok', async () => {
    const { checker } = makeChecker();
    const queries = await queriesDuring(MX, async () => assert.deepEqual(await checker.checkDomain(MX), OK));
    assert.deepEqual(queries, [`${MX} MX`]);
  });

  test('no MX, an A record: ok (implicit MX)', async () => {
    const { checker } = makeChecker();
    const queries = await queriesDuring(A_ONLY, async () => assert.deepEqual(await checker.checkDomain(A_ONLY), OK));
    assert.deepEqual(queries, [`${A_ONLY} MX`, `${A_ONLY} A`]);
  });

  test('no MX, no A, an AAAA record: ok', async () => {
    const { checker } = makeChecker();
    const queries = await queriesDuring(AAAA_ONLY, async () =>
      assert.deepEqual(await checker.checkDomain(AAAA_ONLY), OK),
    );
    assert.deepEqual(queries, [`${AAAA_ONLY} MX`, `${AAAA_ONLY} A`, `${AAAA_ONLY} AAAA`]);
  });

  test('null MX (RFC 7505): the domain does not accept email', async () => {
    const { checker } = makeChecker();
    assert.deepEqual(await checker.checkDomain(NULL_MX), fail(DNS_MESSAGES.nullMx));
    assert.equal(DNS_MESSAGES.nullMx, 'The email domain does not accept email.');
  });

  test('no MX, A or AAAA: the domain has no mail server', async () => {
    const { checker } = makeChecker();
    assert.deepEqual(await checker.checkDomain(NO_RECORDS), fail('The email domain has no mail server.'));
  });

  test('NXDOMAIN while the canary resolves: the domain does not exist', async () => {
    const { checker, logger } = makeChecker();
    await checker.start();
    assert.deepEqual(await checker.checkDomain(NXDOMAIN), fail('The email domain does not exist.'));
    assert.deepEqual(logger.warnings, []);
    assert.equal(logger.entries[0]?.level, 'info'); // "canary resolves"
  });

  test('IDN domains are looked up by their A-label', async () => {
    const { checker } = makeChecker();
    const queries = await queriesDuring('xn--bcher-kva.example', async () =>
      assert.deepEqual(await checker.checkDomain('Bücher.example'), OK),
    );
    assert.deepEqual(queries, ['xn--bcher-kva.example MX']);
  });

  test('names under a wildcard suffix resolve', async () => {
    const { checker } = makeChecker();
    assert.deepEqual(await checker.checkDomain('anything.wild.test'), OK);
  });

  test('a domain that is not a valid host name fails without a query', async () => {
    const own = await startTestDnsServer({ zones: {} });
    try {
      const { checker } = makeChecker({ servers: [own.address] });
      for (const bad of ['', 'a..b', 'xn--a.com', '1.2.3.4', 42 as unknown as string]) {
        assert.deepEqual(await checker.checkDomain(bad), fail(INVALID_EMAIL_MESSAGE));
      }
      assert.deepEqual(own.queries, []);
    } finally {
      await own.close();
    }
  });
});

describe('EmailDomainChecker: canary', () => {
  test('canary NXDOMAIN (mode on): NXDOMAIN and no-records answers are accepted unverified', async () => {
    const { checker, logger } = makeChecker({ canaryDomain: 'missing-canary.test' });
    await checker.start();
    assert.deepEqual(server.queriesFor('missing-canary.test').slice(-2), [
      'missing-canary.test MX',
      'missing-canary.test A',
    ]);
    assert.equal(logger.warnings.length, 1); // the canary state change
    assert.deepEqual(await checker.checkDomain(NXDOMAIN), UNVERIFIED);
    assert.deepEqual(await checker.checkDomain(NO_RECORDS), UNVERIFIED);
    assert.deepEqual(await checker.checkDomain('other-nx.example.test'), UNVERIFIED);
    // Positive and null-MX answers are still trusted.
    assert.deepEqual(await checker.checkDomain(MX), OK);
    assert.deepEqual(await checker.checkDomain(NULL_MX), fail(DNS_MESSAGES.nullMx));
    // One warning about the canary, plus one (not three) about unverified verdicts.
    const verdictWarnings = logger.warnings.filter((w) => w.obj['reason'] === 'canary-nxdomain');
    assert.equal(verdictWarnings.length, 1);
    assert.equal(verdictWarnings[0]?.obj['domain'], NXDOMAIN);
  });

  test('canary NXDOMAIN (mode strict): NXDOMAIN fails closed as "could not be verified"', async () => {
    const { checker } = makeChecker({ mode: 'strict', canaryDomain: 'missing-canary.test' });
    await checker.start();
    assert.deepEqual(await checker.checkDomain(NXDOMAIN), fail('The email domain could not be verified.'));
    assert.deepEqual(await checker.checkDomain(NO_RECORDS), fail(DNS_MESSAGES.unverifiable));
    assert.deepEqual(await checker.checkDomain(MX), OK);
  });

  test('canary only has an A record: trusted', async () => {
    const { checker } = makeChecker({ canaryDomain: A_ONLY });
    await checker.start();
    assert.deepEqual(await checker.checkDomain(NXDOMAIN), fail(DNS_MESSAGES.notFound));
  });

  for (const [label, canaryDomain] of [
    ['times out', SLOW],
    ['answers SERVFAIL', SERVFAIL],
  ] as const) {
    test(`canary ${label}: negative answers are unverified (on) / rejected (strict)`, async () => {
      const on = makeChecker({ canaryDomain });
      await on.checker.start();
      assert.match(on.logger.warnings[0]?.msg ?? '', /canary lookup failed/);
      assert.deepEqual(await on.checker.checkDomain(NXDOMAIN), UNVERIFIED);
      assert.deepEqual(await on.checker.checkDomain(MX), OK);

      const strict = makeChecker({ mode: 'strict', canaryDomain });
      await strict.checker.start();
      assert.deepEqual(await strict.checker.checkDomain(NXDOMAIN), fail(DNS_MESSAGES.unverifiable));
      assert.deepEqual(await strict.checker.checkDomain(MX), OK);
    });
  }

  test('without start(), the canary is checked lazily, once, when a negative answer needs it', async () => {
    const { checker } = makeChecker();
    const beforeNegative = await queriesDuring(CANARY, async () => assert.deepEqual(await checker.checkDomain(MX), OK));
    assert.deepEqual(beforeNegative, []); // a positive answer needs no canary
    const canaryQueries = await queriesDuring(CANARY, async () => {
      assert.deepEqual(await checker.checkDomain(NXDOMAIN), fail(DNS_MESSAGES.notFound));
      assert.deepEqual(await checker.checkDomain(NO_RECORDS), fail(DNS_MESSAGES.noMailServer));
    });
    assert.deepEqual(canaryQueries, [`${CANARY} MX`]);
  });

  test('start() re-checks the canary every canaryIntervalMs until stop()', async () => {
    const { checker } = makeChecker({ canaryIntervalMs: 100 });
    const queries = await queriesDuring(CANARY, async () => {
      await checker.start();
      await checker.start(); // idempotent: no second timer, no second probe
      await new Promise((resolve) => setTimeout(resolve, 450));
      checker.stop();
    });
    assert.ok(queries.length >= 3 && queries.length <= 7, `expected about 5 canary probes, got ${queries.length}`);
    const stopped = await queriesDuring(CANARY, () => new Promise((resolve) => setTimeout(resolve, 250)));
    assert.deepEqual(stopped, []);
  });
});

describe('EmailDomainChecker: resolver failures', () => {
  const cases: Array<[string, () => Promise<Partial<DnsCheckConfig>>, string, string]> = [
    ['timeout (no answer)', async () => ({}), SLOW, 'ETIMEOUT'],
    ['SERVFAIL', async () => ({}), SERVFAIL, 'ESERVFAIL'],
    ['REFUSED', async () => ({}), REFUSED, 'EREFUSED'],
    ['connection refused (closed port)', async () => ({ servers: [await unusedUdpAddress()] }), MX, 'ECONNREFUSED'],
    ['silent server', async () => ({ servers: [silentServer.address] }), MX, 'ETIMEOUT'],
  ];
  let silentServer: TestDnsServer;
  before(async () => {
    silentServer = await startTestDnsServer({ zones: {}, silent: true });
  });
  after(() => silentServer.close());

  for (const [label, config, domain, code] of cases) {
    for (const mode of ['on', 'strict'] as const satisfies DnsCheckMode[]) {
      test(`${label}: mode ${mode}`, async () => {
        const { checker, logger } = makeChecker({ mode, ...(await config()) });
        const verdict = await checker.checkDomain(domain);
        if (mode === 'on') assert.deepEqual(verdict, UNVERIFIED);
        else assert.deepEqual(verdict, fail(DNS_MESSAGES.unverifiable));
        const warning = logger.warnings.find((w) => w.obj['reason'] === 'resolver');
        assert.equal(warning?.obj['code'], code);
        assert.equal(warning?.obj['domain'], domain);
      });
    }
  }

  test('default tries: one retry, and the whole query stays within 2 * timeoutMs + 500 ms', async () => {
    const timeoutMs = 300;
    const { checker } = makeChecker({ timeoutMs, tries: undefined });
    const started = Date.now();
    const queries = await queriesDuring(SLOW_RETRY, async () =>
      assert.deepEqual(await checker.checkDomain(SLOW_RETRY), UNVERIFIED),
    );
    const elapsed = Date.now() - started;
    assert.deepEqual(queries, [`${SLOW_RETRY} MX`, `${SLOW_RETRY} MX`]);
    assert.ok(elapsed >= 250 && elapsed < 2 * timeoutMs + 500 + 150, `took ${elapsed} ms`);
  });

  test('a query that c-ares would keep retrying is cut off at 2 * timeoutMs + 500 ms', async () => {
    // tries 3 at the c-ares minimum of ~250 ms per attempt would take well over a second.
    const { checker, logger } = makeChecker({ timeoutMs: 50, tries: 3 });
    const started = Date.now();
    assert.deepEqual(await checker.checkDomain(SLOW_DEADLINE), UNVERIFIED);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 550 && elapsed < 900, `took ${elapsed} ms`);
    assert.equal(logger.warnings[0]?.obj['code'], 'ETIMEOUT');
  });

  test('resolver warnings are rate-limited to one per canary period', async () => {
    const { checker, logger } = makeChecker();
    await checker.checkDomain(SERVFAIL);
    await checker.checkDomain(REFUSED);
    await checker.checkDomain('sub.' + SERVFAIL);
    assert.equal(logger.warnings.filter((w) => w.obj['reason'] === 'resolver').length, 1);
  });
});

describe('EmailDomainChecker: mode off, cache, deduplication', () => {
  afterEach(() => mock.timers.reset());

  test('mode off: always ok, no queries at all (start() included)', async () => {
    const own = await startTestDnsServer({
      zones: { [NULL_MX]: { mx: [{ exchange: '', priority: 0 }] }, [NO_RECORDS]: {} },
    });
    try {
      const { checker, logger } = makeChecker({ mode: 'off', servers: [own.address] });
      await checker.start();
      for (const domain of [NXDOMAIN, NULL_MX, NO_RECORDS]) assert.deepEqual(await checker.checkDomain(domain), OK);
      assert.deepEqual(own.queries, []);
      assert.deepEqual(logger.entries, []);
    } finally {
      await own.close();
    }
  });

  test('a cached verdict makes no second query, until cacheTtlMs has passed', async () => {
    mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const { checker } = makeChecker({ cacheTtlMs: 60_000 });
    const first = await queriesDuring(MX, async () => assert.deepEqual(await checker.checkDomain(MX), OK));
    assert.equal(first.length, 1);
    mock.timers.tick(59_000);
    const cached = await queriesDuring(MX, async () => {
      assert.deepEqual(await checker.checkDomain(MX), OK);
      assert.deepEqual(await checker.checkDomain('MX.Example.Test'), OK);
    });
    assert.deepEqual(cached, []);
    mock.timers.tick(2_000);
    const expired = await queriesDuring(MX, async () => assert.deepEqual(await checker.checkDomain(MX), OK));
    assert.equal(expired.length, 1);
  });

  test('definitive negative verdicts are cached too', async () => {
    const { checker } = makeChecker();
    assert.deepEqual(await checker.checkDomain(NULL_MX), fail(DNS_MESSAGES.nullMx));
    assert.deepEqual(await checker.checkDomain(NXDOMAIN), fail(DNS_MESSAGES.notFound));
    const again = await queriesDuring(NXDOMAIN, async () => {
      assert.deepEqual(await checker.checkDomain(NXDOMAIN), fail(DNS_MESSAGES.notFound));
      assert.deepEqual(await checker.checkDomain(NULL_MX), fail(DNS_MESSAGES.nullMx));
    });
    assert.deepEqual(again, []);
    assert.deepEqual(await queriesDuring(NULL_MX, () => checker.checkDomain(NULL_MX)), []);
  });

  test('unverified verdicts are cached for at most 5 seconds', async () => {
    mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const { checker } = makeChecker({ cacheTtlMs: 3_600_000 });
    assert.deepEqual(await checker.checkDomain(SERVFAIL), UNVERIFIED);
    mock.timers.tick(4_000);
    assert.deepEqual(await queriesDuring(SERVFAIL, () => checker.checkDomain(SERVFAIL)), []);
    mock.timers.tick(1_500);
    assert.equal((await queriesDuring(SERVFAIL, () => checker.checkDomain(SERVFAIL))).length, 1);
  });

  test('cacheTtlMs 0 disables the cache', async () => {
    const { checker } = makeChecker({ cacheTtlMs: 0 });
    await checker.checkDomain(MX);
    assert.equal((await queriesDuring(MX, () => checker.checkDomain(MX))).length, 1);
  });

  test('concurrent checks of one domain share one lookup', async () => {
    const { checker } = makeChecker();
    const queries = await queriesDuring(A_ONLY, async () => {
      const verdicts = await Promise.all(Array.from({ length: 10 }, () => checker.checkDomain(A_ONLY)));
      for (const verdict of verdicts) assert.deepEqual(verdict, OK);
    });
    assert.deepEqual(queries, [`${A_ONLY} MX`, `${A_ONLY} A`]);
  });

  test('concurrent checks of a slow domain share one (timed-out) lookup', async () => {
    const { checker } = makeChecker({ mode: 'strict' });
    const queries = await queriesDuring(SLOW_DEDUPE, async () => {
      const verdicts = await Promise.all(Array.from({ length: 5 }, () => checker.checkDomain(SLOW_DEDUPE)));
      for (const verdict of verdicts) assert.deepEqual(verdict, fail(DNS_MESSAGES.unverifiable));
    });
    assert.deepEqual(queries, [`${SLOW_DEDUPE} MX`]);
  });

  test('returned verdicts are copies: mutating one does not poison the cache', async () => {
    const { checker } = makeChecker();
    const first = await checker.checkDomain(NULL_MX);
    (first as { message: string }).message = 'changed';
    assert.deepEqual(await checker.checkDomain(NULL_MX), fail(DNS_MESSAGES.nullMx));
  });

  test('the cache size is bounded, dropping the oldest entry first', async () => {
    assert.equal(DNS_CACHE_MAX_ENTRIES, 10_000); // the default
    const max = 200;
    const { checker } = makeChecker({ cacheMaxEntries: max });
    const names = Array.from({ length: max + 1 }, (_, i) => `d${i}.wild.test`);
    const [oldest, middle, newest] = [names[0]!, names[max / 2]!, names[max]!];
    assert.deepEqual(await checker.checkDomain(oldest), OK); // alone, so it is surely the oldest entry
    for (let i = 1; i < names.length; i += 50) {
      await Promise.all(names.slice(i, i + 50).map((name) => checker.checkDomain(name)));
    }
    assert.deepEqual(await queriesDuring(newest, () => checker.checkDomain(newest)), []);
    assert.deepEqual(await queriesDuring(middle, () => checker.checkDomain(middle)), []);
    assert.deepEqual(await queriesDuring(oldest, () => checker.checkDomain(oldest)), [`${oldest} MX`]);
  });
});

describe('EmailDomainChecker: configuration', () => {
  test('rejects an invalid configuration at construction', () => {
    const base: DnsCheckConfig = {
      mode: 'on',
      servers: [],
      timeoutMs: 1000,
      cacheTtlMs: 0,
      canaryDomain: 'gmail.com',
      canaryIntervalMs: 1000,
    };
    assert.throws(
      () => new EmailDomainChecker({ ...base, mode: 'maybe' as DnsCheckMode }, new MemoryLogger()),
      TypeError,
    );
    assert.throws(() => new EmailDomainChecker({ ...base, timeoutMs: 0 }, new MemoryLogger()), TypeError);
    assert.throws(() => new EmailDomainChecker({ ...base, canaryIntervalMs: 0 }, new MemoryLogger()), TypeError);
    assert.throws(
      () => new EmailDomainChecker({ ...base, canaryDomain: 'not a domain' }, new MemoryLogger()),
      TypeError,
    );
    assert.throws(() => new EmailDomainChecker({ ...base, servers: ['not-an-ip'] }, new MemoryLogger()));
    assert.doesNotThrow(() => new EmailDomainChecker(base, new MemoryLogger()).stop());
  });
});
