/**
 * Hostile requests for one route, generated with fast-check. A request is generated as a small
 * description (names of real values, sizes of huge ones) and made concrete only when it is sent, so
 * generation stays cheap and a failing case prints short.
 */
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import type { RouteInfo, World } from './world.js';

/** A real value is named `§name` and looked up in the worlds when the request is sent. */
const REF = '§';

/** The real values of the organization under test (A) and of the one the fuzzer has no token for (B). */
export function realValues(a: World, b: World): Record<string, string | number> {
  const values: Record<string, string | number> = {};
  for (const [side, world] of [
    ['A', a],
    ['B', b],
  ] as const) {
    values[`${side}.org`] = world.orgId;
    for (const role of ['admin', 'standard', 'light'] as const) values[`${side}.member.${role}`] = world.members[role];
    values[`${side}.member.disabled`] = world.disabled.id;
    values[`${side}.invitee`] = world.invitation.id;
    values[`${side}.invitee.email`] = world.invitation.email;
    values[`${side}.member.email`] = world.memberEmails[1] as string;
    values[`${side}.group`] = world.groupId;
    values[`${side}.task`] = world.taskId;
    values[`${side}.token.id`] = world.tokenIds[0] as number;
    values[`${side}.token.id.last`] = world.tokenIds[world.tokenIds.length - 1] as number;
    for (const kind of ['active', 'disabled', 'shared', 'other'] as const) {
      values[`${side}.guest.${kind}.email`] = world.guests[kind].email;
      values[`${side}.guest.${kind}.id`] = world.guests[kind].id;
    }
  }
  // Credentials of A only: a code of B would be B's guest opening their own page, not an intrusion.
  values['A.guest.active.code'] = a.guests.active.code;
  values['A.guest.disabled.code'] = a.guests.disabled.code;
  values['A.guest.other.code'] = a.guests.other.code;
  values['A.invitation.code'] = a.invitation.code;
  values['A.unsubscribe.reminders'] = a.unsubscribe.reminders;
  values['A.unsubscribe.digest'] = a.unsubscribe.digest;
  values['A.org.upper'] = a.orgId.toUpperCase();
  values['A.guest.active.email.upper'] = a.guests.active.email.toUpperCase();
  values['A.token.admin'] = a.tokens.admin;
  values['A.token.standard'] = a.tokens.standard;
  values['A.token.light'] = a.tokens.light;
  values['A.token.disabled'] = a.disabled.token;
  values['A.token.revoked'] = a.revokedToken;
  values['A.token.expired'] = a.expiredToken;
  return values;
}

const ref = (name: string) => `${REF}${name}`;

/** Real values that fit each path parameter, by its name. */
const PARAM_REFS: Record<string, string[]> = {
  org_id: ['A.org', 'A.org', 'A.org', 'A.org', 'A.org', 'A.org', 'A.org', 'A.org', 'B.org', 'A.org.upper'],
  guest_email: [
    'A.guest.active.email',
    'A.guest.disabled.email',
    'A.guest.shared.email',
    'A.guest.other.email',
    'A.guest.active.email.upper',
    'B.guest.active.email',
    'A.member.email',
    'A.invitee.email',
  ],
  guest_id_or_email: [
    'A.guest.disabled.email',
    'A.guest.disabled.id',
    'A.guest.active.id',
    'A.guest.shared.id',
    'B.guest.active.id',
    'B.guest.disabled.email',
    'A.guest.other.email',
  ],
  user_id: [
    'A.member.admin',
    'A.member.standard',
    'A.member.light',
    'A.member.disabled',
    'A.invitee',
    'B.member.admin',
    'B.invitee',
  ],
  group_id: ['A.group', 'A.group', 'B.group'],
  task_id: ['A.task', 'A.task', 'B.task'],
  token_id: ['A.token.id', 'A.token.id.last', 'B.token.id'],
  guest_code: ['A.guest.active.code', 'A.guest.active.code', 'A.guest.disabled.code', 'A.guest.other.code'],
  code: ['A.invitation.code', 'A.invitation.code', 'A.guest.active.code'],
  token: ['A.unsubscribe.reminders', 'A.unsubscribe.reminders', 'A.unsubscribe.digest', 'A.guest.active.code'],
};

