/**
 * The schemas of working on a task (docs/task-work.md): values, comments, completion. The task and
 * comment answers are the shared shapes of task.schemas.ts.
 */
import { Type, type Static } from 'typebox';
import { OrganizationIdParam } from '../http/schemas.js';
import { Task, TaskComment } from './task.schemas.js';
import { MAX_COMMENT } from './task-values.js';

const TaskId = Type.String({ description: 'The task id: 32 lowercase hex characters.' });

// Not constrained beyond a string: an id of another shape names no task and is answered 404.
export const TaskParams = Type.Object({ org_id: OrganizationIdParam, task_id: TaskId });
export type TaskParams = Static<typeof TaskParams>;

export const CommentParams = Type.Object({
  org_id: OrganizationIdParam,
  task_id: TaskId,
  comment_id: Type.Integer({ minimum: 1, description: 'The comment id.' }),
});

export const OrgParams = Type.Object({ org_id: OrganizationIdParam });

/** Field id -> value; the value's shape is its field type's (docs/task-work.md, Save task values). */
export const TaskData = Type.Record(Type.String(), Type.Unknown(), {
  description:
    "Field id -> value. text, textarea, radio, dropdown, date (`YYYY-MM-DD`), email: a string; multiselect: an array of distinct options; number: a number; checkbox: `yes` or `no`; null or '' empties the field.",
});

export const SaveValuesBody = Type.Object({ taskdata: TaskData });
export type SaveValuesBody = Static<typeof SaveValuesBody>;

const Content = Type.String({ minLength: 1, maxLength: MAX_COMMENT, description: 'Plain text, stored as written.' });

export const CommentBody = Type.Object({
  content: Content,
  is_problem: Type.Optional(
    Type.Boolean({ description: 'The comment reports a problem, open until a member resolves it.' }),
  ),
});
export type CommentBody = Static<typeof CommentBody>;

export const EditCommentBody = Type.Object({ content: Content });
export type EditCommentBody = Static<typeof EditCommentBody>;

export const CompleteBody = Type.Object({
  task_id: TaskId,
  is_approved: Type.Optional(
    Type.Boolean({ description: 'Required for approval tasks: true approves, false rejects; other tasks ignore it.' }),
  ),
  comment: Type.Optional(Type.String({ maxLength: MAX_COMMENT, description: 'A comment added with the completion.' })),
});
export type CompleteBody = Static<typeof CompleteBody>;

export const TaskEnvelope = Type.Object({ data: Task }, { title: 'TaskEnvelope' });
export const CommentEnvelope = Type.Object({ data: TaskComment });
