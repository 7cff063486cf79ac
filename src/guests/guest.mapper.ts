/** Row -> API object. The only place that knows both the columns and the API's keys. */
import type { Role } from '../db/types.js';
import { guestLinkOf, mayReceiveLinks, type GuestLinks } from './guest-code.js';
import type { GuestRecord } from './guest.repository.js';
import type { Guest, GuestStats } from './guest.schemas.js';

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
