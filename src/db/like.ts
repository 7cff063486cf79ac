/** LIKE patterns: a user's search text matched literally, with `escape '\\'` in the query. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
