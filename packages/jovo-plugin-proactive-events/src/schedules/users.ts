import { z } from 'zod';
import { type EventName, type Issue } from 'alexa-proactive-events';
import { formatPath, fromZod, userHash, type Holds, type SameType } from 'alexa-proactive-events/internal';
import { UserScheduleSchema, eventIssues, type UserSchedule } from './declaration';
import { nextRun, shortestInterval } from './times';

/**
 * Schedules a user set up from a handler ("remind me every Tuesday"): kept in that user's Jovo data, so whichever
 * database the app uses stores them and disabling the skill deletes them with the rest of the user's data.
 */

/**
 * The least time between two runs of a user's own schedule: a reminder, not a feed. Fifteen minutes keeps what a
 * user can ask of the skill (MAX_USER_SCHEDULES of them) to a few sends an hour.
 */
export const MIN_USER_SCHEDULE_INTERVAL_MS = 15 * 60_000;

/** Where a user's own schedules are kept inside Jovo's user data (`this.$user.$data`), by name. */
export const USER_SCHEDULES_KEY = 'proactiveSchedules';

/** A user's own schedule as a handler gives it: app.json's fields without `to` and `region`. */
// What the schema takes is what it gives (no defaults, no transforms): a UserSchedule, kept so by the check below.
export type UserScheduleInput = UserSchedule;
/** Keeps `UserScheduleInput` what the schema takes. */
export type UserScheduleInputMatchesSchema = Holds<SameType<UserScheduleInput, z.input<typeof UserScheduleSchema>>>;

/** What `this.$proactiveEvents.schedule(...)` made of a schedule: kept with its next run, or refused and why. */
export type ScheduleResult =
  | { status: 'scheduled'; name: string; next: Date; errors: []; warnings: Issue[] }
  | { status: 'refused'; name: string | null; next?: undefined; errors: Issue[]; warnings: Issue[] };

/** The user's own schedules in their Jovo data; an entry that is not one (a hand-edited file) counts as none. */
export function storedUserSchedules(data: Record<string, unknown> | undefined): Record<string, UserSchedule> {
  const stored = data?.[USER_SCHEDULES_KEY];
  if (stored === null || typeof stored !== 'object') return {};
  const schedules: Record<string, UserSchedule> = {};
  for (const [name, value] of Object.entries(stored)) {
    const parsed = UserScheduleSchema.safeParse(value);
    if (parsed.success && parsed.data.name === name) schedules[name] = parsed.data;
  }
  return schedules;
}

/**
 * A user's own schedule checked as app.json's are (its fields, its event against its schema and the published
 * events), and refused when it would never run (an `at` in the past): the schedule, or every problem with its path.
 */
export function checkUserSchedule(input: unknown, publishedEvents: readonly EventName[], user: string, now: Date): { schedule: UserSchedule } | { errors: Issue[] } {
  const parsed = UserScheduleSchema.safeParse(input);
  if (!parsed.success) return { errors: fromZod(parsed.error.issues, input) };
  const schedule = parsed.data;
  const errors = eventIssues(schedule, publishedEvents, user).map(({ path, message, value }) => ({ path: formatPath(path), message, value }));
  if (errors.length > 0) return { errors };
  if (!nextRun(schedule, now)) return { errors: [{ path: 'at', message: `is not after now (${now.toISOString()}) in ${schedule.timezone}, so it would never run`, value: schedule.at }] };
  const interval = shortestInterval(schedule, MIN_USER_SCHEDULE_INTERVAL_MS);
  if (interval !== undefined && interval < MIN_USER_SCHEDULE_INTERVAL_MS) {
    const message = `runs ${interval / 60_000} minutes apart at times; a user's own schedule runs at most every ${MIN_USER_SCHEDULE_INTERVAL_MS / 60_000} minutes, e.g. "*/15 * * * *"`;
    return { errors: [{ path: 'cron', message, value: schedule.cron }] };
  }
  return { schedule };
}

/**
 * The prefix of a user's own schedules wherever they run under a name (the local runner, EventBridge Scheduler):
 * `u.` and 16 hex digits of a hash of the user's id, so no user id is spelled out there. App.json's names have no dot.
 */
export function userScheduleKey(user: string, name = ''): string {
  return `u.${userHash(user)}.${name}`;
}
