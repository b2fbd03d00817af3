import * as fs from 'fs';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import * as os from 'os';
import * as path from 'path';
import { createEmulator, type Emulator } from 'alexa-proactive-events/emulator';
import { type SummaryRecord } from 'alexa-proactive-events';
import { MAX_TRIGGER_BATCH, ReplayGuard, checkReplay } from 'alexa-proactive-events/trigger';
import { describeIssue, type TrashCollectionAlertActivatedPayload } from 'alexa-proactive-events/internal';
import { SettingsError, type Schedule } from '../src';
import { runSchedule } from '../src';
import {
  AppDeclarationSchema,
  ScheduleRunner,
  awsExpression,
  nextRuns,
  scheduleReferenceId,
  type RunnerClock,
} from '../src/internal';
import { runTrigger } from '../src/cli';
import { parseOrThrow } from '../src/config/project';
import { planDeployment, scheduleInput } from '../src/schedules/deploy';
import { createApp, lambdaFor, testSettings } from './helpers/app';
import { startDynalite, type LocalDynamoDb } from './helpers/dynalite';

const TRASH = 'AMAZON.TrashCollectionAlert.Activated';
const trash: TrashCollectionAlertActivatedPayload = { alert: { garbageTypes: ['RECYCLABLE_PLASTICS'], collectionDayOfWeek: 'TUESDAY' } };
const EVENTS = [TRASH, 'AMAZON.WeatherAlert.Activated'];

function schedule(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'trash-day', cron: '0 18 * * TUE', timezone: 'Europe/Berlin', to: 'all', event: { name: TRASH, payload: trash }, ...fields };
}

/** app.json with these schedules, checked as `npm start`, `build:platform` and `validate` check it. */
function declare(...schedules: Array<Record<string, unknown>>) {
  return parseOrThrow(AppDeclarationSchema, { events: EVENTS, locales: ['en-US'], schedules }, 'app.json');
}

function problems(...schedules: Array<Record<string, unknown>>): string[] {
  try {
    declare(...schedules);
  } catch (error) {
    return (error as SettingsError).issues.map(describeIssue);
  }
  return [];
}

