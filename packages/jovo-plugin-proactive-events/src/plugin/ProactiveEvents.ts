import type { BaseApp, HandleRequest, Plugin } from 'jovo-framework';
import { Log } from 'jovo-core';
import type { AlexaRequest } from 'jovo-platform-alexa';
import {
  OptionsError,
  ProactiveEventsError,
  tokenOrigins,
  type EventName,
  type Issue,
  type ProactiveEventsSender,
  type Stage,
  type SubscriberPolicy,
  type SummaryRecord,
} from 'alexa-proactive-events';
import {
  MAX_TRIGGER_BATCH,
  ReplayGuard,
  isTriggerRequest,
  triggerSecretProblem,
  type ReplayStore,
} from 'alexa-proactive-events/trigger';
import { DEFAULT_EXPIRY_MINUTES, originOf, type Holds, type SameType } from 'alexa-proactive-events/internal';
import { admittedTrigger } from '../trigger/admitted';
import type { PrepareScheduledEvent, Schedule, UserSchedule } from '../schedules/declaration';
import { DEFAULT_USER_SCHEDULE_SENDS_PER_MINUTE, MinuteBudget, type SendBudget } from '../schedules/budget';
import { RemoteUserSchedules } from '../schedules/remote';
import type { UserSchedulerOptions } from '../schedules/target';
import type { FanOutResult, ScheduleServices, SubscriberRun } from '../schedules/run';
import { DEFAULT_FANOUT_BATCH_SIZE } from '../fanout/batch';
import { FanOutQueue } from '../fanout/queue';
import { reachSubscribers, type FanOutServices } from '../fanout/reach';
import { subscriberIndex, type SubscriberIndex } from '../stores/subscriberIndex';
import type { PluginErrorCode } from '../errors';
import { storedUserSchedules } from '../schedules/users';
import { countSubscribers, type SubscriberCounts } from '../stores/subscriberCounts';
import { readSubscriber, userDataColumn, type SubscriberRecord } from '../stores/subscribers';
import { atomicStore, type AtomicUserStore } from '../stores/userChanges';
import { ProactiveEventsContext } from './context';
import { addTriggerAnswer } from './triggerAnswer';
import type { PluginServices } from './services';
import { DEFAULT_TIME_ZONE_TIMEOUT_MS, deviceContext, readTimeZone, timeZoneDue } from './timeZone';

