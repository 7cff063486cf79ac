/**
 * Table types for Kysely. Column names stay in the repositories; the API never sees a row.
 * Timestamps are text in the API's own format (`YYYY-MM-DD HH:MM:SS`, UTC) on both
 * databases, so they sort and compare the same way everywhere.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { Role } from '../core/actor.js';

export type { Role };

export interface OrganizationsTable {
  id: string;
  name: string;
  created_at: string;
  /** An IANA zone name: the digest hour of guests who set no zone of their own; null = UTC. */
  timezone: string | null;
}

export interface UsersTable {
  id: Generated<number>;
  /** In the one form (`normalizeEmail`): the only form ever written, which makes the unique constraint hold for every spelling. */
  email: string;
  first_name: string | null;
  last_name: string | null;
  created_at: string;
}

export interface MembershipsTable {
  organization_id: string;
  user_id: number;
  role: Role;
  created_at: string;
  /** A disabled member's tokens do not work in this organization. */
  disabled_at: string | null;
  disabled_by: number | null;
  reactivated_at: string | null;
  reactivated_by: number | null;
  /** The member who sent the invitation this membership was accepted from. */
  invited_by: number | null;
  /** The names this organization knows the member by (users' names are shared by every organization). */
  first_name: string | null;
  last_name: string | null;
}

export interface AccessTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string | null;
  /** SHA-256 of the token, hex. The token itself is never stored. */
  token_hash: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface GuestsTable {
  id: Generated<number>;
  email: string;
  created_at: string;
  deleted_at: string | null;
}