describe('the declaration in app.json', () => {
  it('takes a schedule with its defaults (region NA)', () => {
    expect(declare(schedule()).schedules).toEqual([expect.objectContaining({ name: 'trash-day', region: 'NA', to: 'all' })]);
  });

  it.each([
    [{ name: 'Trash_Day' }, 'schedules[0].name: expected kebab-case: lower-case letters and digits joined by single hyphens, e.g. "trash-day" (given "Trash_Day")'],
    [{ cron: '0 18 * *' }, 'schedules[0].cron: expected five crontab fields, minute hour day-of-month month day-of-week, e.g. "0 18 * * TUE" (given "0 18 * *")'],
    [{ cron: '0 0 18 * * TUE' }, 'schedules[0].cron: expected five crontab fields, minute hour day-of-month month day-of-week, e.g. "0 18 * * TUE" (given "0 0 18 * * TUE")'],
    [{ cron: '0 25 * * TUE' }, 'schedules[0].cron: expected five crontab fields, minute hour day-of-month month day-of-week, e.g. "0 18 * * TUE": Invalid value for hour: 25 (given "0 25 * * TUE")'],
    [{ cron: '0 18 ? * TUE' }, 'schedules[0].cron: expected five crontab fields, minute hour day-of-month month day-of-week, e.g. "0 18 * * TUE" (given "0 18 ? * TUE")'],
    [{ cron: '0 18 1 * TUE' }, 'schedules[0].cron: restricts both the day of the month and the day of the week, which EventBridge Scheduler cannot run: keep one of them "*" (given "0 18 1 * TUE")'],
    [{ cron: undefined, at: '2026-12-24 18:00' }, 'schedules[0].at: expected a local date-time without offset, e.g. "2026-12-24T18:00" (given "2026-12-24 18:00")'],
    [{ cron: undefined, at: '2026-12-24T18:00:00Z' }, 'schedules[0].at: expected a local date-time without offset, e.g. "2026-12-24T18:00" (given "2026-12-24T18:00:00Z")'],
    [{ at: '2026-12-24T18:00' }, 'schedules[0].cron: expected either "cron" (recurring) or "at" (once), not both or neither (given "0 18 * * TUE")'],
    [{ cron: undefined }, 'schedules[0].cron: expected either "cron" (recurring) or "at" (once), not both or neither'],
    [{ timezone: 'CET+1' }, 'schedules[0].timezone: expected an IANA time zone, e.g. "Europe/Berlin", or "user" (each subscriber\'s own, with a defaultTimezone) (given "CET+1")'],
    [{ timezone: undefined }, 'schedules[0].timezone: required: a string'],
    [{ to: 'everyone' }, 'schedules[0].to: expected "all" (Multicast), "subscribers" (every subscriber of the event, from the skill\'s records) or { "users": ["amzn1.ask.account…"] } (Unicast) (given "everyone")'],
    [{ region: ['EU', 'EU'] }, 'schedules[0].region: must not list a region twice (given ["EU","EU"])'],
    [{ region: 'US' }, 'schedules[0].region: expected NA, EU or FE, or a list of them (given "US")'],
    [{ expiresInMinutes: 2 }, expect.stringMatching(/^schedules\[0\]\.expiresInMinutes: .*5.* \(given 2\)$/)],
    [{ event: { name: TRASH, payload: { alert: { garbageTypes: ['PLASTIC'], collectionDayOfWeek: 'TUESDAY' } } } }, expect.stringMatching(/^schedules\[0\]\.event\.payload\.alert\.garbageTypes\[0\]: expected one of .* \(given "PLASTIC"\)$/)],
    [{ extra: true }, 'schedules[0].extra: Unrecognized key: "extra" (given true)'],
  ])('refuses %j, naming the path, the value and what is allowed', (fields, message) => {
    expect(problems(schedule(fields))).toEqual([message]);
  });

  it('refuses an event the skill does not publish', () => {
    expect(problems(schedule({ event: { name: 'AMAZON.OrderStatus.Updated', payload: {} } }))).toContain(
      'schedules[0].event.name: not published by this skill; it publishes AMAZON.TrashCollectionAlert.Activated, AMAZON.WeatherAlert.Activated (app.json) (given "AMAZON.OrderStatus.Updated")',
    );
  });

  it('refuses two schedules of one name', () => {
    expect(problems(schedule(), schedule({ cron: '0 7 * * *' }))).toEqual(['schedules[1].name: another schedule has this name (given "trash-day")']);
  });
});

