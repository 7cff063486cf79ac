/**
 * Which files a task takes (docs/files.md, Upload file): a short allow-list, each kind recognized
 * from the file's own bytes. The name's extension must agree with what the bytes are; the content
 * type stored and served is the one recognized, never the one the client sent. Web content (HTML,
 * SVG, scripts) is never taken: a browser could run it.
 */
import { fileTypeFromBuffer } from 'file-type';
import { extensionOf } from './file-names.js';

/** Content type -> the extensions a name of that kind may have (the first is added to a name without one). */
const KINDS: Record<string, readonly string[]> = {
  'application/pdf': ['pdf'],
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'image/heic': ['heic', 'heif'],
  'image/heif': ['heif', 'heic'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['xlsx'],
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': ['pptx'],
  'application/vnd.oasis.opendocument.text': ['odt'],
  'application/vnd.oasis.opendocument.spreadsheet': ['ods'],
  'application/vnd.oasis.opendocument.presentation': ['odp'],
  'application/zip': ['zip'],
  'text/plain': ['txt'],
  'text/csv': ['csv'],
};

/** The kinds taken, for the docs and the error message. */
export const ALLOWED_EXTENSIONS = [...new Set(Object.values(KINDS).flat())];

/** Text without magic bytes: taken only under a text extension, and only if it is not web content. */
const TEXT_TYPES: Record<string, string> = { txt: 'text/plain', csv: 'text/csv' };
const WEB_CONTENT = /^\s*<(?:!doctype|html|head|body|script|svg|\?xml|iframe|object)\b/i;

export type Kind = { ok: true; contentType: string; name: string; text: boolean } | { ok: false; message: string };

/**
 * The kind of a file from its first bytes (up to a chunk) and its sanitized name. Text is only
 * begun here: the caller checks the rest (valid UTF-8, no NUL) as it arrives.
 */
export async function recognize(head: Buffer, name: string): Promise<Kind> {
  const ext = extensionOf(name);
  const found = head.length === 0 ? undefined : await fileTypeFromBuffer(head).catch(() => undefined);
  const refuse = (what: string): Kind => ({
    ok: false,
    message: `${what} Files taken: ${ALLOWED_EXTENSIONS.join(', ')}.`,
  });
  if (found === undefined) {
    const type = TEXT_TYPES[ext];
    if (type === undefined) return refuse(`The file's contents are not of a kind this service takes.`);
    if (WEB_CONTENT.test(head.subarray(0, 1024).toString('utf8')))
      return refuse('The file holds web content (HTML, SVG or script), which is never taken.');
    return { ok: true, contentType: type, name, text: true };
  }
  const extensions = KINDS[found.mime];
  if (extensions === undefined) return refuse(`The file's contents are ${found.ext}, not a kind this service takes.`);
  if (ext === '') return { ok: true, contentType: found.mime, name: `${name}.${extensions[0]}`, text: false };
  if (!extensions.includes(ext)) return refuse(`The file is named .${ext} but its contents are ${found.ext}.`);
  return { ok: true, contentType: found.mime, name, text: false };
}

/** Checks text as it arrives: valid UTF-8 (across chunk boundaries) and no NUL. */
export function textChecker(): { push(chunk: Buffer): boolean; end(): boolean } {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return {
    push(chunk) {
      if (chunk.includes(0)) return false;
      try {
        decoder.decode(chunk, { stream: true });
        return true;
      } catch {
        return false;
      }
    },
    end() {
      try {
        decoder.decode();
        return true;
      } catch {
        return false;
      }
    },
  };
}
