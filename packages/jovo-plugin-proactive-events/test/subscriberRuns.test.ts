import type { Server } from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import * as fs from 'fs';
import { createEmulator, type Emulator } from 'alexa-proactive-events/emulator';
import { ProactiveEventsSender, TokenClient, type SummaryRecord } from 'alexa-proactive-events';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { eventFromInputs } from 'alexa-proactive-events/internal';
import type { Db } from 'jovo-framework';
import { SerialFileDb, runSchedule, type LambdaHandler, type Schedule } from '../src';
import { AppDeclarationSchema } from '../src/internal';
import { parseOrThrow } from '../src/config/project';
import { createWebhook, listen } from '../src/doors/webhook';
import { DynamoDb } from '../src/stores/DynamoDb';
import { createUsersTable } from '../../../test/standins/usersTable';
import { createSqsStandIn, type SqsStandIn } from '../../../test/standins/sqs';
import { startEventSourceMapping } from '../../../test/standins/eventSourceMapping';
import { createApp, gateOptions, lambdaFor } from './helpers/app';
import { startDynalite, type LocalDynamoDb } from './helpers/dynalite';
import { close, skillSettings, trigger as runTriggerAt } from './helpers/pipeline';

const TRASH = 'AMAZON.TrashCollectionAlert.Activated';
const WEATHER = 'AMAZON.WeatherAlert.Activated';
const trash = { alert: { garbageTypes: ['RECYCLABLE_PLASTICS'], collectionDayOfWeek: 'TUESDAY' } };

/** Amazon, played by two emulators: the region of most users, and another. */
let amazon: Emulator;
let amazonEu: Emulator;
let dynalite: LocalDynamoDb;
const servers: Server[] = [];
let tables = 0;

beforeAll(async () => {
  [amazon, amazonEu, dynalite] = await Promise.all([createEmulator({ port: 0 }), createEmulator({ port: 0 }), startDynalite()]);
});
afterAll(async () => {
  await Promise.all([amazon.close(), amazonEu.close(), dynalite.close(), ...servers.map(close)]);
});
afterEach(() => {
  amazon.reset();
  amazonEu.reset();
});

type StoreKind = 'SerialFileDb' | 'DynamoDb';

/** A fresh store of `kind`: a FileDb in a temporary folder, or a table made as infra/template.yaml declares it. */
async function freshStore(kind: StoreKind): Promise<Db> {
  if (kind === 'SerialFileDb') return new SerialFileDb({ pathToFile: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'subscribers-')), 'db.json') });
  const tableName = `users-${++tables}`;
  await createUsersTable(dynalite.client, tableName);
  return new DynamoDb({ tableName, endpoint: dynalite.endpoint, region: 'us-east-1' });
}

/** Stores a subscriber as the skill would have stored them: subscriptions, region, and a time zone if known. */
async function subscriber(db: Db, userId: string, { events = [TRASH], endpoint = amazon.url, zone }: { events?: string[]; endpoint?: string; zone?: string } = {}) {
  const proactive = { subscriptions: events, updatedAt: '2026-12-01T10:00:00Z', apiEndpoint: endpoint, locale: 'en-US', ...(zone && { timeZone: zone, timeZoneReadAt: '2026-12-01T10:00:00Z' }) };
  await db.save(userId, 'userData', { data: { proactive } });
}

function declare(...schedules: Array<Record<string, unknown>>): Schedule[] {
  return parseOrThrow(AppDeclarationSchema, { events: [TRASH, WEATHER], locales: ['en-US'], schedules }, 'app.json').schedules;
}

const evening = { name: 'trash-evening', cron: '0 18 * * TUE', timezone: 'user', defaultTimezone: 'America/New_York', to: 'subscribers', event: { name: TRASH, payload: trash } };

/** A skill on this store with these schedules, its summaries collected. */
function skill(db: Db, schedules: Schedule[], plugin: object = {}) {
  const summaries: SummaryRecord[] = [];
  const settings = skillSettings([amazon, amazonEu]);
  const app = createApp(settings, { db, plugin: { schedules, onSummary: (record: SummaryRecord) => void summaries.push(record), ...plugin } });
  return { app, settings, summaries };
}

function reached(...emulators: Emulator[]): string[] {
  return emulators.flatMap((emulator) => emulator.accepted.map((event) => event.audience)).sort();
}

