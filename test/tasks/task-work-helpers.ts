/** Shared steps of the task-work tests: a task with one field of each type, and its paths. */
import type { TestContext } from '../../support/app.js';
import { seedTask, type SeedTask } from '../../support/tasks.js';

export const tasksUrl = (orgId: string, taskId: string, suffix = '') =>
  `/api/organizations/${orgId}/tasks/${taskId}${suffix}`;
export const completedUrl = (orgId: string, taskId?: string) =>
  `/api/organizations/${orgId}/completed-tasks${taskId === undefined ? '' : `/${taskId}`}`;

/** One field of every type, in this order. */
export const ALL_FIELDS: NonNullable<SeedTask['fields']> = [
  { field_type: 'text', label: 'Name' },
  { field_type: 'textarea', label: 'Notes' },
  { field_type: 'radio', label: 'Size', options: ['S', 'M', 'L'] },
  { field_type: 'dropdown', label: 'Colour', options: ['red', 'blue'] },
  { field_type: 'multiselect', label: 'Extras', options: ['a', 'b', 'c'] },
  { field_type: 'date', label: 'Start' },
  { field_type: 'email', label: 'Contact' },
  { field_type: 'number', label: 'Count' },
  { field_type: 'checkbox', label: 'Agree' },
];

/** A task of the test organization with every field type; returns its id and a field id by label. */
export async function taskWithFields(ctx: TestContext, overrides: Partial<SeedTask> = {}) {
  const fields = overrides.fields ?? ALL_FIELDS;
  const seeded = await seedTask(ctx.db.kysely, {
    organizationId: ctx.orgId,
    users: [ctx.members.standard],
    fields,
    ...overrides,
  });
  const field = (label: string) => {
    const index = fields.findIndex((f) => f.label === label);
    const id = seeded.fieldIds[index];
    if (id === undefined) throw new Error(`no field ${label}`);
    return id;
  };
  return { id: seeded.id, field };
}
