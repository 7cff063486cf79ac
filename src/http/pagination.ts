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
