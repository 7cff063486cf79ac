/**
 * File names (docs/files.md, Upload file, Download file): what a client calls a file is kept only
 * as a name to show and to save under, never as a path, and never with characters that could
 * change how the name reads (controls, direction overrides).
 */

const MAX_NAME_BYTES = 255;

// Controls (C0, DEL, C1), and the characters that reorder or hide text: bidi embeddings and
// overrides, isolates, marks, zero-width characters and the BOM.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** Cuts `text` to at most `max` bytes of UTF-8 without splitting a character. */
function cutToBytes(text: string, max: number): string {
  let out = '';
  let bytes = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > max) break;
    out += char;
    bytes += size;
  }
  return out;
}

/** The extension of a name (lower case, without the dot), or '' when it has none. */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/**
 * A safe name: the last part of any path (`/` or `\`), without unsafe characters or leading dots
 * and spaces, in Unicode NFC, at most 255 bytes of UTF-8 with its extension kept; `file` when
 * nothing is left.
 */
export function sanitizeName(raw: string): string {
  const base = raw.normalize('NFC').split(/[/\\]/).at(-1) ?? '';
  const clean = base
    .replace(UNSAFE, '')
    .replace(/^[.\s]+/, '')
    .replace(/\s+$/, '');
  if (clean === '') return 'file';
  if (Buffer.byteLength(clean, 'utf8') <= MAX_NAME_BYTES) return clean;
  const ext = extensionOf(clean);
  const suffix = ext && Buffer.byteLength(ext, 'utf8') < 16 ? `.${clean.slice(clean.length - ext.length)}` : '';
  const stem = cutToBytes(clean.slice(0, clean.length - suffix.length), MAX_NAME_BYTES - Buffer.byteLength(suffix));
  return `${stem}${suffix}`;
}

/** `Content-Disposition` of a download: an ASCII fallback and the exact name in RFC 5987 form. */
export function attachmentHeader(name: string): string {
  const fallback =
    name
      .normalize('NFKD')
      .replace(/[^\x20-\x7e]/g, '')
      .replace(/["\\%]/g, '_')
      .trim() || 'file';
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
