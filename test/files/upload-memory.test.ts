/**
 * A 100 MB upload and its download through a real server process (docs/files.md, Upload file,
 * Download file): the body is generated as it is sent (never whole in this process either), the
 * server's resident memory is read from /proc while the bytes pass, and the downloaded bytes are
 * the uploaded ones. On SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createAdminService } from '../../src/organizations/admin.service.js';
import { freshDatabaseUrl } from '../../support/app.js';
import { killAll, startServerProcess, type GuestsProcess } from '../../support/process.js';
import { seedTask } from '../../support/tasks.js';
import { PNG } from './file-helpers.js';

const TOTAL = 100 * 1000 * 1000;
/** The warm-up file: the same path once, so the heap has grown to its working size before measuring. */
const WARM_UP = 40 * 1000 * 1000;
const BLOCK = 64 * 1024;
const ON_POSTGRES = Boolean(process.env.TEST_DATABASE_URL);
/**
 * How far the server's resident memory may rise while 100 MB are uploaded. Measured after the
 * warm-up on a quiet machine: 0.1 to 0.3 MB on SQLite, 0.0 to 5.6 MB on PostgreSQL (its driver's
 * buffers). On a machine busy with other test files the collector falls behind and released
 * buffers stay resident longer: the smallest of three rises was 10.6 MB in one such run (the
 * others 29.0 and 21.7). The bound sits above that noise and far below what holding the file
 * would add (its 100 MB, on every attempt).
 */
const MAX_RISE_BYTES = (ON_POSTGRES ? 32 : 24) * 1024 * 1024;
/**
 * How far it may rise by the end of the download: measured 3.6 to 10.3 MB on SQLite, 6.6 to 40.6
 * MB on PostgreSQL, whose driver reads each chunk as hex text (twice the bytes) before making it a
 * buffer, all garbage collected in batches. A download held whole would add the file's 100 MB.
 */
const MAX_DOWNLOAD_RISE_BYTES = 64 * 1024 * 1024;

/** The server's resident memory, from /proc (Linux). */
function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error('no VmRSS');
  return Number(match[1]) * 1024;
}

/** Samples the process's RSS every 50 ms until stopped; the highest seen. */
function sampler(pid: number) {
  let peak = rssOf(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssOf(pid));
    } catch {
      // the process is gone: the request fails on its own
    }
  }, 50);
  return {
    stop(): number {
      clearInterval(timer);
      return Math.max(peak, rssOf(pid));
    },
  };
}

/** Block `i` of the generated file: a PNG header first, then bytes that differ block by block. */
function block(i: number, size: number): Buffer {
  const data = Buffer.alloc(size, i % 251);
  data.writeUInt32BE(i, 0);
  if (i === 0) PNG.copy(data, 0, 0, Math.min(PNG.length, size));
  return data;
}

function upload(
  url: string,
  token: string,
  orgId: string,
  taskId: string,
  total = TOTAL,
): Promise<{ status: number; body: string; sha256: string }> {
  const boundary = `----mem${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    [
      `--${boundary}`,
      'Content-Disposition: form-data; name="subject_type"',
      '',
      'Task',
      `--${boundary}`,
      'Content-Disposition: form-data; name="subject_id"',
      '',
      taskId,
      `--${boundary}`,
      'Content-Disposition: form-data; name="name"; filename="big.png"',
      'Content-Type: image/png',
      '',
      '',
    ].join('\r\n'),
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const hash = createHash('sha256');
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/api/organizations/${orgId}/file`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(head.length + total + tail.length),
      },
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, sha256: hash.digest('hex') }));
    });
    req.on('error', reject);
    req.write(head);
    let i = 0;
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        const data = block(i, Math.min(BLOCK, total - sent));
        hash.update(data);
        i += 1;
        sent += data.length;
        if (!req.write(data)) return void req.once('drain', pump);
      }
      req.end(tail);
    };
    pump();
  });
}

function download(url: string, token: string): Promise<{ status: number; size: number; sha256: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { authorization: `Bearer ${token}` } }, (res) => {
        const hash = createHash('sha256');
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          hash.update(chunk);
          size += chunk.length;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, size, sha256: hash.digest('hex') }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

