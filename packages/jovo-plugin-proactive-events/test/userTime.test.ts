import { describeIssue, type TrashCollectionAlertActivatedPayload } from 'alexa-proactive-events/internal';
import { SettingsError } from '../src';
import { AppDeclarationSchema, awsExpression, nextRuns } from '../src/internal';
import { parseOrThrow } from '../src/config/project';
import { scheduleInput } from '../src/schedules/deploy';
import { dueZones, userTimeTicks } from '../src/schedules/times';

const TRASH = 'AMAZON.TrashCollectionAlert.Activated';
const trash: TrashCollectionAlertActivatedPayload = { alert: { garbageTypes: ['RECYCLABLE_PLASTICS'], collectionDayOfWeek: 'TUESDAY' } };
const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu', 'Pacific/Chatham', 'Pacific/Kiritimati', 'Pacific/Pago_Pago'];

function userTime(fields: Record<string, unknown> = {}) {
  return { name: 'trash-evening', cron: '0 18 * * TUE', timezone: 'user', defaultTimezone: 'America/New_York', to: 'subscribers', event: { name: TRASH, payload: trash }, ...fields };
}

function problems(schedule: Record<string, unknown>): string[] {
  try {
    parseOrThrow(AppDeclarationSchema, { events: [TRASH], locales: ['en-US'], schedules: [schedule] }, 'app.json');
  } catch (error) {
    return (error as SettingsError).issues.map(describeIssue);
  }
  return [];
}

/** Every (tick, due zone) of a schedule between two instants, as its runner would come to them. */
function dueTimes(schedule: { cron?: string; at?: string; timezone: string }, from: string, to: string, zones = ZONES): Array<[string, string]> {
  const due: Array<[string, string]> = [];
  for (let tick = nextRuns(schedule, new Date(from))[0]; tick && tick < new Date(to); tick = nextRuns(schedule, tick)[0]) {
    for (const zone of dueZones(schedule, tick, zones)) due.push([zone, tick.toISOString()]);
  }
  return due;
}

describe('"timezone": "user" in app.json', () => {
  it('takes every subscriber at their own time, with a default zone', () => {
    expect(problems(userTime())).toEqual([]);
  });

  it.each([
    [{ defaultTimezone: undefined }, 'schedules[0].defaultTimezone: required with "timezone": "user": the IANA zone of subscribers whose zone is not known yet, e.g. "America/New_York"'],
    [{ to: 'all' }, 'schedules[0].to: must be "subscribers" with "timezone": "user": only the skill\'s own subscribers have a stored time zone (given "all")'],
    [{ timezone: 'Europe/Berlin' }, 'schedules[0].defaultTimezone: only goes with "timezone": "user" (given "America/New_York")'],
    [{ defaultTimezone: 'Mars/Olympus' }, 'schedules[0].defaultTimezone: expected an IANA time zone, e.g. "Europe/Berlin" or "America/New_York" (given "Mars/Olympus")'],
    [{ timezone: 'users' }, 'schedules[0].timezone: expected an IANA time zone, e.g. "Europe/Berlin", or "user" (each subscriber\'s own, with a defaultTimezone) (given "users")'],
  ])('refuses %j, naming the field and what is allowed', (fields, problem) => {
    expect(problems(userTime(fields))).toEqual([problem]);
  });

  it('takes "to": "subscribers" in one zone too', () => {
    expect(problems(userTime({ timezone: 'Europe/Berlin', defaultTimezone: undefined }))).toEqual([]);
  });
});

