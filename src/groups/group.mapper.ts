/** Group rows and their lists -> the group object. */
import type { GroupRow } from './group.repository.js';
import type { Group } from './group.schemas.js';

export function groupRowToGroup(row: GroupRow, members: number[], guests: string[]): Group {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    logo: null,
    members: [...members].sort((a, b) => a - b),
    // Code-unit order: the same on both databases, whatever their collation.
    guests: [...guests].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    created_at: row.created_at,
    last_updated: row.updated_at,
    updated_at: row.updated_at,
  };
}