const HOSTILE_TEXT = [
  '',
  ' ',
  '0',
  '-1',
  '1',
  '1.5',
  '1e3',
  '0x10',
  '99999999999999999999999',
  '2147483648',
  '9007199254740993',
  'NaN',
  'Infinity',
  'null',
  'true',
  '[]',
  '{}',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\ud83d',
  '\u202e',
  'e\u0301',
  '😀',
  'Ω≈ç√',
  '\u200b',
  '\ufeff',
  '\r\n',
  '\t',
  "' or '1'='1",
  "'; drop table guests; --",
  '" or ""="',
  '1; select pg_sleep(1)',
  '%',
  '%25',
  '%00',
  '%2e%2e%2f',
  '../../etc/passwd',
  '..\\..\\',
  '/',
  '//',
  '?',
  '#',
  '<script>alert(1)</script>',
  '${7*7}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'A@B.TEST',
  'a@b',
  '@partner.test',
  'a@',
  'a@@partner.test',
  '"quoted name"@partner.test',
  '"a\\"b"@partner.test',
  'a+tag@partner.test',
  'a.@partner.test',
  'a..b@partner.test',
  'a@[127.0.0.1]',
  'a@[IPv6:::1]',
  'ü@ü.test',
  'a@xn--bcher-kva.test',
  'a@nullmx.test',
  'a@nomail.test',
  'a@nowhere.invalid',
  'x@-bad-.test',
  `${'l'.repeat(65)}@partner.test`,
  `a@${'d'.repeat(250)}.test`,
  'a(comment)@partner.test',
  ' a@partner.test ',
  'a@partner.test\n',
  'Monday',
  'monday',
  'salesforce',
  'America/Chicago',
  'Mars/Olympus',
  'https://x.test/',
  'javascript:alert(1)',
  'http://',
  'ftp://x.test',
  '2025-02-30 10:00:00',
  '2025-01-15 10:30:00',
  '2025-01-15T10:30:00Z',
  'admin',
  'standard',
  'light',
  'owner',
  'stats',
  '-created_at',
  'name',
  'daily_digest',
  'content_language',
  'app_language',
  'en-US',
  'zz-Invalid-Tag-Too-Long-x',
  'de',
];

/** A string: hostile text, random unicode (lone surrogates included), a number as text, or a huge one. */
const hostileString: fc.Arbitrary<string | { huge: number }> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_TEXT) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  {
    weight: 1,
    arbitrary: fc.string({
      unit: fc.constantFrom('\ud800', '\udc00', 'a', '\u0000', '\u00ff', '%', '/'),
      maxLength: 6,
    }),
  },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double()).map(String) },
  { weight: 1, arbitrary: fc.constantFrom(300, 600, 5_000, 20_000).map((huge) => ({ huge })) },
);

/** A field or parameter name of any text (header-breaking and undecodable ones included). */
const hostileKey: fc.Arbitrary<string> = hostileString.map((s) =>
  typeof s === 'string' ? s : 'k'.repeat(Math.min(s.huge, 600)),
);

export interface FuzzRequest {
  method: string;
  /** Path parameter values, in the route's order. */
  params: Array<string | { huge: number }>;
  /** How the path is encoded: per URI component, or raw (only what HTTP forbids escaped). */
  rawPath: boolean;
  query: Array<[string, string | { huge: number }]>;
  auth: string;
  contentType: string | null;
  extraHeaders: Array<[string, string]>;
  body: BodySpec;
}

type Json = unknown;
type BodySpec =
  | { kind: 'none' }
  | { kind: 'json'; value: Json }
  | { kind: 'deep'; depth: number; array: boolean }
  | { kind: 'huge-field'; field: string; size: number }
  | { kind: 'text'; text: string }
  | { kind: 'bad-utf8'; field: string }
  | { kind: 'form'; pairs: Array<[string, string]> };

