/**
 * Pages of List guests answered again from memory (docs/guests.md, List guests, "Pages answered
 * again"). A page is kept under its organization's list version (migrations
 * 017_guest_list_versions and 018_guest_stats_versions), which every write to the organization's
 * guest records, or to the tasks their stats are counted from, moves in the write's own
 * transaction, on whichever instance or process made it. A request reads the version first (with
 * the total, one indexed read) and is answered from memory only at that same version:
 * an answer is never older than the records the request could see. A page kept at an older
 * version is never answered again, and the organization's pages are dropped at the first
 * request that sees a newer one.
 *
 * Bounded by bytes (the JSON text kept, with a little for its keys and the rest of one answer),
 * least recently used organization first; a page larger than an eighth of the budget is not kept.
 *
 * A page also keeps the last whole answer made from it, with the URL and the total it answered
 * (keepAnswer): the pagination block follows from the page, the total and the URL, so the next
 * request for the same URL with the same total is sent those bytes as they are, with nothing put
 * together again. (The total is read with every request, beside the version: a count repaired by
 * hand changes it without a write to the records.)
 */

/** What a page's answer is made of, beside what the request itself gives (page number, links). */
export interface KeptPage {
  /** The JSON text of the page's guests (an array), in UTF-8: what is sent, encoded once. */
  data: Buffer;
  count: number;
  /** The total the page was read with (the count of a search's matches). */
  total: number;
  nextCursor?: string | null;
  /** The last whole answer made from this page, with the URL and the total it answered (keepAnswer). */
  answer?: { url: string; total: number; body: Buffer };
}

/** Bytes each page is counted for beyond its guests' text: the rest of one whole answer, and its URL. */
const ANSWER_ROOM = 1024;

/** Bytes a page is counted for: its text, its key and cursor (JS strings, mostly a byte a character), its objects, one answer's room. */
function sizeOf(key: string, page: KeptPage): number {
  return page.data.length + key.length + (page.nextCursor?.length ?? 0) + 160 + ANSWER_ROOM;
}

/**
 * Keeps `body`, the whole answer made from `page` for `url` with `total`, whose bytes from
 * `dataStart` are the page's `data`: the page's text becomes a view of it, so the two take the
 * memory of one. Not kept when the rest of the answer and the URL exceed the room the page is
 * counted for (a very long URL).
 */
export function keepAnswer(page: KeptPage, url: string, total: number, body: Buffer, dataStart: number): void {
  if (body.length - page.data.length + url.length > ANSWER_ROOM) return;
  page.data = body.subarray(dataStart, dataStart + page.data.length);
  page.answer = { url, total, body };
}

interface OrganizationPages {
  version: bigint;
  bytes: number;
  pages: Map<string, KeptPage>;
}

export interface GuestListCache {
  get(organizationId: string, version: string, key: string): KeptPage | undefined;
  set(organizationId: string, version: string, key: string, page: KeptPage): void;
  /** Bytes kept now (for tests and the metrics). */
  readonly bytes: number;
}

export function createGuestListCache(maxBytes: number): GuestListCache {
  const organizations = new Map<string, OrganizationPages>();
  let bytes = 0;

  function drop(organizationId: string, entry: OrganizationPages): void {
    bytes -= entry.bytes;
    organizations.delete(organizationId);
  }

  /** Least recently used organizations first; the last one's oldest pages when it is alone. */
  function evict(): void {
    while (bytes > maxBytes) {
      const [organizationId, entry] = organizations.entries().next().value as [string, OrganizationPages];
      if (organizations.size > 1 || entry.pages.size <= 1) {
        drop(organizationId, entry);
        continue;
      }
      const [key, page] = entry.pages.entries().next().value as [string, KeptPage];
      entry.pages.delete(key);
      const size = sizeOf(key, page);
      entry.bytes -= size;
      bytes -= size;
    }
  }

  return {
    get(organizationId, version, key) {
      const entry = organizations.get(organizationId);
      if (!entry) return undefined;
      if (entry.version !== BigInt(version)) {
        // Another version: whether newer (the pages are stale) or older (a reader behind a write
        // that another has seen already), these pages do not answer it.
        return undefined;
      }
      const page = entry.pages.get(key);
      if (page) {
        organizations.delete(organizationId);
        organizations.set(organizationId, entry);
      }
      return page;
    },

    set(organizationId, version, key, page) {
      const size = sizeOf(key, page);
      if (size > maxBytes / 8) return;
      const at = BigInt(version);
      let entry = organizations.get(organizationId);
      if (entry && entry.version > at) return; // read before a write that a later page holds already
      if (entry && entry.version < at) {
        drop(organizationId, entry);
        entry = undefined;
      }
      if (!entry) entry = { version: at, bytes: 0, pages: new Map() };
      const previous = entry.pages.get(key);
      if (previous) {
        entry.pages.delete(key);
        const old = sizeOf(key, previous);
        entry.bytes -= old;
        bytes -= old;
      }
      entry.pages.set(key, page);
      entry.bytes += size;
      bytes += size;
      organizations.delete(organizationId);
      organizations.set(organizationId, entry);
      evict();
    },

    get bytes() {
      return bytes;
    },
  };
}
