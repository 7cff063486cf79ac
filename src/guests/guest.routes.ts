/**
 * Create guest, List guests, Get guest, Update guest and Remove guest (docs/guests.md). Each
 * declares its params, query, body and every response, so the same object validates, serializes and
 * documents the operation.
 */
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import fastJson from 'fast-json-stringify';
import type { Static } from 'typebox';
import { AUTH_ERRORS, BODY_ERRORS, errorResponses } from '../http/schemas.js';
import { cursorPaginationMeta, paginationMeta } from '../http/pagination.js';
import { AppError, validationFailed } from '../core/errors.js';
import {
  CreateGuestBody,
  Guest,
  GuestEnvelope,
  GuestListEnvelope,
  GuestListMeta,
  GuestParams,
  ListGuestsQuery,
  OrgParams,
  UpdateGuestBody,
  WithQuery,
} from './guest.schemas.js';
import { actorOf, bodyToCheck, unchecked } from '../http/request-parts.js';
import type { RouteApp } from '../http/route-app.js';
import type { Services } from '../services.js';
import { etagOfJson, noneMatchHolds, PRECONDITION_DESCRIPTION, sendGuest, sendGuestJson } from './guest-etag.js';
import { keepAnswer, type KeptPage } from './guest-list-cache.js';
import { guestJson } from './guest.mapper.js';

const TAG = 'Guests';

export function guestRoutes(app: RouteApp, { guests, config: { publicBaseUrl }, heavy }: Services): void {
  app.post(
    '/organizations/:org_id/guests',
    {
      config: { access: 'write' },
      attachValidation: true,
      schema: {
        tags: [TAG],
        summary: 'Create a guest (or join an existing one to this organization)',
        description:
          "A new email creates the global guest and joins it. An email that is already a guest elsewhere joins that guest, with this body as this organization's profile. An active guest of this organization answers 200 with the record unchanged. Counts against the hourly invite cap when a guest is joined.",
        params: OrgParams,
        body: unchecked(CreateGuestBody),
        response: {
          201: { description: 'The guest was joined to the organization.', ...GuestEnvelope },
          200: {
            description: 'Already a guest of this organization: the existing record, unchanged.',
            ...GuestEnvelope,
          },
          ...errorResponses([...AUTH_ERRORS, ...BODY_ERRORS]),
        },
      },
    },
    async (request, reply) => {
      const { fields, failures } = bodyToCheck(request);
      const result = await guests.create(actorOf(request), fields, failures);
      return sendGuest(reply.code(result.created ? 201 : 200), result.guest);
    },
  );

  app.get(
    '/organizations/:org_id/guests',
    {
      config: { access: 'read' },
      schema: {
        tags: [TAG],
        summary: "List the organization's guests",
        description: 'Removed guests are not listed. `without_pagination=true` streams every guest.',
        params: OrgParams,
        querystring: ListGuestsQuery,
        response: {
          200: { description: 'A page of guests.', ...GuestListEnvelope },
          ...errorResponses([...AUTH_ERRORS, 422]),
        },
      },
    },
    async (request, reply) => {
      const query = request.query;
      const actor = actorOf(request);
      const signal = searchSignal(reply, query.q);
      if (query.cursor !== undefined) {
        // `page` has a default: whether the client sent it is in the URL only.
        const sent = new URL(request.url, 'http://placeholder').searchParams;
        if (sent.has('page') || query.without_pagination) {
          throw validationFailed({ cursor: ['A cursor cannot be combined with page or without_pagination.'] });
        }
        const page = await guests.listByCursor(actor, query, query.cursor, signal);
        return sendListPage(reply, request.url, page, () => cursorPaginationMeta(publicBaseUrl, request, page));
      }
      if (query.without_pagination) {
        // Every guest at once costs far more than a page: bounded per token (docs/guests.md, List guests).
        await heavy.checkRows(request);
        heavy.enter(request, reply);
        const tokenId = request.principal.tokenId;
        const counted = (rows: number) => void heavy.countRows(tokenId, rows).catch(() => undefined);
        return sendJsonText(reply, streamAll(await guests.listAll(actor, query, signal), guestJson, counted));
      }
      const page = await guests.list(actor, query, signal);
      return sendListPage(reply, request.url, page, () =>
        paginationMeta(publicBaseUrl, request, page.total, page.count, page.perPage, page.page),
      );
    },
  );

  app.get(
    '/organizations/:org_id/guests/:guest_email',
    {
      config: { access: 'read' },
      schema: {
        tags: [TAG],
        summary: 'Get one guest',
        params: GuestParams,
        querystring: WithQuery,
        response: {
          200: { description: 'The guest; `ETag` is its entity tag.', ...GuestEnvelope },
          304: {
            description: '`If-None-Match` names the current `ETag` (or is `*`): not modified; no body.',
            type: 'null',
          },
          ...errorResponses([...AUTH_ERRORS, 404, 422]),
        },
      },
    },
    async (request, reply) => {
      const json = await guests.getJson(actorOf(request), request.params.guest_email, request.query.with === 'stats');
      const etag = etagOfJson(json);
      // docs/guests.md, ETags and preconditions: the client's copy is current.
      if (!noneMatchHolds(request.headers['if-none-match'], etag)) return notModified(reply, etag);
      // The tag just computed: hashing the same text again would cost as much once more.
      return sendGuestJson(reply, json, etag);
    },
  );

  app.put(
    '/organizations/:org_id/guests/:guest_email',
    {
      config: { access: 'write' },
      attachValidation: true,
      schema: {
        tags: [TAG],
        summary: "Update a guest's profile in this organization",
        description:
          "Partial: keys not sent are unchanged, null clears. `associated_members` replaces the whole list. `email` may be sent only if it equals the guest's.",
        params: GuestParams,
        body: unchecked(UpdateGuestBody),
        response: {
          201: {
            description: 'The updated guest (201, as Tallyfy documents and its samples check).',
            ...GuestEnvelope,
          },
          ...errorResponses([...AUTH_ERRORS, 404, 412, ...BODY_ERRORS], { 412: PRECONDITION_DESCRIPTION }),
        },
      },
    },
    async (request, reply) => {
      const { fields, failures } = bodyToCheck(request);
      const ifMatch = request.headers['if-match'];
      const guest = await guests.update(actorOf(request), request.params.guest_email, fields, failures, ifMatch);
      return sendGuest(reply.code(201), guest);
    },
  );

  app.delete(
    '/organizations/:org_id/guests/:guest_email',
    {
      config: { access: 'write' },
      schema: {
        tags: [TAG],
        summary: 'Remove a guest from this organization',
        description:
          'The link stops working and `deleted_at` is set. The global identity is removed only when no other organization has the guest.',
        params: GuestParams,
        response: {
          200: { description: 'The removed guest, with `deleted_at`.', ...GuestEnvelope },
          ...errorResponses([...AUTH_ERRORS, 412, 422], {
            412: PRECONDITION_DESCRIPTION,
            422: 'The email is malformed, or not a guest of this organization (an error on `email`, as Tallyfy documents).',
          }),
        },
      },
    },
    async (request, reply) =>
      sendGuest(reply, await guests.remove(actorOf(request), request.params.guest_email, request.headers['if-match'])),
  );
}

