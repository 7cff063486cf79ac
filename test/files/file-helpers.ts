/** Shared steps of the file tests: multipart bodies built by hand, and the rows files leave behind. */
import { randomBytes } from 'node:crypto';
import type { TestContext } from '../../support/app.js';

/** A 1x1 PNG. */
export const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d5b1e10000000049454e44ae426082',
  'hex',
);
/** A small PDF (only its first bytes matter to recognition). */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

export interface Part {
  name: string;
  value?: string;
  filename?: string;
  data?: Buffer;
  type?: string;
}

/** A multipart/form-data body of these parts, in order. */
export function multipart(parts: Part[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----test${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition =
      part.filename === undefined
        ? `form-data; name="${part.name}"`
        : `form-data; name="${part.name}"; filename="${part.filename}"`;
    const type = part.filename === undefined ? '' : `Content-Type: ${part.type ?? 'application/octet-stream'}\r\n`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`));
    chunks.push(part.data ?? Buffer.from(part.value ?? ''));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Uploads a file to a task as a member, on Tallyfy's path. */
export function memberUpload(
  ctx: TestContext,
  token: string,
  taskId: string,
  file: { filename: string; data: Buffer; type?: string },
  extra: Part[] = [],
  orgId = ctx.orgId,
) {
  const body = multipart([
    { name: 'subject_type', value: 'Task' },
    { name: 'subject_id', value: taskId },
    ...extra,
    { name: 'name', filename: file.filename, data: file.data, type: file.type ?? 'application/octet-stream' },
  ]);
  return ctx.app.inject({
    method: 'POST',
    url: `/api/organizations/${orgId}/file`,
    headers: { authorization: `Bearer ${token}`, ...body.headers },
    payload: body.payload,
  });
}

/** Rows of files and of their chunks in the whole database. */
export async function storedRows(ctx: TestContext): Promise<{ files: number; chunks: number }> {
  const db = ctx.db.kysely;
  const files = await db
    .selectFrom('task_files')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  const chunks = await db
    .selectFrom('file_chunks')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return { files: Number(files.n), chunks: Number(chunks.n) };
}
