// The server's log lines are gathered and handed to the descriptor's writer in batches
// (src/core/log-lines.ts): in order, a batch at its size or at a flush, and everything at exit,
// a crash included.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { BatchedLines } from '../../src/core/log-lines.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function recordingTarget() {
  const writes: string[] = [];
  let syncs = 0;
  return {
    writes,
    syncs: () => syncs,
    target: {
      write: (text: string) => writes.push(text),
      flushSync: () => {
        syncs += 1;
      },
    },
  };
}

describe('BatchedLines', () => {
  it('hands nothing over below the batch size, then every line so far, in order, in one write', () => {
    const { writes, target } = recordingTarget();
    const lines = new BatchedLines(target, 100);
    for (let i = 0; i < 9; i += 1) lines.write(`line ${i} ${'.'.repeat(2)}\n`);
    assert.deepEqual(writes, [], 'nine 11-character lines stay gathered');
    lines.write('line 9 ..\n');
    assert.deepEqual(writes, [Array.from({ length: 10 }, (_, i) => `line ${i} ..\n`).join('')]);
    lines.end();
  });

  it('flush hands over what is gathered; a flush with nothing gathered writes nothing', () => {
    const { writes, target } = recordingTarget();
    const lines = new BatchedLines(target, 1000);
    lines.flush();
    assert.deepEqual(writes, []);
    lines.write('a\n');
    lines.write('b\n');
    lines.flush();
    lines.write('c\n');
    lines.flush();
    assert.deepEqual(writes, ['a\nb\n', 'c\n']);
    lines.end();
  });

  it('flushSync and end hand over what is gathered, then have the target write synchronously', () => {
    const { writes, syncs, target } = recordingTarget();
    const lines = new BatchedLines(target, 1000);
    lines.write('x\n');
    lines.flushSync();
    assert.deepEqual(writes, ['x\n']);
    assert.equal(syncs(), 1);
    lines.write('y\n');
    lines.end();
    assert.deepEqual(writes, ['x\n', 'y\n']);
    assert.equal(syncs(), 2);
  });
});

/** How a child process ended, and what it printed. */
interface ProcessOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `body` after the server's logger is made, in a process of its own; what it printed. */
async function crashingProcess(body: string, env: NodeJS.ProcessEnv = {}): Promise<ProcessOutcome> {
  const script = `
    import { serverLog } from ${JSON.stringify(path.join(ROOT, 'src/core/log-lines.ts'))};
    const { logger: log } = serverLog('info');
    ${body}
  `;
  return promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    maxBuffer: 16 * 1024 * 1024,
  }).then(
    () => ({ code: 0, stdout: '', stderr: '' }),
    (error: ProcessOutcome) => error,
  );
}

/** The process crashed, and stdout holds lines 0 to 999, each once, in order. */
function assertCrashedWithEveryLine(outcome: ProcessOutcome): void {
  assert.notEqual(outcome.code, 0, 'the process crashed');
  assert.match(outcome.stderr, /crash on purpose/);
  const numbers = outcome.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => (JSON.parse(line) as { n: number }).n);
  assert.deepEqual(
    numbers,
    Array.from({ length: 1000 }, (_, i) => i),
  );
}

describe("the server's logger in a process that crashes", () => {
  // Far more lines than one batch, the last ones still gathered when the exception ends the process.
  const LOG_AND_CRASH = `
    for (let i = 0; i < 1000; i += 1) log.info({ n: i }, 'before the crash');
    setImmediate(() => { throw new Error('crash on purpose'); });
  `;

  it('every line logged before an uncaught exception reaches stdout, in order', { timeout: 30_000 }, async () => {
    const outcome = await crashingProcess(LOG_AND_CRASH);
    assertCrashedWithEveryLine(outcome);
  });

  it('and so when the thread pool is busy at the crash', { timeout: 30_000 }, async () => {
    // One thread, kept busy by a slow key derivation: a batch handed to the pool would wait behind
    // it and be written after the exit's own writes, or not at all.
    const outcome = await crashingProcess(
      `
      const { pbkdf2 } = await import('node:crypto');
      pbkdf2('secret', 'salt', 1_000_000, 32, 'sha256', () => {});
      ${LOG_AND_CRASH}
      `,
      { UV_THREADPOOL_SIZE: '1' },
    );
    assertCrashedWithEveryLine(outcome);
  });
});