describe('times, in the schedule’s zone', () => {
  const weekly = { cron: '0 18 * * TUE', timezone: 'Europe/Berlin' };

  it('keeps the wall-clock time across a daylight-saving change (Berlin in spring, New York in autumn)', () => {
    expect(nextRuns(weekly, new Date('2026-03-20T00:00:00Z'), 3).map(String)).toEqual(
      ['2026-03-24T17:00:00.000Z', '2026-03-31T16:00:00.000Z', '2026-04-07T16:00:00.000Z'].map((iso) => String(new Date(iso))),
    );
    const daily = { cron: '0 9 * * *', timezone: 'America/New_York' };
    expect(nextRuns(daily, new Date('2026-10-31T00:00:00Z'), 3).map((d) => d.toISOString())).toEqual(['2026-10-31T13:00:00.000Z', '2026-11-01T14:00:00.000Z', '2026-11-02T14:00:00.000Z']);
  });

  it('runs a one-off once, and never after its time', () => {
    const once = { at: '2026-12-24T18:00', timezone: 'America/New_York' };
    expect(nextRuns(once, new Date('2026-12-01T00:00:00Z'), 3).map((d) => d.toISOString())).toEqual(['2026-12-24T23:00:00.000Z']);
    expect(nextRuns(once, new Date('2026-12-25T00:00:00Z'), 3)).toEqual([]);
  });

  it.each([
    ['0 18 * * TUE', 'cron(0 18 ? * TUE *)'],
    ['0 18 * * 2', 'cron(0 18 ? * TUE *)'],
    ['30 7 * * 1-5', 'cron(30 7 ? * MON,TUE,WED,THU,FRI *)'],
    ['0 10 * * 0', 'cron(0 10 ? * SUN *)'],
    ['0 10 * * 7', 'cron(0 10 ? * SUN *)'],
    ['0 10 * * 5-7', 'cron(0 10 ? * SUN,FRI,SAT *)'],
    ['0 10 * * sat,sun', 'cron(0 10 ? * SUN,SAT *)'],
    ['0 10 * * 0-6', 'cron(0 10 * * ? *)'],
    ['*/15 * * * *', 'cron(0/15 * * * ? *)'],
    ['0 8 1 * *', 'cron(0 8 1 * ? *)'],
    ['0 8 1,15 jan,jul *', 'cron(0 8 1,15 JAN,JUL ? *)'],
    ['0 8-18/2 * * *', 'cron(0 8,10,12,14,16,18 * * ? *)'],
  ])('writes "%s" as AWS does: %s', (cron, aws) => {
    expect(awsExpression({ cron })).toBe(aws);
  });

  it('writes a one-off as at(), with seconds', () => {
    expect(awsExpression({ at: '2026-12-24T18:00' })).toBe('at(2026-12-24T18:00:00)');
    expect(awsExpression({ at: '2026-12-24T18:00:30' })).toBe('at(2026-12-24T18:00:30)');
  });
});

describe('the local runner', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-03-20T00:00:00Z') }));
  afterEach(() => jest.useRealTimers());
  const clock: RunnerClock = { now: () => Date.now(), setTimeout: (run, ms) => setTimeout(run, ms), clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout) };

  it('fires weekly and daily schedules at their times across daylight-saving changes, each time once', async () => {
    const declared = declare(schedule(), schedule({ name: 'morning', cron: '0 9 * * *', timezone: 'America/New_York' })).schedules;
    const runs: string[] = [];
    const runner = new ScheduleRunner(declared, async (s, due) => void runs.push(`${s.name} ${due.toISOString()}`), clock);
    expect(runner.start().map(({ next }) => next?.toISOString())).toEqual(['2026-03-24T17:00:00.000Z', '2026-03-20T13:00:00.000Z']);
    await jest.advanceTimersByTimeAsync(15 * 24 * 3600_000);
    runner.stop();
    const trashDays = runs.filter((run) => run.startsWith('trash-day'));
    expect(trashDays).toEqual(['trash-day 2026-03-24T17:00:00.000Z', 'trash-day 2026-03-31T16:00:00.000Z']);
    const mornings = runs.filter((run) => run.startsWith('morning'));
    expect(mornings).toHaveLength(15);
    expect(new Set(mornings).size).toBe(15);
    expect(mornings.every((run) => run.endsWith('T13:00:00.000Z'))).toBe(true); // New York was on EDT already (March 8)
  });

  it('stops waiting on stop(), and says when a one-off has passed', async () => {
    const [passed, ahead] = declare(schedule({ cron: undefined, at: '2026-03-01T10:00' }), schedule({ name: 'later', cron: undefined, at: '2026-03-21T10:00' })).schedules;
    const runs: string[] = [];
    const runner = new ScheduleRunner([passed, ahead], async (s) => void runs.push(s.name), clock);
    expect(runner.start().map(({ next }) => next?.toISOString())).toEqual([undefined, '2026-03-21T09:00:00.000Z']);
    runner.stop();
    await jest.advanceTimersByTimeAsync(3 * 24 * 3600_000);
    expect(runs).toEqual([]);
  });
});

