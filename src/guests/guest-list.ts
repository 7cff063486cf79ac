/**
 * List guests (docs/guests.md, List guests): a page by number, a page by cursor (Cursor paging),
 * or every guest in chunks. Part of the guest service; apart only to keep each file short.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { DEFAULT_PER_PAGE } from '../core/limits.js';
import { pageRequest } from '../core/paging.js';
import type { Actor } from '../core/actor.js';
import * as repo from './guest.repository.js';
import { listAfter, sortColumns, sortValuesOf } from './guest-keyset.js';
import { decodeCursor, encodeCursor, type CursorScope } from './guest-cursor.js';
import type { Guest, ListGuestsQuery, SortKey } from './guest.schemas.js';
import { mayReceiveLinks } from './guest-code.js';
import type { GuestListCache, KeptPage } from './guest-list-cache.js';

/** The guest objects of these records, with their stats when asked (the guest service's). */
type ToGuests = (actor: Actor, rows: repo.GuestRecord[], withStats: boolean) => Promise<Guest[]>;

/** The JSON text of these records' guest objects, an array, with their stats when asked (the guest service's). */
type ToJson = (actor: Actor, rows: repo.GuestRecord[], withStats: boolean) => Promise<string>;

/**
 * The key of a page among its organization's kept pages: everything of the request that the
 * answer's guests depend on. Whether the reader may see links (its role) is part of it, and
 * whether the guests carry their stats (the tasks' writes that change stats move the version too).
 */
function pageKey(
  actor: Actor,
  order: repo.ListOrder,
  q: string | undefined,
  withStats: boolean,
  position: string,
): string {
  const reader = `${mayReceiveLinks(actor.role) ? 'L' : '-'}${withStats ? 'S' : '-'}`;
  return `${reader}|${order.descending ? '-' : ''}${order.key}|${position}|${q ?? ''}`;
}