/**
 * For a search (`q`): a signal that aborts when the connection closes before the answer is sent,
 * so that a search still waiting for its place is dropped rather than run for nobody
 * (docs/guests.md, List guests). None for a list without `q`, which never waits.
 */
function searchSignal(reply: FastifyReply, q: string | undefined): AbortSignal | undefined {
  if (!q) return undefined;
  const gone = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished)
      gone.abort(
        new AppError(
          'SERVICE_UNAVAILABLE',
          'The connection closed while this search waited for its turn; it was not run.',
          { logLevel: 'info' },
        ),
      );
  });
  return gone.signal;
}

/** 304 with the ETag and no body at all (the response schema's `null` only documents it). */
function notModified(reply: FastifyReply, etag: string): FastifyReply {
  return reply.code(304).header('etag', etag).send();
}

/** The list's pagination block as the route's response schema writes it. */
const serializeListMeta = fastJson(GuestListMeta as object);

/**
 * A page of the list: its guests are JSON text already (written once from the rows), so the
 * answer is put together as text and sent as it is; Fastify sends a string of a JSON type without
 * serializing it again. The same bytes as the route's response schema would write.
 */
function sendListPage(
  reply: FastifyReply,
  url: string,
  page: { data: string | Buffer; total: number; kept?: KeptPage | undefined },
  meta: () => Static<typeof GuestListMeta>,
): FastifyReply {
  const type = reply.type('application/json; charset=utf-8');
  const { data, total, kept } = page;
  // The same URL and total at the same version: the same answer, sent again as it is (guest-list-cache.ts).
  if (kept?.answer && kept.answer.url === url && kept.answer.total === total) return type.send(kept.answer.body);
  if (typeof data === 'string') return type.send(`{"data":${data},"meta":${serializeListMeta(meta())}}`);
  // A kept page is UTF-8 already (guest-list-cache.ts): the answer is put together as bytes.
  const body = Buffer.concat([DATA_OPEN, data, Buffer.from(`,"meta":${serializeListMeta(meta())}}`)]);
  if (kept) keepAnswer(kept, url, total, body, DATA_OPEN.length);
  return type.send(body);
}

const DATA_OPEN = Buffer.from('{"data":');

/**
 * JSON text made piece by piece, sent as a stream: Fastify sends a stream as it is, without the
 * route's response serializer (each guest in it went through the Guest schema's own already).
 * A plain reply here, as the route's typed reply takes its response schema's objects only.
 */
function sendJsonText(reply: FastifyReply, pieces: AsyncGenerator<string>): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(Readable.from(pieces));
}

/** Guests serialized between turns of the event loop: other requests are served in between. */
const SERIALIZE_SLICE = 100;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The whole list as JSON, in pieces. The rows come from SQLite synchronously, so without the
 * pauses below one list of 10,000 guests would hold the event loop for its whole serialization;
 * here it gives way after every SERIALIZE_SLICE guests. `counted` gets the number of guests of each chunk sent.
 */
async function* streamAll(
  chunks: AsyncGenerator<Guest[]>,
  serialize: (guest: Guest) => string,
  counted: (rows: number) => void,
): AsyncGenerator<string> {
  yield '{"data":[';
  let count = 0;
  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i += SERIALIZE_SLICE) {
      await nextTurn();
      yield (
        (count === 0 ? '' : ',') +
        chunk
          .slice(i, i + SERIALIZE_SLICE)
          .map(serialize)
          .join(',')
      );
      count += Math.min(SERIALIZE_SLICE, chunk.length - i);
    }
    // Counted as they go: a client that stops reading halfway has still had these.
    counted(chunk.length);
  }
  const meta = {
    pagination: {
      total: count,
      count,
      per_page: count,
      current_page: 1,
      total_pages: 1,
      has_more_pages: false,
      links: {},
    },
  };
  yield `],"meta":${JSON.stringify(meta)}}`;
}
