/**
 * Schema validation without HTTP: the Ajv instances behind every schema, the custom formats of
 * the field rules, and the translation of Ajv's errors into Laravel-style field messages. The API
 * validates requests with it (http/validation.ts), and bulk creates validate each item with it.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { isValidTimestamp } from './time.js';
import { ErrorBag, type FieldErrors } from './errors.js';

/** An absolute http(s) URL with a host. */
export function isHttpUrl(value: string): boolean {
  if (value.length > 2048) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

// Building an Intl.DateTimeFormat to test a zone costs about as much as the rest of a create;
// answers are remembered (the set of zone names is small and fixed for the process).
const knownZones = new Map<string, boolean>();

/** An IANA time zone name that this runtime's Intl knows, e.g. `America/Chicago`. */
export function isTimeZone(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(value) || value.length > 64) return false;
  const known = knownZones.get(value);
  if (known !== undefined) return known;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    valid = true;
  } catch {
    valid = false;
  }
  // Unknown names are not remembered: a client sending random names must not grow the map.
  if (valid && knownZones.size < 5000) knownZones.set(value, true);
  return valid;
}

const FORMAT_MESSAGES: Record<string, (field: string) => string> = {
  'http-url': (f) => `The ${f} must be a valid URL.`,
  timezone: (f) => `The ${f} must be a valid timezone.`,
  'tallyfy-datetime': (f) => `The ${f} does not match the format Y-m-d H:i:s.`,
};

/** An Ajv instance with the service's formats; `coerce` turns text into the schema's types (path and query values). */
export function createAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    coerceTypes: coerce ? 'array' : false,
    removeAdditional: false,
    useDefaults: true,
    strict: false,
    // Errors carry the failing value, so a null where a value is required reads as "required".
    verbose: true,
  });
  ajv.addFormat('http-url', { type: 'string', validate: isHttpUrl });
  ajv.addFormat('timezone', { type: 'string', validate: isTimeZone });
  ajv.addFormat('tallyfy-datetime', { type: 'string', validate: isValidTimestamp });
  ajv.addKeyword({ keyword: 'example' });
  return ajv;
}

/** A validator of `schema`, strict (a number is not a string), as the API validates bodies. */
export function compileBodyValidator(schema: object): ValidateFunction {
  return createAjv(false).compile(schema);
}

function typeName(type: unknown): string {
  const first = Array.isArray(type) ? type.find((t) => t !== 'null') : type;
  switch (first) {
    case 'integer':
      return 'an integer';
    case 'number':
      return 'a number';
    case 'array':
      return 'an array';
    case 'object':
      return 'an object';
    case 'boolean':
      return 'true or false';
    default:
      return 'a string';
  }
}

/** `/associated_members/1` -> `associated_members.1` (Laravel's dotted field names). */
function fieldOf(error: ErrorObject): string {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'required') path.push(String(error.params.missingProperty));
  if (error.keyword === 'additionalProperties') path.push(String(error.params.additionalProperty));
  return path.join('.');
}

function messageOf(error: ErrorObject, field: string): string | undefined {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `The ${field} field is required.`;
    case 'additionalProperties':
      return `The ${field} field is not allowed: this endpoint does not know it.`;
    case 'type':
      return error.data === null ? `The ${field} field is required.` : `The ${field} must be ${typeName(p.type)}.`;
    case 'maxLength':
      return `The ${field} may not be greater than ${String(p.limit)} characters.`;
    case 'minLength':
      return `The ${field} must be at least ${String(p.limit)} characters.`;
    case 'maxItems':
      return `The ${field} may not have more than ${String(p.limit)} items.`;
    case 'minItems':
      return `The ${field} must have at least ${String(p.limit)} items.`;
    case 'uniqueItems':
      return `The ${field} field has a duplicate value.`;
    case 'enum':
    case 'const':
      return `The selected ${field} is invalid.`;
    case 'minimum':
      return `The ${field} must be at least ${String(p.limit)}.`;
    case 'maximum':
      return `The ${field} may not be greater than ${String(p.limit)}.`;
    case 'pattern':
      return `The ${field} format is invalid.`;
    case 'format':
      return (FORMAT_MESSAGES[String(p.format)] ?? ((f: string) => `The ${f} format is invalid.`))(field);
    // anyOf/oneOf/if only summarize errors already reported for their branches.
    case 'anyOf':
    case 'oneOf':
    case 'if':
      return undefined;
    default:
      return `The ${field} is invalid.`;
  }
}

