/**
 * Where the pages of List guests start (docs/guests.md, List guests, Deep pages): the sort key
 * of the row just before a numbered page, learned from the pages this instance has read, so that
 * a later page at or past it is read by keyset from there (the rows after that key) with only the
 * offset that remains, instead of passing over every index entry before it.
 *
 * A position belongs to the list's version (guest-list-cache.ts): any write to the organization's
 * guests may shift the offsets, so positions learned at another version are dropped, never used.
 * A position learned by a request that read the version just before a write may reflect the state
 * after it; the requests that can still use it read the same version before that write committed,
 * and an answer newer than what they could see is one they could have had a moment later.
 *
 * Memory is bounded: MAX_POSITIONS in all (a few hundred bytes each), the organizations least
 * recently used given up first, and at most MAX_PER_LIST for one list (its sort, direction and
 * search), which is then as dense as it gets: a read past the last one learns nothing new.
 */
import type { Position } from './guest-keyset.js';

/** Every position this instance keeps, over all organizations. */
const MAX_POSITIONS = 20_000;

/** The positions of one list: with 1,000,000 guests in pages of 100, one every few pages. */
const MAX_PER_LIST = 4_096;

/** A known start: the rows of the list at `offset` and after are the rows after `position`. */
export interface KnownStart {
  offset: number;
  position: Position;
}

interface OrganizationPositions {
  version: string;
  /** Per list (sort and search), its known starts by ascending offset. */
  lists: Map<string, KnownStart[]>;
  size: number;
}

export interface GuestListPositions {
  /** The known start nearest before `offset` (or at it) in this list at this version. */
  nearest(organizationId: string, version: string, list: string, offset: number): KnownStart | undefined;
  /** Records that the list's rows from `offset` on are the rows after `position`. */
  learn(organizationId: string, version: string, list: string, offset: number, position: Position): void;
  /** Counts a read that started from a known start. */
  noteUsed(): void;
  /** How many positions are kept, and how many reads started from one (for tests and diagnostics). */
  stats(): { positions: number; used: number };
}

/** The index of the last start at or before `offset` in `starts` (ascending), or -1. */
function lastAtOrBefore(starts: KnownStart[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if ((starts[middle] as KnownStart).offset <= offset) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

export function createGuestListPositions(maxPositions = MAX_POSITIONS, maxPerList = MAX_PER_LIST): GuestListPositions {
  /** By organization, least recently used first (a Map keeps insertion order; a use re-inserts). */
  const organizations = new Map<string, OrganizationPositions>();
  let total = 0;
  let used = 0;

  /** The organization's positions at this version, current; undefined if it has none (or older ones, dropped). */
  function current(organizationId: string, version: string): OrganizationPositions | undefined {
    const kept = organizations.get(organizationId);
    if (!kept) return undefined;
    organizations.delete(organizationId);
    if (kept.version !== version) {
      total -= kept.size;
      return undefined;
    }
    organizations.set(organizationId, kept);
    return kept;
  }

  return {
    nearest(organizationId, version, list, offset) {
      const starts = current(organizationId, version)?.lists.get(list);
      if (!starts) return undefined;
      const at = lastAtOrBefore(starts, offset);
      return at < 0 ? undefined : starts[at];
    },

    learn(organizationId, version, list, offset, position) {
      if (offset <= 0 || maxPositions <= 0) return;
      let kept = current(organizationId, version);
      if (!kept) {
        kept = { version, lists: new Map(), size: 0 };
        organizations.set(organizationId, kept);
      }
      let starts = kept.lists.get(list);
      if (!starts) {
        starts = [];
        kept.lists.set(list, starts);
      }
      const at = lastAtOrBefore(starts, offset);
      if (at >= 0 && (starts[at] as KnownStart).offset === offset) return;
      if (starts.length >= maxPerList) return;
      // Room first: the organizations least recently used, never this one.
      for (const [id, other] of organizations) {
        if (total < maxPositions || id === organizationId) break;
        organizations.delete(id);
        total -= other.size;
      }
      if (total >= maxPositions) return;
      starts.splice(at + 1, 0, { offset, position: { values: [...position.values], id: position.id } });
      kept.size += 1;
      total += 1;
    },

    noteUsed: () => {
      used += 1;
    },

    stats: () => ({ positions: total, used }),
  };
}
