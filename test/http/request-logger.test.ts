/**
 * A request's logger (src/http/request-logger.ts): the bindings a request gathers (its id, then
 * who calls and where) are written on its lines in the order they were added, from one pino child
 * made when the request first logs, not one child per binding.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { requestLogger } from '../../src/http/request-logger.js';

/** A pino logger writing into `lines`, behind a parent whose `child` calls are counted. */
function countingLogger(lines: Array<Record<string, unknown>>) {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  const pinoRoot = pino({ level: 'info' }, stream) as unknown as FastifyBaseLogger;
  let children = 0;
  const root = Object.create(pinoRoot) as FastifyBaseLogger;
  root.child = (bindings, options) => {
    children += 1;
    return pinoRoot.child(bindings, options);
  };
  return { root, children: () => children };
}

describe('request logger', () => {
  it('writes every binding, in the order added, from one pino child made at the first line', () => {
    const lines: Array<Record<string, unknown>> = [];
    const { root, children } = countingLogger(lines);
    let log = requestLogger(root, { reqId: 'r-1' }, {});
    log = log.child({ tokenId: 7, memberId: 9 });
    log = log.child({ organizationId: 'org' });
    assert.equal(children(), 0, 'no pino child before a line is written');
    log.info({ req: { method: 'GET' } }, 'request completed');
    log.warn('second line');
    assert.equal(children(), 1, 'one pino child for the whole request');
    assert.equal(lines.length, 2);
    const keys = Object.keys(lines[0] ?? {});
    assert.deepEqual(
      keys.filter((k) => ['reqId', 'tokenId', 'memberId', 'organizationId', 'req', 'msg'].includes(k)),
      ['reqId', 'tokenId', 'memberId', 'organizationId', 'req', 'msg'],
    );
    assert.equal(lines[1]?.organizationId, 'org');
    assert.equal(lines[1]?.level, 40);
  });

  it('keeps what is bound after the first line, and a child with options of its own', () => {
    const lines: Array<Record<string, unknown>> = [];
    const { root } = countingLogger(lines);
    const log = requestLogger(root, { reqId: 'r-2' }, {});
    log.info('first');
    log.child({ later: true }).info('second');
    log.child({ quiet: true }, { level: 'error' }).info('not written');
    assert.deepEqual(
      lines.map((l) => [l.msg, l.reqId, l.later]),
      [
        ['first', 'r-2', undefined],
        ['second', 'r-2', true],
      ],
    );
    assert.equal(log.level, 'info');
  });
});