describe.each<StoreKind>(['SerialFileDb', 'DynamoDb'])('every subscriber at their own time, on %s', (kind) => {
  it("reaches exactly the due zone's subscribers of the event, once, each in their stored region", async () => {
    const db = await freshStore(kind);
    const { app, summaries } = skill(db, declare(evening));
    await subscriber(db, 'amzn1.ask.account.BERLIN-1', { zone: 'Europe/Berlin' });
    await subscriber(db, 'amzn1.ask.account.BERLIN-2', { zone: 'Europe/Berlin', endpoint: amazonEu.url });
    await subscriber(db, 'amzn1.ask.account.BERLIN-WEATHER', { zone: 'Europe/Berlin', events: [WEATHER] });
    await subscriber(db, 'amzn1.ask.account.NEW-YORK', { zone: 'America/New_York' });
    await subscriber(db, 'amzn1.ask.account.UNKNOWN-ZONE');
    await subscriber(db, 'amzn1.ask.account.KOLKATA', { zone: 'Asia/Kolkata' });

    const berlin = await runSchedule(app, 'trash-evening', new Date('2026-12-08T17:00:00Z'));
    expect(reached(amazon, amazonEu)).toEqual(['amzn1.ask.account.BERLIN-1', 'amzn1.ask.account.BERLIN-2']);
    expect(amazonEu.accepted.map((event) => event.audience)).toEqual(['amzn1.ask.account.BERLIN-2']);
    expect(berlin.fanOut?.record).toMatchObject({ run: 'schedule', statuses: { accepted: 2 }, fanOut: { plan: 'unicast', usersDue: 2, enqueued: 0 } });

    // 18:00 in New York: its subscriber, and the one whose zone is unknown (the default zone's time).
    await runSchedule(app, 'trash-evening', new Date('2026-12-08T23:00:00Z'));
    expect(reached(amazon, amazonEu)).toEqual(['amzn1.ask.account.BERLIN-1', 'amzn1.ask.account.BERLIN-2', 'amzn1.ask.account.NEW-YORK', 'amzn1.ask.account.UNKNOWN-ZONE']);

    // The same run again (Scheduler delivers at least once): duplicates, no second notification.
    const again = await runSchedule(app, 'trash-evening', new Date('2026-12-08T17:00:00Z'));
    expect(again.fanOut?.record.statuses).toEqual({ duplicate: 2 });
    expect(reached(amazon, amazonEu)).toHaveLength(4);
    expect(JSON.stringify(summaries)).not.toContain('amzn1.ask.account.');
  });

  it('sends one Multicast to each region that has subscribers when all get the same at once', async () => {
    const db = await freshStore(kind);
    const { app } = skill(db, declare({ ...evening, timezone: 'Europe/Berlin', defaultTimezone: undefined }));
    await subscriber(db, 'amzn1.ask.account.A', { endpoint: amazon.url });
    await subscriber(db, 'amzn1.ask.account.B', { endpoint: amazon.url });
    await subscriber(db, 'amzn1.ask.account.C', { endpoint: amazonEu.url });
    const run = await runSchedule(app, 'trash-evening', new Date('2026-12-08T17:00:00Z'));
    expect(reached(amazon, amazonEu)).toEqual(['Multicast', 'Multicast']);
    expect(run.fanOut?.record.fanOut?.plan).toBe(`multicast ${amazon.url}, ${amazonEu.url}`);

    // Nobody subscribed to the event: nothing is sent, and the summary says so.
    const tornado = eventFromInputs(WEATHER, { 'alert-type': 'TORNADO', source: 'Weather Knows' });
    const weather = skill(db, declare({ ...evening, name: 'weather', timezone: 'Europe/Berlin', defaultTimezone: undefined, ...tornado }));
    amazon.reset();
    const none = await runSchedule(weather.app, 'weather', new Date('2026-12-08T17:00:00Z'));
    expect(none.fanOut?.record.fanOut?.plan).toBe('multicast nowhere: no subscribers');
    expect(amazon.accepted).toEqual([]);
  });
});

