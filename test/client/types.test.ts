/**
 * The client's types refuse wrong calls (README, TypeScript client). `uses` below is never run:
 * it is checked by `tsc` (npm run typecheck), where each `@ts-expect-error` line must be an error
 * or tsc fails. The test compiles this file once more with those comments taken out and checks
 * that every marked line, and only those, is an error: the marks cannot pass by being misplaced.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { ApiError, type Client, type ItemOf } from '../../packages/client/src/index.js';

const ORG = 'a'.repeat(32);

export async function uses(client: Client) {
  // Right: params, body and answers typed from the document.
  const created = await client.createGuest({ params: { org_id: ORG }, body: { email: 'ada@partner.test' } });
  if (created.status === 201) created.data.data.email.toLowerCase();
  await client.listGuests({ params: { org_id: ORG }, query: { per_page: 100, sort: '-created_at' } });
  await client.me();
  for await (const guest of client.paginate('listGuests', { params: { org_id: ORG } })) void guest.details.company_name;
  const item: ItemOf<'listMembers'> | undefined = undefined;
  void item;

  // @ts-expect-error a path parameter is missing
  await client.getGuest({ params: { org_id: ORG } });
  // @ts-expect-error an operation with path parameters needs its request
  await client.createGuest();
  // @ts-expect-error the body's email is a string
  await client.createGuest({ params: { org_id: ORG }, body: { email: 42 } });
  // @ts-expect-error the body has no such field
  await client.createGuest({ params: { org_id: ORG }, body: { email: 'a@b.test', nickname: 'A' } });
  // @ts-expect-error no sort key of that name
  await client.listGuests({ params: { org_id: ORG }, query: { sort: 'shoe_size' } });
  // @ts-expect-error this operation takes no query
  await client.me({ query: { page: 1 } });
  // @ts-expect-error no operation of that name
  await client.createGust({ params: { org_id: ORG } });
  // @ts-expect-error a guest has no such field
  void created.data.data.shoe_size;
  // @ts-expect-error only list operations have pages
  client.paginate('getGuest', { params: { org_id: ORG, guest_email: 'a@b.test' } });
  // @ts-expect-error the problem's code is one of the catalogue's
  const code: ApiError['code'] = 'SOMETHING_ELSE';
  void code;
}

const FILE = fileURLToPath(import.meta.url);
const MARK = '// @ts-expect-error';

/** The lines (1-based) of `source` that follow a mark. */
function markedLines(source: string): number[] {
  return source.split('\n').flatMap((line, index) => (line.trim().startsWith(MARK) ? [index + 2] : []));
}

describe('client types', () => {
  it('make each marked call, and only those, an error', () => {
    const source = readFileSync(FILE, 'utf8');
    const unmarked = source
      .split('\n')
      .map((line) => (line.trim().startsWith(MARK) ? '//' : line))
      .join('\n');
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const config = ts.readConfigFile(`${root}tsconfig.json`, (path) => ts.sys.readFile(path));
    const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    host.readFile = (path) => (path === FILE ? unmarked : readFile(path));
    const program = ts.createProgram({ rootNames: [FILE], options, host });
    const errors = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file?.fileName === FILE && d.start !== undefined)
      .map((d) => d.file!.getLineAndCharacterOfPosition(d.start!).line + 1);
    const expected = markedLines(source);
    assert.equal(expected.length, 10);
    assert.deepEqual(
      [...new Set(errors)].sort((a, b) => a - b),
      expected,
    );
  });
});
