import { Cron } from 'croner';
import type { Schedule } from './declaration';

/**
 * When a schedule runs, computed here by croner in the schedule's time zone (daylight-saving changes included: a
 * wall-clock time that a change skips runs just after it, one that occurs twice runs once), and the same times in
 * the form EventBridge Scheduler takes.
 */

type Timing = Pick<Schedule, 'cron' | 'at' | 'timezone'>;

/** The next `count` runs of a schedule strictly after `after`; fewer (or none) when it ends, as a one-off does. */
export function nextRuns(schedule: Timing, after: Date, count = 1): Date[] {
  return new Cron(pattern(schedule), { timezone: schedule.timezone, paused: true }).nextRuns(count, after);
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
export function awsExpression({ cron, at }: Pick<Schedule, 'cron' | 'at'>): string {
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
