/**
 * A task's form field definitions (docs/tasks.md, Create task and Update task). The choices rule
 * needs more than a schema: radio, dropdown and multiselect must have options, other types may not.
 * Values are not written here: an update keeps the value of each field it keeps.
 */
import { ErrorBag, type FieldErrors } from '../core/errors.js';
import { newHexId } from '../core/secrets.js';
import type { ReadonlyFieldErrors } from '../core/validation.js';
import type { FieldBody } from './task.requests.js';
import type { FieldType } from './task.schemas.js';
import type { FieldRow } from './task.repository.js';

const CHOICE_TYPES = new Set(['radio', 'dropdown', 'multiselect']);

/** The failures of the choices rule, `form_fields.N.options` (none for items the schema refused). */
export function checkFields(input: unknown, failures: ReadonlyFieldErrors): FieldErrors {
  const bag = new ErrorBag();
  if (!Array.isArray(input) || Object.hasOwn(failures, 'form_fields')) return bag.errors;
  input.forEach((item: unknown, index) => {
    const prefix = `form_fields.${index}`;
    if (Object.keys(failures).some((f) => f === prefix || f.startsWith(`${prefix}.`))) return;
    const field = item as FieldBody;
    const options = field.options ?? [];
    if (CHOICE_TYPES.has(field.field_type) && options.length === 0)
      bag.add(`${prefix}.options`, `The ${prefix}.options field is required for a ${field.field_type} field.`);
    if (!CHOICE_TYPES.has(field.field_type) && options.length > 0)
      bag.add(`${prefix}.options`, `The ${prefix}.options field is only for radio, dropdown and multiselect fields.`);
  });
  return bag.errors;
}

interface StoredField {
  id: string;
  field_type: string;
  value: string | null;
}

/**
 * The rows of a task's fields from the body, in its order. An item naming a field the task has
 * keeps that field's id and value (unless its type changed: a value of another type means
 * nothing); any other item is a new, empty field.
 */
export function fieldRows(taskId: string, body: FieldBody[], existing: StoredField[], at: string): FieldRow[] {
  const byId = new Map(existing.map((f) => [f.id, f]));
  const taken = new Set<string>();
  return body.map((field, position) => {
    const kept = field.id !== undefined && !taken.has(field.id) ? byId.get(field.id) : undefined;
    if (kept) taken.add(kept.id);
    return {
      id: kept?.id ?? newHexId(),
      task_id: taskId,
      position,
      field_type: field.field_type as FieldType,
      label: field.label,
      required: field.required ? 1 : 0,
      options: CHOICE_TYPES.has(field.field_type) ? JSON.stringify(field.options ?? []) : null,
      value: kept && kept.field_type === field.field_type ? kept.value : null,
      updated_at: at,
    };
  });
}
