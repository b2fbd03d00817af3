import { Cron } from 'croner';
import { z } from 'zod';
import {
  EVENT_NAMES,
  buildRequest,
  validateRequest,
  type EventName,
  type Issue,
  type Region,
  type Stage,
} from 'alexa-proactive-events';
import {
  type Holds,
  type SameType,
  MAX_EXPIRY_MINUTES,
  MIN_EXPIRY_MINUTES,
  REGION_ORIGINS,
  STAGES,
  UserIdSchema,
  isTimeZone,
} from 'alexa-proactive-events/internal';

/**
 * A schedule of app.json (`schedules`): an event that goes out on its own, at the times of a crontab expression or
 * once, in a time zone. The skill runs it locally (`npm start`), EventBridge Scheduler on AWS (`schedules deploy`).
 */

const NAME_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** A schedule's name goes into EventBridge's (64 characters at most) and into each run's referenceId. */
export const MAX_SCHEDULE_NAME_LENGTH = 64;
/** `2026-12-24T18:00` or `2026-12-24T18:00:00`: a wall-clock time of the schedule's time zone, no offset. */
const LOCAL_DATE_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;
/** The characters of the five-field crontab form: numbers, names (TUE, JAN), `*`, `,`, `-`, `/`. */
const CRON_FIELD = /^[0-9A-Za-z*,/-]+$/;
const CRON_EXAMPLE = 'five crontab fields, minute hour day-of-month month day-of-week, e.g. "0 18 * * TUE"';
const REGIONS = Object.keys(REGION_ORIGINS) as [Region, ...Region[]];

const RegionSchema = z.enum(REGIONS);

const nameSchema = (max: number) =>
  z
    .string()
    .max(max)
    .regex(NAME_PATTERN, 'expected kebab-case: lower-case letters and digits joined by single hyphens, e.g. "trash-day"')
    // Schedules are kept by name in objects, where this one is every object's own (and DynamoDB's marshaller reads it).
    .refine((name) => !(name in Object.prototype), 'is a name every JavaScript object has: choose another');

/** When a schedule runs, and what it sends: the fields of app.json's schedules and of a user's alike. */
const SCHEDULE_FIELDS = {
    cron: z
      .string()
      .superRefine((cron, context) => {
        const problem = cronProblem(cron);
        if (problem) context.addIssue({ code: 'custom', message: problem, input: cron });
      })
      .optional(),
    at: z.string().regex(LOCAL_DATE_TIME, 'expected a local date-time without offset, e.g. "2026-12-24T18:00"').optional(),
    timezone: z.string().refine(isTimeZone, 'expected an IANA time zone, e.g. "Europe/Berlin" or "America/New_York"'),
    event: z.strictObject({ name: z.enum(EVENT_NAMES), payload: z.unknown() }),
    localizedAttributes: z.array(z.record(z.string(), z.string())).optional(),
    expiresInMinutes: z.number().int().min(MIN_EXPIRY_MINUTES).max(MAX_EXPIRY_MINUTES).optional(),
    stage: z.enum(STAGES).optional(),
};

/** `"timezone": "user"`: the schedule's times are read in each subscriber's own time zone. */
export const USER_TIME_ZONE = 'user';

/** The zone (and region) of a subscriber the skill does not know it of, as the stores index them. */
export const UNKNOWN = 'unknown';

