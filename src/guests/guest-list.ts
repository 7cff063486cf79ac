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
import type { GuestListPositions, KnownStart } from './guest-list-positions.js';
import { createSlots, type Slots } from '../core/slots.js';
import { AppError } from '../core/errors.js';
import type { Config } from '../config.js';
import { SqliteReaderUnavailable, type SqliteReader } from '../db/sqlite-reader.js';

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

/** A list at one version, for its known starts: its organization, version, and key (sort and search). */
interface ListAt {
  organizationId: string;
  version: string;
  key: string;
}

function listAt(actor: Actor, version: string, order: repo.ListOrder, q: string | undefined): ListAt {
  return {
    organizationId: actor.organizationId,
    version,
    key: `${order.descending ? '-' : ''}${order.key}|${q ?? ''}`,
  };
}

/**
 * The instance's places for searches (SEARCH_CONCURRENCY, SEARCH_WAIT_MS; docs/guests.md, List
 * guests): a search that waited its whole time answers 503 with Retry-After. None for 0.
 */
export function createListSearches({ concurrency, waitMs }: Config['listSearches']): Slots | undefined {
  if (concurrency === 0) return undefined;
  return createSlots(
    concurrency,
    waitMs,
    () =>
      new AppError(
        'SERVICE_UNAVAILABLE',
        `Too many searches of guest lists are running on this server (at most ${concurrency} at once); this one waited ${waitMs / 1000} s for its turn. Retry in a moment.`,
        { headers: { 'retry-after': '2' } },
      ),
  );
}

