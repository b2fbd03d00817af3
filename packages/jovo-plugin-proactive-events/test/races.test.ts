import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { AddressInfo } from 'net';
import type { TrashCollectionAlertActivatedPayload } from 'alexa-proactive-events/internal';
import { Log } from 'jovo-core';
import type { Db, Jovo } from 'jovo-framework';
import { readSubscriber, type ScheduleResult } from '../src';
import { MAX_USER_SCHEDULES, USER_SCHEDULES_KEY, userScheduleKey } from '../src/internal';
import { createWebhook, listen } from '../src/doors/webhook';
import { createApp, handlers, testSettings, type Settings } from './helpers/app';
import { useEmulator } from './helpers/pipeline';
import { intentRequest, skillDisabled, skillEnabled, subscriptionChanged } from './helpers/requests';
import { useStores } from './helpers/stores';
import { UNKNOWN, subscriberIndex, type SubscriberFilter } from '../src/stores/subscriberIndex';

/**
 * Requests of one user that overlap, on both stores, made deterministic with barriers: a request held open between
 * its load and its save while another changes the same user. Deletion wins, the newest skill event wins, and a
 * user's schedules keep their limit and match EventBridge Scheduler, whatever the order.
 */
const TRASH = 'AMAZON.TrashCollectionAlert.Activated';
const WEATHER = 'AMAZON.WeatherAlert.Activated';
const trash: TrashCollectionAlertActivatedPayload = { alert: { garbageTypes: ['RECYCLABLE_PLASTICS'], collectionDayOfWeek: 'TUESDAY' } };
const T1 = '2026-11-22T10:00:00Z';
const T2 = '2026-11-22T10:00:05Z';

/** A promise the test resolves when it chooses. */
function barrier() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

/** A Scheduler client that holds schedules by name, as the real one does; `hold` makes its next CreateSchedule wait. */
function recordingScheduler() {
  const held = new Map<string, unknown>();
  const created: string[] = [];
  let hold: { reached: () => void; release: Promise<void> } | undefined;
  let refuseUpdate = false;
  const client = {
    send: async (command: { constructor: { name: string }; input: { Name: string } }) => {
      const name = command.constructor.name.replace(/Command$/, '');
      if (name === 'UpdateSchedule' && refuseUpdate) {
        refuseUpdate = false;
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      }
      if (name === 'CreateSchedule' && hold) {
        const { reached, release } = hold;
        hold = undefined;
        reached();
        await release;
      }
      if (name === 'CreateSchedule' && held.has(command.input.Name)) throw Object.assign(new Error('exists'), { name: 'ConflictException' });
      if (name === 'DeleteSchedule' && !held.delete(command.input.Name)) throw Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
      if (name === 'CreateSchedule') created.push(command.input.Name);
      if (name === 'CreateSchedule' || name === 'UpdateSchedule') held.set(command.input.Name, command.input);
      return {};
    },
  };
  return {
    held,
    created,
    client: client as unknown as SchedulerClient,
    /** The next UpdateSchedule is refused. */
    refuseNextUpdate(): void {
      refuseUpdate = true;
    },
    /** The cron Scheduler holds for a schedule. */
    cronOf(name: string): string | undefined {
      return (held.get(name) as { ScheduleExpression?: string } | undefined)?.ScheduleExpression;
    },
    /** The next CreateSchedule waits for `release`; resolves once it is waiting. */
    holdNextCreate(release: Promise<void>): Promise<void> {
      return new Promise((reached) => (hold = { reached, release }));
    },
  };
}

const { stores } = useStores('RaceUsers');
const { emulator: amazon, servers } = useEmulator();

let users = 0;
/** What the webhook logged of requests that failed. */
const failures: string[] = [];
afterEach(() => {
  expect(failures.splice(0)).toEqual([]);
});