/** One schedule of app.json's `schedules`, as `npm start`, `npm run build:platform` and `validate` check it. */
export const ScheduleSchema = z
  .strictObject({
    name: nameSchema(MAX_SCHEDULE_NAME_LENGTH),
    ...SCHEDULE_FIELDS,
    timezone: z.string().refine((zone) => zone === USER_TIME_ZONE || isTimeZone(zone), 'expected an IANA time zone, e.g. "Europe/Berlin", or "user" (each subscriber\'s own, with a defaultTimezone)'),
    defaultTimezone: SCHEDULE_FIELDS.timezone.optional(),
    to: z.union([z.literal('all'), z.literal('subscribers'), z.strictObject({ users: z.array(UserIdSchema).min(1) })], {
      error: 'expected "all" (Multicast), "subscribers" (every subscriber of the event, from the skill\'s records) or { "users": ["amzn1.ask.account…"] } (Unicast)',
    }),
    region: z.union([RegionSchema, z.array(RegionSchema).min(1)], { error: `expected ${REGIONS.slice(0, -1).join(', ')} or ${REGIONS.at(-1)}, or a list of them` }).default('NA'),
  })
  .superRefine((schedule, context) => {
    oneTiming(schedule, context);
    const regions = regionsOf(schedule);
    if (new Set(regions).size !== regions.length) context.addIssue({ code: 'custom', path: ['region'], message: 'must not list a region twice' });
    if (schedule.timezone === USER_TIME_ZONE) {
      if (schedule.to !== 'subscribers') context.addIssue({ code: 'custom', path: ['to'], message: 'must be "subscribers" with "timezone": "user": only the skill\'s own subscribers have a stored time zone', input: schedule.to });
      if (schedule.defaultTimezone === undefined) context.addIssue({ code: 'custom', path: ['defaultTimezone'], message: 'required with "timezone": "user": the IANA zone of subscribers whose zone is not known yet, e.g. "America/New_York"' });
    } else if (schedule.defaultTimezone !== undefined && isTimeZone(schedule.timezone)) {
      context.addIssue({ code: 'custom', path: ['defaultTimezone'], message: 'only goes with "timezone": "user"', input: schedule.defaultTimezone });
    }
  });

function oneTiming(schedule: { cron?: string; at?: string }, context: z.RefinementCtx): void {
  if ((schedule.cron === undefined) === (schedule.at === undefined)) {
    context.addIssue({ code: 'custom', path: ['cron'], message: 'expected either "cron" (recurring) or "at" (once), not both or neither' });
  }
}

/**
 * A user's own schedule kept in EventBridge: `u.<16 hex digits of the user>.<name>`, a form no app.json name can
 * take (those have no dot), so `schedules deploy` leaves it alone. Its name has room for what is left of 64.
 */
export const MAX_USER_SCHEDULE_NAME_LENGTH = MAX_SCHEDULE_NAME_LENGTH - 'u.0123456789abcdef.'.length;

/**
 * A schedule one user set up from a handler (`this.$proactiveEvents.schedule(...)`, "remind me every Tuesday"):
 * app.json's fields without the audience and region, since it goes to that user alone, in their stored region.
 */
export const UserScheduleSchema = z
  .strictObject({ name: nameSchema(MAX_USER_SCHEDULE_NAME_LENGTH), ...SCHEDULE_FIELDS })
  .superRefine(oneTiming);

// Schedule and UserSchedule are written out, so that users read their fields; the checks below keep them the
// schemas' output.

/** A user's own schedule, as stored with the user. */
export interface UserSchedule {
  name: string;
  /** A crontab expression (recurring); either it or `at`. */
  cron?: string | undefined;
  /** A local date-time without offset, e.g. `2026-12-24T18:00` (once); either it or `cron`. */
  at?: string | undefined;
  /** An IANA time zone, e.g. `Europe/Berlin`. */
  timezone: string;
  event: { name: EventName; payload: unknown };
  localizedAttributes?: Array<Record<string, string>> | undefined;
  expiresInMinutes?: number | undefined;
  stage?: Stage | undefined;
}
/** Keeps `UserSchedule` the schema's output. */
export type UserScheduleMatchesSchema = Holds<SameType<UserSchedule, z.output<typeof UserScheduleSchema>>>;

/** A schedule as declared in app.json, with its defaults: a user's fields, its audience and its regions. */
export interface Schedule extends UserSchedule {
  /** An IANA time zone, or `'user'`: each subscriber's own (with `defaultTimezone` for those not known). */
  timezone: string;
  /** With `timezone: 'user'`: the IANA zone of subscribers whose own is not known yet. */
  defaultTimezone?: string | undefined;
  /**
   * `'all'` (Multicast), `'subscribers'` (every subscriber of the event in the skill's records: a Multicast per
   * region that has some, or a Unicast each at their own time), or the users it goes to (Unicast).
   */
  to: 'all' | 'subscribers' | { users: string[] };
  /** The regions of a Multicast (`to: 'all'`); for a Unicast, the region of a user with none stored (the first). */
  region: Region | Region[];
}
/** Keeps `Schedule` the schema's output. */
export type ScheduleMatchesSchema = Holds<SameType<Schedule, z.output<typeof ScheduleSchema>>>;

/** The regions a schedule's Multicast goes to; a Unicast's fallback is the first (each user's stored one wins). */
export function regionsOf(schedule: Pick<Schedule, 'region'>): Region[] {
  return Array.isArray(schedule.region) ? schedule.region : [schedule.region];
}

