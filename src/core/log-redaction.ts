/**
 * What the logs may hold: no guest or invitation code, no email address, at any level. Codes
 * travel in paths (`/guest/<code>`, `/invitations/<code>`); addresses in paths (a guest named by
 * email), in queries (a search) and in the text of errors (an SMTP refusal, a database's
 * duplicate-key detail). Every logger of the service writes errors through `LOG_SERIALIZERS`.
 */
import pino from 'pino';

const SECRET_IN_PATH = /(\/(?:guest|invitations)\/)[^/?#]+/g;
/** The pieces of a URL: path segments, query names and values. */
const URL_PIECE = /[^/?#&=]+/g;
/** The words of free text (an address is one word: no spaces, brackets, quotes or slashes in it). */
const TEXT_WORD = /[^\s<>()[\]{}"',;:=/\\]+/g;

/** A piece with an address in it: a `@` (as it is or percent-encoded) with something on both sides. */
function holdsAddress(piece: string): boolean {
  const decoded = piece.includes('%') ? piece.replace(/%40/gi, '@') : piece;
  const at = decoded.indexOf('@');
  return at > 0 && at < decoded.length - 1;
}

// Each piece is matched once, in one pass: no pattern here backtracks over a long URL or text.
/** `url` with the codes of guest and invitation paths replaced by `[code]` and addresses by `[email]`. */
export function redactSecrets(url: string): string {
  // Most URLs hold neither kind of code: no pattern runs over them for it.
  const coded =
    url.includes('/guest/') || url.includes('/invitations/') ? url.replace(SECRET_IN_PATH, '$1[code]') : url;
  return coded.includes('@') || /%40/i.test(coded)
    ? coded.replace(URL_PIECE, (piece) => (holdsAddress(piece) ? '[email]' : piece))
    : coded;
}

/** Text with addresses replaced by `[email]` and the codes of guest and invitation paths by `[code]`. */
export function redactText(text: string): string {
  const coded = text.replace(SECRET_IN_PATH, '$1[code]');
  return coded.includes('@') ? coded.replace(TEXT_WORD, (word) => (holdsAddress(word) ? '[email]' : word)) : coded;
}

/** Every string in a serialized error, redacted (a database error carries its detail, its query's parameters). */
function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactDeep(item, depth + 1)]));
}

/** pino serializers for every logger of the service: errors are written redacted. */
export const LOG_SERIALIZERS = {
  err: (error: Error) => redactDeep(pino.stdSerializers.err(error)),
};