export function createGuestListing(
  db: Kysely<Database>,
  withStatsIf: ToGuests,
  pageJson: ToJson,
  cache: GuestListCache | undefined,
) {
  /**
   * The page at `offset` of a list of `total`: an offset read passes over `offset` index entries,
   * so a page past the middle is read from the end instead, in the reverse order with the offset
   * that remains after it (a small one for the last pages), and turned round.
   */
  async function pageFromNearerEnd(
    filter: repo.ListFilter,
    order: repo.ListOrder,
    total: number,
    offset: number,
    limit: number,
  ): Promise<repo.GuestRecord[]> {
    if (offset >= total) return [];
    const after = total - offset - limit;
    if (after >= offset) return repo.listPage(db, filter, order, { limit, offset });
    const fromEnd = { ...order, fromEnd: true };
    const rows = await repo.listPage(db, filter, fromEnd, {
      limit: limit + Math.min(0, after),
      offset: Math.max(0, after),
    });
    return rows.reverse();
  }

  /** The page after `position` (one row more is read: whether another follows) and the cursor after it. */
  async function readAfter(
    actor: Actor,
    filter: repo.ListFilter,
    order: repo.ListOrder,
    scope: CursorScope,
    position: ReturnType<typeof decodeCursor> | undefined,
    perPage: number,
    withStats: boolean,
  ): Promise<{ data: string; count: number; nextCursor: string | null }> {
    const rows = await listAfter(db, filter, order, position, perPage + 1);
    const pageRows = rows.slice(0, perPage);
    const last = pageRows.at(-1);
    const nextCursor =
      rows.length > perPage && last
        ? encodeCursor(scope, { values: sortValuesOf(last, order), id: last.id, page: (position?.page ?? 1) + 1 })
        : null;
    return { data: await pageJson(actor, pageRows, withStats), count: pageRows.length, nextCursor };
  }

  return {
    /**
     * List guests: one page of guests, as the JSON text of the answer's `data` (written once,
     * straight from the rows), with the numbers for the pagination block, and the kept page it
     * came from or went into when pages are kept (for keepAnswer, guest-list-cache.ts).
     */
    async list(actor: Actor, query: ListGuestsQuery) {
      const filter = { organizationId: actor.organizationId, q: query.q };
      const order = sortOrder(query);
      const { page, perPage } = pageRequest(query, DEFAULT_PER_PAGE);
      const offset = (page - 1) * perPage;
      const withStats = query.with === 'stats';
      if (cache) {
        // The version first: a page read after it is as new as it, or newer (see guest-list-cache.ts).
        const state = await repo.listState(db, actor.organizationId);
        const key = pageKey(actor, order, filter.q, withStats, `p${page}/${perPage}`);
        const kept = cache.get(actor.organizationId, state.version, key);
        if (kept)
          return {
            data: kept.data,
            count: kept.count,
            total: filter.q ? kept.total : state.total,
            perPage,
            page,
            kept,
          };
        const total = filter.q ? await repo.countRecords(db, filter) : state.total;
        const rows =
          offset === 0
            ? await repo.listPage(db, filter, order, { limit: perPage, offset })
            : await pageFromNearerEnd(filter, order, total, offset, perPage);
        const fresh: KeptPage = {
          data: Buffer.from(await pageJson(actor, rows, withStats)),
          count: rows.length,
          total,
        };
        cache.set(actor.organizationId, state.version, key, fresh);
        return { data: fresh.data, count: fresh.count, total, perPage, page, kept: fresh };
      }
      // The first page needs no total to be read: both at once. Later ones are read from the
      // nearer end, which the total tells.
      const [total, rows] =
        offset === 0
          ? await Promise.all([
              repo.countRecords(db, filter),
              repo.listPage(db, filter, order, { limit: perPage, offset }),
            ])
          : await repo
              .countRecords(db, filter)
              .then(async (n) => [n, await pageFromNearerEnd(filter, order, n, offset, perPage)] as const);
      return { data: await pageJson(actor, rows, withStats), count: rows.length, total, perPage, page };
    },

    /**
     * List guests by cursor: the page after the cursor's row (the first page for an empty one),
     * and the cursor after this page's last row, null at the end (docs/guests.md, List guests,
     * Cursor paging); the page's guests as list() gives them.
     */
    async listByCursor(actor: Actor, query: ListGuestsQuery, cursor: string) {
      const filter = { organizationId: actor.organizationId, q: query.q };
      const order = sortOrder(query);
      const scope: CursorScope = {
        organizationId: actor.organizationId,
        sort: `${order.descending ? '-' : ''}${order.key}`,
        q: query.q || null,
      };
      const position = cursor === '' ? undefined : decodeCursor(cursor, scope, sortColumns(order));
      const { perPage } = pageRequest(query, DEFAULT_PER_PAGE);
      const page = position?.page ?? 1;
      const withStats = query.with === 'stats';
      if (cache) {
        // The version first, as in list().
        const state = await repo.listState(db, actor.organizationId);
        const key = pageKey(actor, order, filter.q, withStats, `c${cursor}/${perPage}`);
        const kept = cache.get(actor.organizationId, state.version, key);
        if (kept) {
          const total = filter.q ? kept.total : state.total;
          return {
            data: kept.data,
            count: kept.count,
            total,
            perPage,
            page,
            nextCursor: kept.nextCursor ?? null,
            kept,
          };
        }
        const [total, fresh] = await Promise.all([
          filter.q ? repo.countRecords(db, filter) : state.total,
          readAfter(actor, filter, order, scope, position, perPage, withStats),
        ]);
        const made: KeptPage = { ...fresh, data: Buffer.from(fresh.data), total };
        cache.set(actor.organizationId, state.version, key, made);
        return { ...made, nextCursor: fresh.nextCursor, perPage, page, kept: made };
      }
      const [total, fresh] = await Promise.all([
        repo.countRecords(db, filter),
        readAfter(actor, filter, order, scope, position, perPage, withStats),
      ]);
      return { ...fresh, total, perPage, page };
    },

    /**
     * Every guest in order, in chunks: the ids are read once (a consistent order, a few bytes a
     * guest), then the rows chunk by chunk, so memory stays bounded however many guests there are
     * and no connection is held while a slow client reads.
     */
    async *listAll(actor: Actor, query: ListGuestsQuery, chunkSize = 500): AsyncGenerator<Guest[], void, undefined> {
      const ids = await repo.listRecordIds(db, { organizationId: actor.organizationId, q: query.q }, sortOrder(query));
      for (let i = 0; i < ids.length; i += chunkSize) {
        const rows = (await repo.findRecordsByIds(db, ids.slice(i, i + chunkSize))).filter(
          (r) => r.deleted_at === null,
        );
        yield await withStatsIf(actor, rows, query.with === 'stats');
      }
    },
  };
}

function sortOrder(query: ListGuestsQuery): repo.ListOrder {
  const raw = query.sort ?? query.sort_by ?? 'created_at';
  const descending = raw.startsWith('-');
  return { key: (descending ? raw.slice(1) : raw) as SortKey, descending };
}
