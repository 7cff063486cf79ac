/**
 * Import guests and Get import (docs/guests.md). Registered in a scope of their own: only here is
 * a `text/csv` body taken (as a stream, stored as it arrives); every other route stays JSON only.
 */
import { AppError } from '../../core/errors.js';
import { AUTH_ERRORS, errorResponses } from '../../http/schemas.js';
import { actorOf } from '../../http/request-parts.js';
import type { RouteApp } from '../../http/route-app.js';
import type { Replay } from '../../http/idempotency.js';
import type { Services } from '../../services.js';
import { OrgParams } from '../guest.schemas.js';
import { ImportEnvelope, ImportParams } from './import.schemas.js';
import { importTooLarge } from './import.service.js';

const TAG = 'Guests';
const CSV_TYPE = 'text/csv';

export function importRoutes(app: RouteApp, { imports, config }: Services): void {
  const maxBytes = config.imports.maxBytes;
  // Not parsed: the route reads the request's stream itself and stores it chunk by chunk, never
  // whole in memory (and no hook sees a body to normalize).
  app.addContentTypeParser(CSV_TYPE, (_request, _payload, done) => done(null, undefined));

  app.post(
    '/organizations/:org_id/guests/import',
    {
      // The key is claimed once the CSV's hash is known (docs/conventions.md, Idempotency).
      config: { access: 'write', idempotencyAfterBody: true },
      schema: {
        tags: [TAG],
        summary: 'Import guests from a CSV file, as a background job',
        description: `The body is the CSV itself (\`Content-Type: text/csv\`, at most ${maxBytes} bytes): a header row naming the fields of Create guest, then a row per guest. The file is stored and imported in the background; the answer is the import, to be read again at the \`Location\` it names until it is \`completed\` or \`failed\`. A structural flaw (quoting, header, size) fails the whole import with no row written; a row whose values are refused fails alone, listed with its line. Rows count against the hourly invite cap as bulk create's items do.`,
        params: OrgParams,
        response: {
          202: {
            description: 'The import was stored and queued; `Location` names it.',
            headers: {
              location: { type: 'string', description: 'The URL of the import (Get import).' },
            },
            ...ImportEnvelope,
          },
          ...errorResponses([...AUTH_ERRORS, 400, 413, 415, 422], {
            413: `The CSV is larger than ${maxBytes} bytes (IMPORT_MAX_BYTES). Nothing is stored.`,
            415: 'The body is not `text/csv`.',
            422: 'The CSV is empty.',
          }),
        },
      },
    },
    async (request, reply) => {
      const contentType = request.headers['content-type'] ?? '';
      if (!contentType.toLowerCase().startsWith(CSV_TYPE))
        throw new AppError(
          'UNSUPPORTED_MEDIA_TYPE',
          'An import is sent as the CSV itself, with Content-Type: text/csv.',
        );
      const announced = Number(request.headers['content-length']);
      const actor = actorOf(request);
      let created;
      try {
        if (Number.isFinite(announced) && announced > maxBytes) throw importTooLarge(maxBytes);
        const answered: { replay?: Replay } = {};
        created = await imports.create(actor, request.raw as AsyncIterable<Buffer>, async (sha256) => {
          answered.replay = await request.claimIdempotencyKey?.(sha256);
          return answered.replay === undefined;
        });
        // The key's first answer, sent again once this request's copy of the CSV is deleted.
        if (!created) return answered.replay?.() ?? reply;
      } catch (error) {
        // The rest of a refused body is not read (reading it only to discard it would cost as much
        // as storing it): the answer closes the connection, as a refused file upload's does.
        reply.header('connection', 'close');
        throw error;
      }
      imports.kick();
      const prefix = request.url.startsWith('/api/') ? '/api' : '';
      reply.header(
        'location',
        `${config.publicBaseUrl}${prefix}/organizations/${actor.organizationId}/imports/${created.id}`,
      );
      return reply.code(202).send({ data: created });
    },
  );

  app.get(
    '/organizations/:org_id/imports/:import_id',
    {
      config: { access: 'write' },
      schema: {
        tags: [TAG],
        summary: 'Read an import: its status, counts and failed rows',
        params: ImportParams,
        response: {
          200: { description: 'The import.', ...ImportEnvelope },
          ...errorResponses([...AUTH_ERRORS, 404, 422], {
            404: 'No import of this organization has this id.',
          }),
        },
      },
    },
    async (request) => ({ data: await imports.get(actorOf(request), request.params.import_id) }),
  );
}
