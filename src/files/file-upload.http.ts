/**
 * Reading an upload off a `multipart/form-data` request (docs/files.md, Upload file), as a stream:
 * the form's text fields that come before the file, then the file's bytes as they arrive. Only
 * the routes of files accept multipart bodies (their own scope registers the parser); the JSON
 * body limit does not apply to them, the file limits do.
 */
import multipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteApp } from '../http/route-app.js';
import { AppError, validationFailed } from '../core/errors.js';
import { sanitizeName } from './file-names.js';

/** Room for the form around the file: boundaries, part headers, a few short fields. */
export const FORM_OVERHEAD_BYTES = 64 * 1024;
const MAX_FIELDS = 10;
const MAX_FIELD_BYTES = 1024;

export interface Upload {
  /** The text fields sent before the file. */
  fields: Record<string, string>;
  filename: string;
  stream: AsyncIterable<Buffer>;
}

/** Registers the multipart parser in the files' own scope. */
export async function registerMultipart(app: RouteApp): Promise<void> {
  await app.register(multipart, { throwFileSizeLimit: false });
}

/**
 * Runs an upload's work; a refused upload's answer closes the connection, as the rest of its body
 * is not read (reading up to a whole file only to discard it would cost as much as storing it).
 */
export async function closingOnRefusal<T>(reply: FastifyReply, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    reply.header('connection', 'close');
    throw error;
  }
}

/**
 * The upload of this request. A body announced larger than a file may be is refused before a byte
 * is read; one that turns out larger is refused as it passes the limit (src/files/file-store.ts).
 */
export async function readUpload(request: FastifyRequest, maxBytes: number): Promise<Upload> {
  if (!request.isMultipart())
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'An upload is sent as multipart/form-data, the file in one part.');
  const announced = Number(request.headers['content-length']);
  if (Number.isFinite(announced) && announced > maxBytes + FORM_OVERHEAD_BYTES)
    throw new AppError('PAYLOAD_TOO_LARGE', `The file is larger than ${maxBytes} bytes, the most a file may be.`);
  let part;
  try {
    part = await request.file({
      limits: {
        fileSize: maxBytes + 1,
        files: 1,
        fields: MAX_FIELDS,
        fieldSize: MAX_FIELD_BYTES,
        parts: MAX_FIELDS + 1,
      },
    });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT' || code === 'FST_FILES_LIMIT')
      throw new AppError('PAYLOAD_TOO_LARGE', 'The form has more fields than an upload takes.');
    throw new AppError('BAD_REQUEST', 'The multipart form could not be read.');
  }
  if (part === undefined) throw validationFailed({ file: ['The form has no file.'] });
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(part.fields)) {
    const one = Array.isArray(value) ? value[0] : value;
    if (one && one.type === 'field' && typeof one.value === 'string') fields[name] = one.value.trim();
  }
  return { fields, filename: sanitizeName(part.filename), stream: part.file };
}
