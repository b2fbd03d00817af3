import * as fs from 'fs';
import type { Server } from 'http';
import * as path from 'path';
import { PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { triggerRequest } from 'alexa-proactive-events/trigger';
import { eventDefinition } from 'alexa-proactive-events/internal';
import { createEmulator, type Emulator } from 'alexa-proactive-events/emulator';
import fc from 'fast-check';
import type { Db } from 'jovo-framework';
import { readSubscriber } from '../src';
import type { HttpResponse } from '../src/doors/lambda';
import { DynamoDb } from '../src/stores/DynamoDb';
import { INDEX, UNKNOWN, subscriberIndex, type SubscriberIndex } from '../src/stores/subscriberIndex';
import { checkSkill } from '../src/trigger/client';
import { lambdaFor, type Settings, LOCAL_TEST_SKILL } from './helpers/app';
import { TRIGGER_SECRET, close, eventRequests, startSkill, trigger } from './helpers/pipeline';
import { launchRequest, skillDisabled, subscriptionChanged } from './helpers/requests';
import { recordCalls } from './helpers/dynalite';
import { useStores } from './helpers/stores';

/**
 * Subscription state behaves the same on both stores: Jovo's FileDb (embedded default) and DynamoDB (for Lambda),
 * here against dynalite, a DynamoDB-compatible server started on port 0.
 */
const TABLE = 'ProactiveEventsUsers';
const WEATHER = 'AMAZON.WeatherAlert.Activated';
const ORDER = 'AMAZON.OrderStatus.Updated';
const T1 = '2026-11-22T10:00:00Z';
const T2 = '2026-11-22T10:00:05Z';

const { stores: STORES, dynamo } = useStores(TABLE);

describe.each(STORES)('with %s', (_, store) => {
  let amazon: Emulator;
  let amazonEu: Emulator;
  let skill: { url: string; server: Server };
  let db: Db;
  let users = 0;
  const user = () => `amzn1.ask.account.STORE-${process.pid}-${Date.now()}-${users++}`;

  beforeAll(async () => {
    amazon = await createEmulator({ port: 0 });
    amazonEu = await createEmulator({ port: 0 });
    let settings: Settings | undefined;
    skill = await startSkill([amazon, amazonEu], (given) => {
      store.configure(given);
      settings = given;
    });
    db = store.reader(settings!);
  });
  afterAll(() => Promise.all([amazon.close(), amazonEu.close(), close(skill.server)]));

  async function send(body: object): Promise<void> {
    const response = await fetch(skill.url, { method: 'POST', body: JSON.stringify(body) });
    expect(response.status).toBe(200);
  }

  it('stores a subscription with its region, locale and time', async () => {
    const userId = user();
    await send(subscriptionChanged({ userId, events: [WEATHER, ORDER], timestamp: T1, apiEndpoint: amazonEu.url, locale: 'de-DE' }));
    await expect(readSubscriber(db, userId)).resolves.toEqual({ userId, subscriptions: [WEATHER, ORDER], updatedAt: T1, apiEndpoint: amazonEu.url, locale: 'de-DE' });
  });

  it('records an empty list as unsubscribed from all', async () => {
    const userId = user();
    await send(subscriptionChanged({ userId, events: [WEATHER], timestamp: T1 }));
    await send(subscriptionChanged({ userId, events: [], timestamp: T2 }));
    await expect(readSubscriber(db, userId)).resolves.toMatchObject({ subscriptions: [], updatedAt: T2 });
  });

  it('keeps the newer state when an older event arrives later', async () => {
    const userId = user();
    await send(subscriptionChanged({ userId, events: [], timestamp: T2 }));
    await send(subscriptionChanged({ userId, events: [WEATHER], timestamp: T1 }));
    await expect(readSubscriber(db, userId)).resolves.toMatchObject({ subscriptions: [], updatedAt: T2 });
  });

  it("deletes the user's data when the skill is disabled, keeping only when that happened", async () => {
    const userId = user();
    await send(launchRequest({ userId, apiEndpoint: amazonEu.url }));
    await send(subscriptionChanged({ userId, events: [WEATHER], timestamp: T1 }));
    await send(skillDisabled({ userId, timestamp: T2 }));
    await expect(readSubscriber(db, userId)).resolves.toEqual({ userId, subscriptions: [], updatedAt: T2, disabledAt: T2 });
  });

  it('keeps a subscriber in both indexes while subscribed, and takes them out when they unsubscribe or disable the skill', async () => {
    const index = subscriberIndex(db)!;
    const [leaving, disabling] = [user(), user()];
    const listed = async (where: { zones: string[] } | { regions: string[] }) => (await listedIds(index, WEATHER, where)).filter((id) => id === leaving || id === disabling);
    await send(subscriptionChanged({ userId: leaving, events: [WEATHER, ORDER], timestamp: T1, apiEndpoint: amazonEu.url }));
    await send(subscriptionChanged({ userId: disabling, events: [WEATHER], timestamp: T1 }));
    // A skill event carries no device, so no time zone: both are under unknown; their regions are as stored.
    await expect(listed({ zones: [UNKNOWN] })).resolves.toEqual([leaving, disabling].sort());
    await expect(listed({ regions: [amazonEu.url] })).resolves.toEqual([leaving]);
    await expect(listed({ regions: ['NA'] })).resolves.toEqual([disabling]);
    await send(subscriptionChanged({ userId: leaving, events: [], timestamp: T2 }));
    await send(skillDisabled({ userId: disabling, timestamp: T2 }));
    await expect(listed({ zones: [UNKNOWN] })).resolves.toEqual([]);
    await expect(listed({ regions: [amazonEu.url, 'NA', UNKNOWN] })).resolves.toEqual([]);
    await expect(listedIds(index, ORDER, { regions: [amazonEu.url] })).resolves.not.toContain(leaving);
  });

  it('routes Unicast to the region stored for the user', async () => {
    const userId = user();
    await send(subscriptionChanged({ userId, events: [ORDER], timestamp: T1, apiEndpoint: amazonEu.url }));
    const order = Object.entries(eventDefinition(ORDER).example).flatMap(([flag, value]) => [`--${flag}`, value ?? '']);
    const run = await trigger(skill.url, 'order', ...order, '--user', userId, '--json');
    expect(run.json()).toEqual([expect.objectContaining({ status: 'accepted', user: userId })]);
    expect(amazonEu.accepted.map((event) => event.audience)).toContain(userId);
    expect(eventRequests(amazon)).toEqual([]);
  });
});

/** The ids of every page of a listing, sorted. */
async function listedIds(index: SubscriberIndex, event: string, where: { zones: string[] } | { regions: string[] }): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of index.subscribers(event, where)) ids.push(...page.map(({ userId }) => userId));
  return ids.sort();
}

