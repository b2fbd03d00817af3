import type { Server } from 'http';
import type { Db } from 'jovo-framework';
import { readSubscriber } from '../src/plugin';
import { createEmulator, eventDefinition, type Emulator } from '../src/proactive';
import type { Settings } from '../src/settings';
import { useStores } from './helpers/stores';
import { close, eventRequests, startSkill, trigger } from './helpers/pipeline';
import { launchRequest, skillDisabled, subscriptionChanged } from './helpers/requests';

/**
 * Subscription state behaves the same on both stores: Jovo's FileDb (embedded default) and Jovo's DynamoDb (for
 * Lambda), here against dynalite, a DynamoDB-compatible server started on port 0.
 */
const TABLE = 'ProactiveEventsUsers';
const WEATHER = 'AMAZON.WeatherAlert.Activated';
const ORDER = 'AMAZON.OrderStatus.Updated';
const T1 = '2026-11-22T10:00:00Z';
const T2 = '2026-11-22T10:00:05Z';

const STORES = useStores(TABLE);

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
    await expect(readSubscriber(db, userId)).resolves.toEqual({ userId, subscriptions: [], updatedAt: T2 });
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
