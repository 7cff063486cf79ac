/**
 * Reading an import's CSV as a stream, in constant memory (docs/guests.md, Import guests), with
 * `csv-parse` (RFC 4180 quoting, a BOM skipped, CRLF or LF). Before the parser sees a byte, each
 * line is held to `maxLineBytes` and the text to UTF-8: a 50 MB line is refused at its first
 * 64 KiB instead of being gathered. Every flaw of the file becomes a CsvStructureError naming
 * its line.
 */
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse, type Info } from 'csv-parse';
import { CsvStructureError, mapHeader, type CsvColumn, type CsvLimits } from './csv-format.js';

const NEWLINE = 0x0a;

/** One record of the file and the line it ends on (1 = the first line). */
export interface CsvRecord {
  line: number;
  cells: string[];
}

/** Bytes in, UTF-8 text out, every line at most `maxLineBytes`; the SHA-256 and size of what passed. */
class LineGuard extends Transform {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private readonly hash = createHash('sha256');
  private lineBytes = 0;
  private line = 1;
  size = 0;

  constructor(private readonly maxLineBytes: number) {
    super({ readableObjectMode: false, decodeStrings: true });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    this.hash.update(chunk);
    let start = 0;
    for (let at = chunk.indexOf(NEWLINE); ; at = chunk.indexOf(NEWLINE, start)) {
      const end = at === -1 ? chunk.length : at;
      this.lineBytes += end - start;
      if (this.lineBytes > this.maxLineBytes) {
        done(new CsvStructureError(this.line, `the line is longer than ${this.maxLineBytes} bytes, the most allowed.`));
        return;
      }
      if (at === -1) break;
      this.line += 1;
      this.lineBytes = 0;
      start = at + 1;
    }
    try {
      done(null, this.decoder.decode(chunk, { stream: true }));
    } catch {
      done(new CsvStructureError(this.line, 'the file is not UTF-8 text.'));
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      done(null, this.decoder.decode());
    } catch {
      done(new CsvStructureError(this.line, 'the file is not UTF-8 text (it ends inside a character).'));
    }
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/** The parser's own errors, in the import's words; the rest as the parser says them. */
function structureError(error: unknown, maxLineBytes: number): unknown {
  if (error instanceof CsvStructureError) return error;
  const failure = error as { code?: string; lines?: number; message?: string; record?: unknown[] };
  if (typeof failure.code !== 'string' || !failure.code.startsWith('CSV_')) return error;
  const line = Math.max(1, failure.lines ?? 1);
  switch (failure.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new CsvStructureError(line, 'a quoted field is not closed before the end of the file.');
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return new CsvStructureError(
        line,
        'bad quoting: a field that holds a quote must be quoted as a whole, with each quote inside doubled ("").',
      );
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
      return new CsvStructureError(line, 'the row does not have as many fields as the header.');
    case 'CSV_MAX_RECORD_SIZE':
      return new CsvStructureError(line, `a record is longer than ${maxLineBytes} characters, the most allowed.`);
    default:
      return new CsvStructureError(line, failure.message ?? 'the file is not valid CSV.');
  }
}

/**
 * The records of `source` (the header first), each with its line. Throws CsvStructureError on any
 * flaw of the file; `guard` tells the size and SHA-256 once the source is read to its end.
 */
export async function* readRecords(
  source: AsyncIterable<Buffer>,
  limits: CsvLimits,
  done?: (file: { size: number; sha256: string }) => void,
): AsyncGenerator<CsvRecord> {
  const guard = new LineGuard(limits.maxLineBytes);
  const parser = parse({
    bom: true,
    info: true,
    skip_empty_lines: true,
    max_record_size: limits.maxLineBytes,
    relax_column_count: false,
    // A header wider than allowed is refused as soon as it is parsed, before any row is held to it.
    // (With `info`, the record arrives here already wrapped with its info.)
    on_record: (item: unknown, context: { records: number }) => {
      const cells = (item as { record: string[] }).record;
      if (context.records === 1 && cells.length > limits.maxColumns) mapHeader(cells, limits);
      return item as string[];
    },
  });
  const feeding = pipeline(source, guard, parser).catch((error: unknown) => {
    throw structureError(error, limits.maxLineBytes);
  });
  feeding.catch(() => undefined);
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      yield { line: item.info.lines, cells: item.record };
    }
  } catch (error) {
    throw structureError(error, limits.maxLineBytes);
  }
  await feeding;
  done?.({ size: guard.size, sha256: guard.digest() });
}

/** What a first pass over a file found: its header mapped to fields, data rows, size and hash. */
export interface CsvScan {
  columns: CsvColumn[];
  rows: number;
  size: number;
  sha256: string;
}

/**
 * The first pass: the whole file read once, in constant memory, for every structural flaw
 * (docs/guests.md, Import guests); nothing is written. Throws CsvStructureError.
 */
export async function scanCsv(source: AsyncIterable<Buffer>, limits: CsvLimits): Promise<CsvScan> {
  let columns: CsvColumn[] | undefined;
  let rows = 0;
  let file = { size: 0, sha256: '' };
  for await (const record of readRecords(source, limits, (f) => (file = f))) {
    if (columns === undefined) {
      columns = mapHeader(record.cells, limits);
      continue;
    }
    rows += 1;
    if (rows > limits.maxRows)
      throw new CsvStructureError(
        record.line,
        `the file has more than ${limits.maxRows} rows, the most an import takes.`,
      );
  }
  if (columns === undefined) throw new CsvStructureError(1, 'the file is empty; it needs a header row.');
  return { columns, rows, ...file };
}
