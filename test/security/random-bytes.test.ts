/**
 * The random bytes behind link codes, their sealing and every hex id: drawn in blocks from the
 * CSPRNG, each byte handed out once, and what is handed out is the caller's own.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newHexId, randomSecret, secureRandomBytes } from '../../src/core/secrets.js';

describe('secure random bytes', () => {
  it('gives the size asked for, never the same bytes twice, across many blocks', () => {
    const seen = new Set<string>();
    // Sizes that do not divide the block, so draws end near and across its end.
    for (let i = 0; i < 20_000; i++) {
      const size = [12, 16, 24, 7][i % 4] as number;
      const bytes = secureRandomBytes(size);
      assert.equal(bytes.length, size);
      const hex = bytes.toString('hex');
      assert.ok(!seen.has(hex), `draw ${i} repeated an earlier one`);
      seen.add(hex);
    }
  });

  it('hands out copies: later draws and refills leave a kept draw as it was', () => {
    const kept = secureRandomBytes(24);
    const copy = Buffer.from(kept);
    assert.notDeepEqual(kept, Buffer.alloc(24));
    for (let i = 0; i < 2_000; i++) secureRandomBytes(16);
    assert.deepEqual(kept, copy);
    kept.fill(0);
    assert.notDeepEqual(secureRandomBytes(24), Buffer.alloc(24));
  });

  it('looks uniform: every bit set about half the time over 64 KiB of small draws', () => {
    const counts = new Array<number>(8).fill(0);
    let total = 0;
    while (total < 65_536) {
      for (const byte of secureRandomBytes(16)) {
        for (let bit = 0; bit < 8; bit++) counts[bit] = (counts[bit] as number) + ((byte >> bit) & 1);
      }
      total += 16;
    }
    // 65,536 fair coin flips per bit: a standard deviation of 128, so ±1,000 is ~8 of them.
    for (const count of counts)
      assert.ok(Math.abs(count - total / 2) < 1_000, `a bit was set ${count} times of ${total}`);
  });

  it('large draws and the helpers', () => {
    assert.equal(secureRandomBytes(4096).length, 4096);
    assert.match(newHexId(), /^[0-9a-f]{32}$/);
    assert.notEqual(newHexId(), newHexId());
    assert.match(randomSecret(), /^[A-Za-z0-9_-]{32}$/);
  });
});