describe('a run, through the path of a trigger', () => {
  let amazon: Emulator;
  beforeAll(async () => {
    amazon = await createEmulator({ port: 0 });
  });
  afterAll(() => amazon.close());
  beforeEach(() => amazon.reset());

  function skill(schedules: Schedule[], plugin: object = {}) {
    const settings = testSettings();
    settings.sending = { credentials: { clientId: 'id', clientSecret: 'secret' }, tokenUrl: `${amazon.url}/auth/o2/token`, allowedOrigins: [amazon.url], stage: 'development' };
    return createApp(settings, { plugin: { schedules, scheduleEndpoint: amazon.url, ...plugin } });
  }

  it('sends once per run: the same run again is a duplicate, never a second notification', async () => {
    const app = skill(declare(schedule({ region: ['NA', 'EU'] })).schedules);
    const due = new Date('2026-12-08T17:00:00Z');
    const first = await runSchedule(app, 'trash-day', due);
    expect(first).toMatchObject({ name: 'trash-day', referenceId: 'trash-day~20261208T170000Z', results: [{ status: 'accepted', event: TRASH }] });
    expect((await runSchedule(app, 'trash-day', due)).results).toEqual([expect.objectContaining({ status: 'duplicate' })]);
    expect(amazon.accepted).toEqual([expect.objectContaining({ referenceId: scheduleReferenceId('trash-day', due), audience: 'Multicast' })]);
  });

  it("uses none of the trigger replay guard's room: a full guard refuses triggers, saying what is full, and schedules still run", async () => {
    const replays = new ReplayGuard(1);
    const app = skill(declare(schedule()).schedules, { replays });
    for (let week = 0; week < 3; week++) {
      const due = new Date(Date.parse('2026-12-08T17:00:00Z') + week * 7 * 86_400_000);
      expect((await runSchedule(app, 'trash-day', due)).results).toEqual([expect.objectContaining({ status: 'accepted' })]);
    }
    expect(replays.use('a-trigger', Date.now())).toBe('first');
    expect(await checkReplay(replays, 'another-trigger', Date.now())).toBe(
      'the replay guard is full: it remembers every trigger accepted in the last 11 minutes, as many as it has room for, and refuses more rather than forget one that could be replayed; ' +
        'send fewer triggers (more users in each, up to 500), or keep the guard in a store all processes share',
    );
    expect((await runSchedule(app, 'trash-day', new Date('2026-12-29T17:00:00Z'))).results).toEqual([expect.objectContaining({ status: 'accepted' })]);
  });

  it("ends each run with one summary record, in counts, however many batches of users it took", async () => {
    const summaries: SummaryRecord[] = [];
    const users = Array.from({ length: MAX_TRIGGER_BATCH + 1 }, (_, n) => `amzn1.ask.account.SCHEDULED-${n}`);
    const app = skill(declare(schedule({ to: { users } })).schedules, { onSummary: (record: SummaryRecord) => void summaries.push(record) });
    amazon.setFaults({ script: [400] });
    await runSchedule(app, 'trash-day', new Date('2026-12-08T17:00:00Z'));
    // The skill has heard from none of them, so each is sent to; Amazon refused the first.
    const statuses = { accepted: users.length - 1, rejected: 1 };
    expect(summaries).toEqual([
      { run: 'schedule', name: 'trash-day', event: TRASH, referenceId: 'trash-day~20261208T170000Z', sends: users.length, statuses, latencyMs: expect.any(Number), scheduledTime: '2026-12-08T17:00:00.000Z' },
    ]);
    expect(JSON.stringify(summaries)).not.toContain('amzn1.ask.account.');
  });

  it('fires from the runner on the real clock and lands exactly once', async () => {
    const at = new Date(Math.ceil((Date.now() + 600) / 1000) * 1000);
    const local = new Date(at.getTime()).toISOString().slice(0, 19);
    const app = skill(declare(schedule({ cron: undefined, at: local, timezone: 'UTC' })).schedules);
    const plugin = app.$plugins.get('ProactiveEvents') as unknown as { schedules: Schedule[] };
    const runs: string[] = [];
    const runner = new ScheduleRunner(plugin.schedules, async (s, due) => void runs.push((await runSchedule(app, s.name, due)).results[0].status));
    runner.start();
    while (runs.length === 0 && Date.now() < at.getTime() + 5000) await new Promise((resolve) => setTimeout(resolve, 25));
    // Long enough for a second run to land, were there one.
    await new Promise((resolve) => setTimeout(resolve, 300));
    runner.stop();
    expect(runs).toEqual(['accepted']);
    expect(amazon.accepted.map((event) => event.referenceId)).toEqual([scheduleReferenceId('trash-day', at)]);
  });

  it("lets the plugin's hook fill in the event, and validates what it returns", async () => {
    const prepareScheduledEvent = ({ event }: { event: { event: { name: string; payload: unknown } } }) => ({
      event: { ...event.event, payload: { alert: { garbageTypes: ['GLASS'], collectionDayOfWeek: 'TUESDAY' } } },
    });
    const app = skill(declare(schedule()).schedules, { prepareScheduledEvent });
    await expect(runSchedule(app, 'trash-day', new Date('2026-12-08T17:00:00Z'))).resolves.toMatchObject({ results: [{ status: 'accepted' }] });
    expect(amazon.accepted[0].text).toBe('The coming Tuesday is glass collection day.');
    const wrong = skill(declare(schedule()).schedules, { prepareScheduledEvent: () => ({ event: { name: TRASH, payload: { alert: { garbageTypes: ['PLASTIC'] } } } }) });
    const [refused] = (await runSchedule(wrong, 'trash-day', new Date('2026-12-15T17:00:00Z'))).results;
    expect(refused.status).toBe('rejected');
    expect(refused.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['event.payload.alert.garbageTypes[0]']));
    expect(amazon.accepted).toHaveLength(1);
  });

  it('refuses a schedule app.json does not have', async () => {
    await expect(runSchedule(skill([]), 'nope', new Date())).rejects.toThrow('No schedule named "nope" in app.json; it has none');
    await expect(runSchedule(skill([]), 'nope', new Date())).rejects.toMatchObject({ name: 'ProactiveEventsError', code: 'ERR_UNKNOWN_SCHEDULE' });
  });

  describe('on Lambda, invoked by EventBridge Scheduler', () => {
    let dynamo: LocalDynamoDb;
    beforeAll(async () => {
      dynamo = await startDynalite();
      await dynamo.createTable('schedules');
    });
    afterAll(() => dynamo.close());

    function handler() {
      const settings = testSettings();
      settings.dynamoDb = { tableName: 'schedules', endpoint: dynamo.endpoint, region: 'us-east-1' };
      settings.sending = { credentials: { clientId: 'id', clientSecret: 'secret' }, tokenUrl: `${amazon.url}/auth/o2/token`, allowedOrigins: [amazon.url], stage: 'development' };
      settings.alexa.skillId = 'amzn1.ask.skill.00000000-0000-0000-0000-000000000001';
      const app = createApp(settings, { plugin: { schedules: declare(schedule()).schedules, scheduleEndpoint: amazon.url } });
      return lambdaFor(settings, { app });
    }
    const invocation = { proactiveEventsSchedule: { name: 'trash-day', scheduledTime: '2026-12-08T17:00:00Z' } };

    it('delivers once; the same invocation again is a duplicate', async () => {
      const lambda = handler();
      await expect(lambda(invocation)).resolves.toMatchObject({ referenceId: 'trash-day~20261208T170000Z', results: [{ status: 'accepted' }] });
      await expect(lambda(invocation)).resolves.toMatchObject({ results: [{ status: 'duplicate' }] });
      expect(amazon.accepted).toHaveLength(1);
    });

    it('refuses an unknown name, a malformed invocation, and the same payload through a function URL, sending nothing', async () => {
      const lambda = handler();
      await expect(lambda({ proactiveEventsSchedule: { name: 'other', scheduledTime: '2026-12-08T17:00:00Z' } })).rejects.toThrow('No schedule named "other"');
      await expect(lambda({ proactiveEventsSchedule: { name: 'trash-day', scheduledTime: 'tuesday' } })).rejects.toThrow(/^Refused: BAD_SCHEDULE: a scheduled invocation must be .*scheduledTime/);
      await expect(lambda({ ...invocation, event: {} })).rejects.toThrow(/^Refused: BAD_SCHEDULE: a scheduled invocation must be/);
      const overUrl = { requestContext: { http: { method: 'POST' } }, headers: { 'content-type': 'application/json' }, body: JSON.stringify(invocation), isBase64Encoded: false };
      await expect(lambda(overUrl)).resolves.toMatchObject({ statusCode: 403 });
      expect(amazon.accepted).toEqual([]);
    });
  });
});

