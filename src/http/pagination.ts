import type { FastifyRequest } from 'fastify';

/** The pagination block (docs/conventions.md, Paging); `links`: the same request, another `page`. */
export function paginationMeta(
  publicBaseUrl: string,
  request: FastifyRequest,
  total: number,
  count: number,
  perPage: number,
  page: number,
) {
  const totalPages = Math.max(1, Math.ceil(total / perPage));
  const linkTo = (target: number): string => {
    const url = new URL(request.url, 'http://placeholder');
    url.searchParams.set('page', String(target));
    return `${publicBaseUrl}${url.pathname}${url.search}`;
  };
  const links: { previous?: string; next?: string } = {};
  if (page > 1) links.previous = linkTo(Math.min(page - 1, totalPages));
  if (page < totalPages) links.next = linkTo(page + 1);
  // `has_more_pages`: n8n's "return all" keeps asking for pages while it is true.
  return {
    pagination: {
      total,
      count,
      per_page: perPage,
      current_page: page,
      total_pages: totalPages,
      has_more_pages: page < totalPages,
      links,
    },
  };
}

/**
 * The pagination block of a cursor page (docs/guests.md, List guests, Cursor paging): the page
 * block's numbers, `current_page` counting the pages of this walk, and `links.next` the same
 * request with the next cursor (no `previous`: a cursor walks forward only).
 */
export function cursorPaginationMeta(
  publicBaseUrl: string,
  request: FastifyRequest,
  page: { total: number; count: number; perPage: number; page: number; nextCursor: string | null },
) {
  const links: { next?: string } = {};
  if (page.nextCursor !== null) {
    const url = new URL(request.url, 'http://placeholder');
    url.searchParams.set('cursor', page.nextCursor);
    links.next = `${publicBaseUrl}${url.pathname}${url.search}`;
  }
  return {
    pagination: {
      total: page.total,
      count: page.count,
      per_page: page.perPage,
      current_page: page.page,
      total_pages: Math.max(1, Math.ceil(page.total / page.perPage)),
      has_more_pages: page.nextCursor !== null,
      links,
      next_cursor: page.nextCursor,
    },
  };
}