/** What the plugin publishes and sends with, and what it trusts. */
export interface ProactiveEventsOptions {
  /** The events the skill publishes: app.json's `events`. Sends of any other event are refused. */
  events: readonly EventName[];
  /**
   * Default lifetime of an event, in minutes: app.json's `expiresInMinutes`.
   * @default 60
   */
  expiresInMinutes?: number;
  /**
   * Sends the events; without one (no credentials) every send is refused, saying why.
   * @default undefined: every send is refused, saying why
   * @see https://developer.amazon.com/docs/smapi/proactive-events-api-reference.html
   */
  sender?: ProactiveEventsSender | undefined;
  /**
   * The stage this deployment sends at (PROACTIVE_STAGE): the plugin's doors refuse a trigger signed for another.
   * Given with a sender, it must be the sender's.
   * @default the sender's stage, or 'development' without a sender
   * @see https://developer.amazon.com/docs/smapi/proactive-events-api-reference.html
   */
  stage?: Stage;
  /**
   * TRIGGER_SECRET, for apps that give it here rather than to the doors: the plugin's doors (`createWebhook`,
   * `createLambdaHandler`), which alone verify triggers, take it when their own `triggerSecret` is not given.
   * Without one anywhere every trigger is refused.
   * @default undefined: the doors' own `triggerSecret`, or every trigger is refused
   */
  triggerSecret?: string | undefined;
  /**
   * Where accepted triggers are remembered, so that none is used twice.
   * @default the app's database's `replays()`, when it keeps them for every process (`DynamoDb`), or else this
   * process's memory (a `ReplayGuard`)
   */
  replays?: ReplayStore;
  /**
   * Origins besides Amazon's three hosts that a user's stored apiEndpoint may name (PROACTIVE_API_ENDPOINTS, such
   * as the local emulator). Given with a sender, it must name the same.
   * @default the sender's `allowedOrigins`, or none besides Amazon's hosts without a sender
   * @see https://developer.amazon.com/docs/custom-skills/request-and-response-json-reference.html
   */
  apiEndpoints?: readonly string[] | undefined;
  /**
   * Milliseconds since the epoch; tests move it instead of waiting.
   * @default Date.now
   */
  now?: () => number;
  /**
   * app.json's `schedules`: what `runSchedule` sends, for the local runner and the Lambda entry.
   * @default []
   */
  schedules?: readonly Schedule[];
  /**
   * PROACTIVE_API_ENDPOINT: where scheduled events go instead of Amazon's regional hosts (the emulator, for local
   * runs). It must be one of the sender's allowed origins.
   * @default undefined: Amazon's regional hosts, a Unicast user's stored region winning
   */
  scheduleEndpoint?: string | undefined;
  /**
   * Fills in or changes a scheduled event before it is validated and sent (docs/schedules.md).
   * @default undefined: the schedule's event is sent as declared
   */
  prepareScheduledEvent?: PrepareScheduledEvent;
  /**
   * Where users' own schedules (`this.$proactiveEvents.schedule`) are kept on AWS: the group and the target that
   * `schedules deploy` uses (PROACTIVE_SCHEDULE_GROUP, PROACTIVE_SCHEDULE_ROLE_ARN, PROACTIVE_SCHEDULE_FUNCTION_ARN).
   * Without it they are kept with the user and run only where the local runner runs.
   * @default undefined: users' schedules are kept with the user and run only where the local runner runs
   * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
   */
  userScheduler?: UserSchedulerOptions;
  /**
   * Sends users' own schedules (`this.$proactiveEvents.schedule`) may start in a minute, for the whole skill: a run
   * past it waits for the next minute (locally), or fails so that EventBridge Scheduler tries it again (on AWS).
   * Counted in the app's database where it has a shared count (DynamoDb), in this process otherwise.
   * @default 300
   */
  userScheduleSendsPerMinute?: number;
  /**
   * Gets one summary record when a trigger's users (a fan-out's batch) or a scheduled run have all been sent to:
   * sends by status and how long it took, never a user id. What it throws is ignored.
   * @default undefined: no summaries are made
   */
  onSummary?: (record: SummaryRecord) => void;
  /**
   * How long a request waits for Alexa's Settings API when it reads the user's time zone (at most once a day per
   * user, docs/schedules.md), in milliseconds; past it the request goes on without, and the zone is read at the
   * user's next request.
   * @default 1000
   * @see https://developer.amazon.com/docs/smapi/alexa-settings-api-reference.html
   */
  timeZoneTimeoutMs?: number;
  /**
   * How runs and triggers that address subscribers (`to: "subscribers"`, `--to subscribers`) reach them: in batches
   * of `batchSize` users, put on an SQS queue (`queueUrl`, FANOUT_QUEUE_URL) that invokes this same function, or
   * sent in this process without one.
   * @default batches of 100 users, sent in this process
   * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
   */
  fanOut?: {
    /**
     * The fan-out queue's URL (FANOUT_QUEUE_URL); the SDK reaches it there, or at AWS_ENDPOINT_URL_SQS.
     * @default undefined: batches are sent in this process
     */
    queueUrl?: string | undefined;
    /**
     * Users per batch, 1 to 500 (FANOUT_BATCH_SIZE).
     * @default 100
     */
    batchSize?: number | undefined;
  };
}

declare module 'jovo-core/dist/src/core/Jovo' {
  interface Jovo {
    /** Proactive Events for this request's user; set on every Alexa request before the handler runs. */
    $proactiveEvents?: ProactiveEventsContext;
  }
}

/**
 * The Jovo v3 plugin: `app.use(new ProactiveEvents({ events, sender, triggerSecret }))` gives every Alexa handler
 * `this.$proactiveEvents` and keeps each user's subscriptions, region and locale in Jovo's user data, so whichever
 * database the app uses stores them. The hidden intents and skill events are handled by `hiddenIntentHandlers`
 * and `skillEventHandlers`.
 */
