/** Row -> API object. The only place that knows both the columns and the API's keys. */
import fastJson from 'fast-json-stringify';
import type { Role } from '../db/types.js';
import { guestLinkOf, mayReceiveLinks, type GuestLinks } from './guest-code.js';
import type { GuestRecord } from './guest.repository.js';
import { Guest as GuestSchema, type Guest, type GuestStats } from './guest.schemas.js';

/**
 * Whom a guest object is written for. A light member gets `link: null` (the key stays, so clients
 * that read it do not break): the link lets its holder act as the guest (docs/guests.md, "Links").
 */
export interface GuestAudience {
  links: GuestLinks;
  role: Role;
}

function jsonArray<T>(value: string | null): T[] | null {
  if (value === null) return null;
  const parsed: unknown = JSON.parse(value);
  return Array.isArray(parsed) ? (parsed as T[]) : null;
}

export function guestRowToGuest(row: GuestRecord, audience: GuestAudience, stats?: GuestStats): Guest {
  const guest: Guest = {
    id: row.guest_id,
    email: row.email,
    last_accessed_at: row.last_accessed_at,
    last_known_ip: row.last_known_ip,
    last_known_country: row.last_known_country,
    first_name: row.first_name,
    last_name: row.last_name,
    created_at: row.created_at,
    deleted_at: row.deleted_at,
    link: mayReceiveLinks(audience.role) ? guestLinkOf(audience.links, row) : null,
    details: {
      status: row.status,
      phone_1: row.phone_1,
      phone_2: row.phone_2,
      timezone: row.timezone,
      image_url: row.image_url,
      contact_url: row.contact_url,
      company_url: row.company_url,
      opportunity_url: row.opportunity_url,
      company_name: row.company_name,
      opportunity_name: row.opportunity_name,
      external_sync_source: row.external_sync_source,
      external_date_creation: row.external_date_creation,
      cadence_days: jsonArray<string>(row.cadence_days),
      associated_members: jsonArray<number>(row.associated_members),
      last_city: row.last_city,
      last_country: row.last_known_country,
      last_accessed_at: row.last_accessed_at,
      disabled_at: row.disabled_at,
      disabled_by: row.disabled_by,
      reactivated_at: row.reactivated_at,
      reactivated_by: row.reactivated_by,
    },
  };
  if (stats) guest.stats = stats;
  return guest;
}

/**
 * The JSON text of a guest object, as the Guest schema writes it (an answer's `data`, its ETag);
 * also the rare row the fast writer below does not take.
 */
export const guestJson: (guest: Guest) => string = fastJson(GuestSchema as object);

/** Thrown by the writers below for a value of a type its field does not declare. */
const UNEXPECTED = Symbol('unexpected value');

/** Text that JSON.stringify (and the response serializer) writes without any escape. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

function text(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'string') throw UNEXPECTED;
  return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
}

/** Text of a field that is never null (a null goes the long way too). */
function requiredText(value: unknown): string {
  if (value === null) throw UNEXPECTED;
  return text(value);
}

function integer(value: unknown, nullable = true): string {
  if (value === null && nullable) return 'null';
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw UNEXPECTED;
  return String(value);
}

function array(value: string | null, item: 'string' | 'integer'): string {
  const parsed = jsonArray<unknown>(value);
  if (parsed === null) return 'null';
  const fits = item === 'string' ? (v: unknown) => typeof v === 'string' : (v: unknown) => Number.isSafeInteger(v);
  if (!parsed.every(fits)) throw UNEXPECTED;
  return JSON.stringify(parsed);
}

function statsJson(stats: GuestStats): string {
  return `{"assigned_tasks":${integer(stats.assigned_tasks, false)},"tasks_completed":${integer(stats.tasks_completed, false)},"last_task_completed_at":${text(stats.last_task_completed_at)},"one_off_tasks_completed":${integer(stats.one_off_tasks_completed, false)},"last_one_off_task_completed_at":${text(stats.last_one_off_task_completed_at)}}`;
}

/**
 * Writes records straight to the JSON text of their guest objects for `audience`: the same text,
 * byte for byte, as guestRowToGuest's object through the Guest schema's serializer, without
 * making that object (a list page writes 100 of them). Keys in the schema's order; strings
 * escaped as JSON.stringify escapes them. A value of a type its field does not declare (which
 * the writes never store) goes the long way, so the text never differs.
 */
export function guestJsonWriter(audience: GuestAudience): (row: GuestRecord, stats?: GuestStats) => string {
  const links = mayReceiveLinks(audience.role) ? audience.links : null;
  return (row, stats) => {
    const link = links && guestLinkOf(links, row);
    try {
      const lastAccessedAt = text(row.last_accessed_at);
      const country = text(row.last_known_country);
      return `{"id":${integer(row.guest_id, false)},"email":${requiredText(row.email)},"last_accessed_at":${lastAccessedAt},"last_known_ip":${text(row.last_known_ip)},"last_known_country":${country},"first_name":${text(row.first_name)},"last_name":${text(row.last_name)},"created_at":${requiredText(row.created_at)},"deleted_at":${text(row.deleted_at)},"link":${text(link)},"details":{"status":${text(row.status)},"phone_1":${text(row.phone_1)},"phone_2":${text(row.phone_2)},"timezone":${text(row.timezone)},"image_url":${text(row.image_url)},"contact_url":${text(row.contact_url)},"company_url":${text(row.company_url)},"opportunity_url":${text(row.opportunity_url)},"company_name":${text(row.company_name)},"opportunity_name":${text(row.opportunity_name)},"external_sync_source":${text(row.external_sync_source)},"external_date_creation":${text(row.external_date_creation)},"cadence_days":${array(row.cadence_days, 'string')},"associated_members":${array(row.associated_members, 'integer')},"last_city":${text(row.last_city)},"last_country":${country},"last_accessed_at":${lastAccessedAt},"disabled_at":${text(row.disabled_at)},"disabled_by":${integer(row.disabled_by)},"reactivated_at":${text(row.reactivated_at)},"reactivated_by":${integer(row.reactivated_by)}}${stats ? `,"stats":${statsJson(stats)}` : ''}}`;
    } catch (error) {
      if (error !== UNEXPECTED) throw error;
      return guestJson(guestRowToGuest(row, audience, stats));
    }
  };
}
