/**
 * Writes the TypeScript client's generated half (packages/client/src/generated.ts) from the
 * service's OpenAPI document: a type per component schema, and per operation (by its
 * `operationId`) the path parameters, query, body and the answer of every status, plus the table
 * the runtime calls through (method, path, base path, kind of answer). README, TypeScript client.
 *
 * Hand-written rather than openapi-typescript: that tool's peer dependency is TypeScript 5 (this
 * repository is on 6), and the document, written by TypeBox, uses a small part of JSON Schema
 * (types, nullable type arrays, anyOf, enum, objects, arrays, `$ref` to components), which a
 * short converter covers completely; whatever it does not know becomes `unknown`, never `any`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';

/** Where the generated source lives, checked in. */
export const GENERATED_FILE = fileURLToPath(new URL('../packages/client/src/generated.ts', import.meta.url));

/** The part of JSON Schema the document uses. */
interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  description?: string;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema: Schema;
}

interface Operation {
  operationId?: string;
  summary?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
  servers?: Array<{ url: string }>;
}

export interface OpenApiDocument {
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

/**
 * The document as the service serves it at /openapi.json, from the app built in process on an
 * empty in-memory database (no network, no listening socket).
 */
export async function openApiDocument(): Promise<OpenApiDocument> {
  const config = loadConfig({
    DATABASE_URL: 'sqlite::memory:',
    DATA_DIR: '/nonexistent',
    PUBLIC_BASE_URL: 'http://guests.invalid',
    EMAIL_DNS_CHECK: 'off',
    SEED_DEMO: 'false',
  });
  const db = openDatabase(config.database);
  try {
    const app = await buildApp({
      config,
      db,
      emailChecker: { checkDomain: () => Promise.reject(new Error('no email checks while generating')) },
      logger: false,
    });
    await app.ready();
    const document = JSON.parse(JSON.stringify(app.swagger())) as OpenApiDocument;
    await app.close();
    return document;
  } finally {
    await db.close();
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function key(name: string): string {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

function doc(text: string | undefined): string {
  return text ? `/** ${text.replace(/\*\//g, '*\\/').replace(/\n/g, ' ')} */\n` : '';
}

function refName(ref: string): string {
  const name = ref.replace('#/components/schemas/', '');
  if (!IDENTIFIER.test(name)) throw new Error(`component name ${name} is no TypeScript identifier`);
  return name;
}

/** The TypeScript type of a schema. */
export function typeOf(schema: Schema | undefined): string {
  if (!schema) return 'unknown';
  if (schema.$ref) return refName(schema.$ref);
  if ('const' in schema) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map((member) => `(${typeOf(member)})`).join(' | ');
  if (schema.allOf) return schema.allOf.map((member) => `(${typeOf(member)})`).join(' & ');
  if (Array.isArray(schema.type)) return schema.type.map((type) => typeOf({ ...schema, type })).join(' | ');
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return `Array<${typeOf(schema.items)}>`;
    case 'object':
      return objectType(schema);
    default:
      return 'unknown';
  }
}

function objectType(schema: Schema): string {
  const required = new Set(schema.required ?? []);
  const lines = Object.entries(schema.properties ?? {}).map(
    ([name, property]) =>
      `${doc(property.description)}${key(name)}${required.has(name) ? '' : '?'}: ${typeOf(property)};`,
  );
  const extra = schema.additionalProperties;
  if (extra === true || (extra === undefined && lines.length === 0)) lines.push('[key: string]: unknown;');
  else if (extra && typeof extra === 'object') lines.push(`[key: string]: ${typeOf(extra)};`);
  return `{\n${lines.join('\n')}\n}`;
}

/** The object type of a set of parameters (path or query). */
function parametersType(parameters: Parameter[]): string {
  return `{\n${parameters
    .map((p) => `${doc(p.description)}${key(p.name)}${p.required ? '' : '?'}: ${typeOf(p.schema)};`)
    .join('\n')}\n}`;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** What the runtime needs of one operation (the `OPERATIONS` table). */
interface OperationInfo {
  id: string;
  method: string;
  path: string;
  base: string;
  answer: 'json' | 'bytes';
  list: boolean;
  source: string;
}

function basePath(url: string): string {
  return new URL(url).pathname.replace(/\/$/, '');
}

/**
 * Whether a 200 answer is a page: `data` an array and `meta.pagination` present, through the
 * components the document names (an envelope such as `GuestList` is one).
 */
function isPage(operation: Operation, components: Record<string, Schema>): boolean {
  const resolve = (schema: Schema | undefined): Schema | undefined =>
    schema?.$ref ? resolve(components[refName(schema.$ref)]) : schema;
  const schema = resolve(operation.responses['200']?.content?.['application/json']?.schema);
  const meta = resolve(schema?.properties?.meta);
  return resolve(schema?.properties?.data)?.type === 'array' && Boolean(resolve(meta?.properties?.pagination));
}

function operationSource(
  id: string,
  method: string,
  path: string,
  operation: Operation,
  components: Record<string, Schema>,
): OperationInfo {
  const parameters = operation.parameters ?? [];
  const pathParams = parameters.filter((p) => p.in === 'path');
  const query = parameters.filter((p) => p.in === 'query');
  const body = operation.requestBody?.content['application/json']?.schema;
  // A part the operation does not take is `?: never`: passing one is a type error, not ignored.
  const parts = [
    pathParams.length > 0
      ? `params: ${parametersType(pathParams.map((p) => ({ ...p, required: true })))};`
      : 'params?: never;',
    query.length > 0 ? `query?: ${parametersType(query)};` : 'query?: never;',
    body ? `body${operation.requestBody?.required ? '' : '?'}: ${typeOf(body)};` : 'body?: never;',
  ];
  let bytes = false;
  const responses = Object.entries(operation.responses).map(([status, response]) => {
    const content = response.content ?? {};
    if (content['application/octet-stream']) bytes = true;
    const schema = content['application/json']?.schema ?? content['application/problem+json']?.schema;
    const type = content['application/octet-stream'] ? 'Uint8Array' : schema ? typeOf(schema) : 'undefined';
    return `${status}: ${type};`;
  });
  const required = pathParams.length > 0 || Boolean(body && operation.requestBody?.required);
  const source =
    `${doc(`${operation.summary ?? id} (\`${method.toUpperCase()} ${path}\`).`)}${id}: {\n` +
    `request: {\n${parts.join('\n')}\n};\n` +
    `requestRequired: ${required};\n` +
    `responses: {\n${responses.join('\n')}\n};\n};`;
  return {
    id,
    method: method.toUpperCase(),
    path,
    base: '',
    answer: bytes ? 'bytes' : 'json',
    list: isPage(operation, components),
    source,
  };
}

/** The generated module's text (formatted as the repository formats TypeScript). */
export async function renderClient(document: OpenApiDocument): Promise<string> {
  const defaultBase = basePath(document.servers[0]?.url ?? 'http://x/');
  const operations: OperationInfo[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      if (!operation.operationId) throw new Error(`${method.toUpperCase()} ${path} has no operationId`);
      const info = operationSource(operation.operationId, method, path, operation, document.components.schemas);
      info.base = operation.servers?.[0] ? basePath(operation.servers[0].url) : defaultBase;
      operations.push(info);
    }
  }
  operations.sort((a, b) => a.id.localeCompare(b.id));
  const components = Object.entries(document.components.schemas)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([name, schema]) =>
        `${doc(schema.description)}export type ${refName(`#/components/schemas/${name}`)} = ${typeOf(schema)};`,
    );
  const table = operations.map(
    (o) =>
      `${o.id}: { method: ${JSON.stringify(o.method)}, path: ${JSON.stringify(o.path)}, base: ${JSON.stringify(o.base)}, answer: ${JSON.stringify(o.answer)} },`,
  );
  const lists = operations.filter((o) => o.list).map((o) => JSON.stringify(o.id));
  const text = [
    "// Generated from the service's OpenAPI document by scripts/generate-client.ts: do not edit.",
    '// `npm run client:generate` rewrites it; test/client/generated.test.ts fails when it is stale.',
    '',
    ...components,
    '',
    '/** Every operation by its operationId: what a call takes and what each status answers. */',
    `export interface Operations {\n${operations.map((o) => o.source).join('\n')}\n}`,
    '',
    '/** How each operation is called: method, path template, base path and kind of success body. */',
    `export const OPERATIONS = {\n${table.join('\n')}\n} as const;`,
    '',
    '/** The operations that answer a page (`data` and `meta.pagination`): the ones `paginate` walks. */',
    `export type ListOperationId = ${lists.join(' | ')};`,
    '',
  ].join('\n');
  const options = await resolveConfig(GENERATED_FILE);
  return format(text, { ...options, filepath: GENERATED_FILE });
}

/** The checked-in generated source. */
export function checkedIn(): string {
  return readFileSync(GENERATED_FILE, 'utf8');
}