describe('without a queue, on Lambda', () => {
  it('says how far a run came when the invocation would end before it is done, and fails so that Scheduler retries', async () => {
    const db = await freshStore('SerialFileDb');
    const { app, settings } = skill(db, declare(evening));
    for (let n = 0; n < 3; n++) await subscriber(db, `amzn1.ask.account.LATE-${n}`, { zone: 'Europe/Berlin' });
    // An invocation with no time left: the run stops before its first batch.
    const context = { awsRequestId: 'late', getRemainingTimeInMillis: () => 0 };
    const invocation = lambdaFor(settings, { app })({ proactiveEventsSchedule: { name: 'trash-evening', scheduledTime: '2026-12-08T17:00:00Z' } }, context);
    await expect(invocation).rejects.toThrow(/unfinished: the invocation ran out of time before every user was sent to \(3 of a batch left\); 3 users were listed by then, and more may be due: set FANOUT_QUEUE_URL/);
    expect(amazon.accepted).toEqual([]);
  });
});

describe('a trigger --to subscribers', () => {
  it('makes the skill send a Unicast to every subscriber of the event from its own records, and prints its summary', async () => {
    const db = await freshStore('SerialFileDb');
    const { app, settings } = skill(db, []);
    const server = await listen(createWebhook(app, { ...gateOptions(settings), log: () => undefined }), 0, '127.0.0.1');
    servers.push(server);
    const webhook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
    for (let n = 0; n < 7; n++) await subscriber(db, `amzn1.ask.account.W${n}`, { events: [WEATHER], endpoint: n % 2 ? amazonEu.url : amazon.url });
    await subscriber(db, 'amzn1.ask.account.TRASH-ONLY');

    const { status, out } = await runTriggerAt(webhook, 'weather', '--alert-type', 'TORNADO', '--to', 'subscribers');
    expect({ status, out }).toEqual({ status: 0, out: expect.stringContaining('to subscribers (unicast): 7 users due; 7 accepted') });
    expect(reached(amazon, amazonEu)).toHaveLength(7);
  });
});

