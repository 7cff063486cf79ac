/**
 * Checking a task's field values by their field's type (docs/task-work.md, Save task values).
 * Pure: the service reads the fields and writes what this accepts, all or nothing.
 */
import { ErrorBag, type FieldErrors } from '../core/errors.js';
import { parseEmailAddress } from '../email/parse.js';
import type { TaskField } from './task.schemas.js';

export const MAX_TEXT = 600;
export const MAX_TEXTAREA = 20_000;
/** A comment's longest text, after trimming (docs/task-work.md, Comment on task). */
export const MAX_COMMENT = 20_000;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for `YYYY-MM-DD` naming a real day (no 31 February). */
export function isValidDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const [year, month, day] = m.slice(1).map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A field's value is empty: nothing was given, or the field was emptied. */
export function isEmptyValue(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

type Checked = { ok: true; value: unknown } | { ok: false; message: string };

const fail = (message: string): Checked => ({ ok: false, message });

/** One value against its field: the value to store (null empties), or why it cannot be. */
function checkValue(field: TaskField, value: unknown): Checked {
  const label = `The ${field.label} field`;
  // Its value is the list of the files uploaded to it, null included (docs/files.md, Upload file).
  if (field.field_type === 'file')
    return fail(`${label} is a file field: upload files to it instead of sending a value.`);
  if (value === null || value === '') return { ok: true, value: null };
  const options = field.options ?? [];
  switch (field.field_type) {
    case 'text':
    case 'textarea': {
      const max = field.field_type === 'text' ? MAX_TEXT : MAX_TEXTAREA;
      if (typeof value !== 'string') return fail(`${label} must be text.`);
      if (value.length > max) return fail(`${label} may not be longer than ${max} characters.`);
      return { ok: true, value };
    }
    case 'radio':
    case 'dropdown':
      if (typeof value !== 'string' || !options.includes(value)) return fail(`${label} must be one of its options.`);
      return { ok: true, value };
    case 'multiselect': {
      if (!Array.isArray(value)) return fail(`${label} must be a list of its options.`);
      if (value.some((item) => typeof item !== 'string' || !options.includes(item)))
        return fail(`${label} must hold only its options.`);
      if (new Set(value).size !== value.length) return fail(`${label} may hold each option once.`);
      return { ok: true, value: value.length === 0 ? null : value };
    }
    case 'date':
      if (typeof value !== 'string' || !isValidDate(value))
        return fail(`${label} must be a real date written YYYY-MM-DD.`);
      return { ok: true, value };
    case 'email': {
      const parsed = typeof value === 'string' ? parseEmailAddress(value) : undefined;
      if (!parsed?.ok) return fail(`${label} must be a valid email address.`);
      return { ok: true, value: parsed.email };
    }
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail(`${label} must be a number.`);
      return { ok: true, value };
    case 'checkbox':
      if (value !== 'yes' && value !== 'no') return fail(`${label} must be yes or no.`);
      return { ok: true, value };
    default:
      return fail(`${label} has a type this service does not know.`);
  }
}

/**
 * Checks `values` (field id -> value) against the task's fields. Errors are keyed
 * `taskdata.<field id>`, every bad one at once; `accepted` holds the values to store.
 */
export function checkValues(
  fields: readonly TaskField[],
  values: Readonly<Record<string, unknown>>,
): { accepted: Map<string, unknown>; errors: FieldErrors; ok: boolean } {
  const byId = new Map(fields.map((field) => [field.id, field]));
  const bag = new ErrorBag();
  const accepted = new Map<string, unknown>();
  for (const [id, value] of Object.entries(values)) {
    const field = byId.get(id);
    if (!field) {
      bag.add(`taskdata.${id}`, `The task has no field with the id ${id}.`);
      continue;
    }
    const checked = checkValue(field, value);
    if (checked.ok) accepted.set(id, checked.value);
    else bag.add(`taskdata.${id}`, checked.message);
  }
  return { accepted, errors: bag.errors, ok: bag.empty };
}

/** The required fields left empty, as field errors naming each by label and id. */
export function emptyRequiredFields(fields: readonly TaskField[]): FieldErrors {
  const bag = new ErrorBag();
  for (const field of fields) {
    if (field.required && isEmptyValue(field.value))
      bag.add(`taskdata.${field.id}`, `The ${field.label} field (${field.id}) is required to complete the task.`);
  }
  return bag.errors;
}
