/**
 * A real authoritative-style DNS server on 127.0.0.1 (UDP, random port) for tests,
 * built on `dns2`. Point a `node:dns` Resolver at `address` with `setServers`.
 *
 * Answers:
 * - a name in `zones` (or under a `wildcardSuffixes` entry) → NOERROR with the zone's
 *   records of the asked type, or NOERROR with no answers (Node: ENODATA);
 * - any other name → NXDOMAIN (rcode 3; Node: ENOTFOUND);
 * - names in `servfail` → SERVFAIL (rcode 2; Node: ESERVFAIL), `refused` → REFUSED
 *   (rcode 5; Node: EREFUSED), `silentNames` → no answer at all (Node: ETIMEOUT);
 * - `silent: true` → never answers anything.
 *
 * Every record is served with TTL 0 so no resolver-side caching can hide a query.
 * The socket is unref'd unless `keepAlive` is set (see the option).
 * Null MX (RFC 7505): `mx: [{ exchange: '', priority: 0 }]` (or `'.'`) is encoded as the
 * root name, and Node's `resolveMx` returns `{ exchange: '', priority: 0 }`.
 * Zone keys may be Unicode (IDN); they are converted with `domainToASCII`.
 */
import dns2 from 'dns2';
import dgram from 'node:dgram';
import { domainToASCII } from 'node:url';

const { Packet } = dns2;

export interface TestZone {
  mx?: Array<{ exchange: string; priority: number }>;
  a?: string[];
  aaaa?: string[];
}

export interface TestDnsServerOptions {
  zones: Record<string, TestZone>;
  /** Keys like `'*.example.test'` (or `'example.test'`): any name strictly below it. */
  wildcardSuffixes?: Record<string, TestZone>;
  /** Receive but never answer (timeout tests). */
  silent?: boolean;
  /** Names that are never answered. */
  silentNames?: string[];
  /** Names answered with SERVFAIL (rcode 2). */
  servfail?: string[];
  /** Names answered with REFUSED (rcode 5). */
  refused?: string[];
  /**
   * Keep the process alive while the server listens. Default false: the socket is unref'd,
   * so a server shared by a whole test file (and never closed) does not stop the file from
   * exiting. Pending client queries keep the process alive on their own.
   */
  keepAlive?: boolean;
}

export interface TestDnsServer {
  /** `'127.0.0.1:PORT'`, ready for `Resolver#setServers`. */
  address: string;
  port: number;
  /** Every query received, in order, as `'<lowercased name> <TYPE>'`, e.g. `'example.test MX'`. */
  queries: string[];
  /** Queries received for one name (any type). */
  queriesFor(name: string): string[];
  close(): Promise<void>;
}

const TYPE_NAMES = new Map<number, string>(Object.entries(Packet.TYPE).map(([name, code]) => [code as number, name]));

function normalizeName(name: string): string {
  const lower = name.trim().toLowerCase().replace(/\.$/, '');
  return domainToASCII(lower) || lower;
}

function normalizeKeys(record: Record<string, TestZone> | undefined, stripWildcard: boolean): Map<string, TestZone> {
  const out = new Map<string, TestZone>();
  for (const [key, zone] of Object.entries(record ?? {})) {
    out.set(normalizeName(stripWildcard ? key.replace(/^\*\./, '') : key), zone);
  }
  return out;
}

export async function startTestDnsServer(opts: TestDnsServerOptions): Promise<TestDnsServer> {
  const zones = normalizeKeys(opts.zones, false);
  const wildcards = normalizeKeys(opts.wildcardSuffixes, true);
  const silentNames = new Set((opts.silentNames ?? []).map(normalizeName));
  const servfail = new Set((opts.servfail ?? []).map(normalizeName));
  const refused = new Set((opts.refused ?? []).map(normalizeName));
  const queries: string[] = [];

  const findZone = (name: string): TestZone | undefined => {
    const exact = zones.get(name);
    if (exact) return exact;
    for (const [suffix, zone] of wildcards) {
      if (name.endsWith(`.${suffix}`)) return zone;
    }
    return undefined;
  };

  const server = dns2.createServer({
    udp: true,
    handle(request, send) {
      const question = request.questions[0];
      if (!question) return;
      const name = normalizeName(question.name);
      queries.push(`${name} ${TYPE_NAMES.get(question.type) ?? String(question.type)}`);
      if (opts.silent || silentNames.has(name)) return;

      const response = Packet.createResponseFromRequest(request);
      response.header.aa = 1;
      response.header.ra = 1;
      const zone = findZone(name);
      if (servfail.has(name)) {
        response.header.rcode = 2;
      } else if (refused.has(name)) {
        response.header.rcode = 5;
      } else if (!zone) {
        response.header.rcode = 3;
      } else {
        const base = { name: question.name, class: Packet.CLASS.IN, ttl: 0 };
        if (question.type === Packet.TYPE.MX) {
          for (const { exchange, priority } of zone.mx ?? []) {
            response.answers.push(new Packet.Resource({ ...base, type: Packet.TYPE.MX, exchange, priority }));
          }
        } else if (question.type === Packet.TYPE.A) {
          for (const address of zone.a ?? []) {
            response.answers.push(new Packet.Resource({ ...base, type: Packet.TYPE.A, address }));
          }
        } else if (question.type === Packet.TYPE.AAAA) {
          for (const address of zone.aaaa ?? []) {
            response.answers.push(new Packet.Resource({ ...base, type: Packet.TYPE.AAAA, address }));
          }
        }
      }
      // The socket may already be closed when a late query arrives.
      send(response).catch(() => undefined);
    },
  });
  server.on('error', () => undefined);
  server.on('requestError', () => undefined);

  // dns2 quirk: with port 0 (falsy) it hands the whole { port, address } object to
  // dgram's bind(), which happens to accept an options object. The address is checked below.
  const addresses = await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  // `servers` is not in dns2's typings; it holds the dgram socket.
  const socket = (server as unknown as { servers: { udp?: dgram.Socket } }).servers.udp;
  if (!opts.keepAlive) socket?.unref();
  const udp = addresses.udp;
  if (!udp || udp.address !== '127.0.0.1') {
    await server.close();
    throw new Error(`test DNS server bound to unexpected address ${JSON.stringify(udp)}`);
  }

  let closing: Promise<void> | undefined;
  return {
    address: `127.0.0.1:${udp.port}`,
    port: udp.port,
    queries,
    queriesFor: (name) => queries.filter((q) => q.startsWith(`${normalizeName(name)} `)),
    close: () => (closing ??= server.close()),
  };
}

/**
 * An address on 127.0.0.1 where nothing listens on UDP (bound, then released), so
 * queries get ICMP port-unreachable and Node reports ECONNREFUSED.
 */
export async function unusedUdpAddress(): Promise<string> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return `127.0.0.1:${port}`;
}