describe('a 100 MB file through a server process', () => {
  let server: { process: GuestsProcess; url: string };
  let db: Db;
  let dir: string;
  let drop: () => Promise<void> = async () => undefined;
  let orgId: string;
  let token: string;
  let taskId: string;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'files-memory-'));
    const env: Record<string, string> = {
      SEED_DEMO: 'false',
      EMAIL_DNS_CHECK: 'off',
      LOG_LEVEL: 'warn',
      DATA_DIR: dir,
    };
    if (process.env.TEST_DATABASE_URL) {
      const database = await freshDatabaseUrl();
      drop = database.drop;
      env.DATABASE_URL = database.url;
    }
    server = await startServerProcess(env);
    db = env.DATABASE_URL
      ? openDatabase({ kind: 'postgres', url: env.DATABASE_URL, poolSize: 2 })
      : openDatabase({ kind: 'sqlite', file: path.join(dir, 'guests.sqlite') });
    await migrateToLatest(db);
    const admin = createAdminService(db.kysely);
    const org = await admin.createOrganization({ name: 'Memory' });
    const member = await admin.addMember({ organizationId: org.id, email: 'mem-admin@members.test', role: 'admin' });
    orgId = org.id;
    token = (await admin.createToken({ email: member.email })).token;
    taskId = (await seedTask(db.kysely, { organizationId: orgId, users: [member.id] })).id;
  });

  after(async () => {
    await server?.process.stop().catch(() => undefined);
    await killAll();
    await db?.close();
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('upload and download in constant memory, the same bytes back', async () => {
    const pid = server.process.child.pid as number;
    // Warm up first: code loaded, pools open, and the heap grown to what streaming needs. A server
    // fresh from its start grows by about 50 MB on its first large transfer whatever its size
    // (measured: the same for 30 MB and 190 MB), which is V8 sizing its heap and collecting
    // released buffers in batches, not the file kept in memory.
    const cold = rssOf(pid);
    const warm = await upload(server.url, token, orgId, taskId, WARM_UP);
    assert.equal(warm.status, 201, warm.body);
    const warmId = (JSON.parse(warm.body) as { data: { id: string } }).data.id;
    assert.equal(
      (await download(`${server.url}/api/organizations/${orgId}/file/${warmId}/dl`, token)).sha256,
      warm.sha256,
    );
    // A rise is V8 collecting released buffers late (one-sided noise: a busy machine only makes it
    // larger), so the upload is measured up to three times and the smallest rise is the figure. A
    // server holding the file would rise by its 100 MB on every attempt.
    const rises: number[] = [];
    let baseline = 0;
    let up: { status: number; body: string; sha256: string } | undefined;
    for (let attempt = 0; attempt < 3 && !(rises.length > 0 && Math.min(...rises) < MAX_RISE_BYTES); attempt += 1) {
      baseline = rssOf(pid);
      const watch = sampler(pid);
      up = await upload(server.url, token, orgId, taskId);
      rises.push(watch.stop() - baseline);
      assert.equal(up.status, 201, up.body);
    }
    assert.ok(up);
    const file = (JSON.parse(up.body) as { data: { id: string; size: number; sha256: string } }).data;
    assert.equal(file.size, TOTAL);
    assert.equal(file.sha256, up.sha256);

    const downWatch = sampler(pid);
    const down = await download(`${server.url}/api/organizations/${orgId}/file/${file.id}/dl`, token);
    const downPeak = downWatch.stop();
    assert.equal(down.status, 200);
    assert.equal(down.size, TOTAL);
    assert.equal(down.sha256, up.sha256);

    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    process.stdout.write(
      `# RSS at start ${mb(cold)} MB, after a ${WARM_UP / 1e6} MB warm-up ${mb(baseline)} MB; rise during upload ${rises.map(mb).join(', ')} MB, during download ${mb(downPeak - baseline)} MB\n`,
    );
    assert.ok(Math.min(...rises) < MAX_RISE_BYTES, `every upload raised RSS by more: ${rises.map(mb).join(', ')} MB`);
    assert.ok(downPeak - baseline < MAX_DOWNLOAD_RISE_BYTES, `download raised RSS by ${mb(downPeak - baseline)} MB`);
  });
});
