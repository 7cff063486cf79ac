import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { coalesce } from '../../src/core/coalesce.js';

/** A write the test finishes (or fails) when it wants, recording the keys it was given. */
function heldWrites() {
  const calls: Array<{ keys: number[]; finish: () => void; fail: (error: Error) => void }> = [];
  const write = (keys: number[]) =>
    new Promise<void>((resolve, reject) => calls.push({ keys, finish: resolve, fail: reject }));
  return { calls, write };
}

/** Lets `n` turns of the event loop pass. */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('coalesce', () => {
  it('writes a lone key at once, without waiting for a timer', async () => {
    const { calls, write } = heldWrites();
    const add = coalesce(write);
    const done = add(1);
    await Promise.resolve();
    await Promise.resolve();
    assert.deepEqual(
      calls.map((c) => c.keys),
      [[1]],
    );
    calls[0]?.finish();
    await done;
  });

  it('keys added in one turn go together; those added during a write go in the next, after it', async () => {
    const { calls, write } = heldWrites();
    const add = coalesce(write);
    const settled: number[] = [];
    const track = (key: number) => add(key).then(() => settled.push(key));
    const first = [track(1), track(2)];
    await turns(1);
    assert.deepEqual(
      calls.map((c) => c.keys),
      [[1, 2]],
    );
    const second = [track(3), track(4)];
    await turns(1);
    const later = track(5);
    await turns(2);
    assert.equal(calls.length, 1, 'nothing more is written while the first write runs');
    assert.deepEqual(settled, []);

    calls[0]?.finish();
    await Promise.all(first);
    await turns(1);
    assert.deepEqual(settled, [1, 2], 'the keys of the second write wait for it');
    assert.deepEqual(
      calls.map((c) => c.keys),
      [
        [1, 2],
        [3, 4, 5],
      ],
    );
    calls[1]?.finish();
    await Promise.all([...second, later]);
    assert.deepEqual(settled, [1, 2, 3, 4, 5]);

    // Idle again: the next key goes alone, at once.
    const again = add(6);
    await turns(1);
    assert.deepEqual(calls[2]?.keys, [6]);
    calls[2]?.finish();
    await again;
  });

  it('a failed write rejects the keys it carried, with its error; the keys after it are written', async () => {
    const { calls, write } = heldWrites();
    const add = coalesce(write);
    const failing = [add(1), add(2)];
    await turns(1);
    const next = add(3);
    await turns(1);
    calls[0]?.fail(new Error('the database went away'));
    for (const outcome of await Promise.allSettled(failing)) {
      assert.equal(outcome.status, 'rejected');
      assert.match(String((outcome as PromiseRejectedResult).reason), /the database went away/);
    }
    await turns(1);
    assert.deepEqual(calls[1]?.keys, [3]);
    calls[1]?.finish();
    await next;
  });

  it('a write that throws at once is a failed write too', async () => {
    let calls = 0;
    const add = coalesce(async (keys: number[]) => {
      calls += 1;
      if (keys.includes(1)) throw new Error('refused');
    });
    await assert.rejects(add(1), /refused/);
    await add(2);
    assert.equal(calls, 2);
  });
});
