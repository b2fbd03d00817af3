import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CreateTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SubscriberState } from 'alexa-proactive-events';
import { SerialFileDb } from '../src';
import { DynamoDb } from '../src/stores/DynamoDb';
import { countSubscribers } from '../src/stores/subscriberCounts';
import { INDEX, UNKNOWN, type IndexedSubscriber, type SubscriberFilter } from '../src/stores/subscriberIndex';
import { readTemplate } from '../../../test/standins/usersTable';
import { recordCalls, startDynalite, type DynamoCall, type LocalDynamoDb } from './helpers/dynalite';
import { EU_ENDPOINT, NA_ENDPOINT } from './helpers/requests';

/**
 * Each store's subscriber index, on SerialFileDb and on DynamoDB (dynalite, the table created from
 * infra/template.yaml, every request recorded): a listing names exactly the subscribers of an event in the zones
 * or regions asked for, each once, a page at a time; users move in and out as their state changes; DynamoDB reads
 * only the zones it is asked for, and never Scans.
 */
const WEATHER = 'AMAZON.WeatherAlert.Activated';
const TRASH = 'AMAZON.TrashCollectionAlert.Activated';
const ORDER = 'AMAZON.OrderStatus.Updated';
const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';
const TOKYO = 'Asia/Tokyo';
const FE_ENDPOINT = 'https://api.fe.amazonalexa.com';
const EMULATOR = 'http://127.0.0.1:3001';

type IndexedDb = SerialFileDb | DynamoDb;

let dynamo: LocalDynamoDb;
let recorder: Awaited<ReturnType<typeof recordCalls>>;
beforeAll(async () => {
  dynamo = await startDynalite();
  recorder = await recordCalls(dynamo.endpoint);
});
afterAll(async () => {
  await recorder.close();
  await dynamo.close();
});

const opened: IndexedDb[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) if (db instanceof DynamoDb) db.uninstall();
});

let tables = 0;
/** A fresh, empty store of each kind: a function that opens it (again: another process or container on the same data). */
const STORES: Array<[string, () => Promise<() => IndexedDb>]> = [
  [
    'SerialFileDb',
    async () => {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'indexed-')), 'users.json');
      return () => {
        const db = new SerialFileDb({ pathToFile: file });
        db.install({} as never);
        opened.push(db);
        return db;
      };
    },
  ],
  [
    'DynamoDb',
    async () => {
      const tableName = `IndexedUsers${tables++}`;
      await dynamo.createTable(tableName);
      return () => {
        const db = new DynamoDb({ tableName, endpoint: recorder.endpoint, region: 'us-east-1' });
        opened.push(db);
        return db;
      };
    },
  ],
];

/** Jovo's user data of a user with this state, as the plugin stores it. */
function userData(state: SubscriberState): unknown {
  return { data: { proactive: state, note: 'the app keeps its own data here too' } };
}

/** Saves a user subscribed to `events`, in `zone` (none: unknown) and reached at `apiEndpoint` (none: unknown). */
function subscribe(db: IndexedDb, userId: string, events: string[], { zone, apiEndpoint }: { zone?: string; apiEndpoint?: string } = {}): Promise<unknown> {
  return db.save(userId, 'userData', userData({ subscriptions: events, updatedAt: new Date().toISOString(), ...(zone && { timeZone: zone }), ...(apiEndpoint && { apiEndpoint }) }));
}

/** Every page of a listing. */
async function pages(db: IndexedDb, event: string, where: SubscriberFilter, pageSize?: number): Promise<IndexedSubscriber[][]> {
  const listed: IndexedSubscriber[][] = [];
  for await (const page of db.subscribers(event, where, pageSize)) listed.push(page);
  return listed;
}

/** The ids a listing names, sorted (duplicates kept, so a test sees them). */
async function ids(db: IndexedDb, event: string, where: SubscriberFilter): Promise<string[]> {
  return (await pages(db, event, where)).flat().map(({ userId }) => userId).sort();
}

