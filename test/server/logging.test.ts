// The server's log lines are written in batches, not one write each: a line still appears within
// a fraction of a second when traffic is light, every line of a burst is there, and a shutdown
// (SIGTERM) writes out whatever was still buffered before the process exits.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { killAll, serveUntilListening } from '../../support/process.js';

const requestLines = (stdout: string, marker: string) =>
  stdout.split('\n').filter((line) => line.includes('"request completed"') && line.includes(marker)).length;

describe('log lines of `guests serve`', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guests-logging-'));
  });
  after(async () => {
    await killAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test(
    'a lone request is logged within a second; a burst is logged whole, the last lines at shutdown',
    { timeout: 60_000 },
    async () => {
      const { process: server, url } = await serveUntilListening({
        DATA_DIR: path.join(dir, 'data'),
        SEED_DEMO: 'false',
        EMAIL_DNS_CHECK: 'off',
        LOG_LEVEL: 'info',
      });
      // Light traffic: one request; far less than a batch, so it goes out with the periodic flush.
      assert.equal((await fetch(`${url}/health/live?lone=1`)).status, 200);
      await server.waitForStdout(
        (out) => requestLines(out, 'lone=1') === 1,
        1_000,
        'the lone request to be logged within a second',
      );

      // A burst, then SIGTERM at once: nothing may be lost, whatever was still in the buffer.
      const burst = 300;
      for (let i = 0; i < burst; i += 30) {
        await Promise.all(
          Array.from({ length: 30 }, (_, j) => fetch(`${url}/health/live?burst=${i + j}`).then((r) => r.arrayBuffer())),
        );
      }
      const exit = await server.stop();
      assert.equal(exit.code, 0, server.describe());
      assert.equal(requestLines(server.stdout, 'burst='), burst, 'every request of the burst is in the log');
      for (const line of server.stdout.split('\n').filter((l) => l.startsWith('{'))) JSON.parse(line);
    },
  );
});
