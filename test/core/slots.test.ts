import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSlots } from '../../src/core/slots.js';

/** A promise with its resolve, to hold a place open until the test lets go. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

const busy = () => new Error('busy');

/** Lets `n` turns of the event loop pass. */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('slots', () => {
  it('runs at most `size` at once; the others start as places free, in arrival order', async () => {
    const slots = createSlots(2, 10_000, busy);
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    let running = 0;
    let most = 0;
    const runs = gates.map((g, i) =>
      slots.run(async () => {
        started.push(i);
        running += 1;
        most = Math.max(most, running);
        await g.opened;
        running -= 1;
        return i;
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(started, [0, 1]);
    assert.equal(slots.taken, 2);
    assert.equal(slots.waiting, 2);
    gates[1]?.open();
    await turns(2);
    assert.deepEqual(started, [0, 1, 2]);
    gates[0]?.open();
    gates[2]?.open();
    gates[3]?.open();
    assert.deepEqual(await Promise.all(runs), [0, 1, 2, 3]);
    assert.equal(most, 2);
    assert.equal(slots.taken, 0);
    assert.equal(slots.waiting, 0);
  });

  it('a caller that waited maxWaitMs gives up with busy() and leaves the queue; the next one still gets the place', async () => {
    const slots = createSlots(1, 30, busy);
    const holder = gate();
    const held = slots.run(() => holder.opened);
    const started = Date.now();
    await assert.rejects(
      slots.run(async () => assert.fail('ran without a place')),
      /busy/,
    );
    assert.ok(Date.now() - started >= 25, 'waited about maxWaitMs');
    assert.equal(slots.waiting, 0);
    const next = slots.run(async () => 'next');
    holder.open();
    await held;
    assert.equal(await next, 'next');
    assert.equal(slots.taken, 0);
  });

  it("a caller whose signal aborts while it waits leaves the queue at once with the signal's reason; its work never runs", async () => {
    const slots = createSlots(1, 10_000, busy);
    const holder = gate();
    const held = slots.run(() => holder.opened);
    const gone = new AbortController();
    const started = Date.now();
    const waiting = slots.run(async () => assert.fail('ran for a caller that had gone'), gone.signal);
    const after = slots.run(async () => 'after');
    await turns(1);
    assert.equal(slots.waiting, 2);
    gone.abort(new Error('client gone'));
    await assert.rejects(waiting, /client gone/);
    assert.ok(Date.now() - started < 1000, 'left at once, not after maxWaitMs');
    assert.equal(slots.waiting, 1, 'only the caller behind it still waits');
    holder.open();
    await held;
    assert.equal(await after, 'after', 'the freed place went to the next caller');
    assert.equal(slots.taken, 0);
  });

  it('a caller whose signal has already aborted is refused without taking a place', async () => {
    const slots = createSlots(1, 10_000, busy);
    await assert.rejects(
      slots.run(async () => assert.fail('ran'), AbortSignal.abort(new Error('gone before'))),
      /gone before/,
    );
    assert.equal(slots.taken, 0);
    assert.equal(slots.waiting, 0);
  });

  it('work that has its place runs to its end when its signal aborts', async () => {
    const slots = createSlots(1, 10_000, busy);
    const gone = new AbortController();
    const holder = gate();
    const running = slots.run(async () => {
      await holder.opened;
      return 'finished';
    }, gone.signal);
    await turns(2);
    assert.equal(slots.taken, 1);
    gone.abort(new Error('client gone'));
    holder.open();
    assert.equal(await running, 'finished');
    assert.equal(slots.taken, 0);
  });

  it('a freed place passes on a later turn of the event loop: what arrived meanwhile runs first', async () => {
    const slots = createSlots(1, 1000, busy);
    const order: string[] = [];
    const holder = gate();
    const held = slots.run(async () => {
      await holder.opened;
      // Stands for a request whose data arrived while this work held the process.
      setImmediate(() => order.push('arrived meanwhile'));
    });
    const next = slots.run(async () => {
      order.push('next work');
    });
    holder.open();
    await Promise.all([held, next]);
    assert.deepEqual(order, ['arrived meanwhile', 'next work']);
  });

  it('a place is freed when its work fails', async () => {
    const slots = createSlots(1, 1000, busy);
    await assert.rejects(
      slots.run(async () => {
        throw new Error('failed work');
      }),
      /failed work/,
    );
    assert.equal(slots.taken, 0);
    assert.equal(await slots.run(async () => 'again'), 'again');
  });

  it('refuses a size below 1', () => {
    assert.throws(() => createSlots(0, 1000, busy), /size must be a positive integer/);
  });
});
