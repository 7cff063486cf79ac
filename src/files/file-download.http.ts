/**
 * Sending a file (docs/files.md, Download file): always as an attachment, in the content type
 * recognized from its bytes, which no browser may second-guess (`nosniff`) and which runs nothing
 * if opened anyway (`sandbox`); never kept by a cache.
 */
import type { FastifyReply } from 'fastify';
import type { Readable } from 'node:stream';
import { attachmentHeader } from './file-names.js';
import type { TaskFile } from './file.schemas.js';

export function sendFile(reply: FastifyReply, file: TaskFile, body: Readable): FastifyReply {
  return reply
    .code(200)
    .headers({
      'content-type': file.content_type,
      'content-length': String(file.size),
      'content-disposition': attachmentHeader(file.filename),
      'x-content-type-options': 'nosniff',
      'content-security-policy': "sandbox; default-src 'none'",
      'cache-control': 'private, no-store',
    })
    .send(body);
}

/** The 200 of a download in the route's schema: bytes, described for the OpenAPI document. */
export const FILE_BYTES_RESPONSE = {
  description: 'The bytes, as an attachment, in the content type recognized when it was uploaded.',
  content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
};