describe('schedules deploy and list', () => {
  const target = { functionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:skill', roleArn: 'arn:aws:iam::123456789012:role/scheduler', group: 'skill' };
  const [trashDay, morning] = declare(schedule(), schedule({ name: 'morning', cron: '0 9 * * *', timezone: 'America/New_York' })).schedules;

  it("creates the group and what is new, updates what changed, deletes what app.json no longer names, leaves users' own", () => {
    expect(planDeployment([trashDay], undefined, target).map((call) => call.action)).toEqual(['CreateScheduleGroup', 'CreateSchedule']);
    const held = new Map([
      ['trash-day', { ...scheduleInput(trashDay, target), ScheduleExpression: 'cron(0 19 ? * TUE *)' }],
      ['morning', scheduleInput(morning, target)],
      ['gone', scheduleInput({ ...morning, name: 'gone' }, target)],
      // A user's own schedule (this.$proactiveEvents.schedule) in the same group is the skill's to keep.
      ['u.0123456789abcdef.reminder', scheduleInput({ ...morning, name: 'u.0123456789abcdef.reminder' }, target)],
    ]);
    expect(planDeployment([trashDay, morning], held, target)).toEqual([
      { action: 'UpdateSchedule', input: scheduleInput(trashDay, target) },
      { action: 'DeleteSchedule', input: { Name: 'gone', GroupName: 'skill' } },
    ]);
    expect(scheduleInput(trashDay, { ...target, deadLetterArn: 'arn:aws:sqs:eu-central-1:123456789012:dlq' })).toEqual({
      Name: 'trash-day',
      GroupName: 'skill',
      ScheduleExpression: 'cron(0 18 ? * TUE *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Description: 'app.json schedule trash-day (jovo-plugin-proactive-events)',
      Target: {
        Arn: target.functionArn,
        RoleArn: target.roleArn,
        Input: '{"proactiveEventsSchedule":{"name":"trash-day","scheduledTime":"<aws.scheduler.scheduled-time>"}}',
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: 'arn:aws:sqs:eu-central-1:123456789012:dlq' },
      },
    });
  });

  /** A Scheduler client that holds `held` and records every command it is sent. */
  function fakeScheduler(held: Map<string, object> | undefined) {
    const sent: Array<{ command: string; input: unknown; region: string }> = [];
    const scheduler = (region: string) =>
      ({
        send: async (command: { constructor: { name: string }; input: { Name?: string } }) => {
          const name = command.constructor.name.replace(/Command$/, '');
          sent.push({ command: name, input: command.input, region });
          if (name === 'GetScheduleGroup' && !held) throw Object.assign(new Error('Schedule group skill does not exist.'), { name: 'ResourceNotFoundException' });
          if (name === 'ListSchedules') return { Schedules: [...(held?.keys() ?? [])].map((Name) => ({ Name })) };
          if (name === 'GetSchedule') return held!.get(command.input.Name!);
          return {};
        },
      }) as unknown as SchedulerClient;
    return { sent, scheduler };
  }

  async function cli(argv: string[], scheduler: (region: string) => SchedulerClient) {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'schedules-'));
    fs.writeFileSync(path.join(project, 'app.json'), JSON.stringify({ events: EVENTS, locales: ['en-US'], schedules: [schedule()] }));
    let out = '';
    let err = '';
    const status = await runTrigger(['schedules', ...argv], { out: (t) => (out += t), err: (t) => (err += t), cwd: project, scheduler, now: () => Date.parse('2026-12-03T12:00:00Z'), env: { AWS_REGION: 'eu-central-1' } });
    return { status, out, err };
  }
  const deployArgs = ['deploy', '--function-arn', target.functionArn, '--role-arn', target.roleArn, '--group', 'skill'];

  it('sends the exact calls to the function’s region; --dry-run only reads', async () => {
    const dry = fakeScheduler(undefined);
    const planned = await cli([...deployArgs, '--dry-run', '--json'], dry.scheduler);
    expect(planned.status).toBe(0);
    expect(JSON.parse(planned.out)).toMatchObject({ group: 'skill', region: 'eu-central-1', dryRun: true, calls: [{ action: 'CreateScheduleGroup' }, { action: 'CreateSchedule', input: scheduleInput(trashDay, target) }] });
    expect(dry.sent.map(({ command }) => command)).toEqual(['GetScheduleGroup']);
    const real = fakeScheduler(undefined);
    expect((await cli(deployArgs, real.scheduler)).status).toBe(0);
    expect(real.sent).toEqual([
      { command: 'GetScheduleGroup', input: { Name: 'skill' }, region: 'eu-central-1' },
      { command: 'CreateScheduleGroup', input: { Name: 'skill' }, region: 'eu-central-1' },
      { command: 'CreateSchedule', input: scheduleInput(trashDay, target), region: 'eu-central-1' },
    ]);
    const current = fakeScheduler(new Map([['trash-day', scheduleInput(trashDay, target)]]));
    await expect(cli(deployArgs, current.scheduler)).resolves.toMatchObject({ status: 0, out: "✓ the group skill in eu-central-1 already holds app.json's 1 schedule(s)\n" });
  });

  it('lists the next three runs, and with --deployed how the account differs', async () => {
    const { out } = await cli(['list', '--deployed', '--group', 'skill'], fakeScheduler(new Map([['old', scheduleInput(morning, target)]])).scheduler);
    expect(out).toBe(
      'trash-day: 0 18 * * TUE Europe/Berlin (cron(0 18 ? * TUE *)), AMAZON.TrashCollectionAlert.Activated to all (NA)\n' +
        '  next 2026-12-08 18:00 Europe/Berlin (2026-12-08T17:00:00.000Z)\n' +
        '  next 2026-12-15 18:00 Europe/Berlin (2026-12-15T17:00:00.000Z)\n' +
        '  next 2026-12-22 18:00 Europe/Berlin (2026-12-22T17:00:00.000Z)\n' +
        'The group skill differs (schedules deploy makes it match):\n  trash-day: not deployed\n  old: in the account, not in app.json\n',
    );
  });

  it('exits 2 for an ARN typed wrong, naming an example', async () => {
    const { status, err } = await cli(['deploy', '--function-arn', 'skill', '--role-arn', target.roleArn], fakeScheduler(undefined).scheduler);
    expect(status).toBe(2);
    expect(err).toContain('expected a Lambda function ARN like arn:aws:lambda:us-east-1:123456789012:function:skill, not "skill"');
  });
});
