/**
 * The scheduler (docs/notifications.md, Scheduled jobs): each tick runs every job once, in order,
 * at the clock's time; a job that fails is logged and does not stop the others; stop() asks a run
 * in flight to stop and waits for it; and the server runs it only when SCHEDULER is on.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createScheduler } from '../../src/notifications/scheduler.js';
import type { Job } from '../../src/notifications/jobs.js';
import { killAll, startServerProcess } from '../../support/process.js';

function recordingLog() {
  const lines: Array<{ level: string; obj: object; msg: string }> = [];
  const at = (level: string) => (obj: object, msg: string) => lines.push({ level, obj, msg });
  return { lines, log: { info: at('info'), warn: at('warn'), error: at('error') } };
}

describe('the scheduler', () => {
  it('runs each job once per tick, in order, at the clock time; a failing job does not stop the next', async () => {
    const calls: string[] = [];
    const jobs: Job[] = [
      { name: 'first', run: (at) => (calls.push(`first ${at.toISOString()}`), Promise.resolve(2)) },
      { name: 'broken', run: () => Promise.reject(new Error('database away')) },
      { name: 'last', run: (at) => (calls.push(`last ${at.toISOString()}`), Promise.resolve(0)) },
    ];
    const { lines, log } = recordingLog();
    const scheduler = createScheduler({ jobs, intervalMs: 60_000, log, now: () => new Date('2026-10-25T07:00:00Z') });
    assert.deepEqual(await scheduler.tick(), { first: 2, last: 0 });
    assert.deepEqual(calls, ['first 2026-10-25T07:00:00.000Z', 'last 2026-10-25T07:00:00.000Z']);
    const errors = lines.filter((l) => l.level === 'error');
    assert.equal(errors.length, 1);
    assert.deepEqual((errors[0]?.obj as { job: string }).job, 'broken');
    // Logged once a minute, not at every tick.
    await scheduler.tick();
    assert.equal(lines.filter((l) => l.level === 'error').length, 1);
  });

  it('starts ticking at start, and stop() aborts the run in flight and waits for it', async () => {
    let runs = 0;
    let sawAbort = false;
    let release: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (release = resolve));
    const job: Job = {
      name: 'long',
      run: (_at, signal) =>
        new Promise<number>((resolve) => {
          runs += 1;
          release();
          signal?.addEventListener('abort', () => {
            sawAbort = true;
            resolve(0);
          });
        }),
    };
    const scheduler = createScheduler({ jobs: [job], intervalMs: 20, log: recordingLog().log });
    scheduler.start();
    await started;
    await scheduler.stop();
    assert.equal(sawAbort, true);
    assert.equal(runs, 1, 'no tick overlaps a run in flight, and none follows stop()');
  });
});

describe('the server runs the scheduler only with SCHEDULER on', () => {
  const dirs: string[] = [];
  after(async () => {
    await killAll();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const [setting, expected] of [
    ['true', true],
    ['false', false],
  ] as const) {
    it(`SCHEDULER=${setting}`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guests-scheduler-'));
      dirs.push(dir);
      const server = await startServerProcess({
        DATABASE_URL: `sqlite:${path.join(dir, 'guests.sqlite')}`,
        EMAIL_DNS_CHECK: 'off',
        SEED_DEMO: 'false',
        SCHEDULER: setting,
      });
      await server.process.stop();
      assert.equal(server.process.stdout.includes('"scheduler started"'), expected, server.process.describe());
    });
  }
});
