/**
 * The fan-out's edges, each found by a review of it: a trigger to subscribers at Lambda's deadline, a batch that both
 * fails and is throttled, the cost of finding the regions that have subscribers, and a time the clocks repeat.
 */
import * as os from 'os';
import * as path from 'path';
import * as fs from 'fs';
import { createEmulator, type Emulator } from 'alexa-proactive-events/emulator';
import { ProactiveEventsSender, TokenClient, type SummaryRecord } from 'alexa-proactive-events';
import { triggerRequest } from 'alexa-proactive-events/trigger';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { eventFromInputs } from 'alexa-proactive-events/internal';
import type { Db } from 'jovo-framework';
import { SerialFileDb, runSchedule, type Schedule } from '../src';
import { AppDeclarationSchema, nextRuns } from '../src/internal';
import { parseOrThrow } from '../src/config/project';
import type { HttpResponse } from '../src/doors/lambda';
import { dueZones } from '../src/schedules/times';
import { DynamoDb } from '../src/stores/DynamoDb';
import { createUsersTable } from '../../../test/standins/usersTable';
import { recordCalls, startDynalite } from './helpers/dynalite';
import { createSqsStandIn, type SqsStandIn } from '../../../test/standins/sqs';
import { startEventSourceMapping } from '../../../test/standins/eventSourceMapping';
import { audienceOf, createApp, lambdaFor } from './helpers/app';
import { TRIGGER_SECRET, skillSettings } from './helpers/pipeline';

const TRASH = 'AMAZON.TrashCollectionAlert.Activated';
const WEATHER = 'AMAZON.WeatherAlert.Activated';
const trash = { alert: { garbageTypes: ['RECYCLABLE_PLASTICS'], collectionDayOfWeek: 'TUESDAY' } };
const evening = { name: 'trash-evening', cron: '0 18 * * TUE', timezone: 'user', defaultTimezone: 'America/New_York', to: 'subscribers', event: { name: TRASH, payload: trash } };

let amazon: Emulator;
let amazonEu: Emulator;
let sqs: SqsStandIn;
beforeAll(async () => {
  // The AWS SDK wants credentials even for a local server (as test/helpers/dynalite.ts sets them).
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  [amazon, amazonEu, sqs] = await Promise.all([createEmulator({ port: 0 }), createEmulator({ port: 0 }), createSqsStandIn({ secondMs: 20 })]);
});
afterAll(async () => {
  await Promise.all([amazon.close(), amazonEu.close(), sqs.close()]);
});

function fileDb(): Db {
  return new SerialFileDb({ pathToFile: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'review-')), 'db.json') });
}

async function subscriber(db: Db, userId: string, { events = [TRASH], endpoint = amazon.url, zone }: { events?: string[]; endpoint?: string; zone?: string } = {}) {
  const proactive = { subscriptions: events, updatedAt: '2026-12-01T10:00:00Z', apiEndpoint: endpoint, locale: 'en-US', ...(zone && { timeZone: zone, timeZoneReadAt: '2026-12-01T10:00:00Z' }) };
  await db.save(userId, 'userData', { data: { proactive } });
}

function declare(...schedules: Array<Record<string, unknown>>): Schedule[] {
  return parseOrThrow(AppDeclarationSchema, { events: [TRASH, WEATHER], locales: ['en-US'], schedules }, 'app.json').schedules;
}

function skill(db: Db, schedules: Schedule[], plugin: object = {}) {
  const summaries: SummaryRecord[] = [];
  const settings = skillSettings([amazon, amazonEu]);
  const app = createApp(settings, { db, plugin: { schedules, onSummary: (record: SummaryRecord) => void summaries.push(record), ...plugin } });
  return { app, settings, summaries };
}

it('a trigger --to subscribers on Lambda without a queue stops at the invocation deadline and says so, as a scheduled run does', async () => {
  const db = fileDb();
  const { app, settings } = skill(db, []);
  for (let n = 0; n < 3; n++) await subscriber(db, `amzn1.ask.account.W${n}`, { events: [WEATHER] });
  const tornado = eventFromInputs(WEATHER, { 'alert-type': 'TORNADO', source: 'Weather Knows' });
  const data = { ...tornado, referenceId: 'to-subscribers-late', stage: 'development' as const, explicitEndpoint: false, toSubscribers: true as const };
  const body = JSON.stringify(triggerRequest({ skillId: audienceOf(settings).skillId, intent: 'WeatherAlertIntent', data, apiEndpoint: amazon.url, locale: 'en-US', secret: TRIGGER_SECRET }));
  const functionUrl = { version: '2.0', headers: { 'content-type': 'application/json' }, requestContext: { http: { method: 'POST' } }, body, isBase64Encoded: false };
  // An invocation with no time left: a scheduled run stops before its first batch (subscriberRuns.test.ts); a trigger does not look.
  const response = (await lambdaFor(settings, { app })(functionUrl, { awsRequestId: 'late', getRemainingTimeInMillis: () => 0 })) as HttpResponse;
  const answer = JSON.parse(response.body) as { proactiveEventsFanOut?: { unfinished?: string } };
  // As it is: the whole fan-out runs whatever the time left (on Lambda: cut off by its timeout, no summary, and the
  // trigger script's retries start it over).
  expect({ unfinished: answer.proactiveEventsFanOut?.unfinished, accepted: amazon.accepted.length }).toEqual({ unfinished: expect.stringMatching(/ran out of time/), accepted: 0 });
});