/** Where a user is listed for `event`: the zones and regions whose listing names them. */
async function placeOf(db: IndexedDb, userId: string, event = WEATHER): Promise<{ zones: string[]; regions: string[] }> {
  const zones: string[] = [];
  const regions: string[] = [];
  for (const zone of [BERLIN, NEW_YORK, TOKYO, UNKNOWN]) if ((await ids(db, event, { zones: [zone] })).includes(userId)) zones.push(zone);
  for (const region of ['NA', 'EU', 'FE', UNKNOWN]) if ((await ids(db, event, { regions: [region] })).includes(userId)) regions.push(region);
  return { zones, regions };
}

const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `amzn1.ask.account.${prefix}-${i}`);

describe.each(STORES)('on %s', (name, fresh) => {
  let open: () => IndexedDb;
  let db: IndexedDb;
  beforeEach(async () => {
    open = await fresh();
    db = open();
  });

  it("lists by zone exactly those zones' subscribers of the event, each once, in pages of at most pageSize", async () => {
    const berlin = range('BERLIN', 5);
    const unknown = range('NOWHERE', 2);
    for (const [i, userId] of berlin.entries()) await subscribe(db, userId, i < 2 ? [WEATHER, TRASH] : [WEATHER], { zone: BERLIN, apiEndpoint: EU_ENDPOINT });
    for (const userId of range('BERLIN-TRASH', 2)) await subscribe(db, userId, [TRASH], { zone: BERLIN, apiEndpoint: EU_ENDPOINT });
    for (const userId of range('NEW-YORK', 3)) await subscribe(db, userId, [WEATHER], { zone: NEW_YORK, apiEndpoint: NA_ENDPOINT });
    for (const userId of unknown) await subscribe(db, userId, [WEATHER]);
    await subscribe(db, 'amzn1.ask.account.BERLIN-NONE', [], { zone: BERLIN, apiEndpoint: EU_ENDPOINT });

    const listed = await pages(db, WEATHER, { zones: [BERLIN, UNKNOWN, BERLIN] }, 3);
    expect(listed.map((page) => page.length)).toEqual([3, 3, 1]);
    expect(listed.flat().sort((a, b) => a.userId.localeCompare(b.userId))).toEqual([
      ...berlin.map((userId) => ({ userId, zone: BERLIN, region: 'EU' })),
      ...unknown.map((userId) => ({ userId, zone: UNKNOWN, region: UNKNOWN })),
    ]);
    await expect(ids(db, TRASH, { zones: [BERLIN] })).resolves.toEqual([...berlin.slice(0, 2), ...range('BERLIN-TRASH', 2)].sort());
    await expect(ids(db, ORDER, { zones: [BERLIN, NEW_YORK, UNKNOWN] })).resolves.toEqual([]);
    await expect(ids(db, WEATHER, { zones: [] })).resolves.toEqual([]);
  });

  it('lists by region: Amazon\'s three, another allowed origin, and users with none stored', async () => {
    await subscribe(db, 'amzn1.ask.account.NA', [WEATHER], { apiEndpoint: NA_ENDPOINT });
    await subscribe(db, 'amzn1.ask.account.EU', [WEATHER], { zone: BERLIN, apiEndpoint: `${EU_ENDPOINT}/` });
    await subscribe(db, 'amzn1.ask.account.FE', [WEATHER], { zone: TOKYO, apiEndpoint: FE_ENDPOINT });
    await subscribe(db, 'amzn1.ask.account.EMULATOR', [WEATHER], { apiEndpoint: EMULATOR });
    await subscribe(db, 'amzn1.ask.account.NO-REGION', [WEATHER], { zone: NEW_YORK });

    expect((await pages(db, WEATHER, { regions: ['EU', EMULATOR, UNKNOWN] })).flat().sort((a, b) => a.userId.localeCompare(b.userId))).toEqual([
      { userId: 'amzn1.ask.account.EMULATOR', zone: UNKNOWN, region: EMULATOR },
      { userId: 'amzn1.ask.account.EU', zone: BERLIN, region: 'EU' },
      { userId: 'amzn1.ask.account.NO-REGION', zone: NEW_YORK, region: UNKNOWN },
    ]);
    await expect(ids(db, WEATHER, { regions: ['NA', 'FE'] })).resolves.toEqual(['amzn1.ask.account.FE', 'amzn1.ask.account.NA']);
  });

  it('moves a user in and out of both indexes as they subscribe, unsubscribe, move, disable the skill and are deleted', async () => {
    const userId = 'amzn1.ask.account.MOVING';
    await subscribe(db, userId, [WEATHER], { zone: BERLIN, apiEndpoint: EU_ENDPOINT });
    await expect(placeOf(db, userId)).resolves.toEqual({ zones: [BERLIN], regions: ['EU'] });
    await subscribe(db, userId, [], { zone: BERLIN, apiEndpoint: EU_ENDPOINT });
    await expect(placeOf(db, userId)).resolves.toEqual({ zones: [], regions: [] });
    await subscribe(db, userId, [TRASH, WEATHER], { zone: TOKYO, apiEndpoint: FE_ENDPOINT });
    await expect(placeOf(db, userId)).resolves.toEqual({ zones: [TOKYO], regions: ['FE'] });
    await expect(placeOf(db, userId, TRASH)).resolves.toEqual({ zones: [TOKYO], regions: ['FE'] });
    // Disabling the skill goes through updateUser, as the plugin's skill events do: the state keeps only when.
    await db.updateUser(userId, 'userData', () => userData({ subscriptions: [], updatedAt: '2026-12-01T10:00:00Z', disabledAt: '2026-12-01T10:00:00Z' }));
    await expect(placeOf(db, userId)).resolves.toEqual({ zones: [], regions: [] });
    await db.updateUser(userId, 'userData', () => userData({ subscriptions: [WEATHER], apiEndpoint: NA_ENDPOINT }));
    await expect(placeOf(db, userId)).resolves.toEqual({ zones: [UNKNOWN], regions: ['NA'] });
    await db.delete(userId);
    await expect(placeOf(db, userId)).resolves.toEqual({ zones: [], regions: [] });
  });

  it('lists the zones subscribers appeared in, unknown included', async () => {
    await subscribe(db, 'amzn1.ask.account.Z1', [WEATHER], { zone: BERLIN });
    await subscribe(db, 'amzn1.ask.account.Z2', [TRASH], { zone: NEW_YORK });
    await subscribe(db, 'amzn1.ask.account.Z3', [WEATHER]);
    await subscribe(db, 'amzn1.ask.account.Z4', [], { zone: TOKYO });
    await expect(db.subscriberZones()).resolves.toEqual([NEW_YORK, BERLIN, UNKNOWN].sort());
    await subscribe(db, 'amzn1.ask.account.Z2', [], { zone: NEW_YORK });
    // DynamoDB keeps every zone it recorded (a zone nobody is left in lists empty); the file's index has them now.
    await expect(db.subscriberZones()).resolves.toEqual(name === 'DynamoDb' ? [NEW_YORK, BERLIN, UNKNOWN].sort() : [BERLIN, UNKNOWN].sort());
    await expect(ids(db, TRASH, { zones: [NEW_YORK] })).resolves.toEqual([]);
  });

  it('loses no zone when two processes save users in new zones at once, and each sees what the other indexed', async () => {
    const [one, two] = [db, open()];
    const zones = ['Europe/Paris', 'Europe/Madrid', 'America/Chicago', 'America/Denver', 'Asia/Kolkata', 'Australia/Sydney', 'Pacific/Auckland', 'Africa/Cairo'];
    await Promise.all(zones.map((zone, i) => subscribe(i % 2 ? one : two, `amzn1.ask.account.ZONE-${i}`, [WEATHER], { zone })));
    await expect(open().subscriberZones()).resolves.toEqual([...zones].sort());
    await expect(ids(one, WEATHER, { zones })).resolves.toEqual(zones.map((_, i) => `amzn1.ask.account.ZONE-${i}`).sort());
    await expect(ids(two, WEATHER, { zones })).resolves.toEqual(zones.map((_, i) => `amzn1.ask.account.ZONE-${i}`).sort());
  });

  it('refuses a listing with an empty zone or a page size that is no whole number from 1, naming each', async () => {
    await expect(pages(db, WEATHER, { zones: [BERLIN, ''] }, 0)).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTIONS',
      message: expect.stringContaining('- zones[1]: expected a time zone (IANA) or "unknown" (given "")\n  - pageSize: expected a whole number from 1 (given 0)'),
    });
    await expect(pages(db, WEATHER, { regions: ['EU'] }, 2.5)).rejects.toThrow('pageSize: expected a whole number from 1 (given 2.5)');
  });

  it("counts each published event's subscribers by region, the ones without a region apart, and each user once", async () => {
    await subscribe(db, 'amzn1.ask.account.C-NA', [WEATHER, TRASH], { zone: NEW_YORK, apiEndpoint: NA_ENDPOINT });
    await subscribe(db, 'amzn1.ask.account.C-EU', [WEATHER], { zone: BERLIN, apiEndpoint: EU_ENDPOINT });
    await subscribe(db, 'amzn1.ask.account.C-EU2', [TRASH], { apiEndpoint: EU_ENDPOINT });
    await subscribe(db, 'amzn1.ask.account.C-EMULATOR', [WEATHER], { apiEndpoint: EMULATOR });
    await subscribe(db, 'amzn1.ask.account.C-NOWHERE', [WEATHER, TRASH]);
    await subscribe(db, 'amzn1.ask.account.C-UNPUBLISHED', [ORDER], { apiEndpoint: NA_ENDPOINT });
    await subscribe(db, 'amzn1.ask.account.C-GONE', [], { apiEndpoint: NA_ENDPOINT });
    await expect(countSubscribers(db, [WEATHER, TRASH], [EMULATOR])).resolves.toEqual({
      subscribedUsers: 5,
      events: { [WEATHER]: { NA: 1, EU: 1, [EMULATOR]: 1 }, [TRASH]: { NA: 1, EU: 1 } },
      withoutRegion: 1,
      truncated: false,
    });
    // Without the emulator among the origins, its subscriber is in no region the skill can send to.
    await expect(countSubscribers(db, [WEATHER], [])).resolves.toMatchObject({ subscribedUsers: 3, events: { [WEATHER]: { NA: 1, EU: 1 } } });
    const truncated = await countSubscribers(db, [WEATHER, TRASH], [EMULATOR], 4);
    expect(truncated.truncated).toBe(true);
    expect(Object.values(truncated.events).flatMap((regions) => Object.values(regions)).reduce((a, b) => a + b, 0) + truncated.withoutRegion).toBeLessThanOrEqual(4);
  });
});