describe('which zones are due at a tick', () => {
  const schedule = { cron: '0 18 * * TUE', timezone: 'user' };

  it.each([
    ['2026-12-08T17:00:00Z', ['Europe/Berlin']],
    ['2026-12-08T23:00:00Z', ['America/New_York']],
    ['2026-12-08T12:30:00Z', ['Asia/Kolkata']],
    ['2026-12-08T12:15:00Z', ['Asia/Kathmandu']],
    ['2026-12-08T16:00:00Z', []],
  ])('at %s: %j', (tick, zones) => {
    expect(dueZones(schedule, new Date(tick), ZONES)).toEqual(zones);
  });

  it('reaches each zone exactly once a week, at its own 18:00 on Tuesday', () => {
    const due = dueTimes(schedule, '2026-12-06T00:00:00Z', '2026-12-13T00:00:00Z');
    expect(due.map(([zone]) => zone).sort()).toEqual([...ZONES].sort());
    for (const [zone, tick] of due) {
      const local = new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(tick));
      expect(`${zone} ${local}`).toBe(`${zone} Tue 18:00`);
    }
  });

  it('answers a late invocation for the time it names', () => {
    // EventBridge Scheduler retried the 17:00 tick minutes later: the run is still 17:00's, Berlin's.
    expect(dueZones(schedule, new Date('2026-12-08T17:00:00Z'), ZONES)).toEqual(['Europe/Berlin']);
  });

  it('runs a time daylight saving skips at 03:00, and one that occurs twice once', () => {
    const nightly = { cron: '30 2 * * *', timezone: 'user' };
    const spring = dueTimes(nightly, '2026-03-28T22:00:00Z', '2026-03-29T06:00:00Z', ['Europe/Berlin']);
    expect(spring).toEqual([['Europe/Berlin', '2026-03-29T01:00:00.000Z']]); // 03:00 CEST
    const autumn = dueTimes(nightly, '2026-10-24T22:00:00Z', '2026-10-25T06:00:00Z', ['Europe/Berlin']);
    expect(autumn).toEqual([['Europe/Berlin', '2026-10-25T00:30:00.000Z']]); // the first 02:30
  });

  it('looks at the quarter hours and at each local minute a quarter apart', () => {
    expect(userTimeTicks({ cron: '0 18 * * TUE' }).minutes).toEqual([0, 15, 30, 45]);
    expect(userTimeTicks({ cron: '7 18 * * *' }).minutes).toEqual([0, 7, 15, 22, 30, 37, 45, 52]);
  });

  it('runs a one-off at its local time in each zone, once, and looks only while that time occurs somewhere', () => {
    const once = { at: '2026-12-24T18:00', timezone: 'user' };
    const { startAt, stopAt } = userTimeTicks(once);
    expect([startAt?.toISOString(), stopAt?.toISOString()]).toEqual(['2026-12-24T03:45:00.000Z', '2026-12-25T07:00:00.000Z']);
    const due = dueTimes(once, '2026-12-20T00:00:00Z', '2026-12-30T00:00:00Z');
    expect(due.map(([zone]) => zone).sort()).toEqual([...ZONES].sort());
    expect(nextRuns(once, new Date('2026-12-26T00:00:00Z'))).toEqual([]);
  });
});

describe('on EventBridge Scheduler', () => {
  const target = { functionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:skill', roleArn: 'arn:aws:iam::123456789012:role/scheduler', group: 'skill' };

  it('fires at the ticks in UTC and names only the schedule and its time', () => {
    const input = scheduleInput(userTime() as never, target);
    expect(input).toMatchObject({ ScheduleExpression: 'cron(0,15,30,45 * * * ? *)', ScheduleExpressionTimezone: 'UTC' });
    expect(JSON.parse(input.Target!.Input!)).toEqual({ proactiveEventsSchedule: { name: 'trash-evening', scheduledTime: '<aws.scheduler.scheduled-time>' } });
    expect(awsExpression({ cron: '7 18 * * *', timezone: 'user' })).toBe('cron(0,7,15,22,30,37,45,52 * * * ? *)');
  });

  it('bounds a one-off by the hours its local time occurs in', () => {
    const input = scheduleInput(userTime({ cron: undefined, at: '2026-12-24T18:00' }) as never, target);
    expect(input).toMatchObject({ StartDate: new Date('2026-12-24T03:45:00Z'), EndDate: new Date('2026-12-25T07:00:00Z') });
  });
});
