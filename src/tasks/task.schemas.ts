/**
 * The task's answer shape (docs/tasks.md): shared by the organization's task API and the guest's
 * side, so a task reads the same whichever way it is asked for. Field names follow Tallyfy's task
 * object where its clients read them (`owners`, `task_type`, `status`, `deadline`, `is_approved`,
 * `everyone_must_complete`, `completed_at`, `last_updated`).
 */
import { Type, type Static } from 'typebox';
import { NullableString, RequiredTimestamp, Timestamp } from '../http/schemas.js';

export const TASK_TYPES = ['task', 'approval', 'expiring'] as const;
export type TaskType = (typeof TASK_TYPES)[number];

export const FIELD_TYPES = [
  'text',
  'textarea',
  'radio',
  'dropdown',
  'multiselect',
  'date',
  'email',
  'number',
  'checkbox',
  'file',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** A task is `not-started` until it is completed; reopening makes it `not-started` again. */
export const TASK_STATUSES = ['not-started', 'completed'] as const;

export const TaskOwners = Type.Object({
  users: Type.Array(Type.Integer(), { description: 'Member ids.' }),
  guests: Type.Array(Type.String(), { description: "Guests' email addresses." }),
  groups: Type.Array(Type.String(), { description: 'Group ids.' }),
});
export type TaskOwners = Static<typeof TaskOwners>;

/**
 * One form field of a task with its value. Values by type: text, textarea, radio, dropdown, date
 * (`YYYY-MM-DD`), email: a string; multiselect: an array of strings; number: a number; checkbox:
 * `yes` or `no`; file: the list of its files, `{id, filename}` each, set by uploading (docs/files.md).
 * An empty field's value is null.
 */
export const TaskField = Type.Object({
  id: Type.String(),
  field_type: Type.String({ enum: [...FIELD_TYPES] }),
  label: Type.String(),
  required: Type.Boolean(),
  options: Type.Union([Type.Array(Type.String()), Type.Null()], {
    description: 'The choices of a radio, dropdown or multiselect; null for other types.',
  }),
  value: Type.Unknown({ description: 'The value, by type (see above); null while empty.' }),
  position: Type.Integer(),
});
export type TaskField = Static<typeof TaskField>;

/** Who wrote a comment: a member (by user id) or a guest (by email). */
export const CommentAuthor = Type.Object({
  type: Type.String({ enum: ['member', 'guest'] }),
  id: Type.Union([Type.Integer(), Type.Null()], { description: "The member's user id; null for a guest." }),
  email: NullableString({ description: "The guest's email; null for a member." }),
  name: NullableString(),
});

export const TaskComment = Type.Object({
  id: Type.String({ description: "Digits: Tallyfy's clients read a comment id as a string." }),
  task_id: Type.String(),
  content: Type.String({ description: 'Plain text, as written.' }),
  author: CommentAuthor,
  author_id: Type.Union([Type.Integer(), Type.Null()], {
    description: "The member's user id, as Tallyfy's clients read it; null for a guest.",
  }),
  is_problem: Type.Boolean(),
  resolved_at: Timestamp('When a member marked the problem resolved; null while open or not a problem.'),
  created_at: Timestamp('When the comment was written.'),
  updated_at: Timestamp('When the comment was last edited.'),
});
export type TaskComment = Static<typeof TaskComment>;

export const Task = Type.Object({
  id: Type.String({ description: '32 lowercase hex characters.' }),
  title: Type.String(),
  summary: NullableString(),
  task_type: Type.String({ enum: [...TASK_TYPES] }),
  status: Type.String({ enum: [...TASK_STATUSES] }),
  deadline: RequiredTimestamp('The deadline.'),
  is_overdue: Type.Boolean({ description: 'Open and past its deadline.' }),
  everyone_must_complete: Type.Boolean(),
  reminders_enabled: Type.Boolean({
    description: 'Whether open guest owners get deadline reminders by email (docs/notifications.md, Reminders).',
  }),
  is_approved: Type.Union([Type.Boolean(), Type.Null()], {
    description: "An approval task's answer once completed; null otherwise.",
  }),
  owners: TaskOwners,
  /** Owners who completed their part (everyone-must-complete tasks), or the one who completed the task. */
  completed_by: Type.Object({
    users: Type.Array(Type.Integer()),
    guests: Type.Array(Type.String()),
  }),
  completed_at: Timestamp('When the task was completed; null while open.'),
  completer_id: Type.Union([Type.Integer(), Type.Null()], {
    description: 'The member who completed the task; null while open or when a guest did.',
  }),
  created_by: Type.Union([Type.Integer(), Type.Null()]),
  created_at: Timestamp('When the task was created.'),
  last_updated: Timestamp('When the task was last changed.'),
  form_fields: Type.Array(TaskField),
  threads: Type.Optional(Type.Array(TaskComment, { description: 'The comments, oldest first (`with=threads`).' })),
});
export type Task = Static<typeof Task>;
