/**
 * A small writer of MaxMind DB (.mmdb) files, for tests of the GeoIP lookup: a handful of
 * networks, each with its record, in an IPv6 tree (IPv4 networks at `::a.b.c.d/96+n`, where
 * readers look IPv4 addresses up), record size 24.
 *
 * The format (https://maxmind.github.io/MaxMind-DB/): the binary search tree (each node two
 * 24-bit records: left for a 0 bit, right for a 1 bit; a record is another node's number, the
 * node count for "no data", or node count + 16 + an offset into the data section), 16 zero bytes,
 * the data section, then `\xAB\xCD\xEFMaxMind.com` and the metadata map.
 */
import { writeFileSync } from 'node:fs';
import net from 'node:net';

export type MmdbValue = string | number | bigint | boolean | MmdbValue[] | { [key: string]: MmdbValue };

export interface MmdbNetwork {
  /** CIDR, e.g. `203.0.113.0/24` or `2001:db8::/32`. */
  network: string;
  data: MmdbValue;
}

const TYPE = { string: 2, double: 3, uint16: 5, uint32: 6, map: 7, uint64: 9, array: 11, boolean: 14 } as const;

function control(type: number, size: number): Buffer {
  const head: number[] = [];
  let sizeBits: number;
  let extra: number[] = [];
  if (size < 29) sizeBits = size;
  else if (size < 285) [sizeBits, extra] = [29, [size - 29]];
  else if (size < 65_821) [sizeBits, extra] = [30, [(size - 285) >> 8, (size - 285) & 0xff]];
  else
    [sizeBits, extra] = [31, [((size - 65_821) >> 16) & 0xff, ((size - 65_821) >> 8) & 0xff, (size - 65_821) & 0xff]];
  if (type < 8) head.push((type << 5) | sizeBits);
  else head.push(sizeBits, type - 7);
  return Buffer.from([...head, ...extra]);
}

function unsigned(value: bigint): Buffer {
  const bytes: number[] = [];
  for (let v = value; v > 0n; v >>= 8n) bytes.unshift(Number(v & 0xffn));
  return Buffer.from(bytes);
}

/** One value in the MaxMind DB data format. */
export function encodeValue(value: MmdbValue, uintType: 'uint16' | 'uint32' | 'uint64' = 'uint32'): Buffer {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([control(TYPE.string, bytes.length), bytes]);
  }
  if (typeof value === 'boolean') return control(TYPE.boolean, value ? 1 : 0);
  if (typeof value === 'bigint') {
    const bytes = unsigned(value);
    return Buffer.concat([control(TYPE.uint64, bytes.length), bytes]);
  }
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff) {
      const bytes = unsigned(BigInt(value));
      return Buffer.concat([control(TYPE[uintType], bytes.length), bytes]);
    }
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleBE(value);
    return Buffer.concat([control(TYPE.double, 8), bytes]);
  }
  if (Array.isArray(value))
    return Buffer.concat([control(TYPE.array, value.length), ...value.map((v) => encodeValue(v))]);
  const entries = Object.entries(value);
  return Buffer.concat([
    control(TYPE.map, entries.length),
    ...entries.flatMap(([k, v]) => [encodeValue(k), encodeValue(v)]),
  ]);
}

/** The 128 bits of an IPv6 address (IPv4 as `::a.b.c.d`) and the prefix length in that space. */
function networkBits(cidr: string): number[] {
  const [address = '', lengthText] = cidr.split('/');
  const family = net.isIP(address);
  if (family === 0) throw new Error(`not an IP network: ${cidr}`);
  const length = Number(lengthText ?? (family === 4 ? 32 : 128)) + (family === 4 ? 96 : 0);
  const bytes = family === 4 ? [...new Uint8Array(12), ...address.split('.').map(Number)] : ipv6Bytes(address);
  return Array.from({ length }, (_, i) => ((bytes[i >> 3] as number) >> (7 - (i & 7))) & 1);
}

function ipv6Bytes(address: string): number[] {
  const [head = '', tail] = address.split('::');
  const groups = (part: string) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const words = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return words.flatMap((w) => [w >> 8, w & 0xff]);
}

type Child = { node: number } | { data: number } | null;

/** Builds the bytes of an .mmdb file holding `networks` (which must not overlap). */
export function buildMmdb(
  networks: MmdbNetwork[],
  options: { databaseType?: string; languages?: string[] } = {},
): Buffer {
  const nodes: Array<[Child, Child]> = [[null, null]];
  const dataChunks: Buffer[] = [];
  let dataSize = 0;
  for (const { network, data } of networks) {
    const bits = networkBits(network);
    const encoded = encodeValue(data);
    const offset = dataSize;
    dataChunks.push(encoded);
    dataSize += encoded.length;
    let node = 0;
    bits.forEach((bit, depth) => {
      const record = (nodes[node] as [Child, Child])[bit as 0 | 1];
      if (depth === bits.length - 1) {
        if (record !== null) throw new Error(`network ${network} overlaps another`);
        (nodes[node] as [Child, Child])[bit as 0 | 1] = { data: offset };
        return;
      }
      if (record !== null && 'data' in record) throw new Error(`network ${network} overlaps another`);
      if (record === null) {
        nodes.push([null, null]);
        (nodes[node] as [Child, Child])[bit as 0 | 1] = { node: nodes.length - 1 };
      }
      node = ((nodes[node] as [Child, Child])[bit as 0 | 1] as { node: number }).node;
    });
  }
  const nodeCount = nodes.length;
  const tree = Buffer.alloc(nodeCount * 6);
  const recordValue = (child: Child) =>
    child === null ? nodeCount : 'node' in child ? child.node : nodeCount + 16 + child.data;
  nodes.forEach(([left, right], i) => {
    tree.writeUIntBE(recordValue(left), i * 6, 3);
    tree.writeUIntBE(recordValue(right), i * 6 + 3, 3);
  });
  const metadata = Buffer.concat([
    control(TYPE.map, 9),
    encodeValue('binary_format_major_version'),
    encodeValue(2, 'uint16'),
    encodeValue('binary_format_minor_version'),
    encodeValue(0, 'uint16'),
    encodeValue('build_epoch'),
    encodeValue(BigInt(Math.floor(Date.now() / 1000))),
    encodeValue('database_type'),
    encodeValue(options.databaseType ?? 'GeoLite2-City'),
    encodeValue('description'),
    encodeValue({ en: 'Test database' }),
    encodeValue('ip_version'),
    encodeValue(6, 'uint16'),
    encodeValue('languages'),
    encodeValue(options.languages ?? ['en']),
    encodeValue('node_count'),
    encodeValue(nodeCount),
    encodeValue('record_size'),
    encodeValue(24, 'uint16'),
  ]);
  return Buffer.concat([
    tree,
    Buffer.alloc(16),
    ...dataChunks,
    Buffer.from('\xAB\xCD\xEFMaxMind.com', 'latin1'),
    metadata,
  ]);
}

/** Writes an .mmdb file with `networks` to `path`. */
export function writeMmdb(
  path: string,
  networks: MmdbNetwork[],
  options?: { databaseType?: string; languages?: string[] },
): void {
  writeFileSync(path, buildMmdb(networks, options));
}

/** A GeoIP2 City record as MaxMind's databases hold it. */
export function cityRecord(countryCode: string, countryName: string, city: string): MmdbValue {
  return {
    city: { geoname_id: 1, names: { en: city } },
    country: { geoname_id: 2, iso_code: countryCode, names: { en: countryName } },
    location: { latitude: 48.1374, longitude: 11.5755, time_zone: 'Europe/Berlin' },
  };
}