const GOOD_AUTH = [
  'A.token.admin',
  'A.token.admin',
  'A.token.admin',
  'A.token.standard',
  'A.token.standard',
  'A.token.light',
];
const BAD_AUTH = [
  'A.token.disabled',
  'A.token.revoked',
  'A.token.expired',
  'none',
  'empty',
  'garbage',
  'huge',
  'basic',
  'bearer-only',
  'lower',
  'unicode',
  'two',
  'prefix-only',
];

const ODD_CONTENT_TYPES = [
  'application/json; charset=utf-8',
  'application/JSON',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/json;;;',
  'application/problem+json',
  'application/vnd.api+json',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'garbage',
  '',
  null,
  null,
];

const EXTRA_HEADERS: Array<[string, string]> = [
  ['x-tallyfy-client', 'APIClient'],
  ['x-tallyfy-client', ''],
  ['x-tallyfy-client', 'ü\u00ff'],
  ['accept', 'text/html'],
  ['accept', 'application/xml'],
  ['accept', '*/*;q=garbage'],
  ['x-forwarded-for', 'garbage, ::1, 999.1.1.1'],
  ['content-encoding', 'gzip'],
  ['accept-language', 'xx-'.repeat(100)],
  ['cf-ipcountry', 'ZZ'],
  ['x-forwarded-proto', 'gopher'],
  ['cookie', 'a=b; __proto__=c'],
  ['transfer-encoding', 'chunked'],
  ['if-none-match', '*'],
];

const EXTRA_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'unknown_field',
  'id',
  'organization_id',
  'guest_code',
  'role',
  'email',
  'deleted_at',
  '',
];

/** Values that pass a field's rules, so that some requests get through to the handler. */
const GOOD: Record<string, fc.Arbitrary<Json>> = {
  email: fc.oneof(
    fc.nat({ max: 1_000_000 }).map((n) => `fz${n}@partner.test`),
    fc.constantFrom(ref('A.guest.active.email'), ref('A.guest.shared.email'), ref('B.guest.other.email')),
  ),
  role: fc.constantFrom('admin', 'standard', 'light'),
  slug: fc.constantFrom('daily_digest', 'task_reminders', 'content_language', 'app_language'),
  value: fc.constantFrom(true, false, 'de', 'en-US', null),
  cadence_days: fc.constantFrom(['Monday'], ['Tuesday', 'Friday'], [], null),
  associated_members: fc.constantFrom([ref('A.member.admin')], [ref('A.member.standard'), ref('A.member.light')], []),
  members: fc.constantFrom([ref('A.member.admin')], [ref('A.member.light'), ref('A.member.disabled')], []),
  guests: fc.constantFrom([ref('A.guest.active.email')], [ref('A.guest.shared.email'), ref('A.guest.other.email')], []),
  name: fc.nat({ max: 1_000_000 }).map((n) => `Group ${n}`),
  first_name: fc.constantFrom('Ann', 'Émile', '李'),
  last_name: fc.constantFrom('Lee', "O'Brien"),
  company_name: fc.constant('Acme'),
  timezone: fc.constantFrom('America/Chicago', 'Europe/Paris'),
  company_url: fc.constant('https://acme.test/'),
  external_sync_source: fc.constant('salesforce'),
  external_date_creation: fc.constant('2025-01-15 10:30:00'),
  with_reassignment: fc.boolean(),
  to: fc.constantFrom(ref('A.member.admin'), ref('A.member.standard')),
  expires_in_days: fc.constantFrom(1, 30),
};

/** Fields of a browser form, with values that pass. */
const GOOD_FORM: Record<string, fc.Arbitrary<string>> = {
  cadence_days: fc.constantFrom('Monday', 'Sunday'),
  daily_digest: fc.constant('on'),
  content_language: fc.constantFrom('de', 'en-US', ''),
  app_language: fc.constantFrom('fr', ''),
  first_name: fc.constant('Ann'),
  last_name: fc.constant('Lee'),
};

