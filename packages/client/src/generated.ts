// Generated from the service's OpenAPI document by scripts/generate-client.ts: do not edit.
// `npm run client:generate` rewrites it; test/client/generated.test.ts fails when it is stale.

export type AcceptInvitationBody = {
  /** First name; kept only when the user has no name yet (at most 200 characters). */
  first_name?: string | null;
  /** Last name; kept only when the user has no name yet (at most 200 characters). */
  last_name?: string | null;
};
export type AcceptInvitationResponse = {
  data: {
    member: Member;
    token: {
      id: number;
      /** The personal access token, shown this once: send it as `Authorization: Bearer <token>`. */
      token: string;
      /** When the token stops working; null: it does not expire. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      expires_at: string | null;
    };
  };
};
export type AccessToken = {
  id: number;
  name: string | null;
  /** UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
  created_at: string;
  /** When the token stops working; null: never. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
  expires_at: string | null;
  /** When the token was revoked. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
  revoked_at: string | null;
  /** Whether this is the token of the request. */
  current: boolean;
};
/** From 1 to 1000 create bodies, each with the fields of a single create. Each item is checked on its own: a bad item fails alone. */
export type BulkCreateGuestsBody = Array<{
  /** The guest's email address (RFC 5321/5322; the domain must accept mail). */
  email: string;
  /** First name (at most 200 characters). */
  first_name?: string | null;
  /** Last name (at most 200 characters). */
  last_name?: string | null;
  /** Phone (at most 20 characters). */
  phone_1?: string | null;
  /** Second phone (at most 20 characters). */
  phone_2?: string | null;
  /** Company name (at most 200 characters). */
  company_name?: string | null;
  /** Company website: an absolute http(s) URL. */
  company_url?: string | null;
  /** Contact page: an absolute http(s) URL. */
  contact_url?: string | null;
  /** Picture: an absolute http(s) URL. */
  image_url?: string | null;
  /** Opportunity page: an absolute http(s) URL. */
  opportunity_url?: string | null;
  /** Opportunity name (at most 200 characters). */
  opportunity_name?: string | null;
  /** An IANA time zone name, e.g. `America/Chicago`. */
  timezone?: string | null;
  /** Free-text status set by the organization (at most 200 characters). */
  status?: string | null;
  /** Only `salesforce`. */
  external_sync_source?: 'salesforce' | null;
  /** When the external system created the contact: `YYYY-MM-DD HH:MM:SS`. */
  external_date_creation?: string | null;
  /** Member ids of this organization; replaces the whole list; `[]` or null clears. */
  associated_members?: Array<number> | null;
  /** Weekdays (`Monday`…`Sunday`, no repeats) on which the guest gets digest emails; `[]` or null clears. */
  cadence_days?: Array<'Monday' | 'Tuesday' | 'Wednesday' | 'Thursday' | 'Friday' | 'Saturday' | 'Sunday'> | null;
}>;
export type BulkCreateGuestsResponse = {
  /** One outcome per item, in request order. */
  data: Array<{
    /** The item's position in the request, from 0. */
    index: number;
    /** What a single create would have answered: 201 joined, 200 already a guest, or the error's status (422, 429, …). */
    status: number;
    data?: Guest;
    error?: Problem;
  }>;
  meta: {
    /** Items in the request. */
    total: number;
    /** Items answered 201: guests joined to the organization. */
    created: number;
    /** Items answered 200: already a guest (or repeated in this request). */
    existing: number;
    /** Items that failed; nothing was written for them. */
    failed: number;
  };
};
export type ChangeRoleBody = {
  /** The new role. */
  role: 'admin' | 'standard' | 'light';
};
export type CloneTaskResponse = {
  data: {
    /** 32 lowercase hex characters. */
    id: string;
    title: string;
    summary: string | null;
    task_type: 'task' | 'approval' | 'expiring';
    status: 'not-started' | 'completed';
    /** The deadline. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    deadline: string;
    /** Open and past its deadline. */
    is_overdue: boolean;
    everyone_must_complete: boolean;
    /** Whether open guest owners get deadline reminders by email (docs/notifications.md, Reminders). */
    reminders_enabled: boolean;
    /** An approval task's answer once completed; null otherwise. */
    is_approved: boolean | null;
    owners: {
      /** Member ids. */
      users: Array<number>;
      /** Guests' email addresses. */
      guests: Array<string>;
      /** Group ids. */
      groups: Array<string>;
    };
    completed_by: {
      users: Array<number>;
      guests: Array<string>;
    };
    /** When the task was completed; null while open. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    completed_at: string | null;
    /** The member who completed the task; null while open or when a guest did. */
    completer_id: number | null;
    created_by: number | null;
    /** When the task was created. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    created_at: string | null;
    /** When the task was last changed. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    last_updated: string | null;
    form_fields: Array<{
      id: string;
      field_type:
        'text' | 'textarea' | 'radio' | 'dropdown' | 'multiselect' | 'date' | 'email' | 'number' | 'checkbox' | 'file';
      label: string;
      required: boolean;
      /** The choices of a radio, dropdown or multiselect; null for other types. */
      options: Array<string> | null;
      /** The value, by type (see above); null while empty. */
      value: unknown;
      position: number;
    }>;
    /** The comments, oldest first (`with=threads`). */
    threads?: Array<{
      /** Digits: Tallyfy's clients read a comment id as a string. */
      id: string;
      task_id: string;
      /** Plain text, as written. */
      content: string;
      author: {
        type: 'member' | 'guest';
        /** The member's user id; null for a guest. */
        id: number | null;
        /** The guest's email; null for a member. */
        email: string | null;
        name: string | null;
      };
      /** The member's user id, as Tallyfy's clients read it; null for a guest. */
      author_id: number | null;
      is_problem: boolean;
      /** When a member marked the problem resolved; null while open or not a problem. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      resolved_at: string | null;
      /** When the comment was written. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      created_at: string | null;
      /** When the comment was last edited. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      updated_at: string | null;
    }>;
  };
};
export type CommentOnMyTaskBody = {
  /** Plain text, stored as written. */
  content: string;
  /** The comment reports a problem, open until a member resolves it. */
  is_problem?: boolean;
};
export type CommentOnMyTaskResponse = {
  data: {
    /** Digits: Tallyfy's clients read a comment id as a string. */
    id: string;
    task_id: string;
    /** Plain text, as written. */
    content: string;
    author: {
      type: 'member' | 'guest';
      /** The member's user id; null for a guest. */
      id: number | null;
      /** The guest's email; null for a member. */
      email: string | null;
      name: string | null;
    };
    /** The member's user id, as Tallyfy's clients read it; null for a guest. */
    author_id: number | null;
    is_problem: boolean;
    /** When a member marked the problem resolved; null while open or not a problem. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    resolved_at: string | null;
    /** When the comment was written. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    created_at: string | null;
    /** When the comment was last edited. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    updated_at: string | null;
  };
};
export type CommentOnTaskBody = {
  /** Plain text, stored as written. */
  content: string;
  /** The comment reports a problem, open until a member resolves it. */
  is_problem?: boolean;
};
export type CommentOnTaskResponse = {
  data: {
    /** Digits: Tallyfy's clients read a comment id as a string. */
    id: string;
    task_id: string;
    /** Plain text, as written. */
    content: string;
    author: {
      type: 'member' | 'guest';
      /** The member's user id; null for a guest. */
      id: number | null;
      /** The guest's email; null for a member. */
      email: string | null;
      name: string | null;
    };
    /** The member's user id, as Tallyfy's clients read it; null for a guest. */
    author_id: number | null;
    is_problem: boolean;
    /** When a member marked the problem resolved; null while open or not a problem. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    resolved_at: string | null;
    /** When the comment was written. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    created_at: string | null;
    /** When the comment was last edited. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    updated_at: string | null;
  };
};
export type CompleteMyTaskBody = {
  /** Required for approval tasks: true approves, false rejects; other tasks ignore it. */
  is_approved?: boolean;
  /** A comment added with the completion. */
  comment?: string;
};
export type CompleteMyTaskPutBody = {
  /** Required for approval tasks: true approves, false rejects; other tasks ignore it. */
  is_approved?: boolean;
  /** A comment added with the completion. */
  comment?: string;
};
export type CompleteTaskBody = {
  /** The task id: 32 lowercase hex characters. */
  task_id: string;
  /** Required for approval tasks: true approves, false rejects; other tasks ignore it. */
  is_approved?: boolean;
  /** A comment added with the completion. */
  comment?: string;
};
export type CreateGroupBody = {
  /** At most 200 characters, trimmed; unique in the organization without regard to case. */
  name: string;
  /** At most 5000 characters; `""` or null for none. */
  description?: string | null;
  /** Member ids of this organization; replaces the whole list; duplicates count once; `[]` or null for none. */
  members?: Array<number | string> | null;
  /** Emails of guests of this organization (any case or spelling of the domain); replaces the whole list; `[]` or null for none. */
  guests?: Array<string> | null;
};
export type CreateGuestBody = {
  /** The guest's email address (RFC 5321/5322; the domain must accept mail). */
  email: string;
  /** First name (at most 200 characters). */
  first_name?: string | null;
  /** Last name (at most 200 characters). */
  last_name?: string | null;
  /** Phone (at most 20 characters). */
  phone_1?: string | null;
  /** Second phone (at most 20 characters). */
  phone_2?: string | null;
  /** Company name (at most 200 characters). */
  company_name?: string | null;
  /** Company website: an absolute http(s) URL. */
  company_url?: string | null;
  /** Contact page: an absolute http(s) URL. */
  contact_url?: string | null;
  /** Picture: an absolute http(s) URL. */
  image_url?: string | null;
  /** Opportunity page: an absolute http(s) URL. */
  opportunity_url?: string | null;
  /** Opportunity name (at most 200 characters). */
  opportunity_name?: string | null;
  /** An IANA time zone name, e.g. `America/Chicago`. */
  timezone?: string | null;
  /** Free-text status set by the organization (at most 200 characters). */
  status?: string | null;
  /** Only `salesforce`. */
  external_sync_source?: 'salesforce' | null;
  /** When the external system created the contact: `YYYY-MM-DD HH:MM:SS`. */
  external_date_creation?: string | null;
  /** Member ids of this organization; replaces the whole list; `[]` or null clears. */
  associated_members?: Array<number> | null;
  /** Weekdays (`Monday`…`Sunday`, no repeats) on which the guest gets digest emails; `[]` or null clears. */
  cadence_days?: Array<'Monday' | 'Tuesday' | 'Wednesday' | 'Thursday' | 'Friday' | 'Saturday' | 'Sunday'> | null;
};
export type CreateTaskBody = {
  /** 1 to 600 characters, trimmed. */
  title: string;
  /** At most 20000 characters; null for none. */
  summary?: string | null;
  /** `YYYY-MM-DD HH:MM:SS` (UTC), or ISO 8601 with a zone (`2026-12-10T09:00:00+01:00`, `...Z`); answered in UTC. */
  deadline: string;
  /** `task` (default), `approval` or `expiring`. */
  task_type?: 'task' | 'approval' | 'expiring';
  /** Completed when every owner has completed it; default false. */
  everyone_must_complete?: boolean;
  /** Whether open guest owners get deadline reminders by email; default true. */
  reminders_enabled?: boolean;
  owners?: {
    /** Active members of this organization. */
    users?: Array<number | string> | null;
    /** Emails: guests of this organization, or new guests joined as create guest joins them. */
    guests?: Array<string> | null;
    /** Group ids of this organization: the group's members and guests become owners too. */
    groups?: Array<string> | null;
  };
  form_fields?: Array<{
    /** Update only: an existing field of the task keeps its value. */
    id?: string;
    field_type:
      'text' | 'textarea' | 'radio' | 'dropdown' | 'multiselect' | 'date' | 'email' | 'number' | 'checkbox' | 'file';
    label: string;
    required?: boolean;
    /** The choices: required (non-empty, no repeats) for radio, dropdown and multiselect only. */
    options?: Array<string> | null;
  }>;
};
export type CreateTaskResponse = {
  data: {
    /** 32 lowercase hex characters. */
    id: string;
    title: string;
    summary: string | null;
    task_type: 'task' | 'approval' | 'expiring';
    status: 'not-started' | 'completed';
    /** The deadline. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    deadline: string;
    /** Open and past its deadline. */
    is_overdue: boolean;
    everyone_must_complete: boolean;
    /** Whether open guest owners get deadline reminders by email (docs/notifications.md, Reminders). */
    reminders_enabled: boolean;
    /** An approval task's answer once completed; null otherwise. */
    is_approved: boolean | null;
    owners: {
      /** Member ids. */
      users: Array<number>;
      /** Guests' email addresses. */
      guests: Array<string>;
      /** Group ids. */
      groups: Array<string>;
    };
    completed_by: {
      users: Array<number>;
      guests: Array<string>;
    };
    /** When the task was completed; null while open. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    completed_at: string | null;
    /** The member who completed the task; null while open or when a guest did. */
    completer_id: number | null;
    created_by: number | null;
    /** When the task was created. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    created_at: string | null;
    /** When the task was last changed. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    last_updated: string | null;
    form_fields: Array<{
      id: string;
      field_type:
        'text' | 'textarea' | 'radio' | 'dropdown' | 'multiselect' | 'date' | 'email' | 'number' | 'checkbox' | 'file';
      label: string;
      required: boolean;
      /** The choices of a radio, dropdown or multiselect; null for other types. */
      options: Array<string> | null;
      /** The value, by type (see above); null while empty. */
      value: unknown;
      position: number;
    }>;
    /** The comments, oldest first (`with=threads`). */
    threads?: Array<{
      /** Digits: Tallyfy's clients read a comment id as a string. */
      id: string;
      task_id: string;
      /** Plain text, as written. */
      content: string;
      author: {
        type: 'member' | 'guest';
        /** The member's user id; null for a guest. */
        id: number | null;
        /** The guest's email; null for a member. */
        email: string | null;
        name: string | null;
      };
      /** The member's user id, as Tallyfy's clients read it; null for a guest. */
      author_id: number | null;
      is_problem: boolean;
      /** When a member marked the problem resolved; null while open or not a problem. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      resolved_at: string | null;
      /** When the comment was written. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      created_at: string | null;
      /** When the comment was last edited. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      updated_at: string | null;
    }>;
  };
};
export type CreateTokenBody = {
  /** A label, e.g. the integration that uses it. */
  name?: string | null;
  /** Days until it stops working; null or absent: never. */
  expires_in_days?: number | null;
};
export type CreateTokenResponse = {
  data: {
    id: number;
    name: string | null;
    /** The token itself: shown this once, only its hash is kept. */
    token: string;
    /** UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    created_at: string;
    /** When the token stops working; null: never. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    expires_at: string | null;
  };
};
export type DeleteMemberResponse = {
  data: {
    id: number;
    email: string;
    /** Always `true`. */
    deleted: boolean;
  };
};
export type EditCommentBody = {
  /** Plain text, stored as written. */
  content: string;
};
export type EditCommentResponse = {
  data: {
    /** Digits: Tallyfy's clients read a comment id as a string. */
    id: string;
    task_id: string;
    /** Plain text, as written. */
    content: string;
    author: {
      type: 'member' | 'guest';
      /** The member's user id; null for a guest. */
      id: number | null;
      /** The guest's email; null for a member. */
      email: string | null;
      name: string | null;
    };
    /** The member's user id, as Tallyfy's clients read it; null for a guest. */
    author_id: number | null;
    is_problem: boolean;
    /** When a member marked the problem resolved; null while open or not a problem. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    resolved_at: string | null;
    /** When the comment was written. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    created_at: string | null;
    /** When the comment was last edited. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    updated_at: string | null;
  };
};
export type FileEnvelope = {
  data: {
    /** 32 lowercase hex characters. */
    id: string;
    /** The name it was uploaded under, made safe (no path, no control characters). */
    filename: string;
    /** Recognized from the file's bytes. */
    content_type: string;
    /** Bytes. */
    size: number;
    /** Hex SHA-256 of the bytes. */
    sha256: string;
    task_id: string;
    /** The task's file field it belongs to; null for a file on the task. */
    field_id: string | null;
    /** The same as `field_id`, under the name Tallyfy uses. */
    uploaded_from: string | null;
    uploaded_by: {
      type: 'member' | 'guest';
      /** The member's user id; null for a guest. */
      id: number | null;
      /** The guest's email; null for a member. */
      email: string | null;
    };
    /** When the file was uploaded. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    created_at: string;
    /** Where to download it, for whoever listed it. */
    url: string;
  };
};
export type FileList = {
  data: Array<{
    /** 32 lowercase hex characters. */
    id: string;
    /** The name it was uploaded under, made safe (no path, no control characters). */
    filename: string;
    /** Recognized from the file's bytes. */
    content_type: string;
    /** Bytes. */
    size: number;
    /** Hex SHA-256 of the bytes. */
    sha256: string;
    task_id: string;
    /** The task's file field it belongs to; null for a file on the task. */
    field_id: string | null;
    /** The same as `field_id`, under the name Tallyfy uses. */
    uploaded_from: string | null;
    uploaded_by: {
      type: 'member' | 'guest';
      /** The member's user id; null for a guest. */
      id: number | null;
      /** The guest's email; null for a member. */
      email: string | null;
    };
    /** When the file was uploaded. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    created_at: string;
    /** Where to download it, for whoever listed it. */
    url: string;
  }>;
};
export type GetGuestPreferencesResponse = {
  /** Every preference, in a fixed order, defaults included. */
  data: Array<{
    slug: 'daily_digest' | 'task_reminders' | 'content_language' | 'app_language';
    /** `daily_digest`, `task_reminders`: true or false. `content_language`, `app_language`: a BCP 47 tag in canonical form, or null. */
    value: boolean | string | null;
    /** When the guest last set it; null while the default holds. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    updated_at: string | null;
  }>;
};
export type GetGuestRecordResponse = {
  data: {
    guest: {
      /** The global guest id: the same in every organization. */
      id: number;
      email: string;
      /** The first name this organization has for the guest. */
      first_name: string | null;
      /** The last name this organization has for the guest. */
      last_name: string | null;
      /** When the guest joined this organization. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      created_at: string;
      details: {
        company_name: string | null;
        phone_1: string | null;
        phone_2: string | null;
        /** An IANA time zone name. */
        timezone: string | null;
        /** Weekdays on which the guest gets digest emails; null for none. */
        cadence_days: Array<string> | null;
      };
    };
    organization: {
      /** The organization id. */
      id: string;
      /** The organization's name. */
      name: string;
    };
  };
};
export type GetImportResponse = {
  data: {
    id: string;
    /** `queued` until an instance takes it up, `running`, then `completed`, or `failed` when the file has a structural flaw (no row written). */
    status: 'queued' | 'running' | 'completed' | 'failed';
    counts: {
      /** Data rows of the file (header excluded); null until it has been read. */
      rows: number | null;
      /** Rows done so far, in file order. */
      processed: number;
      /** Rows whose guest is in the organization: created + existing. */
      imported: number;
      /** Rows that joined a guest to the organization. */
      created: number;
      /** Rows whose email was already a guest here (unchanged). */
      existing: number;
      /** Rows refused, each as a single Create guest would refuse it. */
      failed: number;
    };
    /** The first 1,000 failed rows, in file order. */
    failed_rows: Array<{
      /** The line of the file the row ends on (1 is the header). */
      line: number;
      /** The row’s email as written, if any. */
      email: string | null;
      /** The error code a single Create guest would have answered. */
      code: string;
      message: string;
      /** Messages per field, as Create guest answers them. */
      errors: {
        [key: string]: Array<string>;
      };
    }>;
    /** Failed rows not listed (past the first 1,000). */
    failed_rows_omitted: number;
    /** The structural flaw that failed the import (nothing was written), with its line. */
    error: {
      line: number;
      message: string;
    } | null;
    /** Bytes of the CSV. */
    size: number;
    /** When the import was received. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    created_at: string | null;
    /** When its progress was last saved. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    updated_at: string | null;
    /** When it completed or failed. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    finished_at: string | null;
  };
};
export type GetInvitationResponse = {
  data: {
    organization: {
      id: string;
      name: string;
    };
    email: string;
    first_name: string | null;
    last_name: string | null;
    role: 'admin' | 'standard' | 'light';
    /** The inviter's personal message. */
    message: string | null;
    /** Who sent the invitation; null when that member no longer exists. */
    invited_by: {
      id: number;
      /** Full name, or email when the member has no name. */
      name: string;
    } | null;
    /** When the link stops working. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    expires_at: string | null;
  };
};
export type GetTaskResponse = {
  data: {
    /** 32 lowercase hex characters. */
    id: string;
    title: string;
    summary: string | null;
    task_type: 'task' | 'approval' | 'expiring';
    status: 'not-started' | 'completed';
    /** The deadline. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    deadline: string;
    /** Open and past its deadline. */
    is_overdue: boolean;
    everyone_must_complete: boolean;
    /** Whether open guest owners get deadline reminders by email (docs/notifications.md, Reminders). */
    reminders_enabled: boolean;
    /** An approval task's answer once completed; null otherwise. */
    is_approved: boolean | null;
    owners: {
      /** Member ids. */
      users: Array<number>;
      /** Guests' email addresses. */
      guests: Array<string>;
      /** Group ids. */
      groups: Array<string>;
    };
    completed_by: {
      users: Array<number>;
      guests: Array<string>;
    };
    /** When the task was completed; null while open. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    completed_at: string | null;
    /** The member who completed the task; null while open or when a guest did. */
    completer_id: number | null;
    created_by: number | null;
    /** When the task was created. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    created_at: string | null;
    /** When the task was last changed. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    last_updated: string | null;
    form_fields: Array<{
      id: string;
      field_type:
        'text' | 'textarea' | 'radio' | 'dropdown' | 'multiselect' | 'date' | 'email' | 'number' | 'checkbox' | 'file';
      label: string;
      required: boolean;
      /** The choices of a radio, dropdown or multiselect; null for other types. */
      options: Array<string> | null;
      /** The value, by type (see above); null while empty. */
      value: unknown;
      position: number;
    }>;
    /** The comments, oldest first (`with=threads`). */
    threads?: Array<{
      /** Digits: Tallyfy's clients read a comment id as a string. */
      id: string;
      task_id: string;
      /** Plain text, as written. */
      content: string;
      author: {
        type: 'member' | 'guest';
        /** The member's user id; null for a guest. */
        id: number | null;
        /** The guest's email; null for a member. */
        email: string | null;
        name: string | null;
      };
      /** The member's user id, as Tallyfy's clients read it; null for a guest. */
      author_id: number | null;
      is_problem: boolean;
      /** When a member marked the problem resolved; null while open or not a problem. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      resolved_at: string | null;
      /** When the comment was written. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      created_at: string | null;
      /** When the comment was last edited. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      updated_at: string | null;
    }>;
  };
};
export type GroupEnvelope = {
  data: {
    /** The group id: 32 lowercase hex characters. */
    id: string;
    /** Unique in the organization without regard to case. */
    name: string;
    description: string | null;
    /** Always null: no group pictures are kept. */
    logo: string | null;
    /** Member (user) ids, ascending. */
    members: Array<number>;
    /** Emails of the group's guests who are still guests of the organization, ascending. */
    guests: Array<string>;
    /** When the group was created (UTC, `YYYY-MM-DD HH:MM:SS`). */
    created_at: string;
    /** When the group was last changed; the same as `updated_at` (UTC, `YYYY-MM-DD HH:MM:SS`). */
    last_updated: string;
    /** When the group was last changed (UTC, `YYYY-MM-DD HH:MM:SS`). */
    updated_at: string;
  };
};
export type GroupList = {
  data: Array<{
    /** The group id: 32 lowercase hex characters. */
    id: string;
    /** Unique in the organization without regard to case. */
    name: string;
    description: string | null;
    /** Always null: no group pictures are kept. */
    logo: string | null;
    /** Member (user) ids, ascending. */
    members: Array<number>;
    /** Emails of the group's guests who are still guests of the organization, ascending. */
    guests: Array<string>;
    /** When the group was created (UTC, `YYYY-MM-DD HH:MM:SS`). */
    created_at: string;
    /** When the group was last changed; the same as `updated_at` (UTC, `YYYY-MM-DD HH:MM:SS`). */
    last_updated: string;
    /** When the group was last changed (UTC, `YYYY-MM-DD HH:MM:SS`). */
    updated_at: string;
  }>;
  meta: {
    pagination: {
      total: number;
      count: number;
      per_page: number;
      current_page: number;
      total_pages: number;
      /** Whether a later page exists (read by n8n's "return all"). */
      has_more_pages?: boolean;
      links: {
        previous?: string;
        next?: string;
      };
    };
  };
};
export type Guest = {
  /** The global guest id: the same in every organization. */
  id: number;
  email: string;
  /** When the guest last opened their link. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
  last_accessed_at: string | null;
  last_known_ip: string | null;
  last_known_country: string | null;
  first_name: string | null;
  last_name: string | null;
  /** When the guest joined this organization. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
  created_at: string;
  /** When the guest was removed from this organization. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
  deleted_at: string | null;
  /** The guest's secret link for this organization; null once removed, and always null for a light member (the link lets its holder act as the guest). */
  link: string | null;
  details: {
    status: string | null;
    phone_1: string | null;
    phone_2: string | null;
    timezone: string | null;
    image_url: string | null;
    contact_url: string | null;
    company_url: string | null;
    opportunity_url: string | null;
    company_name: string | null;
    opportunity_name: string | null;
    external_sync_source: string | null;
    external_date_creation: string | null;
    cadence_days: Array<string> | null;
    associated_members: Array<number> | null;
    last_city: string | null;
    last_country: string | null;
    /** When the guest last opened their link. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    last_accessed_at: string | null;
    /** When the guest was disabled in this organization. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    disabled_at: string | null;
    /** The member who disabled the guest. */
    disabled_by: number | null;
    /** When the guest was last enabled again. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    reactivated_at: string | null;
    /** The member who enabled the guest again. */
    reactivated_by: number | null;
  };
  stats?: {
    assigned_tasks: number;
    tasks_completed: number;
    /** When the guest last completed a task. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    last_task_completed_at: string | null;
    one_off_tasks_completed: number;
    /** When the guest last completed a one-off task. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    last_one_off_task_completed_at: string | null;
  };
};
export type GuestEnvelope = {
  data: Guest;
};
export type GuestList = {
  data: Array<Guest>;
  meta: {
    pagination: {
      total: number;
      count: number;
      per_page: number;
      current_page: number;
      total_pages: number;
      /** Whether a later page exists (read by n8n's "return all"). */
      has_more_pages?: boolean;
      links: {
        previous?: string;
        next?: string;
      };
      /** Cursor pages only: the `cursor` of the next page (also in `links.next`); null on the last page. */
      next_cursor?: string | null;
    };
  };
};
export type GuestsLightListResponse = {
  data: Array<{
    /** The global guest id. */
    id: number;
    email: string;
    first_name: string | null;
    last_name: string | null;
    /** UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    created_at: string;
    /** When the guest last opened their link. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    last_accessed_at: string | null;
    last_known_ip: string | null;
    last_known_country: string | null;
    details: {
      company_name: string | null;
      status: string | null;
      /** When the guest was disabled in this organization. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      disabled_at: string | null;
    };
  }>;
};
export type ImportGuestsResponse = {
  data: {
    id: string;
    /** `queued` until an instance takes it up, `running`, then `completed`, or `failed` when the file has a structural flaw (no row written). */
    status: 'queued' | 'running' | 'completed' | 'failed';
    counts: {
      /** Data rows of the file (header excluded); null until it has been read. */
      rows: number | null;
      /** Rows done so far, in file order. */
      processed: number;
      /** Rows whose guest is in the organization: created + existing. */
      imported: number;
      /** Rows that joined a guest to the organization. */
      created: number;
      /** Rows whose email was already a guest here (unchanged). */
      existing: number;
      /** Rows refused, each as a single Create guest would refuse it. */
      failed: number;
    };
    /** The first 1,000 failed rows, in file order. */
    failed_rows: Array<{
      /** The line of the file the row ends on (1 is the header). */
      line: number;
      /** The row’s email as written, if any. */
      email: string | null;
      /** The error code a single Create guest would have answered. */
      code: string;
      message: string;
      /** Messages per field, as Create guest answers them. */
      errors: {
        [key: string]: Array<string>;
      };
    }>;
    /** Failed rows not listed (past the first 1,000). */
    failed_rows_omitted: number;
    /** The structural flaw that failed the import (nothing was written), with its line. */
    error: {
      line: number;
      message: string;
    } | null;
    /** Bytes of the CSV. */
    size: number;
    /** When the import was received. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    created_at: string | null;
    /** When its progress was last saved. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    updated_at: string | null;
    /** When it completed or failed. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    finished_at: string | null;
  };
};
export type InviteMemberBody = {
  /** The address to invite; matched in its one form (case, Unicode normalization and punycode domains do not matter). */
  email: string;
  /** First name, kept for a new user (at most 200 characters). */
  first_name?: string | null;
  /** Last name, kept for a new user (at most 200 characters). */
  last_name?: string | null;
  /** The role on accepting: `admin`, `standard` or `light` (the default). Only an administrator may invite an administrator. */
  role?: 'admin' | 'standard' | 'light' | null;
  /** A personal message for the email and the accept page (at most 5000 characters). */
  message?: string | null;
};
export type ListGuestsTasksResponse = {
  data: Array<{
    /** 32 lowercase hex characters. */
    id: string;
    title: string;
    summary: string | null;
    task_type: 'task' | 'approval' | 'expiring';
    status: 'not-started' | 'completed';
    /** The deadline. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    deadline: string;
    /** Open and past its deadline. */
    is_overdue: boolean;
    everyone_must_complete: boolean;
    /** Whether open guest owners get deadline reminders by email (docs/notifications.md, Reminders). */
    reminders_enabled: boolean;
    /** An approval task's answer once completed; null otherwise. */
    is_approved: boolean | null;
    owners: {
      /** Member ids. */
      users: Array<number>;
      /** Guests' email addresses. */
      guests: Array<string>;
      /** Group ids. */
      groups: Array<string>;
    };
    completed_by: {
      users: Array<number>;
      guests: Array<string>;
    };
    /** When the task was completed; null while open. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    completed_at: string | null;
    /** The member who completed the task; null while open or when a guest did. */
    completer_id: number | null;
    created_by: number | null;
    /** When the task was created. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    created_at: string | null;
    /** When the task was last changed. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    last_updated: string | null;
    form_fields: Array<{
      id: string;
      field_type:
        'text' | 'textarea' | 'radio' | 'dropdown' | 'multiselect' | 'date' | 'email' | 'number' | 'checkbox' | 'file';
      label: string;
      required: boolean;
      /** The choices of a radio, dropdown or multiselect; null for other types. */
      options: Array<string> | null;
      /** The value, by type (see above); null while empty. */
      value: unknown;
      position: number;
    }>;
    /** The comments, oldest first (`with=threads`). */
    threads?: Array<{
      /** Digits: Tallyfy's clients read a comment id as a string. */
      id: string;
      task_id: string;
      /** Plain text, as written. */
      content: string;
      author: {
        type: 'member' | 'guest';
        /** The member's user id; null for a guest. */
        id: number | null;
        /** The guest's email; null for a member. */
        email: string | null;
        name: string | null;
      };
      /** The member's user id, as Tallyfy's clients read it; null for a guest. */
      author_id: number | null;
      is_problem: boolean;
      /** When a member marked the problem resolved; null while open or not a problem. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      resolved_at: string | null;
      /** When the comment was written. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      created_at: string | null;
      /** When the comment was last edited. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      updated_at: string | null;
    }>;
  }>;
  meta: {
    pagination: {
      total: number;
      count: number;
      per_page: number;
      current_page: number;
      total_pages: number;
      /** Whether a later page exists (read by n8n's "return all"). */
      has_more_pages?: boolean;
      links: {
        previous?: string;
        next?: string;
      };
    };
  };
};
export type ListMembersResponse = {
  data: Array<Member>;
  meta: {
    pagination: {
      total: number;
      count: number;
      per_page: number;
      current_page: number;
      total_pages: number;
      /** Whether a later page exists (read by n8n's "return all"). */
      has_more_pages?: boolean;
      links: {
        previous?: string;
        next?: string;
      };
    };
  };
};
export type ListMembersTasksResponse = {
  data: Array<{
    /** 32 lowercase hex characters. */
    id: string;
    title: string;
    summary: string | null;
    task_type: 'task' | 'approval' | 'expiring';
    status: 'not-started' | 'completed';
    /** The deadline. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    deadline: string;
    /** Open and past its deadline. */
    is_overdue: boolean;
    everyone_must_complete: boolean;
    /** Whether open guest owners get deadline reminders by email (docs/notifications.md, Reminders). */
    reminders_enabled: boolean;
    /** An approval task's answer once completed; null otherwise. */
    is_approved: boolean | null;
    owners: {
      /** Member ids. */
      users: Array<number>;
      /** Guests' email addresses. */
      guests: Array<string>;
      /** Group ids. */
      groups: Array<string>;
    };
    completed_by: {
      users: Array<number>;
      guests: Array<string>;
    };
    /** When the task was completed; null while open. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    completed_at: string | null;
    /** The member who completed the task; null while open or when a guest did. */
    completer_id: number | null;
    created_by: number | null;
    /** When the task was created. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    created_at: string | null;
    /** When the task was last changed. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    last_updated: string | null;
    form_fields: Array<{
      id: string;
      field_type:
        'text' | 'textarea' | 'radio' | 'dropdown' | 'multiselect' | 'date' | 'email' | 'number' | 'checkbox' | 'file';
      label: string;
      required: boolean;
      /** The choices of a radio, dropdown or multiselect; null for other types. */
      options: Array<string> | null;
      /** The value, by type (see above); null while empty. */
      value: unknown;
      position: number;
    }>;
    /** The comments, oldest first (`with=threads`). */
    threads?: Array<{
      /** Digits: Tallyfy's clients read a comment id as a string. */
      id: string;
      task_id: string;
      /** Plain text, as written. */
      content: string;
      author: {
        type: 'member' | 'guest';
        /** The member's user id; null for a guest. */
        id: number | null;
        /** The guest's email; null for a member. */
        email: string | null;
        name: string | null;
      };
      /** The member's user id, as Tallyfy's clients read it; null for a guest. */
      author_id: number | null;
      is_problem: boolean;
      /** When a member marked the problem resolved; null while open or not a problem. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      resolved_at: string | null;
      /** When the comment was written. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      created_at: string | null;
      /** When the comment was last edited. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      updated_at: string | null;
    }>;
  }>;
  meta: {
    pagination: {
      total: number;
      count: number;
      per_page: number;
      current_page: number;
      total_pages: number;
      /** Whether a later page exists (read by n8n's "return all"). */
      has_more_pages?: boolean;
      links: {
        previous?: string;
        next?: string;
      };
    };
  };
};
export type ListMyTasksResponse = {
  data: Array<{
    /** 32 lowercase hex characters. */
    id: string;
    title: string;
    summary: string | null;
    task_type: 'task' | 'approval' | 'expiring';
    status: 'not-started' | 'completed';
    /** The deadline. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    deadline: string;
    /** Open and past its deadline. */
    is_overdue: boolean;
    everyone_must_complete: boolean;
    /** Whether open guest owners get deadline reminders by email (docs/notifications.md, Reminders). */
    reminders_enabled: boolean;
    /** An approval task's answer once completed; null otherwise. */
    is_approved: boolean | null;
    owners: {
      /** Member ids. */
      users: Array<number>;
      /** Guests' email addresses. */
      guests: Array<string>;
      /** Group ids. */
      groups: Array<string>;
    };
    completed_by: {
      users: Array<number>;
      guests: Array<string>;
    };
    /** When the task was completed; null while open. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    completed_at: string | null;
    /** The member who completed the task; null while open or when a guest did. */
    completer_id: number | null;
    created_by: number | null;
    /** When the task was created. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    created_at: string | null;
    /** When the task was last changed. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    last_updated: string | null;
    form_fields: Array<{
      id: string;
      field_type:
        'text' | 'textarea' | 'radio' | 'dropdown' | 'multiselect' | 'date' | 'email' | 'number' | 'checkbox' | 'file';
      label: string;
      required: boolean;
      /** The choices of a radio, dropdown or multiselect; null for other types. */
      options: Array<string> | null;
      /** The value, by type (see above); null while empty. */
      value: unknown;
      position: number;
    }>;
    /** The comments, oldest first (`with=threads`). */
    threads?: Array<{
      /** Digits: Tallyfy's clients read a comment id as a string. */
      id: string;
      task_id: string;
      /** Plain text, as written. */
      content: string;
      author: {
        type: 'member' | 'guest';
        /** The member's user id; null for a guest. */
        id: number | null;
        /** The guest's email; null for a member. */
        email: string | null;
        name: string | null;
      };
      /** The member's user id, as Tallyfy's clients read it; null for a guest. */
      author_id: number | null;
      is_problem: boolean;
      /** When a member marked the problem resolved; null while open or not a problem. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      resolved_at: string | null;
      /** When the comment was written. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      created_at: string | null;
      /** When the comment was last edited. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      updated_at: string | null;
    }>;
  }>;
};
export type ListOwnTasksResponse = {
  data: Array<{
    /** 32 lowercase hex characters. */
    id: string;
    title: string;
    summary: string | null;
    task_type: 'task' | 'approval' | 'expiring';
    status: 'not-started' | 'completed';
    /** The deadline. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    deadline: string;
    /** Open and past its deadline. */
    is_overdue: boolean;
    everyone_must_complete: boolean;
    /** Whether open guest owners get deadline reminders by email (docs/notifications.md, Reminders). */
    reminders_enabled: boolean;
    /** An approval task's answer once completed; null otherwise. */
    is_approved: boolean | null;
    owners: {
      /** Member ids. */
      users: Array<number>;
      /** Guests' email addresses. */
      guests: Array<string>;
      /** Group ids. */
      groups: Array<string>;
    };
    completed_by: {
      users: Array<number>;
      guests: Array<string>;
    };
    /** When the task was completed; null while open. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    completed_at: string | null;
    /** The member who completed the task; null while open or when a guest did. */
    completer_id: number | null;
    created_by: number | null;
    /** When the task was created. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    created_at: string | null;
    /** When the task was last changed. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    last_updated: string | null;
    form_fields: Array<{
      id: string;
      field_type:
        'text' | 'textarea' | 'radio' | 'dropdown' | 'multiselect' | 'date' | 'email' | 'number' | 'checkbox' | 'file';
      label: string;
      required: boolean;
      /** The choices of a radio, dropdown or multiselect; null for other types. */
      options: Array<string> | null;
      /** The value, by type (see above); null while empty. */
      value: unknown;
      position: number;
    }>;
    /** The comments, oldest first (`with=threads`). */
    threads?: Array<{
      /** Digits: Tallyfy's clients read a comment id as a string. */
      id: string;
      task_id: string;
      /** Plain text, as written. */
      content: string;
      author: {
        type: 'member' | 'guest';
        /** The member's user id; null for a guest. */
        id: number | null;
        /** The guest's email; null for a member. */
        email: string | null;
        name: string | null;
      };
      /** The member's user id, as Tallyfy's clients read it; null for a guest. */
      author_id: number | null;
      is_problem: boolean;
      /** When a member marked the problem resolved; null while open or not a problem. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      resolved_at: string | null;
      /** When the comment was written. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      created_at: string | null;
      /** When the comment was last edited. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      updated_at: string | null;
    }>;
  }>;
  meta: {
    pagination: {
      total: number;
      count: number;
      per_page: number;
      current_page: number;
      total_pages: number;
      /** Whether a later page exists (read by n8n's "return all"). */
      has_more_pages?: boolean;
      links: {
        previous?: string;
        next?: string;
      };
    };
  };
};
export type ListTasksResponse = {
  data: Array<{
    /** 32 lowercase hex characters. */
    id: string;
    title: string;
    summary: string | null;
    task_type: 'task' | 'approval' | 'expiring';
    status: 'not-started' | 'completed';
    /** The deadline. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    deadline: string;
    /** Open and past its deadline. */
    is_overdue: boolean;
    everyone_must_complete: boolean;
    /** Whether open guest owners get deadline reminders by email (docs/notifications.md, Reminders). */
    reminders_enabled: boolean;
    /** An approval task's answer once completed; null otherwise. */
    is_approved: boolean | null;
    owners: {
      /** Member ids. */
      users: Array<number>;
      /** Guests' email addresses. */
      guests: Array<string>;
      /** Group ids. */
      groups: Array<string>;
    };
    completed_by: {
      users: Array<number>;
      guests: Array<string>;
    };
    /** When the task was completed; null while open. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    completed_at: string | null;
    /** The member who completed the task; null while open or when a guest did. */
    completer_id: number | null;
    created_by: number | null;
    /** When the task was created. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    created_at: string | null;
    /** When the task was last changed. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    last_updated: string | null;
    form_fields: Array<{
      id: string;
      field_type:
        'text' | 'textarea' | 'radio' | 'dropdown' | 'multiselect' | 'date' | 'email' | 'number' | 'checkbox' | 'file';
      label: string;
      required: boolean;
      /** The choices of a radio, dropdown or multiselect; null for other types. */
      options: Array<string> | null;
      /** The value, by type (see above); null while empty. */
      value: unknown;
      position: number;
    }>;
    /** The comments, oldest first (`with=threads`). */
    threads?: Array<{
      /** Digits: Tallyfy's clients read a comment id as a string. */
      id: string;
      task_id: string;
      /** Plain text, as written. */
      content: string;
      author: {
        type: 'member' | 'guest';
        /** The member's user id; null for a guest. */
        id: number | null;
        /** The guest's email; null for a member. */
        email: string | null;
        name: string | null;
      };
      /** The member's user id, as Tallyfy's clients read it; null for a guest. */
      author_id: number | null;
      is_problem: boolean;
      /** When a member marked the problem resolved; null while open or not a problem. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      resolved_at: string | null;
      /** When the comment was written. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      created_at: string | null;
      /** When the comment was last edited. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      updated_at: string | null;
    }>;
  }>;
  meta: {
    pagination: {
      total: number;
      count: number;
      per_page: number;
      current_page: number;
      total_pages: number;
      /** Whether a later page exists (read by n8n's "return all"). */
      has_more_pages?: boolean;
      links: {
        previous?: string;
        next?: string;
      };
    };
  };
};
export type ListTokensResponse = {
  data: Array<AccessToken>;
};
export type LivenessResponse = {
  status: string;
};
export type Member = {
  /** The member (user) id: the same in every organization. */
  id: number;
  email: string;
  /** Always null: members sign in with tokens, not user names. */
  username: string | null;
  first_name: string | null;
  last_name: string | null;
  /** First and last name, or null when neither is known. */
  full_name: string | null;
  /** Always null: no pictures are kept. */
  profile_pic: string | null;
  /** Always null: no member time zone is kept. */
  timezone: string | null;
  /** The role in this organization. */
  role: 'admin' | 'standard' | 'light';
  /** `active`, `disabled`, or `invited` (an invitation not yet accepted). */
  status: 'active' | 'invited' | 'disabled';
  /** When the member joined this organization, or was invited. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
  created_at: string;
  /** Always null: tokens carry no sign-in. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
  last_login_at: string | null;
  /** The member who invited this one, when they joined by invitation. */
  invited_by: number | null;
  /** When the member was disabled in this organization. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
  disabled_at: string | null;
  /** The member who disabled this one. */
  disabled_by: number | null;
  /** When the member was last enabled again. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
  reactivated_at: string | null;
  /** The member who enabled this one again. */
  reactivated_by: number | null;
};
export type MemberEnvelope = {
  data: Member;
};
export type MembersLightListResponse = {
  data: Array<Member>;
};
export type MeResponse = {
  data: User;
};
export type MyOrganizationsResponse = {
  data: Array<Organization>;
  meta: {
    pagination: {
      total: number;
      count: number;
      per_page: number;
      current_page: number;
      total_pages: number;
      /** Whether a later page exists (read by n8n's "return all"). */
      has_more_pages?: boolean;
      links: {
        previous?: string;
        next?: string;
      };
    };
  };
};
export type Organization = {
  /** 32 lowercase hex characters. */
  id: string;
  name: string;
  /** Always null. */
  description: string | null;
  /** The organization's IANA time zone (the digest hour of guests with none), set by an operator; null when unset. */
  timezone: string | null;
  /** UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
  created_at: string;
  /** The same as `created_at` (the name in Tallyfy's Swagger file). */
  created_on: string;
  /** Enabled members (invitees and disabled members are not counted). */
  users_count: number;
  /** Active guests. */
  guests_count: number;
  /** The caller's role here. */
  user_role: 'admin' | 'standard' | 'light';
};
export type OrganizationEnvelope = {
  data: Organization;
};
export type PermanentlyDeleteGuestResponse = {
  data: {
    /** The global guest id. */
    id: number;
    email: string;
    /** Always `true`: this organization's record of the guest is erased. */
    deleted: boolean;
  };
};
/** The one error body (RFC 9457 problem details, readable as a Laravel error). */
export type Problem = {
  /** A stable URI naming the kind of error. */
  type: string;
  /** A short, fixed summary of the kind of error. */
  title: string;
  /** The HTTP status code. */
  status: number;
  /** A stable upper-snake code, e.g. `VALIDATION_FAILED`. */
  code:
    | 'VALIDATION_FAILED'
    | 'INVALID_JSON'
    | 'BAD_REQUEST'
    | 'UNAUTHENTICATED'
    | 'FORBIDDEN'
    | 'GUEST_HAS_OPEN_TASKS'
    | 'RESOURCE_NOT_FOUND'
    | 'ENDPOINT_NOT_FOUND'
    | 'METHOD_NOT_ALLOWED'
    | 'REQUEST_TIMEOUT'
    | 'CONFLICT'
    | 'IDEMPOTENCY_KEY_IN_USE'
    | 'IDEMPOTENCY_KEY_REUSED'
    | 'PRECONDITION_FAILED'
    | 'PAYLOAD_TOO_LARGE'
    | 'URI_TOO_LONG'
    | 'UNSUPPORTED_MEDIA_TYPE'
    | 'REQUEST_HEADERS_TOO_LARGE'
    | 'GUEST_NOT_DISABLED'
    | 'MEMBER_NOT_DISABLED'
    | 'INVITATION_EXPIRED'
    | 'RATE_LIMIT_EXCEEDED'
    | 'INTERNAL'
    | 'SERVICE_UNAVAILABLE';
  /** Human-readable text about this occurrence. */
  message: string;
  /** The same text as `message` (RFC 9457 name). */
  detail: string;
  /** Validation failures only: one array of messages per field (array elements as `field.N`). */
  errors?: {
    [key: string]: Array<string>;
  };
  /** The request's id, as in the `X-Request-Id` answer header: the service log names the request by it. Present in every error answer; absent only in a bulk item's error. */
  request_id?: string;
};
export type ReadinessResponse = {
  status: string;
};
export type RequestGuestLinksBody = {
  /** The address to send the links to. Checked for syntax only: no DNS look-up, and no hint whether it is known. */
  email: string;
};
export type RequestGuestLinksResponse = {
  /** Always the same text. */
  message: string;
};
export type ResolveCommentResponse = {
  data: {
    /** Digits: Tallyfy's clients read a comment id as a string. */
    id: string;
    task_id: string;
    /** Plain text, as written. */
    content: string;
    author: {
      type: 'member' | 'guest';
      /** The member's user id; null for a guest. */
      id: number | null;
      /** The guest's email; null for a member. */
      email: string | null;
      name: string | null;
    };
    /** The member's user id, as Tallyfy's clients read it; null for a guest. */
    author_id: number | null;
    is_problem: boolean;
    /** When a member marked the problem resolved; null while open or not a problem. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    resolved_at: string | null;
    /** When the comment was written. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    created_at: string | null;
    /** When the comment was last edited. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    updated_at: string | null;
  };
};
export type RevokeTokenResponse = {
  data: AccessToken;
};
export type SaveMyTaskValuesBody = {
  /** Field id -> value. text, textarea, radio, dropdown, date (`YYYY-MM-DD`), email: a string; multiselect: an array of distinct options; number: a number; checkbox: `yes` or `no`; null or '' empties the field. */
  taskdata: {
    [key: string]: unknown;
  };
};
export type SaveTaskValuesBody = {
  /** Field id -> value. text, textarea, radio, dropdown, date (`YYYY-MM-DD`), email: a string; multiselect: an array of distinct options; number: a number; checkbox: `yes` or `no`; null or '' empties the field. */
  taskdata: {
    [key: string]: unknown;
  };
};
export type SetDigestDaysBody = {
  /** Weekdays (`Monday`…`Sunday`, no repeats) on which the guest gets digest emails; `[]` or null clears. */
  cadence_days: Array<'Monday' | 'Tuesday' | 'Wednesday' | 'Thursday' | 'Friday' | 'Saturday' | 'Sunday'> | null;
};
export type SetDigestDaysResponse = {
  data: {
    guest: {
      /** The global guest id: the same in every organization. */
      id: number;
      email: string;
      /** The first name this organization has for the guest. */
      first_name: string | null;
      /** The last name this organization has for the guest. */
      last_name: string | null;
      /** When the guest joined this organization. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      created_at: string;
      details: {
        company_name: string | null;
        phone_1: string | null;
        phone_2: string | null;
        /** An IANA time zone name. */
        timezone: string | null;
        /** Weekdays on which the guest gets digest emails; null for none. */
        cadence_days: Array<string> | null;
      };
    };
    organization: {
      /** The organization id. */
      id: string;
      /** The organization's name. */
      name: string;
    };
  };
};
export type SetGuestPreferenceBody = {
  /** Which preference. */
  slug: 'daily_digest' | 'task_reminders' | 'content_language' | 'app_language';
  /** `daily_digest`: true or false. `content_language`, `app_language`: a BCP 47 language tag (at most 35 characters; stored in canonical form), or null for the organization's default. */
  value: unknown;
};
export type SetGuestPreferenceResponse = {
  data: {
    slug: 'daily_digest' | 'task_reminders' | 'content_language' | 'app_language';
    /** `daily_digest`, `task_reminders`: true or false. `content_language`, `app_language`: a BCP 47 tag in canonical form, or null. */
    value: boolean | string | null;
    /** When the guest last set it; null while the default holds. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    updated_at: string | null;
  };
};
export type TaskEnvelope = {
  data: {
    /** 32 lowercase hex characters. */
    id: string;
    title: string;
    summary: string | null;
    task_type: 'task' | 'approval' | 'expiring';
    status: 'not-started' | 'completed';
    /** The deadline. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    deadline: string;
    /** Open and past its deadline. */
    is_overdue: boolean;
    everyone_must_complete: boolean;
    /** Whether open guest owners get deadline reminders by email (docs/notifications.md, Reminders). */
    reminders_enabled: boolean;
    /** An approval task's answer once completed; null otherwise. */
    is_approved: boolean | null;
    owners: {
      /** Member ids. */
      users: Array<number>;
      /** Guests' email addresses. */
      guests: Array<string>;
      /** Group ids. */
      groups: Array<string>;
    };
    completed_by: {
      users: Array<number>;
      guests: Array<string>;
    };
    /** When the task was completed; null while open. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    completed_at: string | null;
    /** The member who completed the task; null while open or when a guest did. */
    completer_id: number | null;
    created_by: number | null;
    /** When the task was created. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    created_at: string | null;
    /** When the task was last changed. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    last_updated: string | null;
    form_fields: Array<{
      id: string;
      field_type:
        'text' | 'textarea' | 'radio' | 'dropdown' | 'multiselect' | 'date' | 'email' | 'number' | 'checkbox' | 'file';
      label: string;
      required: boolean;
      /** The choices of a radio, dropdown or multiselect; null for other types. */
      options: Array<string> | null;
      /** The value, by type (see above); null while empty. */
      value: unknown;
      position: number;
    }>;
    /** The comments, oldest first (`with=threads`). */
    threads?: Array<{
      /** Digits: Tallyfy's clients read a comment id as a string. */
      id: string;
      task_id: string;
      /** Plain text, as written. */
      content: string;
      author: {
        type: 'member' | 'guest';
        /** The member's user id; null for a guest. */
        id: number | null;
        /** The guest's email; null for a member. */
        email: string | null;
        name: string | null;
      };
      /** The member's user id, as Tallyfy's clients read it; null for a guest. */
      author_id: number | null;
      is_problem: boolean;
      /** When a member marked the problem resolved; null while open or not a problem. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      resolved_at: string | null;
      /** When the comment was written. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      created_at: string | null;
      /** When the comment was last edited. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      updated_at: string | null;
    }>;
  };
};
/** Not read: `List-Unsubscribe=One-Click`, or nothing. */
export type UnsubscribeOneClickBody = {
  [key: string]: unknown;
};
export type UnsubscribeOneClickResponse = {
  data: {
    /** The preference turned off. */
    topic: 'daily_digest' | 'task_reminders';
    /** Always true: the topic is off for the guest. */
    unsubscribed: boolean;
  };
};
export type UpdateGroupBody = {
  /** At most 200 characters, trimmed; unique in the organization without regard to case. */
  name?: string;
  /** At most 5000 characters; `""` or null for none. */
  description?: string | null;
  /** Member ids of this organization; replaces the whole list; duplicates count once; `[]` or null for none. */
  members?: Array<number | string> | null;
  /** Emails of guests of this organization (any case or spelling of the domain); replaces the whole list; `[]` or null for none. */
  guests?: Array<string> | null;
};
export type UpdateGuestBody = {
  /** Optional; must equal the guest's email if sent. */
  email?: string | null;
  /** First name (at most 200 characters). */
  first_name?: string | null;
  /** Last name (at most 200 characters). */
  last_name?: string | null;
  /** Phone (at most 20 characters). */
  phone_1?: string | null;
  /** Second phone (at most 20 characters). */
  phone_2?: string | null;
  /** Company name (at most 200 characters). */
  company_name?: string | null;
  /** Company website: an absolute http(s) URL. */
  company_url?: string | null;
  /** Contact page: an absolute http(s) URL. */
  contact_url?: string | null;
  /** Picture: an absolute http(s) URL. */
  image_url?: string | null;
  /** Opportunity page: an absolute http(s) URL. */
  opportunity_url?: string | null;
  /** Opportunity name (at most 200 characters). */
  opportunity_name?: string | null;
  /** An IANA time zone name, e.g. `America/Chicago`. */
  timezone?: string | null;
  /** Free-text status set by the organization (at most 200 characters). */
  status?: string | null;
  /** Only `salesforce`. */
  external_sync_source?: 'salesforce' | null;
  /** When the external system created the contact: `YYYY-MM-DD HH:MM:SS`. */
  external_date_creation?: string | null;
  /** Member ids of this organization; replaces the whole list; `[]` or null clears. */
  associated_members?: Array<number> | null;
  /** Weekdays (`Monday`…`Sunday`, no repeats) on which the guest gets digest emails; `[]` or null clears. */
  cadence_days?: Array<'Monday' | 'Tuesday' | 'Wednesday' | 'Thursday' | 'Friday' | 'Saturday' | 'Sunday'> | null;
};
export type UpdateTaskBody = {
  /** 1 to 600 characters, trimmed. */
  title?: string;
  /** At most 20000 characters; null for none. */
  summary?: string | null;
  /** `YYYY-MM-DD HH:MM:SS` (UTC), or ISO 8601 with a zone (`2026-12-10T09:00:00+01:00`, `...Z`); answered in UTC. */
  deadline?: string;
  /** `task` (default), `approval` or `expiring`. */
  task_type?: 'task' | 'approval' | 'expiring';
  /** Completed when every owner has completed it; default false. */
  everyone_must_complete?: boolean;
  /** Whether open guest owners get deadline reminders by email; default true. */
  reminders_enabled?: boolean;
  owners?: {
    /** Active members of this organization. */
    users?: Array<number | string> | null;
    /** Emails: guests of this organization, or new guests joined as create guest joins them. */
    guests?: Array<string> | null;
    /** Group ids of this organization: the group's members and guests become owners too. */
    groups?: Array<string> | null;
  };
  form_fields?: Array<{
    /** Update only: an existing field of the task keeps its value. */
    id?: string;
    field_type:
      'text' | 'textarea' | 'radio' | 'dropdown' | 'multiselect' | 'date' | 'email' | 'number' | 'checkbox' | 'file';
    label: string;
    required?: boolean;
    /** The choices: required (non-empty, no repeats) for radio, dropdown and multiselect only. */
    options?: Array<string> | null;
  }>;
};
export type UpdateTaskResponse = {
  data: {
    /** 32 lowercase hex characters. */
    id: string;
    title: string;
    summary: string | null;
    task_type: 'task' | 'approval' | 'expiring';
    status: 'not-started' | 'completed';
    /** The deadline. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    deadline: string;
    /** Open and past its deadline. */
    is_overdue: boolean;
    everyone_must_complete: boolean;
    /** Whether open guest owners get deadline reminders by email (docs/notifications.md, Reminders). */
    reminders_enabled: boolean;
    /** An approval task's answer once completed; null otherwise. */
    is_approved: boolean | null;
    owners: {
      /** Member ids. */
      users: Array<number>;
      /** Guests' email addresses. */
      guests: Array<string>;
      /** Group ids. */
      groups: Array<string>;
    };
    completed_by: {
      users: Array<number>;
      guests: Array<string>;
    };
    /** When the task was completed; null while open. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    completed_at: string | null;
    /** The member who completed the task; null while open or when a guest did. */
    completer_id: number | null;
    created_by: number | null;
    /** When the task was created. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    created_at: string | null;
    /** When the task was last changed. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
    last_updated: string | null;
    form_fields: Array<{
      id: string;
      field_type:
        'text' | 'textarea' | 'radio' | 'dropdown' | 'multiselect' | 'date' | 'email' | 'number' | 'checkbox' | 'file';
      label: string;
      required: boolean;
      /** The choices of a radio, dropdown or multiselect; null for other types. */
      options: Array<string> | null;
      /** The value, by type (see above); null while empty. */
      value: unknown;
      position: number;
    }>;
    /** The comments, oldest first (`with=threads`). */
    threads?: Array<{
      /** Digits: Tallyfy's clients read a comment id as a string. */
      id: string;
      task_id: string;
      /** Plain text, as written. */
      content: string;
      author: {
        type: 'member' | 'guest';
        /** The member's user id; null for a guest. */
        id: number | null;
        /** The guest's email; null for a member. */
        email: string | null;
        name: string | null;
      };
      /** The member's user id, as Tallyfy's clients read it; null for a guest. */
      author_id: number | null;
      is_problem: boolean;
      /** When a member marked the problem resolved; null while open or not a problem. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      resolved_at: string | null;
      /** When the comment was written. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      created_at: string | null;
      /** When the comment was last edited. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
      updated_at: string | null;
    }>;
  };
};
export type User = {
  /** The user id: the member id in every organization. */
  id: number;
  email: string;
  /** Always null: members sign in with tokens, not user names. */
  username: string | null;
  first_name: string | null;
  last_name: string | null;
  full_name: string | null;
  /** Always null. */
  profile_pic: string | null;
  /** The organization's IANA time zone (the digest hour of guests with none), set by an operator; null when unset. */
  timezone: string | null;
  /** When the user was created. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
  created_at: string;
  /** Always null: tokens carry no sign-in. UTC, `YYYY-MM-DD HH:MM:SS` (not RFC 3339: a space, no zone). */
  last_login_at: string | null;
};

/** Every operation by its operationId: what a call takes and what each status answers. */
export interface Operations {
  /** Accept an invitation (`POST /invitations/{code}/accept`). */
  acceptInvitation: {
    request: {
      params: {
        /** The code from the invitation email's link. */
        code: string;
      };
      query?: never;
      body: AcceptInvitationBody;
    };
    requestRequired: true;
    responses: {
      201: AcceptInvitationResponse;
      400: Problem;
      404: Problem;
      409: Problem;
      410: Problem;
      413: Problem;
      414: Problem;
      415: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Create many guests in one request (`POST /organizations/{org_id}/guests/bulk`). */
  bulkCreateGuests: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
      };
      query?: never;
      body: BulkCreateGuestsBody;
    };
    requestRequired: true;
    responses: {
      200: BulkCreateGuestsResponse;
      400: Problem;
      401: Problem;
      403: Problem;
      409: Problem;
      413: Problem;
      414: Problem;
      415: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Change a member's role (`PUT /organizations/{org_id}/users/{user_id}/role`). */
  changeRole: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The member (user) id. */
        user_id: number;
      };
      query?: never;
      body: ChangeRoleBody;
    };
    requestRequired: true;
    responses: {
      200: MemberEnvelope;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      409: Problem;
      413: Problem;
      414: Problem;
      415: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Clone a task (`POST /organizations/{org_id}/tasks/{task_id}/clone`). */
  cloneTask: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The task id: 32 lowercase hex characters. */
        task_id: string;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      201: CloneTaskResponse;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      409: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Comment on one of the guest's tasks (`POST /guest/{guest_code}/tasks/{task_id}/comment`). */
  commentOnMyTask: {
    request: {
      params: {
        /** The guest code: the last segment of the guest's link. Any code that does not open an active guest record answers 404. */
        guest_code: string;
        /** The task id: 32 lowercase hex characters. */
        task_id: string;
      };
      query?: never;
      body: CommentOnMyTaskBody;
    };
    requestRequired: true;
    responses: {
      201: CommentOnMyTaskResponse;
      400: Problem;
      404: Problem;
      413: Problem;
      414: Problem;
      415: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Comment on a task (`POST /organizations/{org_id}/tasks/{task_id}/comment`). */
  commentOnTask: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The task id: 32 lowercase hex characters. */
        task_id: string;
      };
      query?: never;
      body: CommentOnTaskBody;
    };
    requestRequired: true;
    responses: {
      201: CommentOnTaskResponse;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      409: Problem;
      413: Problem;
      414: Problem;
      415: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Complete one of the guest's tasks (`POST /guest/{guest_code}/tasks/{task_id}/complete`). */
  completeMyTask: {
    request: {
      params: {
        /** The guest code: the last segment of the guest's link. Any code that does not open an active guest record answers 404. */
        guest_code: string;
        /** The task id: 32 lowercase hex characters. */
        task_id: string;
      };
      query?: never;
      body: CompleteMyTaskBody;
    };
    requestRequired: true;
    responses: {
      200: TaskEnvelope;
      201: TaskEnvelope;
      400: Problem;
      404: Problem;
      413: Problem;
      414: Problem;
      415: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Complete one of the guest's tasks (`PUT /guest/{guest_code}/tasks/{task_id}/complete`). */
  completeMyTaskPut: {
    request: {
      params: {
        /** The guest code: the last segment of the guest's link. Any code that does not open an active guest record answers 404. */
        guest_code: string;
        /** The task id: 32 lowercase hex characters. */
        task_id: string;
      };
      query?: never;
      body: CompleteMyTaskPutBody;
    };
    requestRequired: true;
    responses: {
      200: TaskEnvelope;
      201: TaskEnvelope;
      400: Problem;
      404: Problem;
      413: Problem;
      414: Problem;
      415: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Complete a task (`POST /organizations/{org_id}/completed-tasks`). */
  completeTask: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
      };
      query?: never;
      body: CompleteTaskBody;
    };
    requestRequired: true;
    responses: {
      200: TaskEnvelope;
      201: TaskEnvelope;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      409: Problem;
      413: Problem;
      414: Problem;
      415: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Turn a guest into a standard member (`POST /organizations/{org_id}/guests/{guest_email}/to/member`). */
  convertGuestToMember: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The guest's email, URL-encoded; matched in its one form (case, Unicode normalization and punycode domains do not matter). */
        guest_email: string;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      201: MemberEnvelope;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      409: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Turn a member into a guest (`PUT /organizations/{org_id}/users/{user_id}/to/guest`). */
  convertMemberToGuest: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The member (user) id. */
        user_id: number;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: GuestEnvelope;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      409: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Create a group (`POST /organizations/{org_id}/groups`). */
  createGroup: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
      };
      query?: never;
      body: CreateGroupBody;
    };
    requestRequired: true;
    responses: {
      201: GroupEnvelope;
      400: Problem;
      401: Problem;
      403: Problem;
      409: Problem;
      413: Problem;
      414: Problem;
      415: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Create a guest (or join an existing one to this organization) (`POST /organizations/{org_id}/guests`). */
  createGuest: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
      };
      query?: never;
      body: CreateGuestBody;
    };
    requestRequired: true;
    responses: {
      200: GuestEnvelope;
      201: GuestEnvelope;
      400: Problem;
      401: Problem;
      403: Problem;
      409: Problem;
      413: Problem;
      414: Problem;
      415: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Create a task (`POST /organizations/{org_id}/tasks`). */
  createTask: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
      };
      query?: never;
      body: CreateTaskBody;
    };
    requestRequired: true;
    responses: {
      201: CreateTaskResponse;
      400: Problem;
      401: Problem;
      403: Problem;
      409: Problem;
      413: Problem;
      414: Problem;
      415: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Create a personal access token (`POST /me/tokens`). */
  createToken: {
    request: {
      params?: never;
      query?: never;
      body: CreateTokenBody;
    };
    requestRequired: true;
    responses: {
      201: CreateTokenResponse;
      400: Problem;
      401: Problem;
      409: Problem;
      413: Problem;
      415: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Delete a comment (`DELETE /organizations/{org_id}/tasks/{task_id}/comment/{comment_id}`). */
  deleteComment: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The task id: 32 lowercase hex characters. */
        task_id: string;
        /** The comment id. */
        comment_id: number;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      204: undefined;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Delete a file (`DELETE /organizations/{org_id}/file/{file_id}`). */
  deleteFile: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The file id: 32 lowercase hex characters. */
        file_id: string;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      204: undefined;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      414: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Delete a group (`DELETE /organizations/{org_id}/groups/{group_id}`). */
  deleteGroup: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The group id: 32 lowercase hex characters. */
        group_id: string;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      204: undefined;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      414: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Permanently delete a disabled member (`DELETE /organizations/{org_id}/users/{user_id}/delete`). */
  deleteMember: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The member (user) id. */
        user_id: number;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: DeleteMemberResponse;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Delete a file the guest uploaded, while the task is open (`DELETE /guest/{guest_code}/tasks/{task_id}/files/{file_id}`). */
  deleteMyUpload: {
    request: {
      params: {
        /** The guest code: the last segment of the guest's link. Any code that does not open an active guest record answers 404. */
        guest_code: string;
        /** The task id: 32 lowercase hex characters. */
        task_id: string;
        /** The file id: 32 lowercase hex characters. */
        file_id: string;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      204: undefined;
      400: Problem;
      403: Problem;
      404: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Delete a task (`DELETE /organizations/{org_id}/tasks/{task_id}`). */
  deleteTask: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The task id: 32 lowercase hex characters. */
        task_id: string;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      204: undefined;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      414: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Disable a guest in this organization (`DELETE /organizations/{org_id}/guests/{guest_email}/disable`). */
  disableGuest: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The guest's email, URL-encoded; matched in its one form (case, Unicode normalization and punycode domains do not matter). */
        guest_email: string;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: GuestEnvelope;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      412: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Disable a member (`DELETE /organizations/{org_id}/users/{user_id}/disable`). */
  disableMember: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The member (user) id. */
        user_id: number;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: MemberEnvelope;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      409: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Download a file (`GET /organizations/{org_id}/file/{file_id}/dl`). */
  downloadFile: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The file id: 32 lowercase hex characters. */
        file_id: string;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: Uint8Array;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      414: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Download a file of one of the guest's tasks (`GET /guest/{guest_code}/tasks/{task_id}/files/{file_id}`). */
  downloadMyTasksFile: {
    request: {
      params: {
        /** The guest code: the last segment of the guest's link. Any code that does not open an active guest record answers 404. */
        guest_code: string;
        /** The task id: 32 lowercase hex characters. */
        task_id: string;
        /** The file id: 32 lowercase hex characters. */
        file_id: string;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: Uint8Array;
      400: Problem;
      404: Problem;
      414: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Edit a comment (`PUT /organizations/{org_id}/tasks/{task_id}/comment/{comment_id}`). */
  editComment: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The task id: 32 lowercase hex characters. */
        task_id: string;
        /** The comment id. */
        comment_id: number;
      };
      query?: never;
      body: EditCommentBody;
    };
    requestRequired: true;
    responses: {
      200: EditCommentResponse;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      413: Problem;
      414: Problem;
      415: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Enable a disabled guest with a new link (`PUT /organizations/{org_id}/guests/{guest_email}/enable`). */
  enableGuest: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The guest's email, URL-encoded; matched in its one form (case, Unicode normalization and punycode domains do not matter). */
        guest_email: string;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: GuestEnvelope;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      412: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Enable a disabled member (`PUT /organizations/{org_id}/users/{user_id}/enable`). */
  enableMember: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The member (user) id. */
        user_id: number;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: MemberEnvelope;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Get one group (`GET /organizations/{org_id}/groups/{group_id}`). */
  getGroup: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The group id: 32 lowercase hex characters. */
        group_id: string;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: GroupEnvelope;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      414: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Get one guest (`GET /organizations/{org_id}/guests/{guest_email}`). */
  getGuest: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The guest's email, URL-encoded; matched in its one form (case, Unicode normalization and punycode domains do not matter). */
        guest_email: string;
      };
      query?: {
        /** `stats` adds the stats object. */
        with?: 'stats';
      };
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: GuestEnvelope;
      304: undefined;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** The guest's preferences in this organization (`GET /guest/{guest_code}/preferences`). */
  getGuestPreferences: {
    request: {
      params: {
        /** The guest code: the last segment of the guest's link. Any code that does not open an active guest record answers 404. */
        guest_code: string;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: GetGuestPreferencesResponse;
      400: Problem;
      404: Problem;
      414: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** The guest's own record in the organization of this code (`GET /guest/{guest_code}`). */
  getGuestRecord: {
    request: {
      params: {
        /** The guest code: the last segment of the guest's link. Any code that does not open an active guest record answers 404. */
        guest_code: string;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: GetGuestRecordResponse;
      400: Problem;
      404: Problem;
      414: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Read an import: its status, counts and failed rows (`GET /organizations/{org_id}/imports/{import_id}`). */
  getImport: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The import id: 32 lowercase hex characters. */
        import_id: string;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: GetImportResponse;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** What an invitation offers (`GET /invitations/{code}`). */
  getInvitation: {
    request: {
      params: {
        /** The code from the invitation email's link. */
        code: string;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: GetInvitationResponse;
      400: Problem;
      404: Problem;
      410: Problem;
      414: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Get one member (or invitee) (`GET /organizations/{org_id}/users/{user_id}`). */
  getMember: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The member (user) id. */
        user_id: number;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: MemberEnvelope;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** One of the guest's tasks, with its comments (`GET /guest/{guest_code}/tasks/{task_id}`). */
  getMyTask: {
    request: {
      params: {
        /** The guest code: the last segment of the guest's link. Any code that does not open an active guest record answers 404. */
        guest_code: string;
        /** The task id: 32 lowercase hex characters. */
        task_id: string;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: TaskEnvelope;
      400: Problem;
      404: Problem;
      414: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** One organization the caller belongs to (`GET /organizations/{org_id}`). */
  getOrganization: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: OrganizationEnvelope;
      400: Problem;
      401: Problem;
      403: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Get one task (`GET /organizations/{org_id}/tasks/{task_id}`). */
  getTask: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The task id: 32 lowercase hex characters. */
        task_id: string;
      };
      query?: {
        /** `threads` adds the task's comments. */
        with?: string;
      };
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: GetTaskResponse;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Every active guest, in short (for pickers) (`GET /organizations/{org_id}/guests-list`). */
  guestsLightList: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: GuestsLightListResponse;
      400: Problem;
      401: Problem;
      403: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Import guests from a CSV file, as a background job (`POST /organizations/{org_id}/guests/import`). */
  importGuests: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      202: ImportGuestsResponse;
      400: Problem;
      401: Problem;
      403: Problem;
      409: Problem;
      413: Problem;
      414: Problem;
      415: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Invite a member by email (`POST /organizations/{org_id}/users/invite`). */
  inviteMember: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
      };
      query?: never;
      body: InviteMemberBody;
    };
    requestRequired: true;
    responses: {
      200: MemberEnvelope;
      400: Problem;
      401: Problem;
      403: Problem;
      409: Problem;
      413: Problem;
      414: Problem;
      415: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** List the organization's groups (`GET /organizations/{org_id}/groups`). */
  listGroups: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
      };
      query?: {
        /** Case-insensitive substring of the name. */
        q?: string;
        /** `name`, `created_at` or `updated_at`, a leading `-` for descending; default `name`. */
        sort?: 'name' | '-name' | 'created_at' | '-created_at' | 'updated_at' | '-updated_at';
        /** Alias of `sort` (Tallyfy's documented name); `sort` wins when both are sent. */
        sort_by?: 'name' | '-name' | 'created_at' | '-created_at' | 'updated_at' | '-updated_at';
        page?: number;
        /** Groups per page, at most 100; default 10. */
        per_page?: number;
        /** Synonym of `per_page`, as n8n sends it; `per_page` wins when both are sent. */
        limit?: number;
      };
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: GroupList;
      400: Problem;
      401: Problem;
      403: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** List the organization's guests (`GET /organizations/{org_id}/guests`). */
  listGuests: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
      };
      query?: {
        /** Case-insensitive substring of email, first or last name, or company. */
        q?: string;
        /** Sort key, a leading `-` for descending; default `created_at`. One of: `created_at`, `updated_at`, `id`, `email`, `name`, `first_name`, `last_name`, `last_accessed_at`, `last_known_ip`, `last_known_country`, `status`, `phone_1`, `phone_2`, `timezone`, `image_url`, `contact_url`, `company_url`, `opportunity_url`, `company_name`, `opportunity_name`, `external_sync_source`, `external_date_creation`, `last_city`, `last_country`, `disabled_at`, `disabled_by`, `reactivated_at`, `reactivated_by` (`name` is first name, then last name). */
        sort?:
          | 'created_at'
          | '-created_at'
          | 'updated_at'
          | '-updated_at'
          | 'id'
          | '-id'
          | 'email'
          | '-email'
          | 'name'
          | '-name'
          | 'first_name'
          | '-first_name'
          | 'last_name'
          | '-last_name'
          | 'last_accessed_at'
          | '-last_accessed_at'
          | 'last_known_ip'
          | '-last_known_ip'
          | 'last_known_country'
          | '-last_known_country'
          | 'status'
          | '-status'
          | 'phone_1'
          | '-phone_1'
          | 'phone_2'
          | '-phone_2'
          | 'timezone'
          | '-timezone'
          | 'image_url'
          | '-image_url'
          | 'contact_url'
          | '-contact_url'
          | 'company_url'
          | '-company_url'
          | 'opportunity_url'
          | '-opportunity_url'
          | 'company_name'
          | '-company_name'
          | 'opportunity_name'
          | '-opportunity_name'
          | 'external_sync_source'
          | '-external_sync_source'
          | 'external_date_creation'
          | '-external_date_creation'
          | 'last_city'
          | '-last_city'
          | 'last_country'
          | '-last_country'
          | 'disabled_at'
          | '-disabled_at'
          | 'disabled_by'
          | '-disabled_by'
          | 'reactivated_at'
          | '-reactivated_at'
          | 'reactivated_by'
          | '-reactivated_by';
        /** Alias of `sort`. */
        sort_by?:
          | 'created_at'
          | '-created_at'
          | 'updated_at'
          | '-updated_at'
          | 'id'
          | '-id'
          | 'email'
          | '-email'
          | 'name'
          | '-name'
          | 'first_name'
          | '-first_name'
          | 'last_name'
          | '-last_name'
          | 'last_accessed_at'
          | '-last_accessed_at'
          | 'last_known_ip'
          | '-last_known_ip'
          | 'last_known_country'
          | '-last_known_country'
          | 'status'
          | '-status'
          | 'phone_1'
          | '-phone_1'
          | 'phone_2'
          | '-phone_2'
          | 'timezone'
          | '-timezone'
          | 'image_url'
          | '-image_url'
          | 'contact_url'
          | '-contact_url'
          | 'company_url'
          | '-company_url'
          | 'opportunity_url'
          | '-opportunity_url'
          | 'company_name'
          | '-company_name'
          | 'opportunity_name'
          | '-opportunity_name'
          | 'external_sync_source'
          | '-external_sync_source'
          | 'external_date_creation'
          | '-external_date_creation'
          | 'last_city'
          | '-last_city'
          | 'last_country'
          | '-last_country'
          | 'disabled_at'
          | '-disabled_at'
          | 'disabled_by'
          | '-disabled_by'
          | 'reactivated_at'
          | '-reactivated_at'
          | 'reactivated_by'
          | '-reactivated_by';
        page?: number;
        /** Guests per page, at most 1000; default 999. */
        per_page?: number;
        /** Synonym of `per_page`, as some of Tallyfy's clients send it; `per_page` wins when both are sent. */
        limit?: number;
        /** Cursor paging: empty for the first page, then `meta.pagination.next_cursor`. Stable while guests are added and removed; not with `page` or `without_pagination`. */
        cursor?: string;
        /** `true`: every guest, streamed, no pagination. */
        without_pagination?: boolean;
        /** `stats` adds the stats object to each guest. */
        with?: 'stats';
      };
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: GuestList;
      400: Problem;
      401: Problem;
      403: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** List a guest's tasks (`GET /organizations/{org_id}/guests/{guest_email}/tasks`). */
  listGuestsTasks: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The guest's email, URL-encoded; any case. */
        guest_email: string;
      };
      query?: {
        /** Case-insensitive substring of the title. */
        q?: string;
        /** `active` (open tasks, the default), `completed` or `all`. */
        status?: 'active' | 'completed' | 'all';
        /** Comma-separated member ids: tasks owned by any of them. */
        owners?: string;
        /** Comma-separated guest emails: tasks owned by any of them. */
        guests?: string;
        /** Comma-separated group ids: tasks owned by any of them. */
        groups?: string;
        /** One guest email; as `guests`. */
        guest?: string;
        /** `deadline` (default), `created_at` or `title`, a leading `-` for descending; ties by id. */
        sort?: 'deadline' | '-deadline' | 'created_at' | '-created_at' | 'title' | '-title';
        page?: number;
        /** Tasks per page, at most 100; default 10. */
        per_page?: number;
        /** Synonym of `per_page` (n8n sends it). */
        limit?: number;
        /** `threads` adds each task's comments. */
        with?: string;
      };
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: ListGuestsTasksResponse;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** List the organization's members and invitees (`GET /organizations/{org_id}/users`). */
  listMembers: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
      };
      query?: {
        /** Case-insensitive substring of email, first, last or full name. */
        q?: string;
        /** Sort key, a leading `-` for descending; default `id`. */
        sort?:
          | 'name'
          | '-name'
          | 'first_name'
          | '-first_name'
          | 'last_name'
          | '-last_name'
          | 'email'
          | '-email'
          | 'created_at'
          | '-created_at'
          | 'updated_at'
          | '-updated_at'
          | 'role'
          | '-role'
          | 'status'
          | '-status'
          | 'id'
          | '-id';
        /** Alias of `sort`. */
        sort_by?:
          | 'name'
          | '-name'
          | 'first_name'
          | '-first_name'
          | 'last_name'
          | '-last_name'
          | 'email'
          | '-email'
          | 'created_at'
          | '-created_at'
          | 'updated_at'
          | '-updated_at'
          | 'role'
          | '-role'
          | 'status'
          | '-status'
          | 'id'
          | '-id';
        page?: number;
        /** Members per page; default 9999. */
        per_page?: number;
        /** Synonym of `per_page` (n8n sends it); `per_page` wins. */
        limit?: number;
        /** Accepted for Tallyfy's clients; no embedded objects are added. */
        with?: string;
      };
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: ListMembersResponse;
      400: Problem;
      401: Problem;
      403: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** List a member's tasks (`GET /organizations/{org_id}/users/{user_id}/tasks`). */
  listMembersTasks: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The member (user) id. */
        user_id: string;
      };
      query?: {
        /** Case-insensitive substring of the title. */
        q?: string;
        /** `active` (open tasks, the default), `completed` or `all`. */
        status?: 'active' | 'completed' | 'all';
        /** Comma-separated member ids: tasks owned by any of them. */
        owners?: string;
        /** Comma-separated guest emails: tasks owned by any of them. */
        guests?: string;
        /** Comma-separated group ids: tasks owned by any of them. */
        groups?: string;
        /** One guest email; as `guests`. */
        guest?: string;
        /** `deadline` (default), `created_at` or `title`, a leading `-` for descending; ties by id. */
        sort?: 'deadline' | '-deadline' | 'created_at' | '-created_at' | 'title' | '-title';
        page?: number;
        /** Tasks per page, at most 100; default 10. */
        per_page?: number;
        /** Synonym of `per_page` (n8n sends it). */
        limit?: number;
        /** `threads` adds each task's comments. */
        with?: string;
      };
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: ListMembersTasksResponse;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** The guest's tasks in the organization of this code (`GET /guest/{guest_code}/tasks`). */
  listMyTasks: {
    request: {
      params: {
        /** The guest code: the last segment of the guest's link. Any code that does not open an active guest record answers 404. */
        guest_code: string;
      };
      query?: {
        /** Open tasks, completed ones, or all (the default). */
        status?: 'active' | 'completed' | 'all';
      };
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: ListMyTasksResponse;
      400: Problem;
      404: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** The files of one of the guest's tasks (`GET /guest/{guest_code}/tasks/{task_id}/files`). */
  listMyTasksFiles: {
    request: {
      params: {
        /** The guest code: the last segment of the guest's link. Any code that does not open an active guest record answers 404. */
        guest_code: string;
        /** The task id: 32 lowercase hex characters. */
        task_id: string;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: FileList;
      400: Problem;
      404: Problem;
      414: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** List the caller's tasks (`GET /organizations/{org_id}/me/tasks`). */
  listOwnTasks: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
      };
      query?: {
        /** Case-insensitive substring of the title. */
        q?: string;
        /** `active` (open tasks, the default), `completed` or `all`. */
        status?: 'active' | 'completed' | 'all';
        /** Comma-separated member ids: tasks owned by any of them. */
        owners?: string;
        /** Comma-separated guest emails: tasks owned by any of them. */
        guests?: string;
        /** Comma-separated group ids: tasks owned by any of them. */
        groups?: string;
        /** One guest email; as `guests`. */
        guest?: string;
        /** `deadline` (default), `created_at` or `title`, a leading `-` for descending; ties by id. */
        sort?: 'deadline' | '-deadline' | 'created_at' | '-created_at' | 'title' | '-title';
        page?: number;
        /** Tasks per page, at most 100; default 10. */
        per_page?: number;
        /** Synonym of `per_page` (n8n sends it). */
        limit?: number;
        /** `threads` adds each task's comments. */
        with?: string;
      };
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: ListOwnTasksResponse;
      400: Problem;
      401: Problem;
      403: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** A task's files (`GET /organizations/{org_id}/tasks/{task_id}/files`). */
  listTaskFiles: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The task id: 32 lowercase hex characters. */
        task_id: string;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: FileList;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      414: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** List the organization's tasks (`GET /organizations/{org_id}/tasks`). */
  listTasks: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
      };
      query?: {
        /** Case-insensitive substring of the title. */
        q?: string;
        /** `active` (open tasks, the default), `completed` or `all`. */
        status?: 'active' | 'completed' | 'all';
        /** Comma-separated member ids: tasks owned by any of them. */
        owners?: string;
        /** Comma-separated guest emails: tasks owned by any of them. */
        guests?: string;
        /** Comma-separated group ids: tasks owned by any of them. */
        groups?: string;
        /** One guest email; as `guests`. */
        guest?: string;
        /** `deadline` (default), `created_at` or `title`, a leading `-` for descending; ties by id. */
        sort?: 'deadline' | '-deadline' | 'created_at' | '-created_at' | 'title' | '-title';
        page?: number;
        /** Tasks per page, at most 100; default 10. */
        per_page?: number;
        /** Synonym of `per_page` (n8n sends it). */
        limit?: number;
        /** `threads` adds each task's comments. */
        with?: string;
      };
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: ListTasksResponse;
      400: Problem;
      401: Problem;
      403: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** The caller's personal access tokens (`GET /me/tokens`). */
  listTokens: {
    request: {
      params?: never;
      query?: never;
      body?: never;
    };
    requestRequired: false;
    responses: {
      200: ListTokensResponse;
      400: Problem;
      401: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Liveness: the process is up (`GET /health/live`). */
  liveness: {
    request: {
      params?: never;
      query?: never;
      body?: never;
    };
    requestRequired: false;
    responses: {
      200: LivenessResponse;
      400: Problem;
    };
  };
  /** The user the token belongs to (`GET /me`). */
  me: {
    request: {
      params?: never;
      query?: never;
      body?: never;
    };
    requestRequired: false;
    responses: {
      200: MeResponse;
      400: Problem;
      401: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Every member, without paging (for pickers) (`GET /organizations/{org_id}/users-list`). */
  membersLightList: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: MembersLightListResponse;
      400: Problem;
      401: Problem;
      403: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** The caller as a member of this organization (`GET /organizations/{org_id}/me`). */
  myMembership: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: MemberEnvelope;
      400: Problem;
      401: Problem;
      403: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** The organizations the caller is an enabled member of (`GET /me/organizations`). */
  myOrganizations: {
    request: {
      params?: never;
      query?: {
        /** Case-insensitive substring of the name. */
        q?: string;
        page?: number;
        /** Default 100. */
        per_page?: number;
        /** Synonym of `per_page`; `per_page` wins. */
        limit?: number;
      };
      body?: never;
    };
    requestRequired: false;
    responses: {
      200: MyOrganizationsResponse;
      400: Problem;
      401: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Permanently delete a disabled guest from this organization (`DELETE /organizations/{org_id}/guests/{guest_id_or_email}/delete`). */
  permanentlyDeleteGuest: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The global guest id (a positive integer) or the guest's email, URL-encoded; the email is matched case-insensitively. */
        guest_id_or_email: string;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: PermanentlyDeleteGuestResponse;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      412: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Readiness: the database answers (`GET /health/ready`). */
  readiness: {
    request: {
      params?: never;
      query?: never;
      body?: never;
    };
    requestRequired: false;
    responses: {
      200: ReadinessResponse;
      400: Problem;
      503: Problem;
    };
  };
  /** Remove a guest from this organization (`DELETE /organizations/{org_id}/guests/{guest_email}`). */
  removeGuest: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The guest's email, URL-encoded; matched in its one form (case, Unicode normalization and punycode domains do not matter). */
        guest_email: string;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: GuestEnvelope;
      400: Problem;
      401: Problem;
      403: Problem;
      412: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Remove a member from the organization (`DELETE /organizations/{org_id}/users/{user_id}`). */
  removeMember: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The member (user) id. */
        user_id: number;
      };
      query?: {
        /** Accepted as Tallyfy's clients send it; with `to`, names who takes over the member's work. */
        with_reassignment?: boolean;
        /** Another enabled member of the organization. */
        to?: number;
      };
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: MemberEnvelope;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      409: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Reopen a completed task (`DELETE /organizations/{org_id}/completed-tasks/{task_id}`). */
  reopenTask: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The task id: 32 lowercase hex characters. */
        task_id: string;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: TaskEnvelope;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Email a guest their links (`POST /public/guests/access`). */
  requestGuestLinks: {
    request: {
      params?: never;
      query?: never;
      body: RequestGuestLinksBody;
    };
    requestRequired: true;
    responses: {
      202: RequestGuestLinksResponse;
      400: Problem;
      409: Problem;
      413: Problem;
      415: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Send a pending invitation again (`POST /organizations/{org_id}/users/{user_id}/resend-invite`). */
  resendInvitation: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The member (user) id. */
        user_id: number;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: MemberEnvelope;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      409: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Give a guest a new link (`PUT /organizations/{org_id}/guests/{guest_email}/reset-link`). */
  resetGuestLink: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The guest's email, URL-encoded; matched in its one form (case, Unicode normalization and punycode domains do not matter). */
        guest_email: string;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: GuestEnvelope;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      412: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Resolve a problem comment (`PUT /organizations/{org_id}/tasks/{task_id}/comment/{comment_id}/resolve`). */
  resolveComment: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The task id: 32 lowercase hex characters. */
        task_id: string;
        /** The comment id. */
        comment_id: number;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: ResolveCommentResponse;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Revoke one of the caller's tokens (`DELETE /me/tokens/{token_id}`). */
  revokeToken: {
    request: {
      params: {
        token_id: number;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: RevokeTokenResponse;
      400: Problem;
      401: Problem;
      404: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Save the values of one of the guest's tasks (`PUT /guest/{guest_code}/tasks/{task_id}/values`). */
  saveMyTaskValues: {
    request: {
      params: {
        /** The guest code: the last segment of the guest's link. Any code that does not open an active guest record answers 404. */
        guest_code: string;
        /** The task id: 32 lowercase hex characters. */
        task_id: string;
      };
      query?: never;
      body: SaveMyTaskValuesBody;
    };
    requestRequired: true;
    responses: {
      200: TaskEnvelope;
      400: Problem;
      404: Problem;
      413: Problem;
      414: Problem;
      415: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Save a task's field values (`PUT /organizations/{org_id}/tasks/{task_id}/values`). */
  saveTaskValues: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The task id: 32 lowercase hex characters. */
        task_id: string;
      };
      query?: never;
      body: SaveTaskValuesBody;
    };
    requestRequired: true;
    responses: {
      200: TaskEnvelope;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      413: Problem;
      414: Problem;
      415: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Set the days the guest gets digest emails (`PUT /guest/{guest_code}/cadence_days`). */
  setDigestDays: {
    request: {
      params: {
        /** The guest code: the last segment of the guest's link. Any code that does not open an active guest record answers 404. */
        guest_code: string;
      };
      query?: never;
      body: SetDigestDaysBody;
    };
    requestRequired: true;
    responses: {
      200: SetDigestDaysResponse;
      400: Problem;
      404: Problem;
      413: Problem;
      414: Problem;
      415: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Set one of the guest's preferences (`POST /guest/{guest_code}/preferences`). */
  setGuestPreference: {
    request: {
      params: {
        /** The guest code: the last segment of the guest's link. Any code that does not open an active guest record answers 404. */
        guest_code: string;
      };
      query?: never;
      body: SetGuestPreferenceBody;
    };
    requestRequired: true;
    responses: {
      200: SetGuestPreferenceResponse;
      400: Problem;
      404: Problem;
      413: Problem;
      414: Problem;
      415: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Unsubscribe (one click) (`POST /unsubscribe/{token}`). */
  unsubscribeOneClick: {
    request: {
      params: {
        /** The token at the end of the unsubscribe URL of an email. */
        token: string;
      };
      query?: never;
      body: UnsubscribeOneClickBody;
    };
    requestRequired: true;
    responses: {
      200: UnsubscribeOneClickResponse;
      400: Problem;
      404: Problem;
      413: Problem;
      414: Problem;
      415: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Update a group (`PUT /organizations/{org_id}/groups/{group_id}`). */
  updateGroup: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The group id: 32 lowercase hex characters. */
        group_id: string;
      };
      query?: never;
      body: UpdateGroupBody;
    };
    requestRequired: true;
    responses: {
      201: GroupEnvelope;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      413: Problem;
      414: Problem;
      415: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Update a guest's profile in this organization (`PUT /organizations/{org_id}/guests/{guest_email}`). */
  updateGuest: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The guest's email, URL-encoded; matched in its one form (case, Unicode normalization and punycode domains do not matter). */
        guest_email: string;
      };
      query?: never;
      body: UpdateGuestBody;
    };
    requestRequired: true;
    responses: {
      201: GuestEnvelope;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      412: Problem;
      413: Problem;
      414: Problem;
      415: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Update a task (`PUT /organizations/{org_id}/tasks/{task_id}`). */
  updateTask: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The task id: 32 lowercase hex characters. */
        task_id: string;
      };
      query?: never;
      body: UpdateTaskBody;
    };
    requestRequired: true;
    responses: {
      200: UpdateTaskResponse;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      413: Problem;
      414: Problem;
      415: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Upload a file to one of the guest's open tasks (`POST /guest/{guest_code}/tasks/{task_id}/files`). */
  uploadAFileToMyTask: {
    request: {
      params: {
        /** The guest code: the last segment of the guest's link. Any code that does not open an active guest record answers 404. */
        guest_code: string;
        /** The task id: 32 lowercase hex characters. */
        task_id: string;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      201: FileEnvelope;
      400: Problem;
      404: Problem;
      413: Problem;
      414: Problem;
      415: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Upload a file to a task (`POST /organizations/{org_id}/file`). */
  uploadFile: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      201: FileEnvelope;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      409: Problem;
      413: Problem;
      414: Problem;
      415: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
  /** Withdraw a pending invitation (`DELETE /organizations/{org_id}/users/{user_id}/withdraw-invite`). */
  withdrawInvitation: {
    request: {
      params: {
        /** The organization id: 32 lowercase hex characters. */
        org_id: string;
        /** The member (user) id. */
        user_id: number;
      };
      query?: never;
      body?: never;
    };
    requestRequired: true;
    responses: {
      200: MemberEnvelope;
      400: Problem;
      401: Problem;
      403: Problem;
      404: Problem;
      414: Problem;
      422: Problem;
      429: Problem;
      500: Problem;
      503: Problem;
    };
  };
}

/** How each operation is called: method, path template, base path and kind of success body. */
export const OPERATIONS = {
  acceptInvitation: { method: 'POST', path: '/invitations/{code}/accept', base: '/api', answer: 'json' },
  bulkCreateGuests: { method: 'POST', path: '/organizations/{org_id}/guests/bulk', base: '/api', answer: 'json' },
  changeRole: { method: 'PUT', path: '/organizations/{org_id}/users/{user_id}/role', base: '/api', answer: 'json' },
  cloneTask: { method: 'POST', path: '/organizations/{org_id}/tasks/{task_id}/clone', base: '/api', answer: 'json' },
  commentOnMyTask: {
    method: 'POST',
    path: '/guest/{guest_code}/tasks/{task_id}/comment',
    base: '/api',
    answer: 'json',
  },
  commentOnTask: {
    method: 'POST',
    path: '/organizations/{org_id}/tasks/{task_id}/comment',
    base: '/api',
    answer: 'json',
  },
  completeMyTask: {
    method: 'POST',
    path: '/guest/{guest_code}/tasks/{task_id}/complete',
    base: '/api',
    answer: 'json',
  },
  completeMyTaskPut: {
    method: 'PUT',
    path: '/guest/{guest_code}/tasks/{task_id}/complete',
    base: '/api',
    answer: 'json',
  },
  completeTask: { method: 'POST', path: '/organizations/{org_id}/completed-tasks', base: '/api', answer: 'json' },
  convertGuestToMember: {
    method: 'POST',
    path: '/organizations/{org_id}/guests/{guest_email}/to/member',
    base: '/api',
    answer: 'json',
  },
  convertMemberToGuest: {
    method: 'PUT',
    path: '/organizations/{org_id}/users/{user_id}/to/guest',
    base: '/api',
    answer: 'json',
  },
  createGroup: { method: 'POST', path: '/organizations/{org_id}/groups', base: '/api', answer: 'json' },
  createGuest: { method: 'POST', path: '/organizations/{org_id}/guests', base: '/api', answer: 'json' },
  createTask: { method: 'POST', path: '/organizations/{org_id}/tasks', base: '/api', answer: 'json' },
  createToken: { method: 'POST', path: '/me/tokens', base: '/api', answer: 'json' },
  deleteComment: {
    method: 'DELETE',
    path: '/organizations/{org_id}/tasks/{task_id}/comment/{comment_id}',
    base: '/api',
    answer: 'json',
  },
  deleteFile: { method: 'DELETE', path: '/organizations/{org_id}/file/{file_id}', base: '/api', answer: 'json' },
  deleteGroup: { method: 'DELETE', path: '/organizations/{org_id}/groups/{group_id}', base: '/api', answer: 'json' },
  deleteMember: {
    method: 'DELETE',
    path: '/organizations/{org_id}/users/{user_id}/delete',
    base: '/api',
    answer: 'json',
  },
  deleteMyUpload: {
    method: 'DELETE',
    path: '/guest/{guest_code}/tasks/{task_id}/files/{file_id}',
    base: '/api',
    answer: 'json',
  },
  deleteTask: { method: 'DELETE', path: '/organizations/{org_id}/tasks/{task_id}', base: '/api', answer: 'json' },
  disableGuest: {
    method: 'DELETE',
    path: '/organizations/{org_id}/guests/{guest_email}/disable',
    base: '/api',
    answer: 'json',
  },
  disableMember: {
    method: 'DELETE',
    path: '/organizations/{org_id}/users/{user_id}/disable',
    base: '/api',
    answer: 'json',
  },
  downloadFile: { method: 'GET', path: '/organizations/{org_id}/file/{file_id}/dl', base: '/api', answer: 'bytes' },
  downloadMyTasksFile: {
    method: 'GET',
    path: '/guest/{guest_code}/tasks/{task_id}/files/{file_id}',
    base: '/api',
    answer: 'bytes',
  },
  editComment: {
    method: 'PUT',
    path: '/organizations/{org_id}/tasks/{task_id}/comment/{comment_id}',
    base: '/api',
    answer: 'json',
  },
  enableGuest: {
    method: 'PUT',
    path: '/organizations/{org_id}/guests/{guest_email}/enable',
    base: '/api',
    answer: 'json',
  },
  enableMember: { method: 'PUT', path: '/organizations/{org_id}/users/{user_id}/enable', base: '/api', answer: 'json' },
  getGroup: { method: 'GET', path: '/organizations/{org_id}/groups/{group_id}', base: '/api', answer: 'json' },
  getGuest: { method: 'GET', path: '/organizations/{org_id}/guests/{guest_email}', base: '/api', answer: 'json' },
  getGuestPreferences: { method: 'GET', path: '/guest/{guest_code}/preferences', base: '/api', answer: 'json' },
  getGuestRecord: { method: 'GET', path: '/guest/{guest_code}', base: '/api', answer: 'json' },
  getImport: { method: 'GET', path: '/organizations/{org_id}/imports/{import_id}', base: '/api', answer: 'json' },
  getInvitation: { method: 'GET', path: '/invitations/{code}', base: '/api', answer: 'json' },
  getMember: { method: 'GET', path: '/organizations/{org_id}/users/{user_id}', base: '/api', answer: 'json' },
  getMyTask: { method: 'GET', path: '/guest/{guest_code}/tasks/{task_id}', base: '/api', answer: 'json' },
  getOrganization: { method: 'GET', path: '/organizations/{org_id}', base: '/api', answer: 'json' },
  getTask: { method: 'GET', path: '/organizations/{org_id}/tasks/{task_id}', base: '/api', answer: 'json' },
  guestsLightList: { method: 'GET', path: '/organizations/{org_id}/guests-list', base: '/api', answer: 'json' },
  importGuests: { method: 'POST', path: '/organizations/{org_id}/guests/import', base: '/api', answer: 'json' },
  inviteMember: { method: 'POST', path: '/organizations/{org_id}/users/invite', base: '/api', answer: 'json' },
  listGroups: { method: 'GET', path: '/organizations/{org_id}/groups', base: '/api', answer: 'json' },
  listGuests: { method: 'GET', path: '/organizations/{org_id}/guests', base: '/api', answer: 'json' },
  listGuestsTasks: {
    method: 'GET',
    path: '/organizations/{org_id}/guests/{guest_email}/tasks',
    base: '/api',
    answer: 'json',
  },
  listMembers: { method: 'GET', path: '/organizations/{org_id}/users', base: '/api', answer: 'json' },
  listMembersTasks: {
    method: 'GET',
    path: '/organizations/{org_id}/users/{user_id}/tasks',
    base: '/api',
    answer: 'json',
  },
  listMyTasks: { method: 'GET', path: '/guest/{guest_code}/tasks', base: '/api', answer: 'json' },
  listMyTasksFiles: { method: 'GET', path: '/guest/{guest_code}/tasks/{task_id}/files', base: '/api', answer: 'json' },
  listOwnTasks: { method: 'GET', path: '/organizations/{org_id}/me/tasks', base: '/api', answer: 'json' },
  listTaskFiles: { method: 'GET', path: '/organizations/{org_id}/tasks/{task_id}/files', base: '/api', answer: 'json' },
  listTasks: { method: 'GET', path: '/organizations/{org_id}/tasks', base: '/api', answer: 'json' },
  listTokens: { method: 'GET', path: '/me/tokens', base: '/api', answer: 'json' },
  liveness: { method: 'GET', path: '/health/live', base: '', answer: 'json' },
  me: { method: 'GET', path: '/me', base: '/api', answer: 'json' },
  membersLightList: { method: 'GET', path: '/organizations/{org_id}/users-list', base: '/api', answer: 'json' },
  myMembership: { method: 'GET', path: '/organizations/{org_id}/me', base: '/api', answer: 'json' },
  myOrganizations: { method: 'GET', path: '/me/organizations', base: '/api', answer: 'json' },
  permanentlyDeleteGuest: {
    method: 'DELETE',
    path: '/organizations/{org_id}/guests/{guest_id_or_email}/delete',
    base: '/api',
    answer: 'json',
  },
  readiness: { method: 'GET', path: '/health/ready', base: '', answer: 'json' },
  removeGuest: { method: 'DELETE', path: '/organizations/{org_id}/guests/{guest_email}', base: '/api', answer: 'json' },
  removeMember: { method: 'DELETE', path: '/organizations/{org_id}/users/{user_id}', base: '/api', answer: 'json' },
  reopenTask: {
    method: 'DELETE',
    path: '/organizations/{org_id}/completed-tasks/{task_id}',
    base: '/api',
    answer: 'json',
  },
  requestGuestLinks: { method: 'POST', path: '/public/guests/access', base: '/api', answer: 'json' },
  resendInvitation: {
    method: 'POST',
    path: '/organizations/{org_id}/users/{user_id}/resend-invite',
    base: '/api',
    answer: 'json',
  },
  resetGuestLink: {
    method: 'PUT',
    path: '/organizations/{org_id}/guests/{guest_email}/reset-link',
    base: '/api',
    answer: 'json',
  },
  resolveComment: {
    method: 'PUT',
    path: '/organizations/{org_id}/tasks/{task_id}/comment/{comment_id}/resolve',
    base: '/api',
    answer: 'json',
  },
  revokeToken: { method: 'DELETE', path: '/me/tokens/{token_id}', base: '/api', answer: 'json' },
  saveMyTaskValues: { method: 'PUT', path: '/guest/{guest_code}/tasks/{task_id}/values', base: '/api', answer: 'json' },
  saveTaskValues: {
    method: 'PUT',
    path: '/organizations/{org_id}/tasks/{task_id}/values',
    base: '/api',
    answer: 'json',
  },
  setDigestDays: { method: 'PUT', path: '/guest/{guest_code}/cadence_days', base: '/api', answer: 'json' },
  setGuestPreference: { method: 'POST', path: '/guest/{guest_code}/preferences', base: '/api', answer: 'json' },
  unsubscribeOneClick: { method: 'POST', path: '/unsubscribe/{token}', base: '', answer: 'json' },
  updateGroup: { method: 'PUT', path: '/organizations/{org_id}/groups/{group_id}', base: '/api', answer: 'json' },
  updateGuest: { method: 'PUT', path: '/organizations/{org_id}/guests/{guest_email}', base: '/api', answer: 'json' },
  updateTask: { method: 'PUT', path: '/organizations/{org_id}/tasks/{task_id}', base: '/api', answer: 'json' },
  uploadAFileToMyTask: {
    method: 'POST',
    path: '/guest/{guest_code}/tasks/{task_id}/files',
    base: '/api',
    answer: 'json',
  },
  uploadFile: { method: 'POST', path: '/organizations/{org_id}/file', base: '/api', answer: 'json' },
  withdrawInvitation: {
    method: 'DELETE',
    path: '/organizations/{org_id}/users/{user_id}/withdraw-invite',
    base: '/api',
    answer: 'json',
  },
} as const;

/** The operations that answer a page (`data` and `meta.pagination`): the ones `paginate` walks. */
export type ListOperationId =
  | 'listGroups'
  | 'listGuests'
  | 'listGuestsTasks'
  | 'listMembers'
  | 'listMembersTasks'
  | 'listOwnTasks'
  | 'listTasks'
  | 'myOrganizations';
