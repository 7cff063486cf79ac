/**
 * Reads a stream into fixed-size chunks in constant memory, hashing and counting it as it goes: the
 * one loop behind a task file's upload (docs/files.md, Upload file) and an import's CSV (docs/guests.md,
 * Import guests). One buffer is filled and handed to `write` again and again: the database drivers
 * copy a parameter before the insert resolves, so reusing it leaves no garbage the size of the body.
 */
import { createHash } from 'node:crypto';

export interface ChunkedOptions {
  chunkBytes: number;
  maxBytes: number;
  /** The error once past `maxBytes`. */
  tooLarge: () => Error;
  /** Writes one chunk (a view of the reused buffer: copy it to keep it); the last may be shorter. */
  write: (data: Buffer) => Promise<void>;
}

/** The size and sha256 (hex) of what was read; a failure leaves the chunks written so far. */
export async function writeInChunks(
  source: AsyncIterable<Buffer>,
  options: ChunkedOptions,
): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  const staging = Buffer.allocUnsafe(options.chunkBytes);
  let filled = 0;
  let size = 0;
  for await (const chunk of source) {
    size += chunk.length;
    if (size > options.maxBytes) throw options.tooLarge();
    hash.update(chunk);
    let offset = 0;
    while (offset < chunk.length) {
      const copied = chunk.copy(staging, filled, offset);
      filled += copied;
      offset += copied;
      if (filled === options.chunkBytes) {
        await options.write(staging);
        filled = 0;
      }
    }
  }
  if (filled > 0) await options.write(staging.subarray(0, filled));
  return { size, sha256: hash.digest('hex') };
}