function valueArbitrary(fields: string[]): fc.Arbitrary<Json> {
  const keys = fc.constantFrom(...fields, ...EXTRA_KEYS);
  const leaf: fc.Arbitrary<Json> = fc.oneof(
    {
      weight: 4,
      arbitrary: hostileString.map((s) => (typeof s === 'string' ? s : 'h'.repeat(Math.min(s.huge, 5000)))),
    },
    {
      weight: 3,
      arbitrary: fc
        .constantFrom(...Object.values(PARAM_REFS).flat(), 'A.member.admin', 'A.member.standard', 'B.member.light')
        .map(ref),
    },
    { weight: 2, arbitrary: fc.nat({ max: 1_000_000 }).map((n) => `fz${n}@partner.test`) },
    { weight: 2, arbitrary: fc.constantFrom(0, -1, 1, 1.5, 2 ** 31, 2 ** 53, -(2 ** 63), 1e308, Number.MIN_VALUE) },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 2, arbitrary: fc.boolean() },
    { weight: 2, arbitrary: fc.constant(null) },
  );
  const { value } = fc.letrec<{ value: Json }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { weight: 6, arbitrary: leaf },
      { weight: 2, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
      {
        weight: 1,
        arbitrary: fc
          .array(fc.tuple(keys, tie('value')), { maxLength: 4 })
          .map((entries) => Object.fromEntries(entries)),
      },
    ),
  }));
  return value;
}

function bodyArbitrary(route: RouteInfo): fc.Arbitrary<BodySpec> {
  const formWeight = route.page ? 12 : 2;
  const fields = route.body.length > 0 ? route.body : ['email', 'first_name', 'name', 'slug', 'value', 'role'];
  const value = valueArbitrary(fields);
  // An object of the route's own fields, many of them with values that pass.
  const entry = fc
    .oneof(
      { weight: 8, arbitrary: fc.constantFrom(...fields, ...fields, ...EXTRA_KEYS) },
      { weight: 1, arbitrary: hostileKey },
    )
    .chain((field) =>
      fc.tuple(
        fc.constant(field),
        Object.hasOwn(GOOD, field)
          ? fc.oneof({ weight: 3, arbitrary: GOOD[field] as fc.Arbitrary<Json> }, { weight: 2, arbitrary: value })
          : value,
      ),
    );
  const mixed = fc.array(entry, { minLength: 1, maxLength: 6 }).map((entries) => Object.fromEntries(entries));
  // An object that could pass as a whole: only fields the route knows, each with a passing value.
  const goodFields = fields.filter((field) => Object.hasOwn(GOOD, field));
  const passing =
    goodFields.length === 0
      ? mixed
      : fc.record(Object.fromEntries(goodFields.map((field) => [field, GOOD[field] as fc.Arbitrary<Json>])), {
          requiredKeys: goodFields.filter((field) => ['email', 'name', 'role', 'slug', 'value'].includes(field)),
        });
  const shaped = fc.oneof({ weight: 3, arbitrary: mixed }, { weight: 2, arbitrary: passing });
  const formFields = [...fields, ...Object.keys(GOOD_FORM), 'unknown'];
  const formEntry = fc
    .constantFrom(...formFields)
    .chain((field) =>
      fc.tuple(
        fc.constant(field),
        Object.hasOwn(GOOD_FORM, field)
          ? fc.oneof(
              { weight: 3, arbitrary: GOOD_FORM[field] as fc.Arbitrary<string> },
              { weight: 1, arbitrary: hostileString.map((s) => (typeof s === 'string' ? s : 'h'.repeat(s.huge))) },
            )
          : hostileString.map((s) => (typeof s === 'string' ? s : 'h'.repeat(s.huge))),
      ),
    );
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant<BodySpec>({ kind: 'none' }) },
    { weight: 10, arbitrary: shaped.map((v): BodySpec => ({ kind: 'json', value: v })) },
    { weight: 2, arbitrary: fc.array(shaped, { maxLength: 5 }).map((v): BodySpec => ({ kind: 'json', value: v })) },
    { weight: 2, arbitrary: value.map((v): BodySpec => ({ kind: 'json', value: v })) },
    {
      weight: 1,
      arbitrary: fc
        .record({ depth: fc.integer({ min: 20, max: 200 }), array: fc.boolean() })
        .map((d): BodySpec => ({ kind: 'deep', ...d })),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({ field: fc.constantFrom(...fields), size: fc.constantFrom(5_000, 70_000) })
        .map((h): BodySpec => ({ kind: 'huge-field', ...h })),
    },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(
          '{',
          '{"a":',
          '}',
          'null',
          'undefined',
          '"str"',
          '[1,2,',
          'NaN',
          '1e999',
          "{'a':1}",
          '{"a":1}}',
          '\u0000',
          '<x/>',
          'a=b&c=d',
          '{"__proto__":{"admin":true}}',
          '{"constructor":{"prototype":{"x":1}}}',
          '{"email":"a@b.test","email":"c@d.test"}',
          ' ',
          '\ufeff{}',
        )
        .map((text): BodySpec => ({ kind: 'text', text })),
    },
    { weight: 1, arbitrary: fc.constantFrom(...fields).map((field): BodySpec => ({ kind: 'bad-utf8', field })) },
    {
      weight: formWeight,
      arbitrary: fc.array(formEntry, { maxLength: 5 }).map((pairs): BodySpec => ({ kind: 'form', pairs })),
    },
  );
}

