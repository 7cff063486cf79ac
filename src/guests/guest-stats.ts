/**
 * The `stats` object of `?with=stats`. The service has no tasks yet, so every guest has assigned
 * and completed none: the counts are zero and the dates null by fact, not by placeholder. When
 * tasks arrive, this becomes one grouped query over the tasks of the guests asked for.
 */
import type { GuestStats } from './guest.schemas.js';

export function statsForGuests(guestIds: number[]): Map<number, GuestStats> {
  return new Map(
    guestIds.map((id) => [
      id,
      {
        assigned_tasks: 0,
        tasks_completed: 0,
        last_task_completed_at: null,
        one_off_tasks_completed: 0,
        last_one_off_task_completed_at: null,
      },
    ]),
  );
}
