/**
 * The task page's forms (`application/x-www-form-urlencoded`; docs/guest-side.md, Save my task
 * page values, Comment on my task page, Complete my task page): what each form sends, read into
 * what the task rules take. The rules themselves are the task rules': this only reads.
 */
import type { TaskField } from '../tasks/task.schemas.js';

/** The largest task form: a few long text areas, percent-encoded (up to 9 bytes a character). */
export const TASK_FORM_BODY_LIMIT = 1024 * 1024;

/** What the guest submitted for each field, to show the form again as they left it. */
export type SubmittedValues = Map<string, string[]>;

/** The form's name for a field's control(s). */
export const fieldName = (fieldId: string) => `f_${fieldId}`;

/** The body after the app's normalization: name -> values ("" already null). */
function valuesOf(body: unknown, name: string): string[] {
  if (body === null || typeof body !== 'object' || !Object.hasOwn(body, name)) return [];
  const raw = (body as Record<string, unknown>)[name];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.filter((value): value is string => typeof value === 'string');
}

/** One value sent once, or null; more than once is kept as a list (the task rules refuse it). */
export function single(body: unknown, name: string): string | null {
  return valuesOf(body, name)[0] ?? null;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The values form: every field of the task is on it, so a field that sent nothing (no option
 * ticked, an empty box) is emptied. A number is read as a number when it is one; anything else is
 * left as text for the task rules to refuse.
 */
export function readValuesForm(
  fields: readonly TaskField[],
  body: unknown,
): { taskdata: Record<string, unknown>; submitted: SubmittedValues } {
  const taskdata: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const submitted: SubmittedValues = new Map();
  for (const field of fields) {
    // A file field is filled by uploading (docs/files.md): the values form has no control for it.
    if (field.field_type === 'file') continue;
    const values = valuesOf(body, fieldName(field.id));
    submitted.set(field.id, values);
    if (field.field_type === 'multiselect') {
      taskdata[field.id] = values.length ? values : null;
    } else if (values.length > 1) {
      taskdata[field.id] = values;
    } else {
      const value = values[0] ?? null;
      taskdata[field.id] =
        field.field_type === 'number' && value !== null && NUMBER.test(value) ? Number(value) : value;
    }
  }
  return { taskdata, submitted };
}

/** The complete form: approve or reject (approval tasks), and an optional comment. */
export function readCompleteForm(body: unknown): { is_approved?: boolean; comment?: string } {
  const decision = single(body, 'decision');
  const comment = single(body, 'comment');
  return {
    ...(decision === 'approve' && { is_approved: true }),
    ...(decision === 'reject' && { is_approved: false }),
    ...(comment !== null && { comment }),
  };
}

/** The comment form. */
export function readCommentForm(body: unknown): { content: string; is_problem: boolean } {
  return { content: single(body, 'content') ?? '', is_problem: single(body, 'is_problem') === 'on' };
}
