/**
 * Files on the guest's side (docs/guest-side.md): a guest uploads to, lists, downloads from and
 * deletes on their own tasks, as JSON and from the task page; any other task or file answers
 * exactly as a bad code. Removing or erasing a guest, or deleting a task, leaves none of its files.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestAppWithOther, call, type OrgWithMembers, type TestContext } from '../../support/app.js';
import { assertProblem, sameAnswerPart } from '../../support/problem.js';
import { guestRecordId, seedTask } from '../../support/tasks.js';
import { now } from '../../src/core/time.js';
import { PDF, PNG, memberUpload, multipart, storedRows, type Part } from '../files/file-helpers.js';
import { guestWithCode } from './portal-helpers.js';

interface FileAnswer {
  id: string;
  filename: string;
  url: string;
  uploaded_by: { type: string; email: string | null };
}

describe('files on the guest side', () => {
  let ctx: TestContext;
  let other: OrgWithMembers;
  before(async () => {
    ({ ctx, other } = await buildTestAppWithOther({ env: { FILE_MAX_BYTES: '100000' } }));
  });
  after(() => ctx.close());

  async function guest(orgId = ctx.orgId, token?: string) {
    const { code, guest: g } = await guestWithCode(ctx, {}, token, orgId);
    return { code, email: g.email as string, recordId: await guestRecordId(ctx.db.kysely, orgId, g.email as string) };
  }
  const taskOf = (recordIds: number[], fields: Parameters<typeof seedTask>[1]['fields'] = [], orgId = ctx.orgId) =>
    seedTask(ctx.db.kysely, { organizationId: orgId, guests: recordIds, fields });

  function upload(code: string, taskId: string, file: Part, extra: Part[] = [], base = '/api/guest') {
    const body = multipart([...extra, file]);
    return ctx.app.inject({
      method: 'POST',
      url: `${base}/${code}/tasks/${taskId}/files`,
      headers: body.headers,
      payload: body.payload,
    });
  }
  const png = (filename = 'photo.png'): Part => ({ name: 'file', filename, data: PNG, type: 'image/png' });

  it('a guest uploads, lists, downloads and deletes their own file', async () => {
    const g = await guest();
    const { id } = await taskOf([g.recordId]);
    const res = await upload(g.code, id, png());
    assert.equal(res.statusCode, 201, res.body);
    const file = (res.json() as { data: FileAnswer }).data;
    assert.deepEqual(file.uploaded_by, { type: 'guest', id: null, email: g.email });
    assert.equal(file.url, `http://guests.test/api/guest/${g.code}/tasks/${id}/files/${file.id}`);
    const list = await call(ctx, null, 'GET', `/api/guest/${g.code}/tasks/${id}/files`);
    assert.deepEqual(
      (list.json() as { data: FileAnswer[] }).data.map((f) => f.id),
      [file.id],
    );
    const dl = await call(ctx, null, 'GET', `/api/guest/${g.code}/tasks/${id}/files/${file.id}`);
    assert.equal(dl.statusCode, 200);
    assert.deepEqual(dl.rawPayload, PNG);
    assert.equal(dl.headers['x-content-type-options'], 'nosniff');
    assert.match(String(dl.headers['content-disposition']), /^attachment; filename="photo.png"/);
    // The member sees the guest's file too.
    const member = await call(ctx, ctx.tokens.light, 'GET', `/api/organizations/${ctx.orgId}/file/${file.id}/dl`);
    assert.deepEqual(member.rawPayload, PNG);
    const del = await call(ctx, null, 'DELETE', `/api/guest/${g.code}/tasks/${id}/files/${file.id}`);
    assert.equal(del.statusCode, 204);
    assertProblem(
      await call(ctx, null, 'GET', `/api/guest/${g.code}/tasks/${id}/files/${file.id}`),
      404,
      'RESOURCE_NOT_FOUND',
    );
  });

  it('another organization’s guest and a same-organization guest who does not own the task get the bad-code 404', async () => {
    const owner = await guest();
    const stranger = await guest();
    const foreign = await guest(other.orgId, other.tokens.admin);
    const { id } = await taskOf([owner.recordId]);
    const file = ((await upload(owner.code, id, png())).json() as { data: FileAnswer }).data;
    const badCode = await call(
      ctx,
      null,
      'GET',
      `/api/guest/${'x'.repeat(owner.code.length)}/tasks/${id}/files/${file.id}`,
    );
    for (const who of [stranger, foreign]) {
      const dl = await call(ctx, null, 'GET', `/api/guest/${who.code}/tasks/${id}/files/${file.id}`);
      assertProblem(dl, 404, 'RESOURCE_NOT_FOUND');
      assert.deepEqual(sameAnswerPart(dl), sameAnswerPart(badCode));
      assertProblem(
        await call(ctx, null, 'GET', `/api/guest/${who.code}/tasks/${id}/files`),
        404,
        'RESOURCE_NOT_FOUND',
      );
      assertProblem(
        await call(ctx, null, 'DELETE', `/api/guest/${who.code}/tasks/${id}/files/${file.id}`),
        404,
        'RESOURCE_NOT_FOUND',
      );
      assertProblem(await upload(who.code, id, png()), 404, 'RESOURCE_NOT_FOUND');
      // The page's download link too.
      const page = await call(ctx, null, 'GET', `/guest/${who.code}/tasks/${id}/files/${file.id}`);
      assert.equal(page.statusCode, 404);
    }
    // A file of another of the guest's own tasks, asked for under the wrong task: 404 as well.
    const { id: second } = await taskOf([stranger.recordId]);
    assertProblem(
      await call(ctx, null, 'GET', `/api/guest/${stranger.code}/tasks/${second}/files/${file.id}`),
      404,
      'RESOURCE_NOT_FOUND',
    );
  });

  it('a co-owner may read another guest’s upload but not delete it; nobody changes files of a completed task', async () => {
    const a = await guest();
    const b = await guest();
    const { id } = await taskOf([a.recordId, b.recordId]);
    const file = ((await upload(a.code, id, png())).json() as { data: FileAnswer }).data;
    assert.equal((await call(ctx, null, 'GET', `/api/guest/${b.code}/tasks/${id}/files/${file.id}`)).statusCode, 200);
    assertProblem(
      await call(ctx, null, 'DELETE', `/api/guest/${b.code}/tasks/${id}/files/${file.id}`),
      403,
      'FORBIDDEN',
    );
    await ctx.db.kysely.updateTable('tasks').set({ completed_at: now() }).where('id', '=', id).execute();
    assertProblem(
      await call(ctx, null, 'DELETE', `/api/guest/${a.code}/tasks/${id}/files/${file.id}`),
      422,
      'VALIDATION_FAILED',
    );
    assertProblem(await upload(a.code, id, png()), 422, 'VALIDATION_FAILED');
  });

  it('the task page shows file fields with their files and a multipart upload form; an upload answers 303', async () => {
    const g = await guest();
    const { id, fieldIds } = await taskOf(
      [g.recordId],
      [{ field_type: 'file', label: 'Passport scan', required: true }],
    );
    const fieldId = fieldIds[0] as string;
    const page = await call(ctx, null, 'GET', `/guest/${g.code}/tasks/${id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<form method="post" action="[^"]*\/files" enctype="multipart\/form-data">/);
    assert.match(page.body, new RegExp(`<input type="hidden" name="uploaded_from" value="${fieldId}">`));
    assert.match(page.body, /<input type="file" id="upload-[0-9a-f]+" name="file" required>/);
    assert.match(page.body, /Passport scan/);

    const res = await upload(
      g.code,
      id,
      { name: 'file', filename: 'scan.pdf', data: PDF },
      [{ name: 'uploaded_from', value: fieldId }],
      '/guest',
    );
    assert.equal(res.statusCode, 303, res.body);
    assert.equal(res.headers.location, `/guest/${g.code}/tasks/${id}?done=files`);
    const after = await call(ctx, null, 'GET', `/guest/${g.code}/tasks/${id}?done=files`);
    assert.match(after.body, /Your file was uploaded/);
    const link = new RegExp(`<a href="(/guest/${g.code}/tasks/${id}/files/[0-9a-f]{32})" download>scan.pdf</a>`).exec(
      after.body,
    );
    assert.ok(link, after.body);
    const dl = await call(ctx, null, 'GET', link[1] as string);
    assert.deepEqual(dl.rawPayload, PDF);
    assert.equal(dl.headers['content-disposition'], `attachment; filename="scan.pdf"; filename*=UTF-8''scan.pdf`);
  });

  it('the page shows a refused upload again with the problem: 415 for a kind not taken, 413 over the limit', async () => {
    const g = await guest();
    const { id, fieldIds } = await taskOf([g.recordId], [{ field_type: 'file', label: 'Scan' }]);
    const fieldId = fieldIds[0] as string;
    const before = await storedRows(ctx);
    const bad = await upload(
      g.code,
      id,
      { name: 'file', filename: 'x.pdf', data: Buffer.from('<html></html>') },
      [{ name: 'uploaded_from', value: fieldId }],
      '/guest',
    );
    assert.equal(bad.statusCode, 415);
    assert.match(String(bad.headers['content-type']), /text\/html/);
    assert.match(bad.body, /Your file was not uploaded/);
    assert.match(bad.body, new RegExp(`<a href="#upload-${fieldId}">`));
    const big = await upload(
      g.code,
      id,
      { name: 'file', filename: 'x.png', data: Buffer.concat([PNG, Buffer.alloc(100_001)]) },
      [],
      '/guest',
    );
    assert.equal(big.statusCode, 413);
    assert.equal(big.headers.connection, 'close');
    assert.match(big.body, /100000 bytes/);
    assert.deepEqual(await storedRows(ctx), before);
  });

  it('removing a guest, erasing a guest and deleting a task leave none of their files; member files stay', async () => {
    const removed = await guest();
    const erased = await guest();
    const { id } = await taskOf([removed.recordId, erased.recordId]);
    await upload(removed.code, id, png('r.png'));
    await upload(erased.code, id, png('e.png'));
    const memberFile = (
      (await memberUpload(ctx, ctx.tokens.admin, id, { filename: 'm.png', data: PNG })).json() as { data: FileAnswer }
    ).data;
    const count = async (by: number) =>
      (await ctx.db.kysely.selectFrom('task_files').select('id').where('uploaded_by_guest_id', '=', by).execute())
        .length;
    assert.equal(await count(removed.recordId), 1);

    const rm = await call(
      ctx,
      ctx.tokens.admin,
      'DELETE',
      `/api/organizations/${ctx.orgId}/guests/${encodeURIComponent(removed.email)}`,
    );
    assert.equal(rm.statusCode, 200, rm.body);
    assert.equal(await count(removed.recordId), 0);

    await ctx.db.kysely
      .updateTable('task_guests')
      .set({ completed_at: now() })
      .where('organization_guest_id', '=', erased.recordId)
      .execute();
    const path = `/api/organizations/${ctx.orgId}/guests/${encodeURIComponent(erased.email)}`;
    assert.equal((await call(ctx, ctx.tokens.admin, 'DELETE', `${path}/disable`)).statusCode, 200);
    const erase = await call(ctx, ctx.tokens.admin, 'DELETE', `${path}/delete`);
    assert.equal(erase.statusCode, 200, erase.body);
    assert.equal(await count(erased.recordId), 0);

    const left = await ctx.db.kysely.selectFrom('task_files').select('id').where('task_id', '=', id).execute();
    assert.deepEqual(
      left.map((f) => f.id),
      [memberFile.id],
    );
    const del = await call(ctx, ctx.tokens.admin, 'DELETE', `/api/organizations/${ctx.orgId}/tasks/${id}`);
    assert.equal(del.statusCode, 204);
    const chunks = await ctx.db.kysely
      .selectFrom('file_chunks')
      .select('seq')
      .where('file_id', '=', memberFile.id)
      .execute();
    assert.equal(chunks.length, 0);
    assert.equal(
      (await ctx.db.kysely.selectFrom('task_files').select('id').where('task_id', '=', id).execute()).length,
      0,
    );
  });
});
