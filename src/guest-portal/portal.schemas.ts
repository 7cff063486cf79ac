/**
 * Schemas of the guest JSON API (docs/guest-side.md): what a guest sees of their own record in one
 * organization, and the bodies they may send. Nothing here names another guest or a member.
 */
import { Type, type Static } from 'typebox';
import { NullableArray, NullableString, RequiredTimestamp, Timestamp } from '../http/schemas.js';
import { CadenceDaysField } from '../guests/guest.schemas.js';
import { MAX_LANGUAGE_TAG, PREFERENCE_SLUGS } from './preferences.js';

/** The path of every guest route: the code is the credential. */
export const GuestCodeParams = Type.Object({
  guest_code: Type.String({
    description:
      "The guest code: the last segment of the guest's link. Any code that does not open an active guest record answers 404.",
  }),
});
export type GuestCodeParams = Static<typeof GuestCodeParams>;

/** The guest's own record in this organization: their profile, never the organization's notes about them. */
export const GuestSelf = Type.Object(
  {
    id: Type.Integer({ description: 'The global guest id: the same in every organization.' }),
    email: Type.String(),
    first_name: NullableString({ description: 'The first name this organization has for the guest.' }),
    last_name: NullableString({ description: 'The last name this organization has for the guest.' }),
    created_at: RequiredTimestamp('When the guest joined this organization.'),
    details: Type.Object({
      company_name: NullableString(),
      phone_1: NullableString(),
      phone_2: NullableString(),
      timezone: NullableString({ description: 'An IANA time zone name.' }),
      cadence_days: NullableArray(Type.String(), {
        description: 'Weekdays on which the guest gets digest emails; null for none.',
      }),
    }),
  },
  { title: 'GuestSelf' },
);
export type GuestSelf = Static<typeof GuestSelf>;

/** The organization the code belongs to: its id and name, nothing of its members. */
export const GuestSideOrganization = Type.Object({
  id: Type.String({ description: 'The organization id.' }),
  name: Type.String({ description: "The organization's name." }),
});

/** What `GET /api/guest/{code}` answers in `data`: the guest and the organization. */
export const GuestSideView = Type.Object(
  { guest: GuestSelf, organization: GuestSideOrganization },
  { title: 'GuestSideView' },
);
export type GuestSideView = Static<typeof GuestSideView>;
export const GuestSideEnvelope = Type.Object({ data: GuestSideView });

/** `PUT /api/guest/{code}/cadence_days`: the days, the one field. */
export const CadenceDaysBody = Type.Object(
  { cadence_days: CadenceDaysField() },
  { additionalProperties: false, title: 'GuestCadenceDays' },
);
export type CadenceDaysBody = Static<typeof CadenceDaysBody>;

const PreferenceValueSchema = (description: string) =>
  Type.Unsafe<boolean | string | null>({ type: ['boolean', 'string', 'null'], description });

/** One preference as answered: slug, value (the default while unset) and when it was set. */
export const Preference = Type.Object(
  {
    slug: Type.String({ enum: [...PREFERENCE_SLUGS] }),
    value: PreferenceValueSchema(
      '`daily_digest`, `task_reminders`: true or false. `content_language`, `app_language`: a BCP 47 tag in canonical form, or null.',
    ),
    updated_at: Timestamp('When the guest last set it; null while the default holds.'),
  },
  { title: 'GuestPreference' },
);
export type Preference = Static<typeof Preference>;

export const PreferenceEnvelope = Type.Object({ data: Preference });
export const PreferenceListEnvelope = Type.Object({
  data: Type.Array(Preference, { description: 'Every preference, in a fixed order, defaults included.' }),
});

/** `POST /api/guest/{code}/preferences`: one slug and its new value. */
export const PreferenceBody = Type.Object(
  {
    slug: Type.String({ enum: [...PREFERENCE_SLUGS], description: 'Which preference.' }),
    // Any JSON here: each slug's own rule is checked after the schema, so the message can name it.
    value: Type.Unsafe<unknown>({
      description: `\`daily_digest\`: true or false. \`content_language\`, \`app_language\`: a BCP 47 language tag (at most ${MAX_LANGUAGE_TAG} characters; stored in canonical form), or null for the organization's default.`,
    }),
  },
  { additionalProperties: false, title: 'GuestPreferenceChange' },
);
export type PreferenceBody = Static<typeof PreferenceBody>;