describe.each(stores)('on %s', (_, store) => {
  /** What the test's handlers wait for, and what they were told. */
  let hold = barrier();
  let entered = barrier();
  let arrivals: { expected: number; count: number; all: ReturnType<typeof barrier> } | undefined;
  let names: string[] = [];
  let crons: string[] = [];
  let told: ScheduleResult[] = [];

  async function skill(change: (settings: Settings) => void = () => undefined, scheduler?: SchedulerClient): Promise<{ webhook: string; reader: Db; settings: Settings }> {
    const settings = testSettings();
    settings.sending = { credentials: { clientId: 'id', clientSecret: 'secret' }, tokenUrl: `${amazon().url}/auth/o2/token`, allowedOrigins: [amazon().url], stage: 'development' };
    store.configure(settings);
    change(settings);
    const userScheduler = scheduler && { functionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:skill', roleArn: 'arn:aws:iam::123456789012:role/scheduler', group: 'skill', client: scheduler };
    const app = createApp(settings, { plugin: { userScheduler } });
    app.setHandler({
      ...handlers,
      // Loads the user, changes something of theirs, and holds until the test lets it save.
      async HoldIntent(this: Jovo) {
        this.$user.$data.note = 'held';
        entered.open();
        await hold.opened;
        this.tell('held');
      },
      // Deletes the user, as a skill's "forget me" would.
      async DeleteMeIntent(this: Jovo) {
        await this.$user.delete();
        this.tell('deleted');
      },
      // Sets up the next schedule of `names`, once every request of the round has loaded the user.
      async RemindMeIntent(this: Jovo) {
        const name = names.shift()!;
        const cron = crons.shift() ?? '0 18 * * TUE';
        entered.open();
        if (arrivals) {
          if (++arrivals.count === arrivals.expected) arrivals.all.open();
          await arrivals.all.opened;
        }
        const result = await this.$proactiveEvents!.schedule({ name, cron, timezone: 'Europe/Berlin', event: { name: TRASH, payload: trash } });
        told.push(result);
        this.tell(result.status);
      },
    });
    const server = await listen(createWebhook(app, { signatures: false, log: (line) => failures.push(line) }), 0, '127.0.0.1', { maxConnectionsPerClient: 128 });
    servers.push(server);
    return { webhook: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`, reader: store.reader(settings), settings };
  }

  async function post(webhook: string, request: object): Promise<void> {
    const response = await fetch(webhook, { method: 'POST', body: JSON.stringify(request) });
    expect(response.status).toBe(200);
  }

  async function stored(reader: Db, userId: string): Promise<Record<string, unknown> | undefined> {
    const row = (await reader.load(userId)) as { userData?: { data?: Record<string, unknown> } } | undefined;
    return row?.userData?.data;
  }

  beforeEach(() => {
    hold = barrier();
    entered = barrier();
    arrivals = undefined;
    names = [];
    crons = [];
    told = [];
  });

  it('keeps a user deleted when a request that loaded them before SkillDisabled saves after it', async () => {
    const { webhook, reader } = await skill();
    const userId = `amzn1.ask.account.DISABLE-RACE-${users++}`;
    await post(webhook, subscriptionChanged({ userId, events: [TRASH, WEATHER], timestamp: T1, apiEndpoint: amazon().url }));
    names = ['trash-reminder'];
    await post(webhook, intentRequest({ userId, intent: 'RemindMeIntent', apiEndpoint: amazon().url }));
    expect(Object.keys((await stored(reader, userId))?.[USER_SCHEDULES_KEY] as object)).toEqual(['trash-reminder']);

    // From a device: the held request also read the user's time zone, which must not come back either.
    const held = post(webhook, intentRequest({ userId, intent: 'HoldIntent', apiEndpoint: amazon().url, deviceId: 'amzn1.ask.device.RACE' }));
    await entered.opened;
    await post(webhook, skillDisabled({ userId, timestamp: T2 }));
    hold.open();
    await held;

    expect(await stored(reader, userId)).toEqual({ proactive: { subscriptions: [], updatedAt: T2, disabledAt: T2 } });
    await expect(readSubscriber(reader, userId)).resolves.toEqual({ userId, subscriptions: [], updatedAt: T2, disabledAt: T2 });
  });

  it('keeps a user deleted when a request that loaded them before saves after their row was made again', async () => {
    const { webhook, reader } = await skill();
    const userId = `amzn1.ask.account.DELETE-RACE-${users++}`;
    await post(webhook, subscriptionChanged({ userId, events: [WEATHER], timestamp: T1, apiEndpoint: amazon().url }));
    const held = post(webhook, intentRequest({ userId, intent: 'HoldIntent', apiEndpoint: amazon().url }));
    await entered.opened;
    // Disabled, enabled again, deleted, and back: a new row with as few saves as the one the held request loaded.
    await post(webhook, skillDisabled({ userId, timestamp: T2 }));
    await post(webhook, skillEnabled({ userId, timestamp: '2026-11-22T10:00:10Z' }));
    await post(webhook, intentRequest({ userId, intent: 'DeleteMeIntent', apiEndpoint: amazon().url }));
    await post(webhook, subscriptionChanged({ userId, events: [TRASH], timestamp: '2026-11-22T10:00:20Z', apiEndpoint: amazon().url }));
    const after = await stored(reader, userId);
    hold.open();
    await held;
    expect(await stored(reader, userId)).toEqual(after);
    expect(after).toEqual({ proactive: expect.objectContaining({ subscriptions: [TRASH] }) });
  });

  it('keeps an unsubscribe when a request that loaded the user before it saves after it, and that request\'s own data', async () => {
    const { webhook, reader } = await skill();
    const userId = `amzn1.ask.account.UNSUBSCRIBE-RACE-${users++}`;
    await post(webhook, subscriptionChanged({ userId, events: [WEATHER], timestamp: T1, apiEndpoint: amazon().url }));
    const held = post(webhook, intentRequest({ userId, intent: 'HoldIntent', apiEndpoint: amazon().url }));
    await entered.opened;
    await post(webhook, subscriptionChanged({ userId, events: [], timestamp: T2 }));
    hold.open();
    await held;
    expect(await stored(reader, userId)).toMatchObject({ note: 'held', proactive: { subscriptions: [], updatedAt: T2 } });
  });

  it('keeps the subscriber indexes as the newest subscription event left them when a request that loaded the user before it saves after it', async () => {
    const { webhook, reader } = await skill();
    const index = subscriberIndex(reader)!;
    const where = async (userId: string) => {
      const listed = async (filter: SubscriberFilter) => {
        const ids: string[] = [];
        for await (const page of index.subscribers(WEATHER, filter)) ids.push(...page.map((entry) => entry.userId));
        return ids.includes(userId);
      };
      return { byZone: await listed({ zones: [UNKNOWN] }), byRegion: await listed({ regions: [amazon().url] }) };
    };
    // One user subscribes while a request that loaded them unsubscribed holds; another unsubscribes meanwhile.
    const [joining, leaving] = [`amzn1.ask.account.INDEX-JOIN-${users++}`, `amzn1.ask.account.INDEX-LEAVE-${users++}`];
    await post(webhook, subscriptionChanged({ userId: joining, events: [], timestamp: T1, apiEndpoint: amazon().url }));
    await post(webhook, subscriptionChanged({ userId: leaving, events: [WEATHER], timestamp: T1, apiEndpoint: amazon().url }));
    for (const [userId, events] of [[joining, [WEATHER]], [leaving, []]] as const) {
      hold = barrier();
      entered = barrier();
      const held = post(webhook, intentRequest({ userId, intent: 'HoldIntent', apiEndpoint: amazon().url }));
      await entered.opened;
      await post(webhook, subscriptionChanged({ userId, events: [...events], timestamp: T2, apiEndpoint: amazon().url }));
      hold.open();
      await held;
      expect(await stored(reader, userId)).toMatchObject({ note: 'held', proactive: { subscriptions: events, updatedAt: T2 } });
    }
    await expect(where(joining)).resolves.toEqual({ byZone: true, byRegion: true });
    await expect(where(leaving)).resolves.toEqual({ byZone: false, byRegion: false });
  });

  it('ends each of 30 users on their newest subscription event when a newer and an older one arrive at once, 3 rounds', async () => {
    const { webhook, reader } = await skill();
    for (let round = 0; round < 3; round++) {
      const ids = Array.from({ length: 30 }, () => `amzn1.ask.account.EVENTS-RACE-${users++}`);
      await Promise.all(
        ids.flatMap((userId) => [
          post(webhook, subscriptionChanged({ userId, events: [WEATHER], timestamp: T2, apiEndpoint: amazon().url })),
          post(webhook, subscriptionChanged({ userId, events: [TRASH], timestamp: T1, apiEndpoint: amazon().url })),
        ]),
      );
      const ended = await Promise.all(ids.map(async (userId) => (await readSubscriber(reader, userId))?.subscriptions));
      expect(ended).toEqual(ids.map(() => [WEATHER]));
      // The indexes agree: every one of them under WEATHER, once, and none under TRASH.
      const listed = async (event: string) => {
        const found: string[] = [];
        for await (const page of subscriberIndex(reader)!.subscribers(event, { regions: [amazon().url] }, 7)) found.push(...page.map(({ userId }) => userId));
        return found.filter((userId) => ids.includes(userId)).sort();
      };
      await expect(listed(WEATHER)).resolves.toEqual([...ids].sort());
      await expect(listed(TRASH)).resolves.toEqual([]);
    }
  });

  it(`holds a user to ${MAX_USER_SCHEDULES} schedules when 25 requests that all loaded them with none set one up each, and Scheduler holds exactly what is kept`, async () => {
    const warn = jest.spyOn(Log, 'warn').mockImplementation(() => Log);
    try {
      const scheduler = recordingScheduler();
      const { webhook, reader } = await skill(undefined, scheduler.client);
      const userId = `amzn1.ask.account.CAP-RACE-${users++}`;
      names = Array.from({ length: 25 }, (__, i) => `reminder-${i}`);
      arrivals = { expected: 25, count: 0, all: barrier() };
      await Promise.all(names.map(() => post(webhook, intentRequest({ userId, intent: 'RemindMeIntent', apiEndpoint: amazon().url }))));

      const kept = Object.keys((await stored(reader, userId))?.[USER_SCHEDULES_KEY] as object).sort();
      expect(told.filter(({ status }) => status === 'scheduled').map(({ name }) => name).sort()).toEqual(kept);
      expect(kept).toHaveLength(MAX_USER_SCHEDULES);
      expect(told.filter(({ status }) => status === 'refused')).toHaveLength(25 - MAX_USER_SCHEDULES);
      expect([...scheduler.held.keys()].sort()).toEqual(kept.map((name) => userScheduleKey(userId, name)).sort());

      await post(webhook, skillDisabled({ userId, timestamp: new Date().toISOString() }));
      expect(scheduler.held.size).toBe(0);
      expect((await stored(reader, userId))?.[USER_SCHEDULES_KEY]).toBeUndefined();
    } finally {
      warn.mockRestore();
    }
  });

  it('leaves nothing in Scheduler when the user disables the skill while their schedule is being created there', async () => {
    const warn = jest.spyOn(Log, 'warn').mockImplementation(() => Log);
    try {
      const scheduler = recordingScheduler();
      const { webhook, reader } = await skill(undefined, scheduler.client);
      const userId = `amzn1.ask.account.SCHEDULER-RACE-${users++}`;
      const release = barrier();
      const creating = scheduler.holdNextCreate(release.opened);
      names = ['trash-reminder'];
      const asked = post(webhook, intentRequest({ userId, intent: 'RemindMeIntent', apiEndpoint: amazon().url }));
      await creating; // the table has it; Scheduler is about to
      await post(webhook, skillDisabled({ userId, timestamp: new Date().toISOString() }));
      release.open();
      await asked;
      expect(told).toEqual([expect.objectContaining({ status: 'refused', errors: [expect.objectContaining({ message: expect.stringContaining('disabled the skill') })] })]);
      expect(scheduler.created).toEqual([userScheduleKey(userId, 'trash-reminder')]);
      expect(scheduler.held.size).toBe(0);
      expect((await stored(reader, userId))?.[USER_SCHEDULES_KEY]).toBeUndefined();
    } finally {
      warn.mockRestore();
    }
  });

  it('ends the table and Scheduler on the same schedule when two requests set up one name at once', async () => {
    const warn = jest.spyOn(Log, 'warn').mockImplementation(() => Log);
    try {
      const scheduler = recordingScheduler();
      const { webhook, reader } = await skill(undefined, scheduler.client);
      const userId = `amzn1.ask.account.SAME-NAME-${users++}`;
      const key = userScheduleKey(userId, 'trash-reminder');
      const release = barrier();
      const creating = scheduler.holdNextCreate(release.opened);
      names = ['trash-reminder', 'trash-reminder'];
      crons = ['0 18 * * TUE', '0 7 * * WED'];
      const first = post(webhook, intentRequest({ userId, intent: 'RemindMeIntent', apiEndpoint: amazon().url }));
      await creating; // the first is in the table, and about to be in Scheduler
      await post(webhook, intentRequest({ userId, intent: 'RemindMeIntent', apiEndpoint: amazon().url }));
      release.open();
      await first;
      const kept = ((await stored(reader, userId))?.[USER_SCHEDULES_KEY] as Record<string, { cron: string }>)['trash-reminder'];
      expect(kept.cron).toBe('0 7 * * WED');
      expect(scheduler.cronOf(key)).toBe('cron(0 7 ? * WED *)');
      expect(told.map(({ status }) => status)).toEqual(['scheduled', 'refused']);
    } finally {
      warn.mockRestore();
    }
  });

  it('keeps the schedule a refused replacement was to replace, in the table as in Scheduler', async () => {
    const warn = jest.spyOn(Log, 'warn').mockImplementation(() => Log);
    try {
      const scheduler = recordingScheduler();
      const { webhook, reader } = await skill(undefined, scheduler.client);
      const userId = `amzn1.ask.account.REFUSED-UPDATE-${users++}`;
      names = ['trash-reminder', 'trash-reminder'];
      crons = ['0 18 * * TUE', '0 7 * * WED'];
      await post(webhook, intentRequest({ userId, intent: 'RemindMeIntent', apiEndpoint: amazon().url }));
      scheduler.refuseNextUpdate();
      await post(webhook, intentRequest({ userId, intent: 'RemindMeIntent', apiEndpoint: amazon().url }));
      expect(told.map(({ status }) => status)).toEqual(['scheduled', 'refused']);
      const kept = ((await stored(reader, userId))?.[USER_SCHEDULES_KEY] as Record<string, { cron: string }>)['trash-reminder'];
      expect(kept.cron).toBe('0 18 * * TUE');
      expect(scheduler.cronOf(userScheduleKey(userId, 'trash-reminder'))).toBe('cron(0 18 ? * TUE *)');
    } finally {
      warn.mockRestore();
    }
  });

  it('refuses a schedule that a request held open before SkillDisabled sets up after it, keeping nothing', async () => {
    const warn = jest.spyOn(Log, 'warn').mockImplementation(() => Log);
    try {
      const scheduler = recordingScheduler();
      const { webhook, reader } = await skill(undefined, scheduler.client);
      const userId = `amzn1.ask.account.LATE-SCHEDULE-${users++}`;
      await post(webhook, subscriptionChanged({ userId, events: [TRASH], timestamp: T1, apiEndpoint: amazon().url }));
      names = ['trash-reminder'];
      // The request loads the user, then waits at a barrier that only the test opens (it expects a second arrival).
      arrivals = { expected: 2, count: 0, all: barrier() };
      const asked = post(webhook, intentRequest({ userId, intent: 'RemindMeIntent', apiEndpoint: amazon().url }));
      await entered.opened;
      await post(webhook, skillDisabled({ userId, timestamp: T2 }));
      arrivals.all.open();
      await asked;
      expect(told).toEqual([expect.objectContaining({ status: 'refused', errors: [{ path: '', message: 'the user disabled the skill while this request ran; nothing was kept' }] })]);
      expect(scheduler.created).toEqual([]);
      expect(await stored(reader, userId)).toEqual({ proactive: { subscriptions: [], updatedAt: T2, disabledAt: T2 } });
    } finally {
      warn.mockRestore();
    }
  });
});
