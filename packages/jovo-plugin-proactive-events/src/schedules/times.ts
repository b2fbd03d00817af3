import { Cron } from 'croner';
import { USER_TIME_ZONE, type Schedule } from './declaration';

/**
 * When a schedule runs, computed here by croner in the schedule's time zone (daylight-saving changes included: a
 * wall-clock time that a change skips runs just after it, one that occurs twice runs once), and the same times in
 * the form EventBridge Scheduler takes.
 */

type Timing = Pick<Schedule, 'cron' | 'at' | 'timezone'>;

/**
 * The next `count` runs of a schedule strictly after `after`; fewer (or none) when it ends, as a one-off does. A
 * schedule at each user's own time (`timezone: "user"`) runs at its ticks (`userTimeTicks`), and each run sends to
 * the zones that are due then (`dueZones`).
 */
export function nextRuns(schedule: Timing, after: Date, count = 1): Date[] {
  if (schedule.timezone === USER_TIME_ZONE) {
    const { minutes, startAt, stopAt } = userTimeTicks(schedule);
    const runs = cronIn(`${minutes.join(',')} * * * *`, 'UTC').nextRuns(count, startAt && after < startAt ? new Date(startAt.getTime() - 1) : after);
    return stopAt ? runs.filter((run) => run <= stopAt) : runs;
  }
  const cron = cronIn(pattern(schedule), schedule.timezone);
  const runs: Date[] = [];
  for (let next = cron.nextRun(after); next && runs.length < count; next = cron.nextRun(next)) {
    if (!repeatsWallTime(next, schedule.timezone)) runs.push(next);
  }
  return runs;
}

/**
 * True when `instant` shows a local time that the zone already showed half an hour or an hour before: the second
 * pass through the hour that daylight saving repeats, which croner runs again and a schedule must not.
 */
function repeatsWallTime(instant: Date, timezone: string): boolean {
  const wall = wallTime(instant, timezone);
  return [30, 60].some((minutes) => wallTime(new Date(instant.getTime() - minutes * 60_000), timezone) === wall);
}

const wallClocks = new Map<string, Intl.DateTimeFormat>();

