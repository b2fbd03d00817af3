import * as fs from 'fs';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { Server } from 'http';
import type { AddressInfo } from 'net';
import { createEmulator, type Emulator } from 'alexa-proactive-events/emulator';
import type { TrashCollectionAlertActivatedPayload } from 'alexa-proactive-events/internal';
import { Log } from 'jovo-core';
import type { App, Jovo } from 'jovo-framework';
import {
  runSchedulesLocally,
  type ProactiveEventsOptions,
  type ScheduleResult,
  type UserScheduleInput,
} from '../src';
import {
  MAX_USER_SCHEDULES,
  USER_SCHEDULES_KEY,
  describeRun,
  runUserSchedule,
  scheduleReferenceId,
  userScheduleKey,
} from '../src/internal';
import { createWebhook, listen } from '../src/doors/webhook';
import { createApp, handlers, lambdaFor, testSettings, type Settings } from './helpers/app';
import { startDynalite, type LocalDynamoDb } from './helpers/dynalite';
import { APPLICATION_ID, intentRequest, skillDisabled, subscriptionChanged } from './helpers/requests';

const TRASH = 'AMAZON.TrashCollectionAlert.Activated';
const trash: TrashCollectionAlertActivatedPayload = { alert: { garbageTypes: ['RECYCLABLE_PLASTICS'], collectionDayOfWeek: 'TUESDAY' } };
const USER = 'amzn1.ask.account.REMIND-ME';

let amazon: Emulator;
const servers: Server[] = [];
/** What RemindMeIntent asks to schedule, and what it was told. */
let wanted: UserScheduleInput;
let told: ScheduleResult | undefined;

function reminder(fields: Partial<UserScheduleInput> = {}): UserScheduleInput {
  return { name: 'trash-reminder', cron: '0 18 * * TUE', timezone: 'Europe/Berlin', event: { name: TRASH, payload: trash }, ...fields };
}