describe('on DynamoDB', () => {
  const [, dynamoStore] = STORES[1];
  let amazon: Emulator;
  let skill: { url: string; server: Server; settings: Settings };
  let db: Db;
  beforeAll(async () => {
    amazon = await createEmulator({ port: 0 });
    skill = await startSkill([amazon], (settings) => dynamoStore.configure(settings));
    db = dynamoStore.reader(skill.settings);
  });
  afterAll(() => Promise.all([amazon.close(), close(skill.server)]));

  async function send(body: object): Promise<void> {
    const response = await fetch(skill.url, { method: 'POST', body: JSON.stringify(body) });
    expect(response.status).toBe(200);
  }

  it('reads an item that jovo-db-dynamodb wrote, and writes it back in the same layout', async () => {
    // Recorded from jovo-db-dynamodb@3.6.1 storing this skill's user, before this project replaced it.
    const recorded = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'jovo-db-dynamodb-item.json'), 'utf8')) as Record<string, AttributeValue>;
    const userId = recorded.userId.S!;
    await dynamo().client.send(new PutItemCommand({ TableName: TABLE, Item: recorded }));
    const stored = { userId, subscriptions: [WEATHER], updatedAt: T1, apiEndpoint: 'https://api.eu.amazonalexa.com', locale: 'de-DE' };
    await expect(readSubscriber(db, userId)).resolves.toEqual(stored);

    await send(launchRequest({ userId, apiEndpoint: 'https://api.amazonalexa.com', locale: 'de-DE' }));
    const { Item: written } = await DynamoDBDocumentClient.from(dynamo().client).send(new GetCommand({ TableName: TABLE, Key: { userId } }));
    // The layout, and the subscriber index's attributes beside it (the user is subscribed: both indexes have them).
    expect(Object.keys(written!).sort()).toEqual(['subscribedEvents', 'subscriberRegion', 'subscriberZone', 'userData', 'userId', 'version']);
    const { userId: _id, ...state } = stored;
    expect(written!.userData).toEqual({ data: { proactive: { ...state, apiEndpoint: 'https://api.amazonalexa.com' } } });
    expect(written).toMatchObject({ subscribedEvents: [WEATHER], subscriberRegion: 'NA', subscriberZone: 'unknown' });
  });

  it('accepts a signed trigger once across containers: the replay guard lives in the table', async () => {
    const data = { event: { name: WEATHER, payload: { weatherAlert: { alertType: 'TORNADO' } } }, referenceId: 'replayed-across', stage: 'development' as const, explicitEndpoint: true };
    const body = JSON.stringify(triggerRequest({ skillId: LOCAL_TEST_SKILL, intent: 'WeatherAlertIntent', data, apiEndpoint: amazon.url, locale: 'en-US', secret: TRIGGER_SECRET }));
    const functionUrl = { version: '2.0', headers: { 'content-type': 'application/json' }, requestContext: { http: { method: 'POST' } }, body, isBase64Encoded: false };
    const containers = [lambdaFor(skill.settings), lambdaFor(skill.settings)];
    const results = [];
    for (const container of containers) results.push(JSON.parse(((await container(functionUrl, {})) as HttpResponse).body).proactiveEvents[0]);
    expect(results).toEqual([
      expect.objectContaining({ status: 'accepted' }),
      expect.objectContaining({ status: 'rejected', errors: [expect.objectContaining({ message: expect.stringMatching(/a replayed trigger$/) })] }),
    ]);
    expect(eventRequests(amazon)).toHaveLength(1);
    const requestId = (JSON.parse(body) as { request: { requestId: string } }).request.requestId;
    const { Item } = await DynamoDBDocumentClient.from(dynamo().client).send(new GetCommand({ TableName: TABLE, Key: { userId: `trigger#${requestId}` } }));
    expect(Item!.expiresAt).toBeGreaterThan(Date.now() / 1000 + 9 * 60);
  });

  it("refuses a user id in the replay guard's key space, which would read or overwrite a trigger's item", async () => {
    const store = new DynamoDb({ tableName: TABLE, endpoint: dynamo().endpoint, region: 'us-east-1' });
    const reserved = 'trigger#trigger.0b4d0a1e';
    const problem = `DynamoDb: the user id "${reserved}" starts with "trigger#", which is kept for the replay guard's items; no Alexa user id does`;
    await expect(store.load(reserved)).rejects.toThrow(problem);
    await expect(store.load(reserved)).rejects.toMatchObject({ code: 'ERR_RESERVED_USER_ID' });
    await expect(store.save(reserved, 'userData', {})).rejects.toThrow(problem);
    await expect(store.delete(reserved)).rejects.toThrow(problem);
    const budget = 'limit#user-schedules#29000000';
    await expect(store.updateUser(budget, 'userData', () => ({}))).rejects.toThrow(
      `DynamoDb: the user id "${budget}" starts with "limit#", which is kept for the send budget's items; no Alexa user id does`,
    );
    store.uninstall();
  });

  it('says which table to create when it is missing', async () => {
    const missing = new DynamoDb({ tableName: 'NoSuchTable', endpoint: dynamo().endpoint, region: 'us-east-1' });
    await expect(missing.load('amzn1.ask.account.ANY')).rejects.toMatchObject({ code: 'ERR_NO_TABLE' });
    await expect(missing.load('amzn1.ask.account.ANY')).rejects.toThrow(
      'DynamoDB has no table "NoSuchTable" (DYNAMODB_TABLE): create it with the partition key userId (String), on demand, with time to live on expiresAt (README of jovo-plugin-proactive-events, Storage)',
    );
  });

  it("counts a check trigger's subscribers by event and region through the region index, never a Scan", async () => {
    await dynamo().createTable('CheckCounts');
    const recorder = await recordCalls(dynamo().endpoint);
    const counted = await startSkill([amazon], (settings) => {
      settings.dynamoDb = { tableName: 'CheckCounts', endpoint: recorder.endpoint, region: 'us-east-1' };
      settings.app.events = [WEATHER, ORDER];
    });
    try {
      const post = (body: object) => fetch(counted.url, { method: 'POST', body: JSON.stringify(body) });
      await post(subscriptionChanged({ userId: 'amzn1.ask.account.COUNT-NA', events: [WEATHER, ORDER], timestamp: T1 }));
      await post(subscriptionChanged({ userId: 'amzn1.ask.account.COUNT-EU', apiEndpoint: 'https://api.eu.amazonalexa.com', events: [WEATHER], timestamp: T1 }));
      await post(skillDisabled({ userId: 'amzn1.ask.account.COUNT-GONE', timestamp: T2 }));
      const weather = { event: { name: WEATHER as typeof WEATHER, payload: { weatherAlert: { alertType: 'TORNADO' } } } };
      const plan = { endpoint: counted.url, secret: TRIGGER_SECRET, skillId: LOCAL_TEST_SKILL, apiEndpoint: amazon.url, stage: 'development' as const, explicitEndpoint: true };
      const sent = await trigger(counted.url, 'weather', '--alert-type', 'TORNADO', '--api-endpoint', amazon.url);
      expect(sent.status).toBe(0); // and a trigger#… item in the table
      const before = recorder.calls.length;
      const answer = await checkSkill(weather, plan);
      expect(answer).toEqual({ kind: 'report', report: expect.objectContaining({ subscribersProblem: null }) });
      // The user who disabled the skill is subscribed to nothing, so in no index, and not counted.
      expect(answer.kind === 'report' && answer.report.subscribers).toEqual({
        subscribedUsers: 2,
        events: { [WEATHER]: { NA: 1, EU: 1 }, [ORDER]: { NA: 1 } },
        withoutRegion: 0,
        truncated: false,
      });
      // Besides the check trigger's own item (the replay guard's), only Queries of the region index.
      const calls = recorder.calls.slice(before).map(({ action, request }) => (action === 'PutItem' ? `PutItem ${request.Item.userId.S.split('#')[0]}#` : `${action} ${request.IndexName}`));
      expect(new Set(calls)).toEqual(new Set(['PutItem trigger#', `Query ${INDEX.byRegion}`]));
    } finally {
      await close(counted.server);
      await recorder.close();
    }
  });

  it('ends 20 concurrent subscription changes for one user in the newest state, whatever order they arrive in', async () => {
    const events = [WEATHER, ORDER, 'AMAZON.MessageAlert.Activated', 'AMAZON.TrashCollectionAlert.Activated'];
    // Twenty changes a second apart, the newest subscribed to one event of its own; sent all at once, in an order
    // fast-check draws. A failure prints the seed, and FC_SEED=<seed> replays it.
    const at = (i: number) => new Date(Date.parse(T1) + i * 1000).toISOString();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray([...Array(20).keys()], { minLength: 20 }), async (order) => {
        const userId = `amzn1.ask.account.RACE-${process.pid}-${run++}`;
        await Promise.all(order.map((i) => send(subscriptionChanged({ userId, events: [events[i % events.length]], timestamp: at(i) }))));
        await expect(readSubscriber(db, userId)).resolves.toMatchObject({ subscriptions: [events[19 % events.length]], updatedAt: at(19) });
      }),
      { numRuns: 20, endOnFailure: true, ...(process.env.FC_SEED && { seed: Number(process.env.FC_SEED) }) },
    );
    // 400 requests and thousands of DynamoDB calls (the losers of each race read and write again): about 15 s of CPU
    // through the AWS SDK, which a busy machine stretched past the suite's 30 s in two runs of three.
  }, 90_000);
});
