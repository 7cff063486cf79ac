/**
 * The background WAL checkpoint of the server on a SQLite file: the worker copies committed pages
 * back into the database file while the server's own connection does not (its automatic
 * checkpoint is raised far above what these writes reach), a failure is reported rather than
 * thrown, and stop() ends the worker so the file closes cleanly.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { startCheckpointer } from '../../src/db/checkpointer.js';

async function until(check: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return check();
}

describe('background WAL checkpoints', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guests-checkpoint-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function openFile(name: string): { file: string; db: SQLite.Database } {
    const file = path.join(dir, name);
    const db = new SQLite(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('create table items (id integer primary key, body text not null)');
    return { file, db };
  }

  function writeMany(db: SQLite.Database, count: number): void {
    const insert = db.prepare('insert into items (body) values (?)');
    // One transaction each, as requests commit: about 1 MB in all.
    for (let i = 0; i < count; i += 1) db.transaction(() => insert.run('x'.repeat(2000)))();
  }

  it('copies committed pages into the database file while the server only writes', async () => {
    const { file, db } = openFile('busy.sqlite');
    const errors: string[] = [];
    const checkpointer = startCheckpointer(db, file, (message) => errors.push(message));
    try {
      assert.equal(
        db.pragma('wal_autocheckpoint', { simple: true }),
        10_000,
        "the server's own checkpoint waits for a much larger WAL",
      );
      const before = fs.statSync(file).size;
      writeMany(db, 500);
      assert.ok(fs.statSync(`${file}-wal`).size > 500_000, 'the writes are in the WAL');
      const copied = await until(() => fs.statSync(file).size > before + 500_000);
      assert.ok(
        copied,
        `the database file grew from ${before} to ${fs.statSync(file).size} bytes: pages copied by the worker`,
      );
      assert.deepEqual(errors, []);
    } finally {
      await checkpointer.stop();
      db.close();
    }
    assert.equal(fs.existsSync(`${file}-wal`), false, 'closed cleanly: the WAL is gone');
  });

  it('starts the WAL over under steady writes, not only when they pause', async () => {
    const { file, db } = openFile('steady.sqlite');
    const checkpointer = startCheckpointer(db, file, () => undefined);
    // The WAL's header holds a salt that changes each time the WAL starts over from its first frame.
    const salt = (): number => {
      const header = Buffer.alloc(20);
      const fd = fs.openSync(`${file}-wal`, 'r');
      try {
        fs.readSync(fd, header, 0, 20, 0);
      } finally {
        fs.closeSync(fd);
      }
      return header.readUInt32BE(16);
    };
    const insert = db.prepare('insert into items (body) values (?)');
    const batch = db.transaction(() => {
      for (let i = 0; i < 20; i += 1) insert.run('x'.repeat(2000));
    });
    let restarts = 0;
    try {
      // A busy server's rhythm: a commit every few milliseconds, so one commits while each
      // checkpoint runs; far fewer pages than the server's own checkpoint waits for.
      batch();
      let last = salt();
      const end = Date.now() + 1500;
      while (Date.now() < end) {
        batch();
        const now = salt();
        if (now !== last) restarts += 1;
        last = now;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    } finally {
      await checkpointer.stop();
      db.close();
    }
    assert.ok(restarts >= 5, `the WAL started over ${restarts} times in 1.5 s of writes`);
  });

  it("without it, the same writes stay in the WAL (the measure above is the worker's doing)", () => {
    const { file, db } = openFile('quiet.sqlite');
    try {
      db.pragma('wal_autocheckpoint = 10000');
      const before = fs.statSync(file).size;
      writeMany(db, 500);
      assert.equal(fs.statSync(file).size, before);
    } finally {
      db.close();
    }
  });

  it('reports a worker that cannot open the database instead of failing the server', async () => {
    const { db } = openFile('reported.sqlite');
    const errors: string[] = [];
    const checkpointer = startCheckpointer(db, path.join(dir, 'missing', 'nothing.sqlite'), (message) =>
      errors.push(message),
    );
    try {
      assert.ok(await until(() => errors.length > 0), 'an error was reported');
      assert.match(errors[0] ?? '', /unable to open|directory does not exist|no such file/i);
      // The server's connection still works.
      db.prepare('insert into items (body) values (?)').run('still writable');
    } finally {
      await checkpointer.stop();
      db.close();
    }
  });
});
