/**
 * Any failure as the AppError it is answered with: the one mapping behind every place that turns
 * an error into an answer (the API's error handler, the guest page, bulk items, the command line).
 * Nothing here knows HTTP: a web framework's errors are recognised by their `code` and
 * `statusCode` properties, never by importing it.
 */
import { AppError } from './errors.js';
import { databaseError } from './database-errors.js';

/** The message of every failure nobody foresaw; the detail goes to the log only. */
export const INTERNAL_MESSAGE = 'An unexpected error occurred. It has been logged.';

/** A request body the body parser refused, by the parser's error code. */
export function fromBodyParser(code: unknown): AppError | undefined {
  switch (code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('INVALID_JSON', 'The request body is not valid JSON.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('INVALID_JSON', 'The request body is empty; send a JSON object.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE', 'The request body is larger than the limit.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('BAD_REQUEST', 'The Content-Length header does not match the body.');
    case 'FST_ERR_CTP_INVALID_TYPE':
      return new AppError('BAD_REQUEST', 'The Content-Type header is malformed.');
  }
  return undefined;
}

/**
 * `error` as an AppError: itself when it is one; a refused request body; a database constraint
 * violation or an unreachable database (see database-errors.ts); any other client error the web
 * framework raised (a 4xx `statusCode`) as BAD_REQUEST; anything else INTERNAL with a generic
 * message. Schema validation errors are not here: their field messages come from the validator,
 * which the API's error handler translates before asking this.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const e = error as { code?: unknown; statusCode?: unknown } | null | undefined;
  const parser = fromBodyParser(e?.code);
  if (parser) return parser;
  const database = databaseError(error);
  if (database) return database;
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new AppError('BAD_REQUEST', 'The request is malformed.');
  }
  return new AppError('INTERNAL', INTERNAL_MESSAGE);
}