function wallTime(instant: Date, timezone: string): string {
  let format = wallClocks.get(timezone);
  if (!format) wallClocks.set(timezone, (format = new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' })));
  return format.format(instant);
}

/** Real time zones are whole quarter hours from UTC (Nepal +05:45, Chatham +12:45): a local minute is one of these. */
const QUARTER_HOURS = [0, 15, 30, 45];
/** The furthest any zone is from UTC, behind and ahead, with an hour of daylight saving's shift after a skipped time. */
const BEHIND_MS = 12 * 3_600_000;
const AHEAD_MS = 14 * 3_600_000;
const SHIFT_MS = 3_600_000;

/**
 * When a schedule at each user's own time looks for due zones: every hour at the UTC minutes its local minutes can
 * fall on in some zone (each local minute and the quarter hours from it), and at the quarter hours, where a time
 * that daylight saving skips runs (02:30 that does not exist runs at 03:00). A one-off (`at`) looks only while its
 * local time occurs somewhere on Earth.
 */
export function userTimeTicks({ cron, at }: Pick<Schedule, 'cron' | 'at'>): { minutes: number[]; startAt?: Date; stopAt?: Date } {
  const local = at !== undefined ? [Number(at.slice(14, 16))] : minutesOf(cron!.trim().split(/\s+/)[0]);
  return ticks(local, at);
}

function ticks(local: readonly number[], at: string | undefined): { minutes: number[]; startAt?: Date; stopAt?: Date } {
  const minutes = new Set(QUARTER_HOURS);
  for (const minute of local) for (const quarter of QUARTER_HOURS) minutes.add((minute + quarter) % 60);
  const sorted = [...minutes].sort((a, b) => a - b);
  if (at === undefined) return { minutes: sorted };
  const asUtc = Date.parse(`${withSeconds(at)}Z`);
  // A tick before the furthest zone's time: AWS starts a schedule "on, or after" its StartDate.
  return { minutes: sorted, startAt: new Date(asUtc - AHEAD_MS - 15 * 60_000), stopAt: new Date(asUtc + BEHIND_MS + SHIFT_MS) };
}

/** The minutes of the hour a crontab minute field names (croner reads the field; each minute of an hour is asked). */
function minutesOf(field: string): number[] {
  let minutes = minuteFields.get(field);
  if (!minutes) {
    const cron = cronIn(`${field} * * * *`, 'UTC');
    const hour = Date.UTC(2000, 0, 1);
    minutes = Array.from({ length: 60 }, (_, minute) => minute).filter((minute) => cron.match(new Date(hour + minute * 60_000)));
    minuteFields.set(field, minutes);
  }
  return minutes;
}
const minuteFields = new Map<string, number[]>();

/**
 * Croner's parse of a pattern in a zone, with the last run it found and the time it looked from: a run at each
 * user's own time asks every stored zone at every tick, and the answer holds until that run has passed.
 */
interface Parsed {
  cron: Cron;
  from?: number;
  next?: Date | null;
}
const parsed = new Map<string, Parsed>();
const MAX_PARSED = 10_000;

function parsedIn(pattern: string, timezone: string): Parsed {
  const key = `${timezone} ${pattern}`;
  let entry = parsed.get(key);
  if (!entry) {
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(key, (entry = { cron: new Cron(pattern, { timezone, paused: true }) }));
  }
  return entry;
}

function cronIn(pattern: string, timezone: string): Cron {
  return parsedIn(pattern, timezone).cron;
}

/** The first run strictly after `after` (ms), or null: the one found before while it is still ahead of `after`. */
function firstRunAfter(pattern: string, timezone: string, after: number): Date | null {
  const entry = parsedIn(pattern, timezone);
  const known = entry.from !== undefined && entry.from <= after && (entry.next === null || entry.next!.getTime() > after);
  if (!known) {
    entry.from = after;
    let next = entry.cron.nextRun(new Date(after));
    while (next && repeatsWallTime(next, timezone)) next = entry.cron.nextRun(next);
    entry.next = next;
  }
  return entry.next!;
}

/**
 * The zones (of `zones`) in which a schedule at each user's own time is due at the tick `tick`: those where a run
 * of its cron (or its one-off) falls after the tick before and no later than this one. A tick that comes late
 * (EventBridge Scheduler retried it) still answers for the time it names, so every zone is due at exactly one tick.
 */
export function dueZones(schedule: Pick<Schedule, 'cron' | 'at'>, tick: Date, zones: Iterable<string>): string[] {
  const now = Math.floor(tick.getTime() / 60_000) * 60_000;
  const { minutes } = userTimeTicks(schedule);
  let previous = now - 60_000;
  while (!minutes.includes(new Date(previous).getUTCMinutes())) previous -= 60_000;
  const due: string[] = [];
  for (const zone of new Set(zones)) {
    const next = firstRunAfter(pattern({ ...schedule, timezone: zone }), zone, previous);
    if (next && next.getTime() <= now) due.push(zone);
  }
  return due;
}

/** The next run after `after`, or undefined when there is none (a one-off whose time has passed). */
export function nextRun(schedule: Timing, after: Date): Date | undefined {
  return nextRuns(schedule, after, 1)[0];
}

/**
 * The shortest time between two runs of a recurring schedule, in milliseconds, or undefined for a one-off; or,
 * as soon as one gap shorter than `atLeastMs` is found, that gap. Read from the times of day its minute and hour
 * fields make, whatever its days (so that a gap that only occurs on some days counts), across midnight too.
 */
export function shortestInterval({ cron }: Pick<Schedule, 'cron' | 'at'>, atLeastMs = 0): number | undefined {
  if (cron === undefined) return undefined;
  const [minute, hour] = cron.trim().split(/\s+/);
  const day = new Cron(`${minute} ${hour} * * *`, { timezone: 'UTC', paused: true });
  const start = Date.UTC(2000, 0, 1);
  const first = day.nextRun(new Date(start - 1))!;
  let shortest = Infinity;
  for (let previous = first; ; ) {
    const next = day.nextRun(previous)!;
    shortest = Math.min(shortest, next.getTime() - previous.getTime());
    if (shortest < atLeastMs || next.getTime() >= first.getTime() + 86_400_000) return shortest;
    previous = next;
  }
}

function pattern({ cron, at }: Timing): string {
  return cron ?? withSeconds(at!);
}

/** `2026-12-24T18:00` → `2026-12-24T18:00:00`, the form croner and AWS's at() both take. */
function withSeconds(at: string): string {
  return at.length === 16 ? `${at}:00` : at;
}

const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
/** The least value of each crontab field, which `*\/n` starts from: AWS writes the start (`0/15`). */
const FIELD_MIN = [0, 0, 1, 1, 0];

/**
 * The schedule expression EventBridge Scheduler takes for a schedule: `cron(0 18 ? * TUE *)` (six fields, `?` for
 * whichever of day-of-month and day-of-week is unrestricted, days of the week by name since AWS counts them from 1)
 * or `at(2026-12-24T18:00:00)`. The time zone goes beside it (`ScheduleExpressionTimezone`).
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
 */
export function awsExpression({ cron, at, timezone }: Pick<Schedule, 'cron' | 'at'> & Partial<Pick<Schedule, 'timezone'>>): string {
  // At each user's own time: the ticks, every hour in UTC (a one-off's bounded by the schedule's start and end).
  if (timezone === USER_TIME_ZONE) return `cron(${userTimeTicks({ cron, at }).minutes.join(',')} * * * ? *)`;
  if (at !== undefined) return `at(${withSeconds(at)})`;
  const fields = cron!.trim().split(/\s+/);
  const [minute, hour, dayOfMonth, month] = fields.slice(0, 4).map((field, i) => awsField(field, i));
  // Every day of the week is no restriction: AWS wants "?" there, and the day of the month in force.
  const days = fields[4] === '*' ? '?' : weekdayList(fields[4]);
  return days === '?' ? `cron(${minute} ${hour} ${dayOfMonth} ${month} ? *)` : `cron(${minute} ${hour} ? ${month} ${days} *)`;
}

/** One field in AWS's syntax: `*\/n` as `min/n`, a stepped range spelled out, the rest as crontab has it. */
function awsField(field: string, index: number): string {
  if (field === '*') return field;
  return field
    .split(',')
    .map((part) => {
      const stepped = /^(\*|[^/]+-[^/]+)\/(\d+)$/.exec(part);
      if (!stepped) return part.toUpperCase();
      if (stepped[1] === '*') return `${FIELD_MIN[index]}/${stepped[2]}`;
      const [from, to] = stepped[1].split('-').map((value) => valueOf(value, index));
      const values: number[] = [];
      for (let value = from; value <= to; value += Number(stepped[2])) values.push(value);
      return values.join(',');
    })
    .join(',');
}

/** A crontab day-of-week field as AWS's list of day names (crontab counts from 0 or 7 = Sunday, AWS from 1). */
function weekdayList(field: string): string {
  const days = new Set<number>();
  for (const part of field.split(',')) {
    const [range, step = '1'] = part.split('/');
    const [from, to] = range === '*' ? [0, 6] : range.includes('-') ? range.split('-').map((value) => valueOf(value, 4)) : [valueOf(range, 4), valueOf(range, 4)];
    for (let day = from; day <= to; day += Number(step)) days.add(day % 7);
  }
  return days.size === 7 ? '?' : [...days].sort().map((day) => WEEKDAYS[day]).join(',');
}

function valueOf(value: string, index: number): number {
  const upper = value.toUpperCase();
  if (index === 4 && WEEKDAYS.includes(upper)) return WEEKDAYS.indexOf(upper);
  if (index === 3 && MONTHS.includes(upper)) return MONTHS.indexOf(upper) + 1;
  return Number(value);
}