describe('on SerialFileDb', () => {
  it("indexes the state in the column the app names for Jovo's user data (JovoUser.columnName), and no other", async () => {
    const db = new SerialFileDb({ pathToFile: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'column-')), 'users.json') });
    db.install({ config: { plugin: { JovoUser: { columnName: 'jovoData' } } } } as never);
    await db.save('amzn1.ask.account.COLUMN', 'jovoData', userData({ subscriptions: [WEATHER], timeZone: BERLIN }));
    await db.save('amzn1.ask.account.OTHER-COLUMN', 'userData', userData({ subscriptions: [WEATHER], timeZone: BERLIN }));
    await expect(ids(db, WEATHER, { zones: [BERLIN] })).resolves.toEqual(['amzn1.ask.account.COLUMN']);
  });

  it('builds its index again when another writer changed the file underneath', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rewritten-')), 'users.json');
    const db = new SerialFileDb({ pathToFile: file });
    db.install({} as never);
    await subscribe(db, 'amzn1.ask.account.BEFORE', [WEATHER], { zone: BERLIN });
    await expect(ids(db, WEATHER, { zones: [BERLIN] })).resolves.toEqual(['amzn1.ask.account.BEFORE']);
    const rows = [{ userId: 'amzn1.ask.account.AFTER', userData: userData({ subscriptions: [WEATHER], timeZone: BERLIN }) }];
    fs.writeFileSync(file, JSON.stringify(rows, null, 2));
    await expect(ids(db, WEATHER, { zones: [BERLIN] })).resolves.toEqual(['amzn1.ask.account.AFTER']);
    await expect(db.subscriberZones()).resolves.toEqual([BERLIN]);
  });
});

