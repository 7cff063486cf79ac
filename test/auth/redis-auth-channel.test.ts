/**
 * The Redis channel's publishing side (src/auth/redis-auth-channel.ts): a change announced while
 * the publishing connection is down does not hold the answer up, and still reaches the other
 * instances once Redis is reachable again (tried again in the background).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Redis } from 'ioredis';
import { AuthCache } from '../../src/auth/auth-cache.js';
import { RedisAuthChannel } from '../../src/auth/redis-auth-channel.js';
import { REDIS_URL, redisAnswers } from '../../support/redis.js';

const quiet = { info: () => undefined, warn: () => undefined };

/** A port nobody listens on yet. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Forwards 127.0.0.1:port to the real Redis; `close` ends its connections too. */
async function proxyToRedis(port: number): Promise<{ close(): Promise<void> }> {
  const target = new URL(REDIS_URL);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 6379), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined).on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        sockets.forEach((socket) => socket.destroy());
      }),
  };
}

describe('Redis channel: a change published while Redis is unreachable', async () => {
  const skip = (await redisAnswers()) ? false : 'Redis does not answer';
  const cleanups: Array<() => unknown> = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('does not hold the answer up, and reaches the listeners once Redis is back', { skip }, async () => {
    const channelName = `test:${randomBytes(6).toString('hex')}:auth-changes`;
    const heard: string[] = [];
    const listener = new Redis(REDIS_URL, { maxRetriesPerRequest: 0 });
    cleanups.push(() => listener.disconnect());
    listener.on('message', (_channel: string, message: string) => heard.push(message));
    await listener.subscribe(channelName);

    const port = await freePort();
    const channel = new RedisAuthChannel(
      `redis://127.0.0.1:${port}`,
      channelName,
      new AuthCache({ ttlMs: 1000 }),
      quiet,
    );
    cleanups.push(() => channel.close());

    const start = performance.now();
    await channel.publish({ tokenId: 7 });
    const waited = performance.now() - start;
    assert.ok(waited < 1000, `the publish returned after ${waited.toFixed(0)} ms`);
    assert.deepEqual(heard, [], 'nothing reached Redis while it was unreachable');

    const proxy = await proxyToRedis(port);
    cleanups.push(() => proxy.close());
    const deadline = Date.now() + 5000;
    while (heard.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(heard, ['t:7'], 'the change was sent once Redis could be reached');
  });
});
