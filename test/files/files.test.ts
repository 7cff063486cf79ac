/**
 * Files on tasks for members (docs/files.md): upload on Tallyfy's path, list, download with safe
 * headers, delete; kinds recognized from the bytes; limits refused with nothing stored.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { buildTestApp, buildTestAppWithOther, call, type OrgWithMembers, type TestContext } from '../../support/app.js';
import { createFileService } from '../../src/files/file.service.js';
import { now } from '../../src/core/time.js';
import { assertProblem } from '../../support/problem.js';
import { seedTask } from '../../support/tasks.js';
import { PDF, PNG, memberUpload, multipart, storedRows } from './file-helpers.js';

interface FileAnswer {
  id: string;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  task_id: string;
  field_id: string | null;
  uploaded_from: string | null;
  uploaded_by: { type: string; id: number | null; email: string | null };
  url: string;
}

describe('files on tasks: members', () => {
  let ctx: TestContext;
  let other: OrgWithMembers;
  before(async () => {
    ({ ctx, other } = await buildTestAppWithOther({
      env: { FILE_MAX_BYTES: '300000', TASK_FILES_MAX_BYTES: '700000', TASK_FILES_MAX_COUNT: '3' },
    }));
  });
  after(() => ctx.close());

  const task = (fields: Parameters<typeof seedTask>[1]['fields'] = []) =>
    seedTask(ctx.db.kysely, { organizationId: ctx.orgId, users: [ctx.members.standard], fields });

  it('uploads, lists and downloads the same bytes with attachment headers', async () => {
    const { id } = await task();
    const res = await memberUpload(ctx, ctx.tokens.standard, id, {
      filename: 'report.pdf',
      data: PDF,
      type: 'text/html',
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.notEqual(res.headers.connection, 'close');
    const file = (res.json() as { data: FileAnswer }).data;
    assert.equal(file.filename, 'report.pdf');
    // The client said text/html; the bytes say PDF, and that is what is kept.
    assert.equal(file.content_type, 'application/pdf');
    assert.equal(file.size, PDF.length);
    assert.equal(file.sha256, createHash('sha256').update(PDF).digest('hex'));
    assert.deepEqual(file.uploaded_by, { type: 'member', id: ctx.members.standard, email: null });
    assert.equal(file.url, `http://guests.test/api/organizations/${ctx.orgId}/file/${file.id}/dl`);

    const list = await call(ctx, ctx.tokens.light, 'GET', `/api/organizations/${ctx.orgId}/tasks/${id}/files`);
    assert.equal(list.statusCode, 200);
    assert.deepEqual(
      (list.json() as { data: FileAnswer[] }).data.map((f) => f.id),
      [file.id],
    );

    const dl = await ctx.app.inject({
      method: 'GET',
      url: `/api/organizations/${ctx.orgId}/file/${file.id}/dl`,
      headers: { authorization: `Bearer ${ctx.tokens.light}` },
    });
    assert.equal(dl.statusCode, 200);
    assert.deepEqual(dl.rawPayload, PDF);
    assert.equal(dl.headers['content-type'], 'application/pdf');
    assert.equal(dl.headers['content-length'], String(PDF.length));
    assert.equal(dl.headers['content-disposition'], `attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`);
    assert.equal(dl.headers['x-content-type-options'], 'nosniff');
    assert.match(String(dl.headers['content-security-policy']), /sandbox/);
    assert.match(String(dl.headers['cache-control']), /no-store/);
  });

  it('a file larger than one chunk comes back whole', async () => {
    const { id } = await task();
    const big = Buffer.concat([PNG, Buffer.alloc(290_000, 7)]);
    const res = await memberUpload(ctx, ctx.tokens.admin, id, { filename: 'big.png', data: big });
    assert.equal(res.statusCode, 201, res.body);
    const file = (res.json() as { data: FileAnswer }).data;
    const dl = await call(ctx, ctx.tokens.admin, 'GET', `/api/organizations/${ctx.orgId}/file/${file.id}/dl`);
    assert.deepEqual(dl.rawPayload, big);
    const chunks = await ctx.db.kysely.selectFrom('file_chunks').select('seq').where('file_id', '=', file.id).execute();
    assert.equal(chunks.length, 2);
  });

  it('names are made safe: no path, no controls or direction overrides; the download header encodes them', async () => {
    const { id } = await task();
    const res = await memberUpload(ctx, ctx.tokens.admin, id, {
      filename: '..\\..\\etc/\u202egnp.\u0007résumé.png',
      data: PNG,
    });
    assert.equal(res.statusCode, 201, res.body);
    const file = (res.json() as { data: FileAnswer }).data;
    assert.equal(file.filename, 'gnp.résumé.png');
    const dl = await call(ctx, ctx.tokens.admin, 'GET', `/api/organizations/${ctx.orgId}/file/${file.id}/dl`);
    assert.equal(
      dl.headers['content-disposition'],
      `attachment; filename="gnp.resume.png"; filename*=UTF-8''gnp.r%C3%A9sum%C3%A9.png`,
    );
  });

  it('over-size: 413, nothing stored', async () => {
    const { id } = await task();
    const before = await storedRows(ctx);
    const res = await memberUpload(ctx, ctx.tokens.admin, id, {
      filename: 'huge.png',
      data: Buffer.concat([PNG, Buffer.alloc(300_001)]),
    });
    assertProblem(res, 413, 'PAYLOAD_TOO_LARGE');
    assert.equal(res.headers.connection, 'close');
    assert.deepEqual(await storedRows(ctx), before);
  });

  it('disallowed kinds and names that lie about the bytes: 415, nothing stored', async () => {
    const { id } = await task();
    const before = await storedRows(ctx);
    const cases: Array<[string, Buffer]> = [
      ['evil.pdf', Buffer.from('<html><script>alert(1)</script></html>')],
      ['evil.pdf', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(500, 0)])],
      ['page.html', Buffer.from('<!doctype html><p>hi</p>')],
      ['notes.txt', Buffer.from('<svg onload="alert(1)"></svg>')],
      ['binary.txt', Buffer.from([0x61, 0x00, 0x62])],
      ['broken.csv', Buffer.from([0x61, 0xff, 0xfe, 0x62])],
      ['photo.pdf', PNG],
    ];
    for (const [filename, data] of cases) {
      const res = await memberUpload(ctx, ctx.tokens.admin, id, { filename, data, type: 'application/pdf' });
      assertProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE', { label: filename });
      assert.equal(res.headers.connection, 'close');
    }
    // Only the file routes take multipart bodies: every other route still refuses them.
    const form = multipart([{ name: 'title', value: 'x' }]);
    const elsewhere = await ctx.app.inject({
      method: 'POST',
      url: `/api/organizations/${ctx.orgId}/tasks`,
      headers: { authorization: `Bearer ${ctx.tokens.admin}`, ...form.headers },
      payload: form.payload,
    });
    assertProblem(elsewhere, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const json = await call(ctx, ctx.tokens.admin, 'POST', `/api/organizations/${ctx.orgId}/file`, { subject_id: id });
    assertProblem(json, 415, 'UNSUPPORTED_MEDIA_TYPE');
    assert.deepEqual(await storedRows(ctx), before);
  });

  it('text is taken as text/plain or text/csv under its extension when it is UTF-8', async () => {
    const { id } = await task();
    const res = await memberUpload(ctx, ctx.tokens.admin, id, {
      filename: 'data.csv',
      data: Buffer.from('a,b\nü,2\n'),
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal((res.json() as { data: FileAnswer }).data.content_type, 'text/csv');
  });

  it('per-task limits: total bytes and number of files, 413 and nothing more stored', async () => {
    const { id } = await task();
    const piece = Buffer.concat([PNG, Buffer.alloc(290_000)]);
    for (let i = 0; i < 2; i += 1)
      assert.equal(
        (await memberUpload(ctx, ctx.tokens.admin, id, { filename: `p${i}.png`, data: piece })).statusCode,
        201,
      );
    const before = await storedRows(ctx);
    const res = await memberUpload(ctx, ctx.tokens.admin, id, { filename: 'p3.png', data: piece });
    assertProblem(res, 413, 'PAYLOAD_TOO_LARGE');
    assert.match(JSON.parse(res.body).message, /700000 bytes together/);
    assert.deepEqual(await storedRows(ctx), before);

    const { id: many } = await task();
    for (let i = 0; i < 3; i += 1)
      assert.equal(
        (await memberUpload(ctx, ctx.tokens.admin, many, { filename: `s${i}.png`, data: PNG })).statusCode,
        201,
      );
    const fourth = await memberUpload(ctx, ctx.tokens.admin, many, { filename: 's4.png', data: PNG });
    assertProblem(fourth, 413, 'PAYLOAD_TOO_LARGE');
    assert.match(JSON.parse(fourth.body).message, /at most 3 files/);
  });

  it('isolation: another organization’s member gets 404; a light member cannot upload or delete (403)', async () => {
    const { id } = await task();
    const up = await memberUpload(ctx, ctx.tokens.admin, id, { filename: 'a.png', data: PNG });
    const file = (up.json() as { data: FileAnswer }).data;
    // Another organization's member, on their own organization's path: no such task or file there.
    assertProblem(
      await memberUpload(ctx, other.tokens.admin, id, { filename: 'a.png', data: PNG }, [], other.orgId),
      404,
      'RESOURCE_NOT_FOUND',
    );
    assertProblem(
      await call(ctx, other.tokens.admin, 'GET', `/api/organizations/${other.orgId}/file/${file.id}/dl`),
      404,
      'RESOURCE_NOT_FOUND',
    );
    assertProblem(
      await call(ctx, other.tokens.admin, 'DELETE', `/api/organizations/${other.orgId}/file/${file.id}`),
      404,
      'RESOURCE_NOT_FOUND',
    );
    assertProblem(
      await call(ctx, other.tokens.admin, 'GET', `/api/organizations/${other.orgId}/tasks/${id}/files`),
      404,
      'RESOURCE_NOT_FOUND',
    );
    // On this organization's path: not a member.
    assertProblem(
      await call(ctx, other.tokens.admin, 'GET', `/api/organizations/${ctx.orgId}/file/${file.id}/dl`),
      403,
      'FORBIDDEN',
    );
    assertProblem(await memberUpload(ctx, ctx.tokens.light, id, { filename: 'b.png', data: PNG }), 403, 'FORBIDDEN');
    assertProblem(
      await call(ctx, ctx.tokens.light, 'DELETE', `/api/organizations/${ctx.orgId}/file/${file.id}`),
      403,
      'FORBIDDEN',
    );
  });

  it('delete removes the file and its bytes', async () => {
    const { id } = await task();
    const up = await memberUpload(ctx, ctx.tokens.admin, id, { filename: 'a.png', data: PNG });
    const file = (up.json() as { data: FileAnswer }).data;
    const res = await call(ctx, ctx.tokens.standard, 'DELETE', `/api/organizations/${ctx.orgId}/file/${file.id}`);
    assert.equal(res.statusCode, 204);
    const left = await ctx.db.kysely.selectFrom('file_chunks').select('seq').where('file_id', '=', file.id).execute();
    assert.equal(left.length, 0);
    assertProblem(
      await call(ctx, ctx.tokens.admin, 'GET', `/api/organizations/${ctx.orgId}/file/${file.id}/dl`),
      404,
      'RESOURCE_NOT_FOUND',
    );
  });

  it('file fields: upload fills the value; PUT of a value is 422; a required empty one blocks completion', async () => {
    const { id, fieldIds } = await task([
      { field_type: 'file', label: 'Contract', required: true },
      { field_type: 'text', label: 'Name' },
    ]);
    const fieldId = fieldIds[0] as string;
    const put = await call(ctx, ctx.tokens.admin, 'PUT', `/api/organizations/${ctx.orgId}/tasks/${id}/values`, {
      taskdata: { [fieldId]: null },
    });
    assertProblem(put, 422, 'VALIDATION_FAILED', { fields: [`taskdata.${fieldId}`] });

    const blocked = await call(ctx, ctx.tokens.admin, 'POST', `/api/organizations/${ctx.orgId}/completed-tasks`, {
      task_id: id,
    });
    assertProblem(blocked, 422, 'VALIDATION_FAILED', { fields: [`taskdata.${fieldId}`] });

    const wrongField = await memberUpload(ctx, ctx.tokens.admin, id, { filename: 'c.pdf', data: PDF }, [
      { name: 'uploaded_from', value: fieldIds[1] as string },
    ]);
    assertProblem(wrongField, 422, 'VALIDATION_FAILED', { fields: ['uploaded_from'] });
    const up = await memberUpload(ctx, ctx.tokens.admin, id, { filename: 'c.pdf', data: PDF }, [
      { name: 'uploaded_from', value: fieldId },
    ]);
    assert.equal(up.statusCode, 201, up.body);
    const file = (up.json() as { data: FileAnswer }).data;
    assert.equal(file.uploaded_from, fieldId);
    const read = await call(ctx, ctx.tokens.admin, 'GET', `/api/organizations/${ctx.orgId}/tasks/${id}`);
    const field = (read.json() as { data: { form_fields: Array<{ id: string; value: unknown }> } }).data.form_fields[0];
    assert.deepEqual(field?.value, [{ id: file.id, filename: 'c.pdf' }]);
    const done = await call(ctx, ctx.tokens.admin, 'POST', `/api/organizations/${ctx.orgId}/completed-tasks`, {
      task_id: id,
    });
    assert.equal(done.statusCode, 201, done.body);
  });

  it('a form without its task id before the file, or with another subject type, is 422', async () => {
    const body = multipart([{ name: 'name', filename: 'a.png', data: PNG }]);
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/organizations/${ctx.orgId}/file`,
      headers: { authorization: `Bearer ${ctx.tokens.admin}`, ...body.headers },
      payload: body.payload,
    });
    assertProblem(res, 422, 'VALIDATION_FAILED', { fields: ['subject_id'] });
  });
});

describe('files on tasks: abandoned uploads', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.close());

  it('an upload never finished is deleted with its chunks after an hour, not before; ready files stay', async () => {
    const { id } = await seedTask(ctx.db.kysely, { organizationId: ctx.orgId, users: [ctx.members.admin] });
    const ready = await memberUpload(ctx, ctx.tokens.admin, id, { filename: 'a.png', data: PNG });
    assert.equal(ready.statusCode, 201);
    const row = (at: string, fileId: string) => ({
      id: fileId,
      organization_id: ctx.orgId,
      task_id: id,
      field_id: null,
      name: 'x.png',
      content_type: 'image/png',
      size: 0,
      sha256: '',
      uploaded_by_user_id: ctx.members.admin,
      uploaded_by_guest_id: null,
      status: 'uploading' as const,
      created_at: at,
    });
    const old = 'a'.repeat(32);
    const recent = 'b'.repeat(32);
    await ctx.db.kysely
      .insertInto('task_files')
      .values([row('2020-01-01 00:00:00', old), row(now(), recent)])
      .execute();
    await ctx.db.kysely.insertInto('file_chunks').values({ file_id: old, seq: 0, data: PNG }).execute();
    const files = createFileService({
      db: ctx.db.kysely,
      limits: ctx.config.files,
      guestNotFound: () => new Error('unused') as never,
      urlOf: () => '',
    });
    assert.equal(await files.deleteAbandonedUploads(), 1);
    const left = await ctx.db.kysely.selectFrom('task_files').select(['id', 'status']).orderBy('id').execute();
    assert.deepEqual(left.map((f) => f.id).sort(), [recent, (ready.json() as { data: { id: string } }).data.id].sort());
    assert.equal(
      (await ctx.db.kysely.selectFrom('file_chunks').select('seq').where('file_id', '=', old).execute()).length,
      0,
    );
  });
});

describe('files on tasks: clone and HEAD', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.close());

  it('a clone starts with no files; HEAD of a download answers its headers only', async () => {
    const created = await call(ctx, ctx.tokens.admin, 'POST', `/api/organizations/${ctx.orgId}/tasks`, {
      title: 'With a file',
      deadline: '2030-01-01 00:00:00',
      form_fields: [{ field_type: 'file', label: 'Scan' }],
    });
    assert.equal(created.statusCode, 201, created.body);
    const task = (created.json() as { data: { id: string; form_fields: Array<{ id: string }> } }).data;
    const fieldId = task.form_fields[0]?.id as string;
    const up = await memberUpload(ctx, ctx.tokens.admin, task.id, { filename: 's.png', data: PNG }, [
      { name: 'uploaded_from', value: fieldId },
    ]);
    assert.equal(up.statusCode, 201, up.body);
    const fileId = (up.json() as { data: { id: string } }).data.id;

    const head = await ctx.app.inject({
      method: 'HEAD',
      url: `/api/organizations/${ctx.orgId}/file/${fileId}/dl`,
      headers: { authorization: `Bearer ${ctx.tokens.admin}` },
    });
    assert.equal(head.statusCode, 200);
    assert.equal(head.headers['content-length'], String(PNG.length));
    assert.equal(head.rawPayload.length, 0);

    const clone = await call(ctx, ctx.tokens.admin, 'POST', `/api/organizations/${ctx.orgId}/tasks/${task.id}/clone`);
    assert.equal(clone.statusCode, 201, clone.body);
    const copy = (clone.json() as { data: { id: string; form_fields: Array<{ value: unknown }> } }).data;
    assert.equal(copy.form_fields[0]?.value, null);
    const files = await call(ctx, ctx.tokens.admin, 'GET', `/api/organizations/${ctx.orgId}/tasks/${copy.id}/files`);
    assert.deepEqual((files.json() as { data: unknown[] }).data, []);
  });
});
