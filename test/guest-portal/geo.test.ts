/**
 * Where the guest opened their link from: trusted proxy headers (only behind a trusted proxy) and
 * a MaxMind database (GEOIP_DATABASE), as recorded by the guest page.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/config.js';
import {
  createGeoLocator,
  locationFromHeaders,
  normalizeCity,
  normalizeCountry,
  peerTrust,
} from '../../src/guest-portal/geo.js';
import { buildTestApp, type TestContext } from '../../support/app.js';
import { cityRecord, writeMmdb } from '../../support/mmdb.js';
import { guestWithCode, recordOf } from './portal-helpers.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'geo-test-'));
const MMDB = path.join(dir, 'city.mmdb');
writeMmdb(MMDB, [
  { network: '203.0.113.0/24', data: cityRecord('DE', 'Germany', 'München') },
  { network: '198.51.100.0/24', data: { country: { iso_code: 'FR', names: { en: 'France' } } } },
  { network: '127.0.0.1/32', data: cityRecord('NL', 'Netherlands', 'Amsterdam') },
  { network: '2001:db8::/32', data: cityRecord('JP', 'Japan', 'Tokyo') },
]);
after(() => rmSync(dir, { recursive: true, force: true }));

/** Opens the guest's page with `headers` and returns what was recorded. */
async function visit(ctx: TestContext, headers: Record<string, string>) {
  const { code } = await guestWithCode(ctx);
  const response = await ctx.app.inject({ method: 'GET', url: `/guest/${code}`, headers });
  assert.equal(response.statusCode, 200);
  const record = await recordOf(ctx, code);
  return { ip: record.last_known_ip, country: record.last_known_country, city: record.last_city };
}

describe('location values', () => {
  it('country: two letters, upper-cased; unknown markers and anything else are null', () => {
    assert.equal(normalizeCountry('de'), 'DE');
    assert.equal(normalizeCountry(' us '), 'US');
    for (const bad of ['XX', 'zz', 'T1', 'DEU', 'Germany', '', '<b', undefined])
      assert.equal(normalizeCountry(bad), null, String(bad));
  });

  it('city: short plain text; UTF-8 and percent-encoded header values are decoded', () => {
    assert.equal(normalizeCity('  New   York '), 'New York');
    assert.equal(normalizeCity(Buffer.from('München', 'utf8').toString('latin1')), 'München');
    assert.equal(normalizeCity('S%C3%A3o%20Paulo'), 'São Paulo');
    assert.equal(normalizeCity("Val-d'Or"), "Val-d'Or");
    for (const bad of ['<script>', 'a'.repeat(101), '%E0%A4%A', 'Paris\u0000', '', '   ', 'x"y', undefined])
      assert.equal(normalizeCity(bad), null, String(bad));
  });

  it('headers: the first present of each list, each validated on its own', () => {
    assert.deepEqual(locationFromHeaders({ 'cf-ipcountry': 'de', 'x-country-code': 'FR', 'x-geo-city': 'Berlin' }), {
      country: 'DE',
      city: 'Berlin',
    });
    assert.deepEqual(locationFromHeaders({ 'cloudfront-viewer-country': 'JP', 'cloudfront-viewer-city': 'Osaka' }), {
      country: 'JP',
      city: 'Osaka',
    });
    assert.deepEqual(locationFromHeaders({ 'x-geo-country': 'it', 'x-city': 'Roma' }), { country: 'IT', city: 'Roma' });
    assert.deepEqual(locationFromHeaders({ 'cf-ipcountry': 'XX', 'cf-ipcity': '<b>' }), { country: null, city: null });
    assert.deepEqual(locationFromHeaders({}), { country: null, city: null });
  });

  it('peer trust follows TRUST_PROXY: off, on, hop count, address list', () => {
    assert.equal(peerTrust(false)('127.0.0.1'), false);
    assert.equal(peerTrust(true)('192.0.2.1'), true);
    assert.equal(peerTrust(1)('192.0.2.1'), true);
    assert.equal(peerTrust(0)('192.0.2.1'), false);
    const list = peerTrust(['10.0.0.0/8', '192.0.2.7', '2001:db8::/32']);
    assert.equal(list('10.1.2.3'), true);
    assert.equal(list('::ffff:10.1.2.3'), true);
    assert.equal(list('192.0.2.7'), true);
    assert.equal(list('192.0.2.8'), false);
    assert.equal(list('2001:db8::9'), true);
    assert.equal(list('127.0.0.1'), false);
    assert.equal(list(undefined), false);
  });

  it('the database: country and city of the client address; unknown addresses give nulls', async () => {
    const geo = await createGeoLocator({ trustProxy: false, databasePath: MMDB });
    const at = (ip: string) => geo.locate({ ip, peer: ip, headers: {} });
    assert.deepEqual(at('203.0.113.50'), { country: 'DE', city: 'München' });
    assert.deepEqual(at('::ffff:203.0.113.50'), { country: 'DE', city: 'München' });
    assert.deepEqual(at('198.51.100.1'), { country: 'FR', city: null });
    assert.deepEqual(at('2001:db8:1::1'), { country: 'JP', city: 'Tokyo' });
    assert.deepEqual(at('192.0.2.1'), { country: null, city: null });
    assert.deepEqual(at('not an address'), { country: null, city: null });
  });

  it('a configured database that is missing or not a MaxMind file stops the start, naming GEOIP_DATABASE', async () => {
    const notMmdb = path.join(dir, 'not.mmdb');
    writeFileSync(notMmdb, 'this is not a MaxMind database');
    for (const file of [path.join(dir, 'missing.mmdb'), notMmdb]) {
      await assert.rejects(createGeoLocator({ trustProxy: false, databasePath: file }), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.variable, 'GEOIP_DATABASE');
        assert.match(
          error.message,
          new RegExp(
            `GEOIP_DATABASE cannot be read as a MaxMind \\(\\.mmdb\\) database: ${file.replace(/[.]/g, '\\.')}`,
          ),
        );
        return true;
      });
      await assert.rejects(buildTestApp({ env: { GEOIP_DATABASE: file } }), /GEOIP_DATABASE/);
    }
  });
});

