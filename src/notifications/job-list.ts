/** The jobs the scheduler runs (docs/notifications.md, Scheduled jobs): add a job to the list here. */
import type { Job, JobDeps } from './jobs.js';
import { createDigestJob } from './digest.job.js';
import { remindersJob } from './reminders.js';

/** Every job, in the order they run at each tick. */
export function scheduledJobs(deps: JobDeps): Job[] {
  return [createDigestJob(deps), remindersJob({ db: deps.db, links: deps.links, ...deps.reminders })];
}
