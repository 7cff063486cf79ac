/**
 * The organization's task API requests (docs/tasks.md): params, query and bodies, one object
 * each, so the same schema validates, types and documents the operation. The answer shape is
 * task.schemas.ts, shared with the guest's side.
 */
import { Type, type Static } from 'typebox';
import { NullableArray, NullableString, OrganizationIdParam, PaginationMeta } from '../http/schemas.js';
import { MAX_EMAIL, MAX_NAME } from '../core/limits.js';
import { FIELD_TYPES, TASK_TYPES, Task } from './task.schemas.js';

export const MAX_TITLE = 600;
export const MAX_SUMMARY = 20_000;
/** Members, guests and groups each, in one task's owners. */
export const MAX_OWNERS = 100;
export const MAX_FIELDS = 50;
export const MAX_OPTIONS = 100;
export const MAX_TASK_PER_PAGE = 100;
/** Tallyfy's task lists answer 10 a page when no size is asked for. */
export const DEFAULT_TASK_PER_PAGE = 10;

export const TaskEnvelope = Type.Object({ data: Task });
export const TaskListEnvelope = Type.Object({ data: Type.Array(Task), meta: PaginationMeta });

export const OrgParams = Type.Object({ org_id: OrganizationIdParam });
export const TaskParams = Type.Object({
  org_id: OrganizationIdParam,
  // Not constrained here: an id of another shape names no task and is answered 404, not 422.
  task_id: Type.String({ description: 'The task id: 32 lowercase hex characters.' }),
});
export const GuestTasksParams = Type.Object({
  org_id: OrganizationIdParam,
  guest_email: Type.String({ description: "The guest's email, URL-encoded; any case." }),
});
export const UserTasksParams = Type.Object({
  org_id: OrganizationIdParam,
  // A string: an id that is not a number names no member and is answered 404.
  user_id: Type.String({ description: 'The member (user) id.' }),
});

/** n8n sends member ids as strings of digits, the SDK as integers: both are read. */
const MemberRef = Type.Unsafe<number | string>({
  type: ['integer', 'string'],
  pattern: '^[0-9]+$',
  description: 'A member (user) id of this organization: an integer or a string of digits.',
});

export const OwnersBody = Type.Object(
  {
    users: Type.Optional(
      NullableArray(MemberRef, { maxItems: MAX_OWNERS, description: 'Active members of this organization.' }),
    ),
    guests: Type.Optional(
      NullableArray(Type.String({ maxLength: MAX_EMAIL }), {
        maxItems: MAX_OWNERS,
        description: 'Emails: guests of this organization, or new guests joined as create guest joins them.',
      }),
    ),
    groups: Type.Optional(
      NullableArray(Type.String({ maxLength: 64 }), {
        maxItems: MAX_OWNERS,
        description: "Group ids of this organization: the group's members and guests become owners too.",
      }),
    ),
  },
  { additionalProperties: false },
);
export type OwnersBody = Static<typeof OwnersBody>;

