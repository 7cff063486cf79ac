/**
 * Schemas of docs/guests.md, Disable guest to Bulk create guests, beyond the guest object: params,
 * the bodies of Permanently delete guest and Bulk create guests, their answers.
 */
import { Type } from 'typebox';
import { OrganizationIdParam } from '../../http/schemas.js';
import { MAX_BULK_ITEMS, MAX_ID } from '../../core/limits.js';
import { CreateGuestBody } from '../guest.schemas.js';

export const GuestRefParams = Type.Object({
  org_id: OrganizationIdParam,
  guest_id_or_email: Type.String({
    description:
      "The global guest id (a positive integer) or the guest's email, URL-encoded; the email is matched case-insensitively.",
    maxLength: 320,
  }),
});

export const MemberParams = Type.Object({
  org_id: OrganizationIdParam,
  user_id: Type.Integer({ minimum: 1, maximum: MAX_ID, description: 'The member (user) id.' }),
});

export const ErasedGuestEnvelope = Type.Object({
  data: Type.Object({
    id: Type.Integer({ description: 'The global guest id.' }),
    email: Type.String(),
    deleted: Type.Boolean({ description: "Always `true`: this organization's record of the guest is erased." }),
  }),
});

export const MemberEnvelope = Type.Object({ data: Type.Ref('Member') }, { title: 'MemberEnvelope' });

export const BulkCreateBody = Type.Array(CreateGuestBody, {
  minItems: 1,
  maxItems: MAX_BULK_ITEMS,
  title: 'BulkCreateGuests',
  description: `From 1 to ${MAX_BULK_ITEMS} create bodies, each with the fields of a single create. Each item is checked on its own: a bad item fails alone.`,
});

export const BulkItemOutcome = Type.Object({
  index: Type.Integer({ description: "The item's position in the request, from 0." }),
  status: Type.Integer({
    description:
      "What a single create would have answered: 201 joined, 200 already a guest, or the error's status (422, 429, …).",
  }),
  data: Type.Optional(Type.Ref('Guest', { description: 'The guest, on 200 and 201.' })),
  error: Type.Optional(
    Type.Ref('Problem', { description: 'The error body a single create would have answered, on failure.' }),
  ),
});

export const BulkEnvelope = Type.Object({
  data: Type.Array(BulkItemOutcome, { description: 'One outcome per item, in request order.' }),
  meta: Type.Object({
    total: Type.Integer({ description: 'Items in the request.' }),
    created: Type.Integer({ description: 'Items answered 201: guests joined to the organization.' }),
    existing: Type.Integer({ description: 'Items answered 200: already a guest (or repeated in this request).' }),
    failed: Type.Integer({ description: 'Items that failed; nothing was written for them.' }),
  }),
});