/** A skill whose user says "remind me" and "stop reminding me", served over HTTP as `npm start` serves it. */
async function skill(settings: Settings = sendingSettings(), plugin: Partial<ProactiveEventsOptions> = {}): Promise<{ app: App; webhook: string }> {
  const app = remindingApp(settings, plugin);
  const server = await listen(createWebhook(app, { signatures: false, log: () => undefined }), 0, '127.0.0.1');
  servers.push(server);
  return { app, webhook: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook` };
}

function remindingApp(settings: Settings, plugin: Partial<ProactiveEventsOptions> = {}): App {
  const app = createApp(settings, { plugin });
  app.setHandler({
    ...handlers,
    async RemindMeIntent(this: Jovo) {
      told = await this.$proactiveEvents!.schedule(wanted);
      this.tell(told.status);
    },
    async StopRemindingIntent(this: Jovo) {
      this.tell(String(await this.$proactiveEvents!.unschedule('trash-reminder')));
    },
  });
  return app;
}

function sendingSettings(): Settings {
  const settings = testSettings();
  settings.sending = { credentials: { clientId: 'id', clientSecret: 'secret' }, tokenUrl: `${amazon.url}/auth/o2/token`, allowedOrigins: [amazon.url], stage: 'development' };
  return settings;
}

async function post(webhook: string, request: object): Promise<unknown> {
  const response = await fetch(webhook, { method: 'POST', body: JSON.stringify(request) });
  return response.json();
}

const say = (webhook: string, intent: string) => post(webhook, intentRequest({ userId: USER, intent, apiEndpoint: amazon.url }));

function storedSchedules(settings: Settings): Record<string, unknown> | undefined {
  const rows = JSON.parse(fs.readFileSync(settings.fileDbPath, 'utf8')) as Array<{ userId: string; userData: { data: Record<string, Record<string, unknown>> } }>;
  return rows.find((row) => row.userId === USER)?.userData.data[USER_SCHEDULES_KEY];
}

beforeAll(async () => (amazon = await createEmulator({ port: 0 })));
afterAll(async () => {
  await amazon.close();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});
beforeEach(() => {
  amazon.reset();
  told = undefined;
});

it("runs a user's own schedule, set up from a handler, as a Unicast to that user, once per run", async () => {
  const { app, webhook } = await skill();
  const lines: string[] = [];
  const { lines: startup, stop } = await runSchedulesLocally(app, (line) => lines.push(line));
  lines.push(...startup);
  try {
    // The next whole second at least 0.6 s ahead: `at` has whole seconds.
    const at = new Date(Math.ceil((Date.now() + 600) / 1000) * 1000);
    wanted = reminder({ cron: undefined, at: at.toISOString().slice(0, 19), timezone: 'UTC' });
    await say(webhook, 'RemindMeIntent');
    expect(told).toMatchObject({ status: 'scheduled', name: 'trash-reminder', next: at, errors: [], warnings: [] });
    while (amazon.accepted.length === 0 && Date.now() < at.getTime() + 5000) await new Promise((resolve) => setTimeout(resolve, 25));
    // Long enough for a second run to land, were there one.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const key = userScheduleKey(USER, 'trash-reminder');
    expect(amazon.accepted).toEqual([expect.objectContaining({ event: TRASH, audience: USER, referenceId: scheduleReferenceId(key, at) })]);
    // The log names the schedule by its key, which spells out no user id.
    expect(lines).toEqual([
      '  Runs 0 schedules users set up (this.$proactiveEvents.schedule).',
      `Schedule ${key}: set up by its user, next ${at.toISOString()}`,
      `Schedule ${key} (${at.toISOString()}): ${TRASH} 1 accepted`,
    ]);
  } finally {
    stop();
  }
});

it('keeps it with the user, picks it up at the next start, and removes it when the user disables the skill', async () => {
  const settings = sendingSettings();
  const first = await skill(settings);
  wanted = reminder();
  await say(first.webhook, 'RemindMeIntent');
  expect(storedSchedules(settings)).toEqual({ 'trash-reminder': expect.objectContaining({ cron: '0 18 * * TUE', timezone: 'Europe/Berlin' }) });

  // A restarted skill on the same database runs it.
  const { app, webhook } = await skill(settings);
  const started = await runSchedulesLocally(app, () => undefined);
  try {
    expect(started.lines).toEqual(['  Runs 1 schedule users set up (this.$proactiveEvents.schedule).']);
    expect(started.runner.keys('u.')).toEqual([userScheduleKey(USER, 'trash-reminder')]);
    await post(webhook, skillDisabled({ userId: USER, apiEndpoint: amazon.url }));
    expect(started.runner.keys('u.')).toEqual([]);
    expect(storedSchedules(settings)).toBeUndefined();
  } finally {
    started.stop();
  }
});

it('stops running it when the user removes it from a handler', async () => {
  const { app, webhook } = await skill();
  const lines: string[] = [];
  const { runner, stop } = await runSchedulesLocally(app, (line) => lines.push(line));
  try {
    wanted = reminder();
    await say(webhook, 'RemindMeIntent');
    // Said again unchanged: nothing new to log.
    await say(webhook, 'RemindMeIntent');
    expect(runner.keys('u.')).toHaveLength(1);
    expect(await say(webhook, 'StopRemindingIntent')).toMatchObject({ response: { outputSpeech: { ssml: '<speak>true</speak>' } } });
    expect(runner.keys('u.')).toEqual([]);
    expect(await say(webhook, 'StopRemindingIntent')).toMatchObject({ response: { outputSpeech: { ssml: '<speak>false</speak>' } } });
    const key = userScheduleKey(USER, 'trash-reminder');
    expect(lines).toEqual([`Schedule ${key}: set up by its user, next ${told!.next!.toISOString()}`, `Schedule ${key}: removed (by its user, or with the skill disabled)`]);
  } finally {
    stop();
  }
});

it.each([
  [reminder({ event: { name: TRASH, payload: { alert: { garbageTypes: ['PLASTIC'], collectionDayOfWeek: 'TUESDAY' } } } }), 'event.payload.alert.garbageTypes[0]', 'PLASTIC'],
  [reminder({ cron: undefined, at: '2020-01-07T18:00' }), 'at', '2020-01-07T18:00'],
  [reminder({ timezone: 'Berlin' }), 'timezone', 'Berlin'],
  [reminder({ name: 'a'.repeat(46) }), 'name', 'a'.repeat(46)],
  [reminder({ name: 'constructor' }), 'name', 'constructor'],
  [{ ...reminder(), to: 'all' } as UserScheduleInput, 'to', 'all'],
  [reminder({ event: { name: 'AMAZON.MessageAlert.Activated' as typeof TRASH, payload: trash } }), 'event.name', 'AMAZON.MessageAlert.Activated'],
])('refuses a schedule a user could never get, naming the field and its value, and keeps nothing (%#)', async (input, path, value) => {
  const warn = jest.spyOn(Log, 'warn').mockImplementation(() => Log);
  const settings = sendingSettings();
  settings.app.events = [TRASH];
  const { webhook } = await skill(settings);
  wanted = input;
  await say(webhook, 'RemindMeIntent');
  expect(told).toMatchObject({ status: 'refused', errors: expect.arrayContaining([expect.objectContaining({ path, value })]) });
  expect(warn).toHaveBeenCalledWith(expect.stringContaining(`${path}: `));
  expect(storedSchedules(settings)).toBeUndefined();
  warn.mockRestore();
});

it(`keeps at most ${MAX_USER_SCHEDULES} schedules per user; replacing one by its name is no new one`, async () => {
  const warn = jest.spyOn(Log, 'warn').mockImplementation(() => Log);
  const settings = sendingSettings();
  const { webhook } = await skill(settings);
  for (let i = 0; i < MAX_USER_SCHEDULES; i++) {
    wanted = reminder({ name: `reminder-${i}` });
    await say(webhook, 'RemindMeIntent');
    expect(told?.status).toBe('scheduled');
  }
  wanted = reminder({ name: 'reminder-0', cron: '0 7 * * MON' });
  await say(webhook, 'RemindMeIntent');
  expect(told?.status).toBe('scheduled');
  wanted = reminder({ name: 'one-too-many' });
  await say(webhook, 'RemindMeIntent');
  expect(told).toMatchObject({ status: 'refused', errors: [{ path: 'name', value: 'one-too-many' }] });
  expect(Object.keys(storedSchedules(settings) ?? {})).toHaveLength(MAX_USER_SCHEDULES);
  warn.mockRestore();
});

it.each([
  ['*/5 * * * *', 5],
  ['0,10 18 * * TUE', 10],
  // 23:55, then 00:05 the next day: the gap across midnight counts too.
  ['5,55 0,23 * * *', 10],
])('refuses a schedule that would run less than 15 minutes after its last run (%s), naming the gap', async (cron, gap) => {
  const warn = jest.spyOn(Log, 'warn').mockImplementation(() => Log);
  const settings = sendingSettings();
  const { webhook } = await skill(settings);
  wanted = reminder({ cron });
  await say(webhook, 'RemindMeIntent');
  expect(told).toMatchObject({
    status: 'refused',
    errors: [{ path: 'cron', value: cron, message: `runs ${gap} minutes apart at times; a user's own schedule runs at most every 15 minutes, e.g. "*/15 * * * *"` }],
  });
  expect(storedSchedules(settings)).toBeUndefined();
  wanted = reminder({ cron: '*/15 * * * *' });
  await say(webhook, 'RemindMeIntent');
  expect(told?.status).toBe('scheduled');
  warn.mockRestore();
});