describe('the page records the location', () => {
  const apps: TestContext[] = [];
  const app = async (env: Record<string, string>) => {
    const ctx = await buildTestApp({ env });
    apps.push(ctx);
    return ctx;
  };
  after(() => Promise.all(apps.map((ctx) => ctx.close())));

  it("TRUST_PROXY on: the forwarded address and the proxy's location headers", async () => {
    const ctx = await app({ TRUST_PROXY: 'true' });
    assert.deepEqual(await visit(ctx, { 'x-forwarded-for': '203.0.113.9', 'cf-ipcountry': 'de', 'x-city': 'Berlin' }), {
      ip: '203.0.113.9',
      country: 'DE',
      city: 'Berlin',
    });
    assert.deepEqual(
      await visit(ctx, { 'x-forwarded-for': '203.0.113.9', 'cf-ipcountry': 'Germany', 'x-city': '<script>' }),
      { ip: '203.0.113.9', country: null, city: null },
    );
    // An IPv4 client seen through a dual-stack socket is recorded as the IPv4 address.
    assert.deepEqual(
      await visit(ctx, { 'x-forwarded-for': '::ffff:203.0.113.10', 'cloudfront-viewer-country': 'AT' }),
      { ip: '203.0.113.10', country: 'AT', city: null },
    );
  });

  it("TRUST_PROXY naming other proxies: this peer's headers are not believed", async () => {
    const ctx = await app({ TRUST_PROXY: '10.0.0.1' });
    assert.deepEqual(await visit(ctx, { 'x-forwarded-for': '203.0.113.9', 'cf-ipcountry': 'DE', 'x-city': 'Berlin' }), {
      ip: '127.0.0.1',
      country: null,
      city: null,
    });
  });

  it("GEOIP_DATABASE: the database's country and city for the forwarded address", async () => {
    const ctx = await app({ TRUST_PROXY: 'true', GEOIP_DATABASE: MMDB });
    assert.deepEqual(await visit(ctx, { 'x-forwarded-for': '203.0.113.77' }), {
      ip: '203.0.113.77',
      country: 'DE',
      city: 'München',
    });
    assert.deepEqual(await visit(ctx, { 'x-forwarded-for': '2001:db8::5' }), {
      ip: '2001:db8::5',
      country: 'JP',
      city: 'Tokyo',
    });
    assert.deepEqual(await visit(ctx, { 'x-forwarded-for': '192.0.2.1' }), {
      ip: '192.0.2.1',
      country: null,
      city: null,
    });
    // The proxy's headers come first; the database's city is not mixed with another country.
    assert.deepEqual(await visit(ctx, { 'x-forwarded-for': '203.0.113.77', 'cf-ipcountry': 'AT' }), {
      ip: '203.0.113.77',
      country: 'AT',
      city: null,
    });
    assert.deepEqual(await visit(ctx, { 'x-forwarded-for': '203.0.113.77', 'cf-ipcountry': 'DE' }), {
      ip: '203.0.113.77',
      country: 'DE',
      city: 'München',
    });
  });

  it('GEOIP_DATABASE without TRUST_PROXY: the socket address, and headers ignored', async () => {
    const ctx = await app({ GEOIP_DATABASE: MMDB });
    assert.deepEqual(await visit(ctx, { 'x-forwarded-for': '203.0.113.77', 'cf-ipcountry': 'AT', 'x-city': 'Wien' }), {
      ip: '127.0.0.1',
      country: 'NL',
      city: 'Amsterdam',
    });
  });

  it('a later visit from nowhere known clears the old location (it would not match the new address)', async () => {
    const ctx = await app({ TRUST_PROXY: 'true', GEOIP_DATABASE: MMDB });
    const { code } = await guestWithCode(ctx);
    await ctx.app.inject({ method: 'GET', url: `/guest/${code}`, headers: { 'x-forwarded-for': '203.0.113.77' } });
    assert.equal((await recordOf(ctx, code)).last_known_country, 'DE');
    await ctx.app.inject({ method: 'GET', url: `/guest/${code}`, headers: { 'x-forwarded-for': '192.0.2.1' } });
    const record = await recordOf(ctx, code);
    assert.deepEqual([record.last_known_ip, record.last_known_country, record.last_city], ['192.0.2.1', null, null]);
  });
});
