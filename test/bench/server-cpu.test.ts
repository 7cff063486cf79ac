/**
 * The benchmark's reading of a server's CPU time per request: /proc parsed as Linux writes it,
 * per request between two readings, and each case's row set against its floor's.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serverCpuPerRequest } from '../../bench/lib/context.js';
import { cpuTime, parseCpuTime } from '../../bench/lib/processes.js';
import { buildRows } from '../../bench/lib/report.js';
import type { DatabaseResults } from '../../bench/lib/suites.js';
import { loadResult as load, runOf } from './report-fixtures.js';

// A name with spaces and parentheses, as a thread may set it: the fields follow the last `)`.
const STAT =
  '4242 (node (main) x) S 1 4242 4242 0 -1 4194560 9000 0 0 0 1234 567 0 0 20 0 11 0 100 1000000 5000 18446744073709551615 0 0 0 0 0 0 0 4096 0 0 0 17 1 0 0 0 0 0\n';

test('parseCpuTime: the main thread from schedstat (ns), all threads from stat (user + system ticks)', () => {
  assert.deepEqual(parseCpuTime('2500000000 120000 300\n', STAT), { mainMs: 2500, allMs: 18_010 });
  assert.equal(parseCpuTime('not numbers\n', STAT), undefined);
  assert.equal(parseCpuTime('2500000000 120000 300\n', '4242 (node) S 1'), undefined);
});

test('cpuTime reads a live process: this one, its main thread growing with the work it does', () => {
  const before = cpuTime(process.pid);
  assert.ok(before, '/proc is readable on the machines the benchmark runs on');
  // Spins until the process has used 60 ms of CPU by its own count (not by the clock: a busy
  // machine may give it less of the time), bounded by 10 s.
  const start = process.cpuUsage();
  const giveUp = Date.now() + 10_000;
  let spent = 0;
  while (spent < 60_000 && Date.now() < giveUp) {
    const used = process.cpuUsage(start);
    spent = used.user + used.system;
  }
  const after = cpuTime(process.pid);
  assert.ok(after);
  const grew = after.mainMs - before.mainMs;
  // The spin runs on the main thread; the process's other threads do next to nothing meanwhile.
  assert.ok(grew >= (spent / 1000) * 0.5, `main thread grew by ${grew} ms while the process used ${spent / 1000} ms`);
  assert.ok(after.allMs >= after.mainMs - 10, 'all threads hold at least the main one (to the tick)');
  assert.equal(cpuTime(2 ** 22 + 1), undefined, 'no such process');
});

test('serverCpuPerRequest: µs per request between readings; nothing without both readings or requests', () => {
  assert.deepEqual(serverCpuPerRequest({ mainMs: 1000, allMs: 1500 }, { mainMs: 2200, allMs: 3000 }, 10_000), {
    mainUsPerRequest: 120,
    allUsPerRequest: 150,
  });
  assert.equal(serverCpuPerRequest(undefined, { mainMs: 1, allMs: 1 }, 10), undefined);
  assert.equal(serverCpuPerRequest({ mainMs: 1, allMs: 1 }, undefined, 10), undefined);
  assert.equal(serverCpuPerRequest({ mainMs: 1, allMs: 1 }, { mainMs: 2, allMs: 2 }, 0), undefined);
});

test("each case's row carries its CPU per request and the floor's over it", () => {
  const database = {
    kind: 'sqlite',
    floor: { insert: { 10: load(3000, 300) }, select: { 10: load(14_000, 60) } },
    cases: [
      { operation: 'get', connections: 10, result: load(7000, 120) },
      { operation: 'create', connections: 10, result: load(2000) },
    ],
  } as unknown as DatabaseResults;
  const results = runOf([database]);
  const rows = buildRows(results);
  const row = (operation: string) => rows.find((r) => r.operation === operation);
  assert.equal(row('floor 1: node:http, fixed JSON')?.cpuUs, 25);
  assert.equal(row('floor 2: select')?.cpuUs, 60);
  assert.equal(row('get')?.cpuUs, 120);
  assert.equal(row('get')?.cpuRatioToFloor, 0.5);
  assert.equal(row('get')?.ratioToFloor, 0.5);
  // A case read without the process's CPU has no CPU figures; its req/s ratio stands.
  assert.equal(row('create')?.cpuUs, undefined);
  assert.equal(row('create')?.cpuRatioToFloor, undefined);
  assert.equal(row('create')?.ratioToFloor, 2000 / 3000);
});