/**
 * The problems of app.json's schedules that need the rest of app.json: names used twice, events it does not
 * publish, and each event checked as it will be sent (its payload against its schema, its localized attributes),
 * with the path from `schedules`.
 */
export function scheduleIssues(schedules: readonly Schedule[], publishedEvents: readonly EventName[]): PathIssue[] {
  const issues: PathIssue[] = [];
  schedules.forEach((schedule, i) => {
    if (schedules.findIndex((other) => other.name === schedule.name) !== i) issues.push({ path: [i, 'name'], message: 'another schedule has this name', value: schedule.name });
    const user = typeof schedule.to === 'object' ? schedule.to.users[0] : schedule.to === 'subscribers' ? EXAMPLE_USER : undefined;
    for (const issue of eventIssues(schedule, publishedEvents, user)) issues.push({ ...issue, path: [i, ...issue.path] });
  });
  return issues;
}

/** A user id to check a Unicast's event with when the users are not known until the run. */
const EXAMPLE_USER = 'amzn1.ask.account.subscriber';

/** A problem of a schedule, with its path from the schedule (or from app.json's `schedules`). */
export interface PathIssue {
  path: PropertyKey[];
  message: string;
  value?: unknown;
}

/** A schedule's event checked as it will be sent (its payload against its schema, its localized attributes). */
export function eventIssues(
  schedule: Pick<Schedule, 'event' | 'localizedAttributes' | 'expiresInMinutes'>,
  publishedEvents: readonly EventName[],
  user?: string,
): PathIssue[] {
  const body = buildRequest({
    event: schedule.event,
    localizedAttributes: schedule.localizedAttributes ?? [],
    user,
    referenceId: 'schedule',
    expiresInMinutes: schedule.expiresInMinutes,
  });
  const checked = validateRequest(body);
  // The event and its texts; the rest of the request (its times) is the schema's.
  const own = checked.ok ? [] : checked.issues.filter((issue) => /^(event|localizedAttributes)\b/.test(issue.path));
  // Checked here rather than by validateRequest's publishedEvents, to name where the list is: app.json's events.
  const name = schedule.event.name as EventName;
  if (EVENT_NAMES.includes(name) && !publishedEvents.includes(name)) {
    own.push({ path: 'event.name', message: `not published by this skill; it publishes ${publishedEvents.join(', ')} (app.json)`, value: name });
  }
  return own.map((issue) => ({ path: pathOf(issue), message: issue.message, value: issue.value }));
}

/** `event.payload.alert` of a request issue, as a path within the schedule (`event`, `localizedAttributes`). */
function pathOf(issue: Issue): PropertyKey[] {
  return issue.path.split(/\.|(?=\[)/).map((part) => (/^\[\d+\]$/.test(part) ? Number(part.slice(1, -1)) : part));
}

/**
 * Why `expression` is not a five-field crontab expression both runners can keep, or undefined. EventBridge Scheduler
 * cannot restrict both the day of the month and the day of the week (crontab would run on either), so that is refused.
 */
export function cronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 || !fields.every((field) => CRON_FIELD.test(field))) return `expected ${CRON_EXAMPLE}`;
  try {
    new Cron(expression, { paused: true });
  } catch (error) {
    return `expected ${CRON_EXAMPLE}: ${(error as Error).message.replace(/^CronPattern: /, '')}`;
  }
  if (fields[2] !== '*' && fields[4] !== '*') {
    return 'restricts both the day of the month and the day of the week, which EventBridge Scheduler cannot run: keep one of them "*"';
  }
  return undefined;
}

/** What a schedule sends at one of its times: its declared event, or what the plugin's hook made of it. */
export interface ScheduledEvent {
  event: { name: string; payload: unknown };
  localizedAttributes?: ReadonlyArray<Record<string, string>>;
}

/**
 * The plugin's `prepareScheduledEvent` hook: gets the schedule and the time of this run, and returns the event to
 * send (fill in tonight's weather, say). What it returns is validated like every event before it is sent. For a
 * user's own schedule (`this.$proactiveEvents.schedule`) it gets that `user` too.
 */
export type PrepareScheduledEvent = (
  run: { schedule: Schedule; user?: undefined; scheduledTime: Date; event: ScheduledEvent } | { schedule: UserSchedule; user: string; scheduledTime: Date; event: ScheduledEvent },
) => ScheduledEvent | Promise<ScheduledEvent>;