/**
 * Field errors handed on, never added to: the schema's failures a route gives a service, which
 * answers them together with its own checks.
 */
export type ReadonlyFieldErrors = Readonly<Record<string, readonly string[]>>;

/** No failure at all. */
export const NO_FIELD_ERRORS: ReadonlyFieldErrors = Object.freeze(Object.create(null) as FieldErrors);

/**
 * A collector for one check: it starts with the failures found before it (a field that failed
 * already is not checked again), so that every failing field is answered at once, in one 422.
 */
export function collectFieldErrors(...before: ReadonlyFieldErrors[]): ErrorBag {
  const bag = new ErrorBag();
  for (const errors of before)
    for (const [field, messages] of Object.entries(errors)) for (const message of messages) bag.add(field, message);
  return bag;
}

/** Ajv errors -> field errors. `context` is Fastify's name of the request part that failed. */
export function fieldErrorsFromAjv(errors: ErrorObject[], context: string | undefined): FieldErrors {
  const bag = new ErrorBag();
  for (const error of errors) {
    let field = fieldOf(error);
    if (field === '') {
      field = context === 'body' || context === undefined ? 'body' : context;
      if (error.keyword === 'type') {
        bag.add(field, `The request ${field === 'body' ? 'body' : field} must be a JSON object.`);
        continue;
      }
    }
    const message = messageOf(error, field);
    if (message && !bag.errors[field]?.includes(message)) bag.add(field, message);
  }
  return bag.errors;
}

// NUL and the other C0/C1 controls but tab, line feed and carriage return, and UTF-16 halves
// without their other half: PostgreSQL refuses NUL in text, and none of these is text a person wrote.
const UNSAFE_TEXT =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether any string in `value` holds unsafe characters: the walk of `unsafeTextErrors` without its
 * paths and errors, for the values (nearly all) that have none.
 */
export function hasUnsafeText(value: unknown): boolean {
  if (typeof value === 'string') return UNSAFE_TEXT.test(value);
  if (Array.isArray(value)) return value.some(hasUnsafeText);
  if (value === null || typeof value !== 'object') return false;
  for (const key in value) {
    if (Object.hasOwn(value, key) && hasUnsafeText((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/** Field errors for every string in `value` (a body, query or params) holding unsafe characters. */
export function unsafeTextErrors(value: unknown): ReadonlyFieldErrors {
  // Paths and messages are only made when there is something to name.
  if (!hasUnsafeText(value)) return NO_FIELD_ERRORS;
  const bag = new ErrorBag();
  const visit = (item: unknown, path: string[]): void => {
    if (typeof item === 'string') {
      if (UNSAFE_TEXT.test(item)) {
        const field = path.join('.') || 'body';
        bag.add(field, `The ${field} contains control characters or malformed Unicode.`);
      }
    } else if (Array.isArray(item)) {
      item.forEach((element, index) => visit(element, [...path, String(index)]));
    } else if (item !== null && typeof item === 'object') {
      for (const [key, element] of Object.entries(item as Record<string, unknown>)) visit(element, [...path, key]);
    }
  };
  visit(value, []);
  return bag.errors;
}

/**
 * The fields of a body that has not passed its schema, or may not have: a route with
 * `attachValidation` runs its handler whatever the body is, so no field can be trusted to be
 * there or to have the schema's type.
 */
export type UncheckedFields<T> = { readonly [K in keyof T]?: unknown };
