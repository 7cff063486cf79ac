/**
 * The guest page's form (`application/x-www-form-urlencoded`): parsing, and the same rules as the
 * JSON API (weekday names without repeats, a known language tag), with messages for the page.
 */
import { ErrorBag, type FieldErrors } from '../core/errors.js';
import { WEEKDAYS, type Weekday } from '../guests/guest.schemas.js';
import { canonicalLanguageTag, type PreferenceSlug, type PreferenceValue } from './preferences.js';
import type { GuestSettings } from './portal.service.js';
import type { FormValues } from './page.html.js';

/** A full form is a few hundred bytes; anything much larger is not from the page. */
export const FORM_BODY_LIMIT = 4096;

/** Field -> every value sent for it, in order. A Map: field names are request data. */
export type FormFields = Map<string, Array<string | null>>;

/** The body after the app's normalization (strings trimmed, "" as null), as a Map. */
function fieldsOf(body: unknown): FormFields {
  const fields: FormFields = new Map();
  if (body === null || typeof body !== 'object') return fields;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const values = Array.isArray(value) ? value : [value];
    fields.set(
      key,
      values.map((v) => (typeof v === 'string' ? v : null)),
    );
  }
  return fields;
}

const KNOWN_FIELDS = new Set(['cadence_days', 'daily_digest', 'task_reminders', 'content_language', 'app_language']);

/** A field sent at most once: its value (null when absent), and its failures. */
interface FormField<T> {
  value: T;
  errors: string[];
}

function single(fields: FormFields, name: string): FormField<string | null> {
  const values = fields.get(name) ?? [];
  const errors = values.length > 1 ? [`The ${name.replace('_', ' ')} field was sent more than once.`] : [];
  return { value: values[0] ?? null, errors };
}

function language(
  fields: FormFields,
  name: 'content_language' | 'app_language',
  label: string,
): FormField<PreferenceValue> {
  const raw = single(fields, name);
  if (raw.value === null) return raw;
  const tag = canonicalLanguageTag(raw.value);
  return {
    value: tag ?? null,
    errors: tag === undefined ? [...raw.errors, `Choose a ${label} from the list.`] : raw.errors,
  };
}

export interface ReadForm {
  /** Set when the form is valid. */
  settings?: GuestSettings;
  errors: FieldErrors;
  /** What was submitted, to show the form again as the guest left it. */
  values: FormValues;
}

/**
 * Reads the submitted form. An unticked checkbox sends nothing, so a missing `daily_digest` or
 * `task_reminders` is false and missing days are none: the form always carries every setting.
 */
export function readSettingsForm(body: unknown): ReadForm {
  const fields = fieldsOf(body);
  const bag = new ErrorBag();
  for (const name of fields.keys()) {
    if (!KNOWN_FIELDS.has(name))
      bag.add('form', 'The form contains a field this page does not know. Reload the page and try again.');
  }

  const days: string[] = [];
  for (const value of fields.get('cadence_days') ?? []) {
    if (value === null || !(WEEKDAYS as readonly string[]).includes(value)) {
      if (!bag.has('cadence_days')) bag.add('cadence_days', 'Choose days from Monday to Sunday only.');
    } else if (days.includes(value)) {
      if (!bag.has('cadence_days'))
        bag.add('cadence_days', `${value} was chosen more than once; choose each day once.`);
    } else {
      days.push(value);
    }
  }

  const digest = single(fields, 'daily_digest');
  for (const message of digest.errors) bag.add('daily_digest', message);
  if (digest.value !== null && digest.value !== 'on')
    bag.add('daily_digest', 'The digest email checkbox has an unexpected value.');

  const reminders = single(fields, 'task_reminders');
  for (const message of reminders.errors) bag.add('task_reminders', message);
  if (reminders.value !== null && reminders.value !== 'on')
    bag.add('task_reminders', 'The reminder email checkbox has an unexpected value.');

  const contentLanguage = language(fields, 'content_language', 'language of task content');
  for (const message of contentLanguage.errors) bag.add('content_language', message);
  const appLanguage = language(fields, 'app_language', 'language of the app');
  for (const message of appLanguage.errors) bag.add('app_language', message);

  const preferences: Record<PreferenceSlug, PreferenceValue> = {
    daily_digest: digest.value !== null,
    task_reminders: reminders.value !== null,
    content_language: contentLanguage.value,
    app_language: appLanguage.value,
  };
  const values: FormValues = { cadenceDays: days, preferences };
  if (!bag.empty) return { errors: bag.errors, values };
  // Days are kept in weekday order, whatever order the browser sent them in.
  const cadenceDays = WEEKDAYS.filter((day) => days.includes(day)) as Weekday[];
  return {
    settings: { cadenceDays: cadenceDays.length ? cadenceDays : null, preferences },
    errors: bag.errors,
    values,
  };
}
