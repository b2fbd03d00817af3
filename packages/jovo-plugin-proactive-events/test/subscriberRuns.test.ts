import type { Server } from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import * as fs from 'fs';
import { createEmulator, type Emulator } from 'alexa-proactive-events/emulator';
import type { SummaryRecord } from 'alexa-proactive-events';
import type { Db } from 'jovo-framework';
import { SerialFileDb, runSchedule, type Schedule } from '../src';
import { AppDeclarationSchema } from '../src/internal';
import { parseOrThrow } from '../src/config/project';
import { createWebhook, listen } from '../src/doors/webhook';
import { DynamoDb } from '../src/stores/DynamoDb';
import { createUsersTable } from '../../../test/standins/usersTable';
import { createApp, gateOptions } from './helpers/app';
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
    amazon.reset();
    amazonEu.reset();
    await runSchedule(app, 'trash-evening', new Date('2026-12-08T23:00:00Z'));
    expect(reached(amazon, amazonEu)).toEqual(['amzn1.ask.account.NEW-YORK', 'amzn1.ask.account.UNKNOWN-ZONE']);

    // The same run again (Scheduler delivers at least once): duplicates, no second notification.
    amazon.reset();
    amazonEu.reset();
    const again = await runSchedule(app, 'trash-evening', new Date('2026-12-08T17:00:00Z'));
    expect(again.fanOut?.record.statuses).toEqual({ duplicate: 2 });
    expect(reached(amazon, amazonEu)).toEqual([]);
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
    const weather = skill(db, declare({ ...evening, name: 'weather', timezone: 'Europe/Berlin', defaultTimezone: undefined, event: { name: WEATHER, payload: { alert: { source: 'LOCAL_WEATHER_SERVICE', alertType: 'TORNADO' } } } }));
    amazon.reset();
    const none = await runSchedule(weather.app, 'weather', new Date('2026-12-08T17:00:00Z'));
    expect(none.fanOut?.record.fanOut?.plan).toBe('multicast nowhere: no subscribers');
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