// PluginServices and ScheduleServices are what the context and the schedule runner use of the plugin, not the
// entry's; the check after the class keeps it both, instead of an `implements` that the API report would name.
export class ProactiveEvents implements Plugin {
  readonly name = 'ProactiveEvents';
  readonly events: readonly EventName[];
  readonly expiresInMinutes: number;
  readonly sender?: ProactiveEventsSender;
  /** The stage this deployment sends at: a trigger must be signed for it. */
  readonly stage: Stage;
  readonly now: () => number;
  readonly schedules: readonly Schedule[];
  /** Sends users' own schedules may start in a minute, for the whole skill. */
  readonly userScheduleSendsPerMinute: number;
  readonly scheduleEndpoint?: string;
  /** Fills in or changes a scheduled event before it is validated and sent. */
  readonly prepareScheduledEvent?: PrepareScheduledEvent;
  /** Users' own schedules in EventBridge Scheduler, when `userScheduler` says where. */
  readonly remoteUserSchedules?: RemoteUserSchedules;
  readonly #origins: ReadonlySet<string>;
  /** How long a request waits for the user's time zone, in milliseconds. */
  readonly #timeZoneTimeoutMs: number;
  #replays?: ReplayStore;
  #userScheduleBudget?: SendBudget;
  #app?: BaseApp;
  #warnedNoStore = false;
  #warnedNoDoor = false;
  readonly #userScheduleFollowers = new Set<(user: string) => void | Promise<void>>();
  /** The fan-out queue (FANOUT_QUEUE_URL), when there is one. */
  readonly fanOutQueue?: FanOutQueue;
  /** Users per batch of a fan-out. */
  readonly fanOutBatchSize: number;

  constructor(readonly options: ProactiveEventsOptions) {
    // Every option a caller can get wrong, listed at once; a secret's value is never shown.
    const issues: Issue[] = [];
    const weak = options.triggerSecret === undefined ? undefined : triggerSecretProblem(options.triggerSecret);
    if (weak) issues.push({ path: 'triggerSecret', message: `is ${weak}` });
    this.events = options.events;
    this.expiresInMinutes = options.expiresInMinutes ?? DEFAULT_EXPIRY_MINUTES;
    this.sender = options.sender;
    if (options.stage && options.sender && options.stage !== options.sender.stage) {
      issues.push({ path: 'stage', message: `differs from the sender's stage ${options.sender.stage}; leave stage out: the plugin takes the sender's`, value: options.stage });
    }
    this.stage = options.stage ?? options.sender?.stage ?? 'development';
    this.now = options.now ?? Date.now;
    this.#replays = options.replays;
    this.#origins = origins(options);
    this.schedules = options.schedules ?? [];
    this.prepareScheduledEvent = options.prepareScheduledEvent;
    const perMinute = options.userScheduleSendsPerMinute ?? DEFAULT_USER_SCHEDULE_SENDS_PER_MINUTE;
    if (!(Number.isInteger(perMinute) && perMinute >= 1)) {
      issues.push({ path: 'userScheduleSendsPerMinute', message: 'expected a whole number of at least 1', value: perMinute });
    }
    this.userScheduleSendsPerMinute = perMinute;
    this.fanOutBatchSize = options.fanOut?.batchSize ?? DEFAULT_FANOUT_BATCH_SIZE;
    if (!(Number.isInteger(this.fanOutBatchSize) && this.fanOutBatchSize >= 1 && this.fanOutBatchSize <= MAX_TRIGGER_BATCH)) {
      issues.push({ path: 'fanOut.batchSize', message: `expected a whole number from 1 to ${MAX_TRIGGER_BATCH}`, value: this.fanOutBatchSize });
    }
    if (options.fanOut?.queueUrl !== undefined) {
      if (/^https?:\/\/[^/]+\/.+/.test(options.fanOut.queueUrl)) this.fanOutQueue = new FanOutQueue(options.fanOut.queueUrl);
      else issues.push({ path: 'fanOut.queueUrl', message: 'expected an SQS queue URL, e.g. https://sqs.us-east-1.amazonaws.com/123456789012/skill-fanout', value: options.fanOut.queueUrl });
    }
    const zoneTimeout = options.timeZoneTimeoutMs ?? DEFAULT_TIME_ZONE_TIMEOUT_MS;
    if (!(Number.isInteger(zoneTimeout) && zoneTimeout >= 1 && zoneTimeout < ALEXA_ANSWER_MS)) {
      issues.push({ path: 'timeZoneTimeoutMs', message: `expected a whole number of milliseconds from 1 to ${ALEXA_ANSWER_MS - 1} (Alexa waits ${ALEXA_ANSWER_MS} ms for the whole answer)`, value: zoneTimeout });
    }
    this.#timeZoneTimeoutMs = zoneTimeout;
    if (options.userScheduler) this.remoteUserSchedules = new RemoteUserSchedules(options.userScheduler);
    if (options.scheduleEndpoint !== undefined) {
      const origin = originOf(options.scheduleEndpoint);
      if (!origin || !this.#origins.has(origin)) {
        issues.push({ path: 'scheduleEndpoint', message: `is not one of the allowed origins (${[...this.#origins].join(', ')}): add it to apiEndpoints (PROACTIVE_API_ENDPOINTS)`, value: options.scheduleEndpoint });
      }
      this.scheduleEndpoint = origin ?? undefined;
    }
    if (issues.length > 0) throw new OptionsError('ProactiveEvents', issues);
  }