describe('on DynamoDb', () => {
  let tableName: string;
  let db: DynamoDb;
  const document = () => DynamoDBDocumentClient.from(dynamo.client);
  beforeEach(async () => {
    tableName = `IndexedUsers${tables++}`;
    await dynamo.createTable(tableName);
    db = new DynamoDb({ tableName, endpoint: recorder.endpoint, region: 'us-east-1' });
    opened.push(db);
  });
  /** The requests made while `action` ran. */
  async function callsOf(action: () => Promise<unknown>): Promise<DynamoCall[]> {
    const from = recorder.calls.length;
    await action();
    return recorder.calls.slice(from);
  }

  it('declares the indexes the store queries in infra/template.yaml, as INDEX names them', () => {
    const table = Object.values(readTemplate().Resources).find((resource) => resource.Type === 'AWS::DynamoDB::Table')!;
    const indexes = (table.Properties.GlobalSecondaryIndexes as Array<{ IndexName: string; KeySchema: Array<{ AttributeName: string }>; Projection: { NonKeyAttributes: string[] } }>).map(
      ({ IndexName, KeySchema, Projection }) => ({ IndexName, keys: KeySchema.map((key) => key.AttributeName), projected: [...Projection.NonKeyAttributes].sort() }),
    );
    expect(indexes).toEqual([
      { IndexName: INDEX.byZone, keys: [INDEX.zoneAttribute, 'userId'], projected: [INDEX.eventsAttribute, INDEX.regionAttribute].sort() },
      { IndexName: INDEX.byRegion, keys: [INDEX.regionAttribute, 'userId'], projected: [INDEX.eventsAttribute, INDEX.zoneAttribute].sort() },
    ]);
  });

  it('finds a zone\'s subscribers with Queries of that zone alone, reading none of the other zones, and never Scans', async () => {
    for (const userId of range('DUE', 4)) await subscribe(db, userId, [WEATHER], { zone: BERLIN, apiEndpoint: EU_ENDPOINT });
    await subscribe(db, 'amzn1.ask.account.DUE-TRASH', [TRASH], { zone: BERLIN, apiEndpoint: EU_ENDPOINT });
    for (const userId of range('ELSEWHERE', 20)) await subscribe(db, userId, [WEATHER], { zone: NEW_YORK, apiEndpoint: NA_ENDPOINT });
    let listed: IndexedSubscriber[][] = [];
    const calls = await callsOf(async () => (listed = await pages(db, WEATHER, { zones: [BERLIN] }, 2)));
    expect(listed.flat().map(({ userId }) => userId).sort()).toEqual(range('DUE', 4));
    expect(calls.map(({ action }) => action)).toEqual(calls.map(() => 'Query'));
    expect(calls.map(({ request }) => [request.IndexName, request.ExpressionAttributeValues[':key'].S])).toEqual(calls.map(() => [INDEX.byZone, BERLIN]));
    // Every item read is one of Berlin's five subscribers: none of New York's twenty.
    expect(calls.reduce((read, { response }) => read + response.ScannedCount, 0)).toBe(5);
    // One Query: it reads up to 1,000 items whatever the listing's page size (Limit applies before the filter).
    expect(calls).toHaveLength(1);
  });

  it('counts without a Scan: a Query of each region for each published event', async () => {
    await subscribe(db, 'amzn1.ask.account.COUNT-EU', [WEATHER], { zone: BERLIN, apiEndpoint: EU_ENDPOINT });
    await subscribe(db, 'amzn1.ask.account.COUNT-NA', [WEATHER, TRASH], { zone: NEW_YORK, apiEndpoint: NA_ENDPOINT });
    let counted: Awaited<ReturnType<typeof countSubscribers>> | undefined;
    const calls = await callsOf(async () => (counted = await countSubscribers(db, [WEATHER, TRASH], [EMULATOR])));
    expect(counted).toEqual({ subscribedUsers: 2, events: { [WEATHER]: { EU: 1, NA: 1 }, [TRASH]: { NA: 1 } }, withoutRegion: 0, truncated: false });
    const regions = ['NA', 'EU', 'FE', EMULATOR, UNKNOWN];
    expect(calls.map(({ action, request }) => [action, request.IndexName, request.ExpressionAttributeValues[':key'].S, request.ExpressionAttributeValues[':event'].S])).toEqual(
      [WEATHER, TRASH].flatMap((event) => regions.map((region) => ['Query', INDEX.byRegion, region, event])),
    );
  });

  it('writes the index attributes beside the user data, leaves them out of what load gives, and removes them with the last subscription', async () => {
    const userId = 'amzn1.ask.account.ATTRIBUTES';
    await subscribe(db, userId, [WEATHER, TRASH, WEATHER], { zone: BERLIN, apiEndpoint: EU_ENDPOINT });
    const stored = async () => (await document().send(new GetCommand({ TableName: tableName, Key: { userId } }))).Item!;
    expect(await stored()).toMatchObject({ subscriberZone: BERLIN, subscriberRegion: 'EU', subscribedEvents: [WEATHER, TRASH] });
    expect(Object.keys((await db.load(userId))!).sort()).toEqual(['userData', 'userId']);
    await db.updateUser(userId, 'userData', (column) => ({ ...(column as object), extra: true }));
    expect(await stored()).toMatchObject({ subscriberZone: BERLIN, subscriberRegion: 'EU', subscribedEvents: [WEATHER, TRASH], userData: { extra: true } });
    await db.updateUser(userId, 'userData', () => userData({ subscriptions: [], timeZone: BERLIN, apiEndpoint: EU_ENDPOINT }));
    expect(Object.keys(await stored()).sort()).toEqual(['userData', 'userId', 'version']);
  });

  it('indexes an item written before the indexes at its next save', async () => {
    const userId = 'amzn1.ask.account.OLDER';
    const state = { M: { subscriptions: { L: [{ S: WEATHER }] }, timeZone: { S: BERLIN }, apiEndpoint: { S: EU_ENDPOINT } } };
    await dynamo.client.send(new PutItemCommand({ TableName: tableName, Item: { userId: { S: userId }, userData: { M: { data: { M: { proactive: state } } } } } }));
    await expect(ids(db, WEATHER, { zones: [BERLIN] })).resolves.toEqual([]);
    const loaded = (await db.load(userId)) as { userData: unknown };
    await db.save(userId, 'userData', loaded.userData);
    await expect(ids(db, WEATHER, { zones: [BERLIN] })).resolves.toEqual([userId]);
  });

  it('records a zone once per process, in one ADD to index#zones before the first user in it is written', async () => {
    const calls = await callsOf(async () => {
      for (const userId of range('RECORDED', 3)) await subscribe(db, userId, [WEATHER], { zone: TOKYO });
    });
    expect(calls.map(({ action, request }) => `${action} ${request.Key?.userId.S ?? request.Item.userId.S}`)).toEqual([
      'UpdateItem index#zones',
      ...range('RECORDED', 3).map((userId) => `PutItem ${userId}`),
    ]);
    expect(calls[0].request.ExpressionAttributeValues).toEqual({ ':zone': { SS: [TOKYO] } });
    // Another container records it again, once: ADD to a set that has it changes nothing.
    const other = new DynamoDb({ tableName, endpoint: recorder.endpoint, region: 'us-east-1' });
    opened.push(other);
    await subscribe(other, 'amzn1.ask.account.RECORDED-ELSEWHERE', [WEATHER], { zone: TOKYO });
    await expect(other.subscriberZones()).resolves.toEqual([TOKYO]);
  });

  it('says which indexes to add to a table created without them', async () => {
    await dynamo.client.send(
      new CreateTableCommand({
        TableName: 'WithoutIndexes',
        KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'userId', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const older = new DynamoDb({ tableName: 'WithoutIndexes', endpoint: recorder.endpoint, region: 'us-east-1' });
    opened.push(older);
    await expect(pages(older, WEATHER, { zones: [BERLIN] })).rejects.toMatchObject({
      code: 'ERR_NO_INDEX',
      message:
        'The DynamoDB table "WithoutIndexes" (DYNAMODB_TABLE) has no subscriber indexes (bySubscriberZone, bySubscriberRegion): ' +
        'add them as infra/template.yaml declares them (README of jovo-plugin-proactive-events, Storage)',
    });
  });

  it("refuses the subscriber index's key space as a user id", async () => {
    await expect(db.load('index#zones')).rejects.toMatchObject({ code: 'ERR_RESERVED_USER_ID', message: expect.stringContaining('starts with "index#", which is kept for the subscriber index\'s items') });
    await expect(db.save('index#zones', 'userData', {})).rejects.toMatchObject({ code: 'ERR_RESERVED_USER_ID' });
  });
});
