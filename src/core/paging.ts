/** Which page a list request asks for: `page` from 1, `per_page` or its synonym `limit` (n8n sends it). */
export function pageRequest(
  query: { page?: number; per_page?: number; limit?: number },
  defaultPerPage: number,
): { page: number; perPage: number } {
  return { page: query.page ?? 1, perPage: query.per_page ?? query.limit ?? defaultPerPage };
}