const OTHER_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

/** Requests for one route: mostly its own method with parameters real or hostile. */
export function requestArbitrary(route: RouteInfo): fc.Arbitrary<FuzzRequest> {
  // The organization is mostly A's, so that the other parameters are tried past the membership check.
  const param = (name: string) =>
    fc.oneof(
      {
        weight: name === 'org_id' ? 12 : 3,
        arbitrary: fc
          .constantFrom(...(Object.hasOwn(PARAM_REFS, name) ? (PARAM_REFS[name] as string[]) : ['A.org']))
          .map(ref),
      },
      { weight: 2, arbitrary: hostileString },
    );
  const queryKeys = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.constantFrom(
        ...route.query,
        ...route.query,
        'q',
        'page',
        'per_page',
        'limit',
        'sort',
        'with',
        'without_pagination',
        'x',
        '__proto__',
        'constructor',
        'a[]',
        'a[b]',
        'page[0]',
      ),
    },
    { weight: 1, arbitrary: hostileKey },
  );
  return fc.record({
    method: fc.oneof(
      { weight: 12, arbitrary: fc.constant(route.method) },
      { weight: 1, arbitrary: fc.constantFrom(...OTHER_METHODS) },
    ),
    params: fc.tuple(...route.params.map(param)),
    rawPath: fc.boolean(),
    query: fc.oneof(
      { weight: 2, arbitrary: fc.constant([] as Array<[string, string | { huge: number }]>) },
      { weight: 3, arbitrary: fc.array(fc.tuple(queryKeys, hostileString), { maxLength: 4 }) },
    ),
    auth: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...GOOD_AUTH) },
      { weight: 1, arbitrary: fc.constantFrom(...BAD_AUTH) },
    ),
    // Mostly the type the body is written in (JSON, or a form for a form body), at times another.
    contentType: fc.oneof(
      { weight: 3, arbitrary: fc.constant('fitting') },
      { weight: 1, arbitrary: fc.constantFrom(...ODD_CONTENT_TYPES) },
    ),
    extraHeaders: fc.oneof(
      { weight: 3, arbitrary: fc.constant([] as Array<[string, string]>) },
      { weight: 1, arbitrary: fc.subarray(EXTRA_HEADERS, { maxLength: 3 }) },
    ),
    body: bodyArbitrary(route),
  });
}

function resolve(value: Json, real: Record<string, string | number>): Json {
  if (typeof value === 'string')
    return value.startsWith(REF) && Object.hasOwn(real, value.slice(1)) ? real[value.slice(1)] : value;
  if (Array.isArray(value)) return value.map((v) => resolve(v, real));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, real)]));
  }
  return value;
}

