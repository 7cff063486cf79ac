/** Shared by the import tests: malformed files (some made as streams), counts and polling. */
import { Readable } from 'node:stream';
import type { TestContext } from '../../support/app.js';
import { authHeaders } from '../../support/app.js';

/** The organization's active guests. */
export async function activeGuests(ctx: Pick<TestContext, 'db'>, orgId: string): Promise<number> {
  const row = await ctx.db.kysely
    .selectFrom('organization_guests')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organization_id', '=', orgId)
    .where('deleted_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A line of `bytes` bytes after the header, made piece by piece: never one string in memory. */
export function longLineCsv(bytes: number): () => Readable {
  return () =>
    Readable.from(
      (function* () {
        yield Buffer.from('email,first_name\nlong.line@partner.test,');
        const piece = Buffer.alloc(1024 * 1024, 'x');
        for (let left = bytes; left > 0; left -= piece.length)
          yield left >= piece.length ? piece : piece.subarray(0, left);
        yield Buffer.from('\n');
      })(),
    );
}

/** Files every import refuses as a whole, with a word of the message each must give. */
export const MALFORMED: Array<{ name: string; csv: () => string | Readable; message: RegExp; line: number }> = [
  {
    name: 'bad quoting',
    csv: () => 'email,first_name\nok.quote@partner.test,Ann\nbad.quote@partner.test,"Bo"b"\n',
    message: /quot/i,
    line: 3,
  },
  {
    name: 'an unclosed quote',
    csv: () => 'email,first_name\nok.unclosed@partner.test,"Ann\n',
    message: /not closed/,
    line: 2,
  },
  {
    name: 'an unknown column',
    csv: () => 'email,first_name,shoe_size\nok.unknown@partner.test,Ann,42\n',
    message: /unknown column "shoe_size"/,
    line: 1,
  },
  {
    name: 'no email column',
    csv: () => 'first_name,last_name\nAnn,Lee\n',
    message: /no "email" column/,
    line: 1,
  },
  {
    name: 'a repeated column',
    csv: () => 'email,First_Name, first_name\nok.repeat@partner.test,Ann,Ann\n',
    message: /more than once/,
    line: 1,
  },
  {
    name: '10,000 columns',
    csv: () =>
      `${Array.from({ length: 10_000 }, (_, i) => (i === 0 ? 'email' : 'x')).join(',')}\nok.wide@partner.test\n`,
    message: /10000 columns; at most 100/,
    line: 1,
  },
  {
    name: 'a row with more fields than the header',
    csv: () => 'email,first_name\nok.fields@partner.test,Ann\nmore.fields@partner.test,Bo,extra\n',
    message: /as many fields as the header/,
    line: 3,
  },
  {
    name: 'a 50 MB line',
    csv: longLineCsv(50_000_000),
    message: /longer than 65536 bytes/,
    line: 2,
  },
];

/** Polls Get import until the import is completed or failed. */
export async function pollImport(
  ctx: Pick<TestContext, 'app'>,
  token: string,
  url: string,
  timeoutMs = 60_000,
): Promise<ImportData> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const response = await ctx.app.inject({ method: 'GET', url, headers: authHeaders(token) });
    if (response.statusCode !== 200) throw new Error(`Get import: ${response.statusCode} ${response.body}`);
    const data = response.json<{ data: ImportData }>().data;
    if (data.status === 'completed' || data.status === 'failed') return data;
    if (Date.now() > until) throw new Error(`the import is still ${data.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface ImportData {
  id: string;
  status: string;
  counts: {
    rows: number | null;
    processed: number;
    imported: number;
    created: number;
    existing: number;
    failed: number;
  };
  failed_rows: Array<{
    line: number;
    email: string | null;
    code: string;
    message: string;
    errors: Record<string, string[]>;
  }>;
  failed_rows_omitted: number;
  error: { line: number; message: string } | null;
  size: number;
}