export const FieldBody = Type.Object(
  {
    id: Type.Optional(
      Type.String({ maxLength: 64, description: 'Update only: an existing field of the task keeps its value.' }),
    ),
    field_type: Type.String({ enum: [...FIELD_TYPES] }),
    label: Type.String({ minLength: 1, maxLength: MAX_TITLE }),
    required: Type.Optional(Type.Boolean({ default: false })),
    options: Type.Optional(
      NullableArray(Type.String({ minLength: 1, maxLength: MAX_NAME }), {
        maxItems: MAX_OPTIONS,
        uniqueItems: true,
        description: 'The choices: required (non-empty, no repeats) for radio, dropdown and multiselect only.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type FieldBody = Static<typeof FieldBody>;

const taskFields = {
  title: Type.String({ minLength: 1, maxLength: MAX_TITLE, description: `1 to ${MAX_TITLE} characters, trimmed.` }),
  summary: NullableString({ maxLength: MAX_SUMMARY, description: `At most ${MAX_SUMMARY} characters; null for none.` }),
  deadline: Type.String({
    maxLength: 64,
    description:
      '`YYYY-MM-DD HH:MM:SS` (UTC), or ISO 8601 with a zone (`2026-12-10T09:00:00+01:00`, `...Z`); answered in UTC.',
  }),
  task_type: Type.String({ enum: [...TASK_TYPES], description: '`task` (default), `approval` or `expiring`.' }),
  everyone_must_complete: Type.Boolean({ description: 'Completed when every owner has completed it; default false.' }),
  reminders_enabled: Type.Boolean({
    description: 'Whether open guest owners get deadline reminders by email; default true.',
  }),
  owners: OwnersBody,
  form_fields: Type.Array(FieldBody, { maxItems: MAX_FIELDS }),
};

export const CreateTaskBody = Type.Object(
  {
    title: taskFields.title,
    summary: Type.Optional(taskFields.summary),
    deadline: taskFields.deadline,
    task_type: Type.Optional(taskFields.task_type),
    everyone_must_complete: Type.Optional(taskFields.everyone_must_complete),
    reminders_enabled: Type.Optional(taskFields.reminders_enabled),
    owners: Type.Optional(taskFields.owners),
    form_fields: Type.Optional(taskFields.form_fields),
  },
  { additionalProperties: false, title: 'CreateTask' },
);
export type CreateTaskBody = Static<typeof CreateTaskBody>;

export const UpdateTaskBody = Type.Object(
  {
    title: Type.Optional(taskFields.title),
    summary: Type.Optional(taskFields.summary),
    deadline: Type.Optional(taskFields.deadline),
    task_type: Type.Optional(taskFields.task_type),
    everyone_must_complete: Type.Optional(taskFields.everyone_must_complete),
    reminders_enabled: Type.Optional(taskFields.reminders_enabled),
    owners: Type.Optional(taskFields.owners),
    form_fields: Type.Optional(taskFields.form_fields),
  },
  { additionalProperties: false, title: 'UpdateTask' },
);
export type UpdateTaskBody = Static<typeof UpdateTaskBody>;

export const TASK_SORT_KEYS = ['deadline', 'created_at', 'title'] as const;
export type TaskSortKey = (typeof TASK_SORT_KEYS)[number];

const commaList = (what: string) =>
  Type.Optional(
    Type.String({ maxLength: 10_000, description: `Comma-separated ${what}: tasks owned by any of them.` }),
  );

export const ListTasksQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: MAX_TITLE, description: 'Case-insensitive substring of the title.' })),
  status: Type.Optional(
    Type.String({
      enum: ['active', 'completed', 'all'],
      description: '`active` (open tasks, the default), `completed` or `all`.',
    }),
  ),
  owners: commaList('member ids'),
  guests: commaList('guest emails'),
  groups: commaList('group ids'),
  guest: Type.Optional(Type.String({ maxLength: MAX_EMAIL, description: 'One guest email; as `guests`.' })),
  sort: Type.Optional(
    Type.String({
      enum: TASK_SORT_KEYS.flatMap((k) => [k, `-${k}`]),
      description: '`deadline` (default), `created_at` or `title`, a leading `-` for descending; ties by id.',
    }),
  ),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
  per_page: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_TASK_PER_PAGE,
      description: `Tasks per page, at most ${MAX_TASK_PER_PAGE}; default ${DEFAULT_TASK_PER_PAGE}.`,
    }),
  ),
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: MAX_TASK_PER_PAGE, description: 'Synonym of `per_page` (n8n sends it).' }),
  ),
  with: Type.Optional(Type.String({ maxLength: 200, description: "`threads` adds each task's comments." })),
});
export type ListTasksQuery = Static<typeof ListTasksQuery>;

export const GetTaskQuery = Type.Object({
  with: Type.Optional(Type.String({ maxLength: 200, description: "`threads` adds the task's comments." })),
});

/** `with` is a comma-separated list of includes, as Tallyfy's clients send it. */
export function withThreads(value: string | undefined): boolean {
  return (value ?? '').split(',').some((part) => part.trim() === 'threads');
}
