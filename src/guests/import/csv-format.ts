/**
 * The CSV form of guests (docs/guests.md, Import guests and Export guests): one column per field of
 * Create guest's body, by its API name. The header is matched without regard to case or the spaces
 * around a name; the list fields (`associated_members`, `cadence_days`) hold their items separated
 * by `;`. An import turns a row into a Create guest body and leaves every rule of its values to the
 * create itself (through bulk create), so a row fails exactly as the same body sent alone would.
 */
import { AppError } from '../../core/errors.js';
import { PROFILE_FIELDS } from '../guest.schemas.js';

/** Every column an import accepts and an export writes, in the export's order. */
export const CSV_COLUMNS = ['email', ...PROFILE_FIELDS] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

const LIST_FIELDS = new Set<string>(['associated_members', 'cadence_days']);
const LIST_SEPARATOR = ';';

/** The structural limits of an import's file: past any of them, nothing is imported. */
export interface CsvLimits {
  /** Columns of the header (and so of every row). */
  maxColumns: number;
  /** Bytes of one line, and characters of one field. */
  maxLineBytes: number;
  /** Data rows (the header not counted). */
  maxRows: number;
}

export const DEFAULT_MAX_COLUMNS = 100;
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

/**
 * A flaw of the file itself (its encoding, quoting, header, size): the whole import is refused
 * before a row is written. `line` is the line of the file it was found on (1 = the header).
 */
export class CsvStructureError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvStructureError';
  }

  /** The API's answer for it where one is given at once (a 422 on `file`). */
  toAppError(): AppError {
    return new AppError('VALIDATION_FAILED', this.message, { errors: { file: [this.message] } });
  }
}

/**
 * The header's columns, matched to field names: an unknown name, a repeated one or a missing
 * `email` refuses the file, naming them. Returns each column's field, in the file's order.
 */
export function mapHeader(header: readonly string[], limits: Pick<CsvLimits, 'maxColumns'>): CsvColumn[] {
  if (header.length > limits.maxColumns)
    throw new CsvStructureError(
      1,
      `the header has ${header.length} columns; at most ${limits.maxColumns} are allowed.`,
    );
  const known = new Set<string>(CSV_COLUMNS);
  const names = header.map((name) => name.trim().toLowerCase());
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0)
    throw new CsvStructureError(
      1,
      `unknown column${unknown.length === 1 ? '' : 's'} ${unknown
        .slice(0, 10)
        .map((n) => JSON.stringify(n))
        .join(
          ', ',
        )}${unknown.length > 10 ? ` and ${unknown.length - 10} more` : ''}; the columns are the fields of Create guest: ${CSV_COLUMNS.join(', ')}.`,
    );
  const repeated = names.filter((name, i) => names.indexOf(name) !== i);
  if (repeated.length > 0)
    throw new CsvStructureError(1, `column ${JSON.stringify(repeated[0])} appears more than once in the header.`);
  if (!names.includes('email')) throw new CsvStructureError(1, 'the header has no "email" column; it is required.');
  return names as CsvColumn[];
}

/**
 * A data row as the body of Create guest: an empty cell is a field not given; the list fields are
 * split on `;` (a member id that is a whole number is sent as a number, anything else as written, so
 * that the create's own rules name it).
 */
export function rowToBody(columns: readonly CsvColumn[], cells: readonly string[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  columns.forEach((column, i) => {
    const cell = unescapeFormula((cells[i] ?? '').trim());
    if (cell === '') return;
    if (!LIST_FIELDS.has(column)) {
      body[column] = cell;
      return;
    }
    const items = cell
      .split(LIST_SEPARATOR)
      .map((item) => item.trim())
      .filter((item) => item !== '');
    body[column] = column === 'associated_members' ? items.map((m) => (/^\d{1,10}$/.test(m) ? Number(m) : m)) : items;
  });
  return body;
}

/**
 * Cells that a spreadsheet would run as a formula start with one of these (OWASP, CSV injection);
 * an export writes them after a `'`, which a spreadsheet shows as text. An import takes that `'`
 * off again (and only before one of these), so that an export imports as the same guests: a phone
 * number `+49…` comes back as `+49…`.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const ESCAPED_FORMULA = /^'[=+\-@\t\r]/;

function safeCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function unescapeFormula(cell: string): string {
  return ESCAPED_FORMULA.test(cell) ? cell.slice(1) : cell;
}

/** One guest (the fields of Create guest) as the cells of an export row, in CSV_COLUMNS order. */
export function bodyToCells(body: Partial<Record<CsvColumn, unknown>>): string[] {
  return CSV_COLUMNS.map((column) => {
    const value = body[column];
    if (value === null || value === undefined) return '';
    return safeCell(Array.isArray(value) ? value.join(LIST_SEPARATOR) : String(value));
  });
}