export function createGuestListing(
  db: Kysely<Database>,
  withStatsIf: ToGuests,
  pageJson: ToJson,
  cache: GuestListCache | undefined,
  positions: GuestListPositions | undefined,
  searches?: Slots,
  searchReader?: SqliteReader,
) {
  /**
   * The database reads of a list, made on the connection `read` is given. A search (`q`) first
   * waits for one of the instance's places for searches (SEARCH_CONCURRENCY): it reads every
   * record of the organization. A search whose `signal` aborts while it waits (its client has gone)
   * leaves the queue and is not run. On a SQLite file a search reads on the read worker's
   * connection (db/sqlite-reader.ts), so that the server's thread is not held meanwhile; on the
   * server's own when the worker cannot run.
   */
  function reading<T>(
    filter: repo.ListFilter,
    signal: AbortSignal | undefined,
    read: (from: Kysely<Database>) => Promise<T>,
  ): Promise<T> {
    if (!filter.q) return read(db);
    const search = searchReader ? () => readOffThread(searchReader, read) : () => read(db);
    return searches ? searches.run(search, signal) : search();
  }

  async function readOffThread<T>(reader: SqliteReader, read: (from: Kysely<Database>) => Promise<T>): Promise<T> {
    try {
      return await read(reader.kysely);
    } catch (error) {
      if (!(error instanceof SqliteReaderUnavailable)) throw error;
      return read(db);
    }
  }

  /**
   * The rows at offsets [start, end) of a list of `total` (end at most the total), read the
   * cheapest way this instance knows; `known`, a start at or before `start`. An offset read passes over `offset` index entries, so the
   * rows are read from the start, from the end (in the reverse order with the offset that remains
   * after them, then turned round: a small one for the last pages), or by keyset from the nearest
   * known start before them (guest-list-positions.ts) with the offset that remains after it.
   */
  async function readRange(
    from: Kysely<Database>,
    filter: repo.ListFilter,
    order: repo.ListOrder,
    known: KnownStart | undefined,
    total: number,
    start: number,
    end: number,
  ): Promise<repo.GuestRecord[]> {
    const limit = end - start;
    const fromEnd = total - end;
    if (known && start - known.offset < Math.min(start, fromEnd)) {
      positions?.noteUsed();
      return listAfter(from, filter, order, known.position, limit, start - known.offset);
    }
    if (fromEnd < start) {
      const rows = await repo.listPage(from, filter, { ...order, fromEnd: true }, { limit, offset: fromEnd });
      return rows.reverse();
    }
    return repo.listPage(from, filter, order, { limit, offset: start });
  }

  /** Learns that the list's rows from `at` on are those after `row` (the row at `at - 1`). */
  function learnStart(
    list: ListAt,
    order: repo.ListOrder,
    total: number,
    at: number,
    row: repo.GuestRecord | undefined,
  ) {
    if (row && at < total)
      positions?.learn(list.organizationId, list.version, list.key, at, {
        values: sortValuesOf(row, order),
        id: row.id,
      });
  }

  /**
   * The page at `offset` of a list of `total`. When the list's positions are kept, the row just
   * before the page is read with it (unless the page's own start is known): the start of this
   * page, and the one of the next, are learned from what was read.
   */
  async function pageAt(
    from: Kysely<Database>,
    filter: repo.ListFilter,
    order: repo.ListOrder,
    list: ListAt | undefined,
    total: number,
    offset: number,
    limit: number,
  ): Promise<repo.GuestRecord[]> {
    const learn = (at: number, row: repo.GuestRecord | undefined) => {
      if (list) learnStart(list, order, total, at, row);
    };
    // The first page is read whatever the total says: a count repaired by hand may be behind.
    if (offset === 0) {
      const rows = await repo.listPage(from, filter, order, { limit, offset });
      learn(rows.length, rows.at(-1));
      return rows;
    }
    if (offset >= total) return [];
    const end = Math.min(total, offset + limit);
    if (!list || !positions) return readRange(from, filter, order, undefined, total, offset, end);
    // The nearest start at or before the page: when not at it, it is also the nearest at or
    // before the row read ahead of the page.
    const known = positions.nearest(list.organizationId, list.version, list.key, offset);
    if (known?.offset === offset) {
      positions.noteUsed();
      const rows = await listAfter(from, filter, order, known.position, end - offset);
      learn(end, rows.at(-1));
      return rows;
    }
    const rows = await readRange(from, filter, order, known, total, offset - 1, end);
    learn(offset, rows[0]);
    learn(offset - 1 + rows.length, rows.at(-1));
    return rows.slice(1);
  }

  /** The page after `position` (one row more is read: whether another follows) and the cursor after it. */
  async function readAfter(
    from: Kysely<Database>,
    actor: Actor,
    filter: repo.ListFilter,
    order: repo.ListOrder,
    scope: CursorScope,
    position: ReturnType<typeof decodeCursor> | undefined,
    perPage: number,
    withStats: boolean,
  ): Promise<{ data: string; count: number; nextCursor: string | null }> {
    const rows = await listAfter(from, filter, order, position, perPage + 1);
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
    async list(actor: Actor, query: ListGuestsQuery, signal?: AbortSignal) {
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
        const { total, rows } = await reading(filter, signal, async (from) => {
          const total = filter.q ? await repo.countRecords(from, filter) : state.total;
          const list = listAt(actor, state.version, order, filter.q);
          return { total, rows: await pageAt(from, filter, order, list, total, offset, perPage) };
        });
        const fresh: KeptPage = {
          data: Buffer.from(await pageJson(actor, rows, withStats)),
          count: rows.length,
          total,
        };
        cache.set(actor.organizationId, state.version, key, fresh);
        return { data: fresh.data, count: fresh.count, total, perPage, page, kept: fresh };
      }
      // The first page needs no total to be read before it: both at once. It teaches no start:
      // read beside the version rather than after it, it may be older than the version, and a
      // start from before a write kept under the version after it would be used by every later
      // reader (the second page learns its own start). Later pages are read from the nearer end
      // or a known start, which the total and the version tell.
      const [total, rows] = await reading(filter, signal, async (from) => {
        if (offset === 0)
          return Promise.all([
            repo.countRecords(from, filter),
            repo.listPage(from, filter, order, { limit: perPage, offset }),
          ]);
        const state = await repo.listState(from, actor.organizationId);
        const total = filter.q ? await repo.countRecords(from, filter) : state.total;
        const list = listAt(actor, state.version, order, filter.q);
        return [total, await pageAt(from, filter, order, list, total, offset, perPage)] as const;
      });
      return { data: await pageJson(actor, rows, withStats), count: rows.length, total, perPage, page };
    },

    /**
     * List guests by cursor: the page after the cursor's row (the first page for an empty one),
     * and the cursor after this page's last row, null at the end (docs/guests.md, List guests,
     * Cursor paging); the page's guests as list() gives them.
     */
    async listByCursor(actor: Actor, query: ListGuestsQuery, cursor: string, signal?: AbortSignal) {
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
        const [total, fresh] = await reading(filter, signal, (from) =>
          Promise.all([
            filter.q ? repo.countRecords(from, filter) : state.total,
            readAfter(from, actor, filter, order, scope, position, perPage, withStats),
          ]),
        );
        const made: KeptPage = { ...fresh, data: Buffer.from(fresh.data), total };
        cache.set(actor.organizationId, state.version, key, made);
        return { ...made, nextCursor: fresh.nextCursor, perPage, page, kept: made };
      }
      const [total, fresh] = await reading(filter, signal, (from) =>
        Promise.all([
          repo.countRecords(from, filter),
          readAfter(from, actor, filter, order, scope, position, perPage, withStats),
        ]),
      );
      return { ...fresh, total, perPage, page };
    },

    /**
     * Every guest in order, in chunks: the ids are read once, before anything is sent (a consistent
     * order, a few bytes a guest; a search waits for its place here, so that a refusal is still a
     * whole answer), then the rows chunk by chunk as the answer is sent, so memory stays bounded
     * however many guests there are and no connection is held while a slow client reads.
     */
    async listAll(
      actor: Actor,
      query: ListGuestsQuery,
      signal?: AbortSignal,
      chunkSize = 500,
    ): Promise<AsyncGenerator<Guest[], void, undefined>> {
      const filter = { organizationId: actor.organizationId, q: query.q };
      const ids = await reading(filter, signal, (from) => repo.listRecordIds(from, filter, sortOrder(query)));
      return (async function* chunks() {
        for (let i = 0; i < ids.length; i += chunkSize) {
          const rows = (await repo.findRecordsByIds(db, ids.slice(i, i + chunkSize))).filter(
            (r) => r.deleted_at === null,
          );
          yield await withStatsIf(actor, rows, query.with === 'stats');
        }
      })();
    },
  };
}

function sortOrder(query: ListGuestsQuery): repo.ListOrder {
  const raw = query.sort ?? query.sort_by ?? 'created_at';
  const descending = raw.startsWith('-');
  return { key: (descending ? raw.slice(1) : raw) as SortKey, descending };
}