it('a queued batch that fails is not also handed back: one receive of it queues no second copy of its throttled users', async () => {
  const name = 'review-fanout';
  const client = sqs.client();
  await client.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  await client.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '25', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: sqs.queueArn(`${name}-dlq`), maxReceiveCount: 2 }) } }));
  const db = fileDb();
  const base = skill(db, []);
  const { credentials, tokenUrl, allowedOrigins, stage } = base.settings.sending;
  const sender = new ProactiveEventsSender({ tokens: new TokenClient({ ...credentials!, tokenUrl }), allowedOrigins, stage, publishedEvents: base.settings.app.events, retry: { attempts: 2, baseDelayMs: 1 } });
  const { app, settings, summaries } = skill(db, declare(evening), { fanOut: { queueUrl: sqs.queueUrl(name) }, sender });
  // One batch: a user Amazon fails (5xx after retries) and one it throttles (429), in the same step.
  await subscriber(db, 'amzn1.ask.account.FAILING', { zone: 'Europe/Berlin', endpoint: amazonEu.url });
  await subscriber(db, 'amzn1.ask.account.THROTTLED', { zone: 'Europe/Berlin', endpoint: amazon.url });
  await runSchedule(app, 'trash-evening', new Date('2026-12-08T17:00:00Z'));
  amazonEu.setFaults({ rate: 1, statuses: [503] });
  amazon.setFaults({ rate: 1, statuses: [429], retryAfterSeconds: 0 });

  const mapping = await startEventSourceMapping({ client: sqs.client(), queueUrl: sqs.queueUrl(name), handler: lambdaFor(settings, { app }) as never, waitTimeSeconds: 1, maximumConcurrency: 2 });
  try {
    while (sqs.depth(`${name}-dlq`).visible < 1) await new Promise((resolve) => setTimeout(resolve, 20));
    amazon.setFaults({});
    amazonEu.setFaults({});
    await mapping.drained();
  } finally {
    await mapping.stop();
  }
  // The failing batch goes back whole each time (THROTTLED with it), and nothing of it is queued apart.
  const receivesOfTheBatch = summaries.filter((record) => record.run === 'batch' && record.fanOut?.usersDue === 2);
  expect(receivesOfTheBatch).toHaveLength(2);
  expect(receivesOfTheBatch.map((record) => record.fanOut?.enqueued)).toEqual([0, 0]);
  // At its last receive both users were left unsent, and both are in the dead-letter queue's batch.
  expect(receivesOfTheBatch.at(-1)?.fanOut?.deadLettered).toBe(2);
  expect(sqs.stats(name).sent).toBe(1);
});

describe('daylight saving: "one that occurs twice runs once" (docs/schedules.md)', () => {
  /** Every (tick, due zone) of a schedule between two instants, as its runner comes to them. */
  function dueTicks(schedule: { cron: string; timezone: string }, from: string, to: string, zone: string): string[] {
    const due: string[] = [];
    for (let tick = nextRuns(schedule, new Date(from))[0]; tick && tick < new Date(to); tick = nextRuns(schedule, tick)[0]) {
      if (dueZones(schedule, tick, [zone]).length > 0) due.push(tick.toISOString());
    }
    return due;
  }

  it('runs 01:00 and 01:30 once each in New York on the night clocks go back, for a cron with two runs in that hour', () => {
    // 2026-11-01: 01:00-01:59 occurs twice in America/New_York (EDT, then EST). Each tick is its own referenceId.
    const due = dueTicks({ cron: '0,30 1 * * *', timezone: 'user' }, '2026-10-31T12:00:00Z', '2026-11-01T12:00:00Z', 'America/New_York');
    expect(due).toEqual(['2026-11-01T05:00:00.000Z', '2026-11-01T05:30:00.000Z']);
  });
});

it('a run to subscribers in one zone finds which regions have subscribers of its event in a few Queries, not one per subscriber of other events', async () => {
  const dynalite = await startDynalite();
  const recorder = await recordCalls(dynalite.endpoint);
  try {
    await createUsersTable(dynalite.client, 'review-users');
    const db = new DynamoDb({ tableName: 'review-users', endpoint: recorder.endpoint, region: 'us-east-1' });
    // 40 subscribers in NA, all of trash collection; one in EU of weather alerts.
    for (let n = 0; n < 40; n++) await subscriber(db, `amzn1.ask.account.TRASH-${n}`, { events: [TRASH] });
    await subscriber(db, 'amzn1.ask.account.WEATHER', { events: [WEATHER], endpoint: amazonEu.url });
    const tornado = eventFromInputs(WEATHER, { 'alert-type': 'TORNADO', source: 'Weather Knows' });
    const { app } = skill(db, declare({ name: 'weather-now', cron: '0 18 * * *', timezone: 'Europe/Berlin', to: 'subscribers', ...tornado }));
    recorder.calls.length = 0;
    const run = await runSchedule(app, 'weather-now', new Date('2026-12-08T17:00:00Z'));
    expect(run.fanOut?.record.fanOut?.plan).toBe(`multicast ${amazonEu.url}`);
    // hasSubscribers(event, region) asks with Limit 1 and a filter on the event: DynamoDB reads one item a Query,
    // so NA's 40 trash subscribers cost 40 Queries before the answer "none" (100,000 would cost 100,000).
    const queries = recorder.calls.filter((call) => call.action === 'Query');
    expect(queries.length).toBeLessThanOrEqual(10);
  } finally {
    await recorder.close();
    await dynalite.close();
  }
});