export interface OrganizationGuestsTable {
  id: Generated<number>;
  organization_id: string;
  guest_id: number;
  first_name: string | null;
  last_name: string | null;
  phone_1: string | null;
  phone_2: string | null;
  company_name: string | null;
  company_url: string | null;
  contact_url: string | null;
  image_url: string | null;
  opportunity_url: string | null;
  opportunity_name: string | null;
  timezone: string | null;
  status: string | null;
  external_sync_source: string | null;
  external_date_creation: string | null;
  /** JSON array of weekday names, or null. */
  cadence_days: string | null;
  /** JSON array of member ids, or null. */
  associated_members: string | null;
  /** Empty: the plain guest code of old, encrypted by the startup step of src/guests/guest-code.store.ts. */
  guest_code: string | null;
  /** SHA-256 of the guest code: the guest side looks codes up by this, never by the code itself. */
  guest_code_hash: string | null;
  /** The guest code (the secret of the guest link), AES-256-GCM encrypted; null while the guest is removed. */
  guest_code_encrypted: string | null;
  /** The id of the key guest_code_encrypted is encrypted with. */
  guest_code_key_id: string | null;
  disabled_at: string | null;
  disabled_by: number | null;
  reactivated_at: string | null;
  reactivated_by: number | null;
  last_accessed_at: string | null;
  last_known_ip: string | null;
  last_known_country: string | null;
  last_city: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface InviteWindowsTable {
  organization_id: string;
  /** Start of the hour the count belongs to. */
  window_start: string;
  count: number;
}

/**
 * The maintained count of an organization's active guest records (migration 016_guest_counts),
 * kept by triggers on organization_guests: the count is the sum of the organization's slots.
 */
export interface OrganizationGuestCountsTable {
  organization_id: string;
  /** 0 on SQLite; one of a few on PostgreSQL, so that concurrent writers take different rows. */
  slot: number;
  /** This slot's share of the count (may be below zero; only the sum means anything). */
  count: number;
  /**
   * Rows written to the organization's records (and to the task owners of its guests) through this
   * slot: the sum is the version of the organization's guest list (migrations 017_guest_list_versions
   * and 018_guest_stats_versions). A bigint: a string on PostgreSQL.
   */
  changes: number | string;
}

export interface ServiceMarkersTable {
  name: string;
  created_at: string;
}

export interface GuestPreferencesTable {
  organization_guest_id: number;
  slug: string;
  /** JSON text of the value. */
  value: string;
  updated_at: string;
}

export interface OutboxTable {
  id: Generated<number>;
  /** What the message is, e.g. `guest_access`. */
  kind: string;
  recipient: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  /** A stable Message-ID header, the same on every attempt. */
  message_id: string;
  created_at: string;
  /** The next attempt is not before this moment. */
  available_at: string;
  attempts: Generated<number>;
  /** A worker's claim on the message; others skip it while this is in the future. */
  locked_until: string | null;
  locked_by: string | null;
  sent_at: string | null;
  /** Given up after the last attempt. */
  failed_at: string | null;
  last_error: string | null;
  /** JSON object of extra headers (e.g. `List-Unsubscribe`), or null. */
  headers: string | null;
}

/** Fixed-window counters, e.g. access emails per IP and per address per hour. */
export interface ThrottleWindowsTable {
  scope: string;
  subject: string;
  window_start: string;
  count: number;
}

export interface InvitationsTable {
  id: Generated<number>;
  organization_id: string;
  /** In the one form (`normalizeEmail`), as users.email. */
  email: string;
  first_name: string | null;
  last_name: string | null;
  role: Role;
  message: string | null;
  /** SHA-256 of the accept code; the code itself is only ever in the email. */
  code_hash: string;
  invited_by: number | null;
  created_at: string;
  /** When the email was last queued (the first send or a resend). */
  sent_at: string;
  send_count: Generated<number>;
  expires_at: string;
  /** The invited user: created with the invitation when the address was not a user yet. */
  user_id: number;
  accepted_at: string | null;
  revoked_at: string | null;
  revoked_by: number | null;
}

export interface GroupsTable {
  /** 32 lowercase hex characters. */
  id: string;
  organization_id: string;
  name: string;
  /** lower(name): unique in the organization. */
  name_key: string;
  description: string | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

export interface GroupMembersTable {
  group_id: string;
  user_id: number;
}

export interface GroupGuestsTable {
  group_id: string;
  organization_guest_id: number;
}

export interface TasksTable {
  /** 32 lowercase hex characters. */
  id: string;
  organization_id: string;
  title: string;
  summary: string | null;
  deadline: string;
  task_type: 'task' | 'approval' | 'expiring';
  /** 0 or 1. */
  everyone_must_complete: number;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  completed_by_user_id: number | null;
  completed_by_guest_id: number | null;
  /** 1 approved, 0 rejected, null while open or for other types. */
  is_approved: number | null;
  /** 0 or 1: whether guest owners get deadline reminders (docs/notifications.md). */
  reminders_enabled: Generated<number>;
}

export interface TaskUsersTable {
  task_id: string;
  user_id: number;
  completed_at: string | null;
}

export interface TaskGuestsTable {
  task_id: string;
  organization_guest_id: number;
  completed_at: string | null;
}

/** When a guest owner was last reminded of a task's deadline (docs/notifications.md, Reminders). */
export interface TaskRemindersTable {
  task_id: string;
  organization_guest_id: number;
  last_sent_at: string;
  count: Generated<number>;
}

export interface TaskGroupsTable {
  task_id: string;
  group_id: string;
}

export interface TaskFieldsTable {
  /** 32 lowercase hex characters. */
  id: string;
  task_id: string;
  position: number;
  field_type:
    'text' | 'textarea' | 'radio' | 'dropdown' | 'multiselect' | 'date' | 'email' | 'number' | 'checkbox' | 'file';
  label: string;
  /** 0 or 1. */
  required: number;
  /** JSON array of strings, or null. */
  options: string | null;
  /** JSON text of the value, or null while empty. */
  value: string | null;
  updated_at: string;
}

export interface TaskCommentsTable {
  id: Generated<number>;
  task_id: string;
  author_user_id: number | null;
  author_guest_id: number | null;
  content: string;
  /** 0 or 1. */
  is_problem: number;
  resolved_at: string | null;
  resolved_by: number | null;
  created_at: string;
  updated_at: string;
}

/** A scheduled job's lease and progress (docs/notifications.md, Digest emails). */
export interface JobRunsTable {
  name: string;
  locked_by: string | null;
  /** Others may claim the job once this is past. */
  locked_until: string | null;
  /** How far the run in progress got, job-specific; null between runs. */
  cursor: string | null;
  last_finished_at: string | null;
}

/** One digest sent: at most one per guest record and local date. */
export interface DigestSendsTable {
  organization_guest_id: number;
  /** `YYYY-MM-DD` in the guest's zone. */
  local_date: string;
  sent_at: string;
}

/** A file on a task (docs/files.md); its bytes are in file_chunks. */
export interface TaskFilesTable {
  /** 32 lowercase hex characters. */
  id: string;
  organization_id: string;
  task_id: string;
  field_id: string | null;
  name: string;
  content_type: string;
  /** bigint: PostgreSQL's driver reads it as text, so it is read through Number(). */
  size: ColumnType<number | string, number, number>;
  sha256: string;
  uploaded_by_user_id: number | null;
  uploaded_by_guest_id: number | null;
  status: 'uploading' | 'ready';
  created_at: string;
}

export interface FileChunksTable {
  file_id: string;
  seq: number;
  data: Buffer;
}

/** An Idempotency-Key and the answer it replays (docs/conventions.md, Idempotency). */
export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  method: string;
  route: string;
  path: string;
  fingerprint: string;
  state: 'in_flight' | 'done';
  status: number | null;
  headers: string | null;
  body: string | null;
  created_at: string;
  expires_at: string;
  locked_until: string | null;
}

/** A CSV import of guests (docs/guests.md, Import guests); an HTTP import's bytes are in import_chunks. */
export interface GuestImportsTable {
  /** 32 lowercase hex characters. */
  id: string;
  organization_id: string;
  source: 'http' | 'cli';
  resume_key: string | null;
  created_by_user_id: number | null;
  created_by_role: Role;
  status: 'queued' | 'running' | 'completed' | 'failed';
  /** bigint: PostgreSQL's driver reads it as text, so it is read through Number(). */
  size: ColumnType<number | string, number, number>;
  sha256: string;
  total_rows: number | null;
  rows_done: number;
  last_line: number;
  created_count: number;
  existing_count: number;
  failed_count: number;
  failed_rows: string;
  error: string | null;
  locked_by: string | null;
  locked_until: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface ImportChunksTable {
  import_id: string;
  seq: number;
  data: Buffer;
}

export interface Database {
  service_markers: ServiceMarkersTable;
  organizations: OrganizationsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  access_tokens: AccessTokensTable;
  guests: GuestsTable;
  organization_guests: OrganizationGuestsTable;
  invite_windows: InviteWindowsTable;
  organization_guest_counts: OrganizationGuestCountsTable;
  guest_preferences: GuestPreferencesTable;
  outbox: OutboxTable;
  throttle_windows: ThrottleWindowsTable;
  invitations: InvitationsTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  group_guests: GroupGuestsTable;
  tasks: TasksTable;
  task_users: TaskUsersTable;
  task_guests: TaskGuestsTable;
  task_groups: TaskGroupsTable;
  task_fields: TaskFieldsTable;
  task_comments: TaskCommentsTable;
  task_reminders: TaskRemindersTable;
  job_runs: JobRunsTable;
  digest_sends: DigestSendsTable;
  task_files: TaskFilesTable;
  file_chunks: FileChunksTable;
  idempotency_keys: IdempotencyKeysTable;
  guest_imports: GuestImportsTable;
  import_chunks: ImportChunksTable;
}

export type OrganizationGuestRow = Selectable<OrganizationGuestsTable>;
export type NewOrganizationGuest = Insertable<OrganizationGuestsTable>;
export type OrganizationGuestUpdate = Updateable<OrganizationGuestsTable>;