it("bounds the sends users' schedules start in a minute, for the whole skill: a run past it waits for the next minute", async () => {
  let now = Date.parse('2026-12-08T17:00:00Z');
  const settings = sendingSettings();
  const { app, webhook } = await skill(settings, { userScheduleSendsPerMinute: 2, now: () => now });
  const users = ['amzn1.ask.account.BOUND-1', 'amzn1.ask.account.BOUND-2', 'amzn1.ask.account.BOUND-3'];
  wanted = reminder();
  for (const userId of users) await post(webhook, intentRequest({ userId, intent: 'RemindMeIntent', apiEndpoint: amazon.url }));
  const due = new Date(now);
  const runs = [];
  for (const userId of users) runs.push(await runUserSchedule(app, userId, 'trash-reminder', due));
  expect(runs.map(({ results, deferred }) => deferred ?? results[0].status)).toEqual([
    'accepted',
    'accepted',
    "users' schedules have started 2 sends this minute, the most the skill lets them (userScheduleSendsPerMinute)",
  ]);
  expect(describeRun(runs[2])).toMatch(/^Schedule u\.[0-9a-f]{16}\.trash-reminder \(2026-12-08T17:00:00\.000Z\): deferred, nothing sent: users' schedules have started 2/);
  now += 60_000;
  // The next minute, the same run (its scheduled time, so its referenceId) goes out.
  expect((await runUserSchedule(app, users[2], 'trash-reminder', due)).results).toEqual([expect.objectContaining({ status: 'accepted', user: users[2] })]);
  expect(amazon.accepted).toHaveLength(3);
});

it('says so when nothing in the process runs it, or when each run would skip the user', async () => {
  const { webhook } = await skill();
  await post(webhook, subscriptionChanged({ userId: USER, events: ['AMAZON.WeatherAlert.Activated'], apiEndpoint: amazon.url }));
  wanted = reminder();
  await say(webhook, 'RemindMeIntent');
  expect(told?.status).toBe('scheduled');
  expect(told?.warnings).toEqual([
    { path: 'event.name', message: `this user is not subscribed to ${TRASH}: each run skips them until they turn it on`, value: TRASH },
    { path: '', message: expect.stringContaining("nothing runs users' schedules here") },
  ]);
});

describe('on AWS: each one a schedule of the group in EventBridge Scheduler', () => {
  const target = { functionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:skill', roleArn: 'arn:aws:iam::123456789012:role/scheduler', group: 'skill' };
  const key = userScheduleKey(USER, 'trash-reminder');
  let dynamo: LocalDynamoDb;
  beforeAll(async () => {
    dynamo = await startDynalite();
    await dynamo.createTable('users');
  });
  afterAll(() => dynamo.close());

  /** A Scheduler client that holds schedules by name, as the real one does, and records every command. */
  function fakeScheduler({ refuse }: { refuse?: string } = {}) {
    const held = new Map<string, unknown>();
    const sent: Array<{ command: string; input: { Name: string } }> = [];
    const client = {
      send: async (command: { constructor: { name: string }; input: { Name: string } }) => {
        const name = command.constructor.name.replace(/Command$/, '');
        sent.push({ command: name, input: command.input });
        if (refuse) throw Object.assign(new Error(refuse), { name: 'AccessDeniedException' });
        if (name === 'CreateSchedule' && held.has(command.input.Name)) throw Object.assign(new Error('exists'), { name: 'ConflictException' });
        if (name === 'DeleteSchedule' && !held.delete(command.input.Name)) throw Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
        if (name === 'CreateSchedule' || name === 'UpdateSchedule') held.set(command.input.Name, command.input);
        return {};
      },
    };
    return { held, sent, client: client as unknown as SchedulerClient };
  }

  /** The skill's Lambda function on DynamoDB, keeping users' schedules in the fake Scheduler. */
  function lambda(client: SchedulerClient, plugin: Partial<ProactiveEventsOptions> = {}) {
    const settings = sendingSettings();
    settings.dynamoDb = { tableName: 'users', endpoint: dynamo.endpoint, region: 'us-east-1' };
    settings.alexa.skillId = APPLICATION_ID;
    const app = remindingApp(settings, { scheduleEndpoint: amazon.url, userScheduler: { ...target, client }, ...plugin });
    return lambdaFor(settings, { app });
  }

  const ask = (handler: ReturnType<typeof lambda>, intent: string) => handler(intentRequest({ userId: USER, intent, apiEndpoint: amazon.url }));

  it("creates the user's schedule with the exact input, runs it when Scheduler invokes, deletes it with the skill disabled", async () => {
    const scheduler = fakeScheduler();
    const handler = lambda(scheduler.client);
    wanted = reminder();
    await ask(handler, 'RemindMeIntent');
    expect(told).toMatchObject({ status: 'scheduled', warnings: [] });
    expect(scheduler.sent).toEqual([
      {
        command: 'CreateSchedule',
        input: {
          Name: key,
          GroupName: 'skill',
          ScheduleExpression: 'cron(0 18 ? * TUE *)',
          ScheduleExpressionTimezone: 'Europe/Berlin',
          FlexibleTimeWindow: { Mode: 'OFF' },
          State: 'ENABLED',
          Description: "a user's schedule trash-reminder (this.$proactiveEvents.schedule, jovo-plugin-proactive-events)",
          Target: {
            Arn: target.functionArn,
            RoleArn: target.roleArn,
            Input: JSON.stringify({ proactiveEventsSchedule: { name: 'trash-reminder', user: USER, scheduledTime: '<aws.scheduler.scheduled-time>' } }),
            RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
          },
        },
      },
    ]);
    // What Scheduler sends at the time: the user's stored schedule runs, once.
    const invocation = JSON.parse((scheduler.held.get(key) as { Target: { Input: string } }).Target.Input.replace('<aws.scheduler.scheduled-time>', '2026-12-08T17:00:00Z'));
    await expect(handler(invocation)).resolves.toMatchObject({ name: key, results: [{ status: 'accepted', user: USER }] });
    await expect(handler(invocation)).resolves.toMatchObject({ results: [{ status: 'duplicate' }] });
    expect(amazon.accepted).toEqual([expect.objectContaining({ audience: USER, referenceId: scheduleReferenceId(key, new Date('2026-12-08T17:00:00Z')) })]);

    // Set up again under the same name: replaced, not doubled.
    wanted = reminder({ cron: '0 7 * * WED' });
    await ask(handler, 'RemindMeIntent');
    expect(scheduler.sent.slice(1).map(({ command }) => command)).toEqual(['CreateSchedule', 'UpdateSchedule']);

    await handler(skillDisabled({ userId: USER, apiEndpoint: amazon.url }));
    expect(scheduler.sent.at(-1)).toEqual({ command: 'DeleteSchedule', input: { Name: key, GroupName: 'skill' } });
    expect(scheduler.held.size).toBe(0);
  });

  it('deletes a schedule the user no longer has when Scheduler invokes it, and sends nothing', async () => {
    const scheduler = fakeScheduler();
    const handler = lambda(scheduler.client);
    scheduler.held.set(key, {});
    const invocation = { proactiveEventsSchedule: { name: 'trash-reminder', user: USER, scheduledTime: '2026-12-08T17:00:00Z' } };
    await expect(handler(invocation)).resolves.toMatchObject({ missing: true, results: [{ status: 'rejected' }] });
    expect(scheduler.sent).toEqual([{ command: 'DeleteSchedule', input: { Name: key, GroupName: 'skill' } }]);
    expect(amazon.accepted).toEqual([]);
    await expect(handler({ proactiveEventsSchedule: { ...invocation.proactiveEventsSchedule, user: 42 } })).rejects.toThrow(/^Refused: BAD_SCHEDULE: a scheduled invocation must be .*user/);
  });

  it("shares the bound on users' schedules across containers, and fails a run past it so that Scheduler tries it again", async () => {
    const scheduler = fakeScheduler();
    // A minute of its own: the table's counts of other tests' minutes do not reach it.
    const minute = Date.parse('2030-01-01T00:00:00Z');
    const bound = { userScheduleSendsPerMinute: 1, now: () => minute };
    const [first, second] = [lambda(scheduler.client, bound), lambda(scheduler.client, bound)];
    const others = ['amzn1.ask.account.CONTAINER-1', 'amzn1.ask.account.CONTAINER-2'];
    wanted = reminder();
    for (const userId of others) await first(intentRequest({ userId, intent: 'RemindMeIntent', apiEndpoint: amazon.url }));
    const invocation = (user: string) => ({ proactiveEventsSchedule: { name: 'trash-reminder', user, scheduledTime: '2030-01-01T00:00:00Z' } });
    await expect(first(invocation(others[0]))).resolves.toMatchObject({ results: [{ status: 'accepted' }] });
    await expect(second(invocation(others[1]))).rejects.toThrow(/deferred, nothing sent: users' schedules have started 1 sends this minute/);
    expect(amazon.accepted).toHaveLength(1);
  });

  it("refuses and keeps nothing when Scheduler refuses, saying what it said", async () => {
    const warn = jest.spyOn(Log, 'warn').mockImplementation(() => Log);
    const handler = lambda(fakeScheduler({ refuse: 'not authorized to perform: scheduler:CreateSchedule' }).client);
    wanted = reminder();
    await ask(handler, 'RemindMeIntent');
    expect(told).toMatchObject({ status: 'refused', errors: [{ message: expect.stringContaining('AccessDeniedException: not authorized to perform: scheduler:CreateSchedule; nothing was kept') }] });
    warn.mockRestore();
  });
});