  /** What may be stored of a user's state, as of now. */
  policy(): SubscriberPolicy {
    return { publishedEvents: this.events, apiEndpoints: this.#origins, now: this.now() };
  }

  /** Gives `record` to `onSummary`, if there is one; a summary never changes a send. */
  summarize(record: SummaryRecord): void {
    try {
      this.options.onSummary?.(record);
    } catch {
      // Ignored, as the option says.
    }
  }

  /** Where accepted triggers are remembered, decided at the first trigger (the app's database is known by then). */
  replays(): ReplayStore {
    const db = this.#app?.$db as { replays?: () => ReplayStore } | undefined;
    return (this.#replays ??= typeof db?.replays === 'function' ? db.replays() : new ReplayGuard());
  }

  /** The bound on the sends users' own schedules start (`userScheduleSendsPerMinute`), decided at the first run. */
  userScheduleBudget(): SendBudget {
    const perMinute = this.userScheduleSendsPerMinute;
    const db = this.#app?.$db as { sendBudget?: (name: string, perMinute: number) => SendBudget } | undefined;
    return (this.#userScheduleBudget ??= typeof db?.sendBudget === 'function' ? db.sendBudget('user-schedules', perMinute) : new MinuteBudget(perMinute));
  }

  install(app: BaseApp): void {
    this.#app = app;
    app.middleware('request')?.use((handleRequest: HandleRequest) => this.#skipUserStorageForTriggers(handleRequest));
    // After the user is loaded and the request routed, before the handler runs.
    app.middleware('router')?.use((handleRequest: HandleRequest) => this.#attach(handleRequest));
    // After the Alexa platform built the response: the trigger script reads its result there.
    app.middleware('platform.output')?.use(({ jovo }: HandleRequest) => {
      const { triggerResults: results, checkReport, triggerFanOut: fanOut } = jovo?.$proactiveEvents ?? {};
      const response = jovo?.$response as unknown as Record<string, unknown> | undefined;
      if (response) addTriggerAnswer(response, { results, fanOut, checkReport });
    });
    // After the user was saved, before the response goes out: whoever runs users' schedules (the local runner)
    // learns whose changed, and has read them by the time the user hears the answer.
    app.middleware('platform.output')?.use(async ({ jovo }: HandleRequest) => {
      if (this.#userScheduleFollowers.size === 0 || !jovo?.$proactiveEvents?.changedUserSchedules()) return;
      await Promise.all([...this.#userScheduleFollowers].map((follower) => follower(jovo.$user.getId()!)));
    });
  }

  uninstall(): void {
    this.#app = undefined;
  }

  /** The app's database's subscriber index, if it keeps one (SerialFileDb, DynamoDb). */
  subscriberIndex(): SubscriberIndex | undefined {
    return subscriberIndex(this.#app?.$db);
  }

  /** Every zone that has a subscriber (`unknown` for those with none stored); none without a subscriber index. */
  async subscriberZones(): Promise<string[]> {
    return (await this.subscriberIndex()?.subscriberZones()) ?? [];
  }

  /** Sends a run's (or trigger's) event to the subscribers it addresses: a Multicast per region, or batches of Unicasts. */
  reachSubscribers(run: SubscriberRun): Promise<FanOutResult> {
    if (!this.#app) throw new ProactiveEventsError<PluginErrorCode>('ERR_NO_PLUGIN', 'reachSubscribers: the plugin is not installed in an app');
    return reachSubscribers(this.#app, this, run);
  }

  /** Another user's stored state, read from the app's database (for Unicast sends outside their session). */
  async readSubscriber(userId: string): Promise<SubscriberRecord | undefined> {
    const db = this.#app?.$db;
    if (!db) return undefined;
    return readSubscriber(db, userId, this.columnName());
  }

  /** A user's own schedules (`this.$proactiveEvents.schedule`), read from the app's database, by name. */
  async readUserSchedules(userId: string): Promise<Record<string, UserSchedule>> {
    const db = this.#app?.$db;
    if (!db) return {};
    const row = (await db.load(userId)) as Record<string, { data?: Record<string, unknown> } | undefined> | undefined;
    return storedUserSchedules(row?.[this.columnName()]?.data);
  }

  /**
   * Every user's own schedules the database holds, when it can list its users (SerialFileDb can; DynamoDB is not
   * scanned, on AWS EventBridge Scheduler runs them): undefined when it cannot.
   */
  async listUserSchedules(): Promise<Array<{ user: string; schedules: UserSchedule[] }> | undefined> {
    type Rows = (visit: (row: Record<string, unknown>) => void) => Promise<void>;
    const db = this.#app?.$db as { all?: () => Promise<Array<Record<string, unknown>>>; forEachRow?: Rows; config?: { primaryKeyColumn?: string } } | undefined;
    if (typeof db?.all !== 'function') return undefined;
    const keyColumn = db.config?.primaryKeyColumn ?? 'userId';
    const listed: Array<{ user: string; schedules: UserSchedule[] }> = [];
    const visit = (row: Record<string, unknown>) => {
      const schedules = Object.values(storedUserSchedules((row[this.columnName()] as { data?: Record<string, unknown> } | undefined)?.data));
      if (schedules.length > 0) listed.push({ user: String(row[keyColumn]), schedules });
    };
    // A row at a time where the store can (SerialFileDb): the users' rows are never all in memory at once.
    if (typeof db.forEachRow === 'function') await db.forEachRow(visit);
    else for (const row of await db.all()) visit(row);
    return listed;
  }

  /**
   * The skill's subscribers, as counts (for a check trigger): those of each published event in each region the
   * skill can send to (Amazon's three and its allowed origins) and those with no region stored, read through the
   * database's subscriber index (SerialFileDb's in memory, DynamoDb's Query; never a Scan), at most
   * MAX_COUNTED_USERS subscriptions; undefined for a database that keeps no such index.
   */
  // SubscriberCounts written out, so that the report names no unexported type; the check after the class keeps it one.
  async countSubscribers(): Promise<
    { subscribedUsers: number; events: Record<string, Record<string, number>>; withoutRegion: number; truncated: boolean } | undefined
  > {
    const index = this.subscriberIndex();
    return index && countSubscribers(index, this.events, this.#origins);
  }

  /**
   * Calls `follower` with a user's id each time a request changed that user's schedules (set one up, removed one,
   * disabled the skill), once the request saved; the follower reads them from the database (`readUserSchedules`),
   * which has them as every request left them. Returns how to stop.
   */
  followUserSchedules(follower: (user: string) => void | Promise<void>): () => void {
    this.#userScheduleFollowers.add(follower);
    return () => this.#userScheduleFollowers.delete(follower);
  }

  /** Whether anything runs the schedules users set up: this process (`runSchedulesLocally`), or EventBridge Scheduler. */
  get runsUserSchedules(): boolean {
    return this.#userScheduleFollowers.size > 0 || this.remoteUserSchedules !== undefined;
  }

  /** The app's database, when it changes one user in one step (SerialFileDb, DynamoDb). */
  userStore(): AtomicUserStore | undefined {
    return atomicStore(this.#app?.$db);
  }

  /** The column of Jovo's user data in the app's database. */
  columnName(): string {
    return userDataColumn(this.#app);
  }

  /** A trigger does not come from a user: nothing of "its" user is read or stored. */
  #skipUserStorageForTriggers(handleRequest: HandleRequest): void {
    if (admittedTrigger(handleRequest.host)) {
      handleRequest.excludedMiddlewareNames = [...(handleRequest.excludedMiddlewareNames ?? []), 'user.load', 'user.save'];
    }
  }

  /**
   * Gives the handler `this.$proactiveEvents`. Every ordinary request also refreshes the user's stored region
   * and locale, and their time zone when it is due; skill events are recorded by their handler, and triggers do not
   * come from the user.
   */
  async #attach({ jovo, app, host }: HandleRequest): Promise<void> {
    if (!jovo?.$alexaSkill) return;
    const admitted = admittedTrigger(host);
    const context = new ProactiveEventsContext(jovo, this, admitted);
    jovo.$proactiveEvents = context;
    if (app.$db?.needsWriteFileAccess && !host.hasWriteFileAccess && !this.#warnedNoStore) {
      // Jovo skips a file database on hosts without a writable disk (Lambda): nothing would be stored.
      this.#warnedNoStore = true;
      Log.warn('ProactiveEvents: this host cannot write files, so FileDb is off and subscriptions are not stored. Use DynamoDb on Lambda.');
    }
    if (!admitted && !this.#warnedNoDoor && isTriggerRequest(host.getRequestObject())) {
      // Only the plugin's doors verify triggers: behind any other host, one is an ordinary request and sends nothing.
      this.#warnedNoDoor = true;
      Log.warn('ProactiveEvents: a request carried a trigger that no door of this plugin admitted, so it sends nothing: serve the app with createWebhook or createLambdaHandler');
    }
    const request = jovo.$request as AlexaRequest;
    if (!admitted && !request.request?.type.startsWith('AlexaSkillEvent.')) {
      context.apply({ kind: 'request', apiEndpoint: request.getApiEndpoint(), locale: request.request?.locale });
      await this.#learnTimeZone(request, context);
    }
  }

  /**
   * Reads the user's time zone from Alexa's Settings API when the request has a device and the stored zone is
   * due (never read, or a day old), before the handler runs, so that it has it; a fresh zone costs no request.
   * Kept with the user by Jovo's user.save, as the request's region is.
   */
  async #learnTimeZone(request: AlexaRequest, context: ProactiveEventsContext): Promise<void> {
    const device = deviceContext(request.context?.System);
    if (!device || !timeZoneDue(context.state, this.now())) return;
    const change = await readTimeZone(device, { origins: this.#origins, timeoutMs: this.#timeZoneTimeoutMs, now: this.now });
    if (change) context.apply(change);
  }
}

/** How long Alexa waits for a skill's answer: a zone read must leave the handler time. */
const ALEXA_ANSWER_MS = 8000;

/** The origins a stored apiEndpoint may have: one list, the sender's unless there is none. */
function origins({ sender, apiEndpoints }: ProactiveEventsOptions): ReadonlySet<string> {
  const named = { owner: 'ProactiveEvents', option: 'apiEndpoints' };
  if (!sender) return tokenOrigins(apiEndpoints, named);
  if (apiEndpoints) {
    const given = tokenOrigins(apiEndpoints, named);
    if (given.size !== sender.origins.size || [...given].some((origin) => !sender.origins.has(origin))) {
      throw new OptionsError('ProactiveEvents', [
        { path: 'apiEndpoints', message: `differs from the sender's allowed origins (${[...sender.origins].join(', ')}); leave apiEndpoints out: the plugin takes the sender's`, value: [...given] },
      ]);
    }
  }
  return sender.origins;
}

/** Fails to compile when the plugin no longer serves its context and the schedule runner. */
export type ProactiveEventsServes = Holds<[ProactiveEvents] extends [PluginServices & ScheduleServices & FanOutServices] ? true : false>;

/** Keeps `countSubscribers`' written-out result a SubscriberCounts. */
export type CountSubscribersMatches = Holds<SameType<Awaited<ReturnType<ProactiveEvents['countSubscribers']>>, SubscriberCounts | undefined>>;
