/**
 * The pages under docs/ and the OpenAPI document name the same operations. Each operation the
 * docs describe has a line of its own holding only `` `METHOD /path` `` (paths in the document's
 * `{param}` form); an operation the document places under `/api` only (the guest and invitation
 * JSON) is written with its `/api` prefix. Routes the document leaves out on purpose (the guest
 * page, the invitation page, `/openapi.json`, `/docs/errors`) must be documented too, and must be
 * routes the app really serves.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTestApp, type TestContext } from '../../support/app.js';

const DOCS_DIR = join(import.meta.dirname, '..', '..', 'docs');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const OPERATION_LINE = new RegExp(`^\`(${METHODS.join('|')}) (/[^\\s\`]*)\`$`);

interface Documented {
  operation: string;
  where: string;
  /** The heading of the section the line stands in. */
  section: string;
  /** The line right after the section's heading: a section is one operation's. */
  headsSection: boolean;
}

/** Every `METHOD /path` line of docs/*.md, with the page and the section it stands in. */
function documentedOperations(): Documented[] {
  const found: Documented[] = [];
  for (const file of readdirSync(DOCS_DIR)
    .filter((name) => name.endsWith('.md'))
    .sort()) {
    let section = '(before any section)';
    let previous = '';
    readFileSync(join(DOCS_DIR, file), 'utf8')
      .split('\n')
      .forEach((line) => {
        const heading = /^#{2,4} (.+)$/.exec(line);
        if (heading?.[1]) section = heading[1].trim();
        const match = OPERATION_LINE.exec(line.trim());
        if (match) {
          found.push({
            operation: `${match[1]} ${match[2]}`,
            where: `docs/${file}, ${section}`,
            section,
            headsSection: /^#{2,4} /.test(previous),
          });
        }
        if (line.trim() !== '') previous = line;
      });
  }
  return found;
}

type Servers = Array<{ url: string }> | undefined;

interface OpenApiDocument {
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, { servers?: Servers; operationId?: string }> & { servers?: Servers }>;
}

/** A heading in camelCase, as an operationId is named: `List guest's tasks` -> `listGuestsTasks`. */
function camelCase(heading: string): string {
  return heading
    .replace(/'/g, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word, i) => (i === 0 ? word.toLowerCase() : word.charAt(0).toUpperCase() + word.slice(1).toLowerCase()))
    .join('');
}

/** `/api` when every server of the operation is under `/api` (it answers there only), else ''. */
function basePrefix(servers: Array<{ url: string }>): string {
  const bases = servers.map((s) => new URL(s.url).pathname.replace(/\/$/, ''));
  return bases.every((base) => base === '/api') ? '/api' : '';
}

/** Every operation of the document as `METHOD /path`, `/api`-prefixed where it answers only there, with its id. */
function documentOperations(doc: OpenApiDocument): Array<{ operation: string; operationId?: string }> {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method.toUpperCase()))
      .map(([method, op]) => {
        const { servers, operationId } = op as { servers?: Servers; operationId?: string };
        const operation = `${method.toUpperCase()} ${basePrefix(servers ?? item.servers ?? doc.servers)}${path}`;
        return { operation, operationId };
      }),
  );
}

describe('docs/ and the OpenAPI document', () => {
  let ctx: TestContext;
  let inDocument: string[];
  let operationIds: Map<string, string | undefined>;
  /** Every route the app serves, as `METHOD /path` in the `{param}` form (HEAD left out). */
  const routes = new Set<string>();
  before(async () => {
    ctx = await buildTestApp({
      onRoute: (route) => {
        for (const method of [route.method].flat()) {
          if (method !== 'HEAD') routes.add(`${method} ${route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
        }
      },
    });
    const response = await ctx.app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(response.statusCode, 200);
    const operations = documentOperations(response.json() as OpenApiDocument);
    inDocument = operations.map((o) => o.operation);
    operationIds = new Map(operations.map((o) => [o.operation, o.operationId]));
  });
  after(() => ctx.close());

  it('finds the operations on both sides', () => {
    assert.ok(inDocument.length > 40, `the document has ${inDocument.length} operations`);
    assert.ok(documentedOperations().length > 40, 'docs/ has its operation lines');
    for (const operation of inDocument) assert.ok(routes.has(operation), `${operation} of the document is a route`);
  });

  it('documents every operation of the OpenAPI document, and nothing the app does not serve', () => {
    const documented = documentedOperations();
    const names = new Set(documented.map((d) => d.operation));
    const documentSet = new Set(inDocument);
    // Routes the document hides on purpose: served, but neither an `/api` twin of a documented path nor in the document.
    const hidden = [...routes].filter((route) => {
      if (documentSet.has(route)) return false;
      const [method, path] = route.split(' ') as [string, string];
      const twin = path.startsWith('/api/') ? `${method} ${path.slice('/api'.length)}` : undefined;
      return !(twin && routes.has(twin));
    });
    const hiddenSet = new Set(hidden);

    const undocumented = [...inDocument, ...hidden].filter((operation) => !names.has(operation));
    const unknown = documented.filter((d) => !documentSet.has(d.operation) && !hiddenSet.has(d.operation));
    const problems = [
      ...undocumented.map((operation) => `not in docs/: ${operation}`),
      ...unknown.map((d) => `in ${d.where} but neither in the OpenAPI document nor a route: ${d.operation}`),
    ];
    assert.deepEqual(problems, [], `docs/ and the OpenAPI document disagree:\n${problems.join('\n')}`);
  });

  it('gives each operation a section of its own, its method and path right under the heading', () => {
    const misplaced = documentedOperations()
      .filter((d) => !d.headsSection)
      .map((d) => `${d.operation} (${d.where})`);
    assert.deepEqual(misplaced, [], `operation lines not right under a heading of their own:\n${misplaced.join('\n')}`);
  });

  it('names each operation of the document after its heading in docs/ (operationId)', () => {
    const misnamed = documentedOperations()
      .filter((d) => operationIds.has(d.operation) && operationIds.get(d.operation) !== camelCase(d.section))
      .map((d) => `${d.operation} (${d.where}): ${operationIds.get(d.operation)}, not ${camelCase(d.section)}`);
    assert.deepEqual(misnamed, [], `operationIds that are not their heading in camelCase:\n${misnamed.join('\n')}`);
  });

  it('describes each operation in one place only', () => {
    const seen = new Map<string, string>();
    const repeated: string[] = [];
    for (const { operation, where } of documentedOperations()) {
      const first = seen.get(operation);
      if (first) repeated.push(`${operation}: ${first} and ${where}`);
      else seen.set(operation, where);
    }
    assert.deepEqual(repeated, [], `operations described twice:\n${repeated.join('\n')}`);
  });
});
