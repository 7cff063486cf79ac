/**
 * Names every JSON request body and success envelope of the OpenAPI document as a component, so a
 * generated client has types such as `CreateGuestBody`, `GuestEnvelope` and `GuestList` instead
 * of one anonymous type per operation. Done on the finished document (src/http/openapi-document.ts)
 * rather than by an `$id` per schema in every route file: every operation, present or future, gets
 * its names without its route file changing.
 *
 * A request body is named after its operation (`<OperationId>Body`). An answer whose schema has a
 * `title` (e.g. `GuestEnvelope`, set where the schema is defined) is named by it and shared by
 * every operation that answers it; any other is `<OperationId>Response` (or `...Response201`
 * beside another success status).
 */

type Schema = Record<string, unknown>;

interface Media {
  schema?: Schema;
}

interface Operation {
  operationId?: string;
  requestBody?: { content?: Record<string, Media> };
  responses?: Record<string, { content?: Record<string, Media> }>;
}

interface Document {
  paths?: object;
  components?: { schemas?: Record<string, Schema> };
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch']);
const JSON_TYPES = new Set(['application/json']);

const pascal = (id: string) => id.charAt(0).toUpperCase() + id.slice(1);

/** Moves each inline JSON body and success schema into `components.schemas`, leaving a `$ref`. */
export function nameBodiesAndEnvelopes(document: Document): void {
  const components = (document.components ??= {});
  const schemas = (components.schemas ??= {});
  const name = (wanted: string | undefined, fallback: string, schema: Schema): string => {
    for (const candidate of [wanted, fallback]) {
      if (!candidate) continue;
      const existing = schemas[candidate];
      if (!existing || JSON.stringify(existing) === JSON.stringify(schema)) return candidate;
    }
    return fallback;
  };
  const hoist = (media: Media, wanted: string | undefined, fallback: string) => {
    const schema = media.schema;
    if (!schema || '$ref' in schema) return;
    const chosen = name(wanted, fallback, schema);
    schemas[chosen] = schema;
    media.schema = { $ref: `#/components/schemas/${chosen}` };
  };

  for (const item of Object.values((document.paths ?? {}) as Record<string, Record<string, Operation>>)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method) || !operation.operationId) continue;
      const op = pascal(operation.operationId);
      for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) {
        if (JSON_TYPES.has(type)) hoist(media, undefined, `${op}Body`);
      }
      const successes = Object.keys(operation.responses ?? {}).filter((status) => status.startsWith('2'));
      for (const status of successes) {
        for (const [type, media] of Object.entries(operation.responses?.[status]?.content ?? {})) {
          if (!JSON_TYPES.has(type) || !media.schema) continue;
          // The response's own description is on the response: the shared schema keeps none.
          const { description: _description, ...schema } = media.schema;
          media.schema = schema;
          const suffix = status === successes[0] ? '' : status;
          hoist(media, title(schema), `${op}Response${suffix}`);
        }
      }
    }
  }
}

function title(schema: Schema | undefined): string | undefined {
  return typeof schema?.title === 'string' && /^[A-Z][A-Za-z0-9]*$/.test(schema.title) ? schema.title : undefined;
}