describe('beyond one invocation: the fan-out queue, and the worker as SQS invokes it', () => {
  let sqs: SqsStandIn;
  let queues = 0;
  beforeAll(async () => {
    // One SQS second is 20 ms here: visibility timeouts and the hand-back's delay pass quickly.
    sqs = await createSqsStandIn({ secondMs: 20 });
  });
  afterAll(() => sqs.close());

  /** A fan-out queue with its dead-letter queue, as infra/template.yaml makes them. */
  async function fanOutQueue(maxReceiveCount = 3, visibilityTimeout = 300): Promise<{ name: string; url: string; deadLetter: string }> {
    const name = `fanout-${++queues}`;
    const client = sqs.client();
    await client.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
    await client.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: String(visibilityTimeout), RedrivePolicy: JSON.stringify({ deadLetterTargetArn: sqs.queueArn(`${name}-dlq`), maxReceiveCount }) } }));
    return { name, url: sqs.queueUrl(name), deadLetter: `${name}-dlq` };
  }

  /** Lambda's event source mapping, invoking the skill's Lambda entry with the queue's batches until it is empty. */
  async function drain(queueUrl: string, handler: LambdaHandler) {
    const mapping = await startEventSourceMapping({ client: sqs.client(), queueUrl, handler: handler as never, waitTimeSeconds: 1, maximumConcurrency: 2 });
    await mapping.drained();
    await mapping.stop();
    return mapping.counts();
  }

  /** A sender that gives up after two attempts, without pauses: the faults below decide each outcome at once. */
  function impatient(settings: ReturnType<typeof skill>['settings']) {
    const { credentials, tokenUrl, allowedOrigins, stage } = settings.sending;
    return new ProactiveEventsSender({ tokens: new TokenClient({ ...credentials!, tokenUrl }), allowedOrigins, stage, publishedEvents: settings.app.events, retry: { attempts: 2, baseDelayMs: 1 } });
  }

  it('queues the due users in batches and returns; the worker sends each once; a second run gives duplicates', async () => {
    const db = await freshStore('DynamoDb');
    const queue = await fanOutQueue();
    const { app, settings, summaries } = skill(db, declare(evening), { fanOut: { queueUrl: queue.url, batchSize: 3 } });
    for (let n = 0; n < 7; n++) await subscriber(db, `amzn1.ask.account.BERLIN-${n}`, { zone: 'Europe/Berlin' });
    await subscriber(db, 'amzn1.ask.account.TOKYO', { zone: 'Asia/Tokyo' });

    const run = await runSchedule(app, 'trash-evening', new Date('2026-12-08T17:00:00Z'));
    expect(run.fanOut?.record.fanOut).toEqual({ plan: 'unicast via the fan-out queue', usersDue: 7, enqueued: 7, throttled: 0, deadLettered: 0 });
    expect(amazon.accepted).toEqual([]);
    expect(sqs.stats(queue.name).sent).toBe(3);

    const counts = await drain(queue.url, lambdaFor(settings, { app }));
    expect(counts).toMatchObject({ recordsDelivered: 3, batchFailures: 0, itemFailures: 0 });
    expect(new Set(reached(amazon)).size).toBe(7);
    expect(reached(amazon)).toHaveLength(7);
    const batches = summaries.filter((record) => record.run === 'batch');
    expect(batches.map((record) => record.statuses.accepted).sort()).toEqual([1, 3, 3]);

    // Scheduler delivers the same run again: its batches are queued again, and Amazon answers duplicate for each.
    await runSchedule(app, 'trash-evening', new Date('2026-12-08T17:00:00Z'));
    await drain(queue.url, lambdaFor(settings, { app }));
    expect(reached(amazon)).toHaveLength(7);
    expect(summaries.filter((record) => record.run === 'batch').slice(3).reduce((sum, record) => sum + (record.statuses.duplicate ?? 0), 0)).toBe(7);
  });

  it('hands a batch Amazon keeps throttling back to the queue, delayed, and sends it when it comes back', async () => {
    const db = await freshStore('SerialFileDb');
    const queue = await fanOutQueue();
    const base = skill(db, []);
    const { app, settings, summaries } = skill(db, declare(evening), { fanOut: { queueUrl: queue.url }, sender: impatient(base.settings) });
    await subscriber(db, 'amzn1.ask.account.THROTTLED', { zone: 'Europe/Berlin' });
    await runSchedule(app, 'trash-evening', new Date('2026-12-08T17:00:00Z'));
    amazon.setFaults({ script: [429, 429], retryAfterSeconds: 0 });

    const counts = await drain(queue.url, lambdaFor(settings, { app }));
    expect(counts).toMatchObject({ recordsDelivered: 2, batchFailures: 0, itemFailures: 0 });
    expect(reached(amazon)).toEqual(['amzn1.ask.account.THROTTLED']);
    const [first, second] = summaries.filter((record) => record.run === 'batch');
    expect(first).toMatchObject({ sends: 0, fanOut: { throttled: 1, enqueued: 1 } });
    expect(second).toMatchObject({ statuses: { accepted: 1 }, fanOut: { throttled: 0 } });
  });

  it('sends a batch that keeps failing to the dead-letter queue, and its last summary counts it', async () => {
    const db = await freshStore('SerialFileDb');
    // A short visibility timeout: the failed batch comes back at once.
    const queue = await fanOutQueue(2, 25);
    const base = skill(db, []);
    const { app, settings, summaries } = skill(db, declare(evening), { fanOut: { queueUrl: queue.url }, sender: impatient(base.settings) });
    await subscriber(db, 'amzn1.ask.account.FAILING', { zone: 'Europe/Berlin' });
    await runSchedule(app, 'trash-evening', new Date('2026-12-08T17:00:00Z'));
    amazon.setFaults({ rate: 1, statuses: [503] });

    const counts = await drain(queue.url, lambdaFor(settings, { app }));
    amazon.setFaults({});
    expect(counts).toMatchObject({ recordsDelivered: 2, itemFailures: 2 });
    expect(sqs.depth(queue.deadLetter).visible).toBe(1);
    // What doctor reports of it, read by the skill over SQS's API.
    const plugin = app.$plugins.get('ProactiveEvents') as unknown as { fanOutQueue: { depth(): Promise<unknown> } };
    await expect(plugin.fanOutQueue.depth()).resolves.toEqual({ waiting: 0, deadLettered: 1 });
    const batches = summaries.filter((record) => record.run === 'batch');
    expect(batches.map((record) => [record.statuses.failed, record.fanOut?.deadLettered])).toEqual([
      [1, 0],
      [1, 1],
    ]);
  });
});
