// The bounded memory of the caches that forget their oldest entry first (src/core/recent-map.ts):
// at most `capacity` entries, the oldest set first to go, a key set again keeping its place.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentMap } from '../../src/core/recent-map.js';

function keysHeld(map: RecentMap<string, number>, asked: readonly string[]): string[] {
  return asked.filter((key) => map.get(key) !== undefined);
}

describe('RecentMap', () => {
  it('holds at most its capacity, forgetting the oldest key first', () => {
    const map = new RecentMap<string, number>(3);
    for (const [i, key] of ['a', 'b', 'c', 'd', 'e'].entries()) map.set(key, i);
    assert.equal(map.size, 3);
    assert.deepEqual(keysHeld(map, ['a', 'b', 'c', 'd', 'e']), ['c', 'd', 'e']);
    assert.equal(map.get('e'), 4);
  });

  it('keeps forgetting in order over many turns of its ring', () => {
    const map = new RecentMap<string, number>(7);
    const keys = Array.from({ length: 100 }, (_, i) => `k${i}`);
    keys.forEach((key, i) => {
      map.set(key, i);
      assert.ok(map.size <= 7);
      assert.deepEqual(keysHeld(map, keys), keys.slice(Math.max(0, i - 6), i + 1));
    });
  });

  it('updates a key already held in its place: setting it again does not make it the newest', () => {
    const map = new RecentMap<string, number>(2);
    map.set('a', 1).set('b', 2).set('a', 3);
    assert.equal(map.get('a'), 3);
    assert.equal(map.size, 2);
    map.set('c', 4);
    assert.deepEqual(keysHeld(map, ['a', 'b', 'c']), ['b', 'c']);
  });

  it('starts over empty after clear', () => {
    const map = new RecentMap<string, number>(2);
    map.set('a', 1).set('b', 2);
    map.clear();
    assert.equal(map.size, 0);
    assert.equal(map.get('a'), undefined);
    map.set('c', 3).set('d', 4).set('e', 5);
    assert.deepEqual(keysHeld(map, ['a', 'b', 'c', 'd', 'e']), ['d', 'e']);
  });

  it('refuses a capacity under one', () => {
    assert.throws(() => new RecentMap(0), /at least one entry/);
    assert.throws(() => new RecentMap(1.5), /at least one entry/);
  });
});
