/**
 * The bytes of a file, in and out, in constant memory (docs/files.md, Upload file, Download file).
 * An upload is read as it arrives and written a chunk (about 256 KiB) at a time, each chunk its own
 * statement: no write transaction lasts as long as an upload (on SQLite one would stop every other
 * write meanwhile). A download reads one chunk per statement as the client takes them.
 */
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { AppError } from '../core/errors.js';
import { writeInChunks } from '../core/chunked-stream.js';
import { recognize, textChecker } from './file-kinds.js';
import * as repo from './file.repository.js';

type Q = Kysely<Database>;

export const CHUNK_BYTES = 256 * 1024;

export interface Written {
  name: string;
  contentType: string;
  size: number;
  sha256: string;
}

export function tooLarge(maxBytes: number): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', `The file is larger than ${maxBytes} bytes, the most a file may be.`);
}

function unsupported(message: string): AppError {
  return new AppError('UNSUPPORTED_MEDIA_TYPE', message);
}

/**
 * Reads `source` into the chunks of file `id`. The first chunk decides the kind (nothing is stored
 * for a kind refused); `begin` then writes the file's row (status `uploading`) before any chunk.
 * Any failure leaves the chunks written so far for the caller to delete.
 */
export async function writeChunks(
  db: Q,
  id: string,
  source: AsyncIterable<Buffer>,
  options: {
    name: string;
    maxBytes: number;
    /** The error once past `maxBytes`. */
    tooLarge: () => AppError;
    begin: (name: string, contentType: string) => Promise<void>;
  },
): Promise<Written> {
  let seq = 0;
  let kind: { name: string; contentType: string; text: ReturnType<typeof textChecker> | undefined } | undefined;

  /** Writes `data` as the next chunk; the first one decides the kind. */
  async function write(data: Buffer): Promise<void> {
    if (kind === undefined) {
      const found = await recognize(data, options.name);
      if (!found.ok) throw unsupported(found.message);
      kind = { name: found.name, contentType: found.contentType, text: found.text ? textChecker() : undefined };
      await options.begin(kind.name, kind.contentType);
    }
    if (kind.text && !kind.text.push(data))
      throw unsupported('The file is named as text but is not UTF-8 text (it holds NUL or invalid bytes).');
    await repo.insertChunk(db, id, seq, data);
    seq += 1;
  }

  const { size, sha256 } = await writeInChunks(source, {
    chunkBytes: CHUNK_BYTES,
    maxBytes: options.maxBytes,
    tooLarge: options.tooLarge,
    write,
  });
  // An empty file still goes through the kind check (and is refused there).
  if (kind === undefined) await write(Buffer.alloc(0));
  if (kind === undefined) throw new Error('a file was written without its kind');
  if (kind.text && !kind.text.end())
    throw unsupported('The file is named as text but is not UTF-8 text (it ends inside a character).');
  return { name: kind.name, contentType: kind.contentType, size, sha256 };
}

/** The bytes of a file, one chunk read at a time as the reader asks for more. */
export function readChunks(db: Q, fileId: string): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let seq = 0; ; seq += 1) {
      const data = await chunkOf(db, fileId, seq);
      if (data === undefined) return;
      if (data.length > 0) yield data;
    }
  }
  return Readable.from(chunks(), { highWaterMark: 1 });
}

const chunkOf = repo.chunkOf;
