/**
 * The guest's own preferences in one organization (docs/guest-side.md, Set guest preference): which
 * exist, what each accepts and what holds while a guest has not set one.
 *
 * - `daily_digest`: true or false; default true (the digest goes out on the guest's
 *   `cadence_days`; with no days set there is nothing to send either way).
 * - `task_reminders`: true or false; default true (emails as a task's deadline nears or passes,
 *   docs/notifications.md, Reminders).
 * - `content_language`, `app_language`: a BCP 47 language tag, stored in canonical form
 *   (`EN-us` is stored as `en-US`), or null for the organization's default; default null.
 */

/** Every preference a guest can set, in the order they are listed. */
export const PREFERENCE_SLUGS = ['daily_digest', 'task_reminders', 'content_language', 'app_language'] as const;
export type PreferenceSlug = (typeof PREFERENCE_SLUGS)[number];
export type PreferenceValue = boolean | string | null;

/** What holds while the guest has not set a preference. */
export const PREFERENCE_DEFAULTS: Readonly<Record<PreferenceSlug, PreferenceValue>> = {
  daily_digest: true,
  task_reminders: true,
  content_language: null,
  app_language: null,
};

/** The longest language tag accepted (the language-tag standard advises room for at least 35 characters; docs/guest-side.md, Set guest preference). */
export const MAX_LANGUAGE_TAG = 35;

/** True for one of PREFERENCE_SLUGS. */
export function isPreferenceSlug(value: unknown): value is PreferenceSlug {
  return typeof value === 'string' && (PREFERENCE_SLUGS as readonly string[]).includes(value);
}

/** The canonical form of a BCP 47 tag (as Intl knows it), or undefined when it is not one. */
export function canonicalLanguageTag(value: string): string | undefined {
  if (value.length === 0 || value.length > MAX_LANGUAGE_TAG || !/^[A-Za-z0-9-]+$/.test(value)) return undefined;
  try {
    const [canonical] = Intl.getCanonicalLocales(value);
    return canonical;
  } catch {
    return undefined;
  }
}

/** The value to store for a slug, or why the given value does not fit the slug's rule. */
export type CheckedPreference = { ok: true; value: PreferenceValue } | { ok: false; message: string };

/** The value to store for `slug`, or the message for `field` when `value` does not fit the slug's rule. */
export function preferenceValue(slug: PreferenceSlug, value: unknown, field = 'value'): CheckedPreference {
  if (slug === 'daily_digest' || slug === 'task_reminders') {
    if (typeof value === 'boolean') return { ok: true, value };
    return { ok: false, message: `The ${field} for ${slug} must be true or false.` };
  }
  if (value === null) return { ok: true, value: null };
  const tag = typeof value === 'string' ? canonicalLanguageTag(value) : undefined;
  if (tag !== undefined) return { ok: true, value: tag };
  return {
    ok: false,
    message: `The ${field} for ${slug} must be a BCP 47 language tag such as "en" or "pt-BR", or null.`,
  };
}

/** A stored value back from its JSON text; the default when the text is not a valid value any more. */
export function storedPreferenceValue(slug: PreferenceSlug, json: string): PreferenceValue {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return PREFERENCE_DEFAULTS[slug];
  }
  const checked = preferenceValue(slug, parsed);
  return checked.ok ? checked.value : PREFERENCE_DEFAULTS[slug];
}