const text = (value: string | { huge: number }, real: Record<string, string | number>): string =>
  typeof value === 'string' ? String(resolve(value, real)) : 'z'.repeat(value.huge);

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** UTF-8 percent-encoding that also writes lone surrogates (as the bytes no decoder accepts). */
function encodeSegment(value: string, raw: boolean): string {
  if (!LONE_SURROGATE.test(value)) {
    // Raw: only what cannot stand in a URL is escaped; the rest (quotes, brackets, non-ASCII) goes as it is.
    return raw ? value.replace(/[^\x21-\x7e]+|[#?%/]/gu, (c) => encodeURIComponent(c)) : encodeURIComponent(value);
  }
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0) as number;
    out +=
      code >= 0xd800 && code <= 0xdfff
        ? `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase()
        : encodeURIComponent(char);
  }
  return out;
}

function authorization(auth: string, real: Record<string, string | number>): string | undefined {
  if (auth.startsWith('A.token.')) return `Bearer ${real[auth]}`;
  switch (auth) {
    case 'none':
      return undefined;
    case 'empty':
      return '';
    case 'garbage':
      return 'Bearer gst_notatokenatall';
    case 'huge':
      return `Bearer gst_${'a'.repeat(20_000)}`;
    case 'basic':
      return 'Basic YWRtaW46YWRtaW4=';
    case 'bearer-only':
      return 'Bearer';
    case 'lower':
      return `bearer ${real['A.token.light']}`;
    case 'unicode':
      return 'Bearer gst_ü\u00ff';
    case 'two':
      return `Bearer ${real['A.token.admin']}, Bearer ${real['A.token.light']}`;
    default:
      return 'Bearer ';
  }
}

function payloadOf(body: BodySpec, real: Record<string, string | number>): string | Buffer | undefined {
  switch (body.kind) {
    case 'none':
      return undefined;
    case 'json':
      return JSON.stringify(resolve(body.value, real)) ?? 'null';
    case 'deep':
      return body.array
        ? `${'['.repeat(body.depth)}1${']'.repeat(body.depth)}`
        : `${'{"a":'.repeat(body.depth)}1${'}'.repeat(body.depth)}`;
    case 'huge-field':
      return JSON.stringify({ [body.field]: 'h'.repeat(body.size) });
    case 'text':
      return body.text;
    case 'bad-utf8':
      return Buffer.concat([
        Buffer.from(`{"${body.field}":"a`),
        Buffer.from([0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80]),
        Buffer.from('"}'),
      ]);
    case 'form':
      return body.pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeSegment(v, false)}`).join('&');
  }
}

/** The request as app.inject takes it, with every real value filled in. */
export function toInject(route: RouteInfo, request: FuzzRequest, real: Record<string, string | number>): InjectOptions {
  let index = 0;
  const path = route.url.replace(/:([A-Za-z0-9_]+)/g, () =>
    encodeSegment(text(request.params[index++] ?? '', real), request.rawPath),
  );
  const query = request.query
    .map(([k, v]) => `${encodeSegment(k, request.rawPath)}=${encodeSegment(text(v, real), request.rawPath)}`)
    .join('&');
  const headers: Record<string, string> = {};
  const auth = authorization(request.auth, real);
  if (auth !== undefined) headers.authorization = auth;
  for (const [name, value] of request.extraHeaders) headers[name] = value;
  const payload = payloadOf(request.body, real);
  const contentType =
    request.contentType !== 'fitting'
      ? request.contentType
      : request.body.kind === 'form'
        ? 'application/x-www-form-urlencoded'
        : 'application/json';
  if (contentType !== null && (payload !== undefined || contentType === 'application/json'))
    headers['content-type'] = contentType;
  return {
    method: request.method as InjectOptions['method'],
    url: query ? `${path}?${query}` : path,
    headers,
    ...(payload !== undefined && { payload }),
  };
}
