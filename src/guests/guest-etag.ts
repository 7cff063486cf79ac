/**
 * The guest's entity tag and the two preconditions on it (docs/guests.md, ETags and
 * preconditions). The tag is a hash of the guest object exactly as it is answered: whatever path
 * changes what the answer holds (an update, the guest's own preferences, a link reset, a disable,
 * the guest opening their link) changes the tag, with no counter that every writer must remember
 * to bump. Writes check If-Match against the state they read under the record's lock, in the
 * transaction that writes, so nothing can change between the check and the write.
 */
import { hash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { AppError } from '../core/errors.js';
import { guestJson } from './guest.mapper.js';
import type { Guest } from './guest.schemas.js';

/**
 * The strong ETag of a guest's JSON text as its answer writes it (guest.mapper.ts: guestJson, or
 * the row writer, which writes the same bytes): the first 128 bits of its SHA-256. It depends on
 * who reads (a light member's `link` is null) and on `with=stats`, as the answer does.
 */
export function etagOfJson(json: string): string {
  // One-shot `hash`: the same digest as a createHash object, at a fraction of its set-up cost.
  return `"${hash('sha256', json, 'base64url').slice(0, 22)}"`;
}

/** The strong ETag of a guest object: that of its answer's text. */
export function etagOf(guest: Guest): string {
  return etagOfJson(guestJson(guest));
}

/** One entity tag of a list, as RFC 9110 writes it: `"opaque"` or `W/"opaque"`. */
interface ListedTag {
  weak: boolean;
  tag: string;
}

// An entity tag's opaque part: any visible character but `"` (RFC 9110, etagc).
const ENTITY_TAG = /^\s*(W\/)?("[\x21\x23-\x7e\x80-\xff]*")\s*(?:,|$)/;

/**
 * `*`, or the list's entity tags; undefined when the header is absent. A list that does not parse
 * is an empty list: it names no current tag.
 */
function parseTagList(header: string | undefined): '*' | ListedTag[] | undefined {
  if (header === undefined) return undefined;
  if (header.trim() === '*') return '*';
  const tags: ListedTag[] = [];
  let rest = header;
  while (rest.trim() !== '') {
    const match = ENTITY_TAG.exec(rest);
    if (!match) return [];
    tags.push({ weak: match[1] !== undefined, tag: match[2] as string });
    rest = rest.slice(match[0].length);
    // Empty list elements are allowed (`"a", , "b"`).
    while (/^\s*,/.test(rest)) rest = rest.replace(/^\s*,/, '');
  }
  return tags;
}

/** A precondition header as Node gives it: a string, absent, or (never for these) an array. */
export type ConditionHeader = string | string[] | undefined;

const oneHeader = (header: ConditionHeader): string | undefined => (Array.isArray(header) ? header.join(', ') : header);

/**
 * Throws the 412 unless `If-Match` (when sent) holds for the guest as it is now: `*`, or a list
 * naming its current tag by strong comparison (a weak tag never matches, RFC 9110 13.1.1). The
 * 412 carries the current ETag, so a client can tell what it should have sent.
 */
export function checkIfMatch(header: ConditionHeader, current: Guest): void {
  const list = parseTagList(oneHeader(header));
  if (list === undefined || list === '*') return;
  const etag = etagOf(current);
  if (list.some((t) => !t.weak && t.tag === etag)) return;
  throw new AppError(
    'PRECONDITION_FAILED',
    'The guest has changed since the ETag in If-Match was read; nothing was written. Read the guest again and retry.',
    { headers: { etag } },
  );
}

/**
 * Whether `If-None-Match` names the guest's current tag (weak comparison, RFC 9110 13.1.2), or is
 * `*` (any existing guest): Get guest then answers 304.
 */
export function noneMatchHolds(header: ConditionHeader, etag: string): boolean {
  const list = parseTagList(oneHeader(header));
  if (list === undefined) return true;
  if (list === '*') return false;
  return !list.some((t) => t.tag === etag);
}

/**
 * Sends a single-guest answer, `{"data": guest}`, with its ETag (docs/guests.md, ETags and
 * preconditions). The guest is written to text once: the tag is the hash of that text and the
 * body is that text, sent as it is (Fastify does not serialize a string of a JSON type again).
 * `json` is the guest's text (guestJson, or the row writer's same bytes); `etag` its tag when
 * the caller has computed it already.
 */
export function sendGuestJson(reply: FastifyReply, json: string, etag = etagOfJson(json)): FastifyReply {
  return reply.header('etag', etag).type('application/json; charset=utf-8').send(`{"data":${json}}`);
}

/** Sends the answer of `guest`, as sendGuestJson. */
export function sendGuest(reply: FastifyReply, guest: Guest): FastifyReply {
  return sendGuestJson(reply, guestJson(guest));
}

/** The 412 of an operation that takes If-Match, for its schema and the OpenAPI document. */
export const PRECONDITION_DESCRIPTION =
  "`PRECONDITION_FAILED`: `If-Match` names none of the guest's current ETags; nothing was written, and the `ETag` header is the current one.";
