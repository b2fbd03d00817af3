import type { Jovo } from 'jovo-framework';
import { Log } from 'jovo-core';
import type { AlexaRequest } from 'jovo-platform-alexa';
import {
  applySubscriberChange,
  buildRequest,
  checkReplay,
  describeIssue,
  eventOfHiddenIntent,
  originOf,
  printable,
  quoted,
  refusedResult,
  subscribedEventNames,
  summaryRecord,
  validateRequest,
  type EventName,
  type Issue,
  type LocalizedAttributes,
  type ProactiveEvent,
  type SendResult,
  type Stage,
  type SubscriberChange,
  type SubscriberState,
  type TriggerData,
} from 'alexa-proactive-events';
import type { UserSchedule } from '../schedules/declaration';
import { nextRun } from '../schedules/times';
import { USER_SCHEDULES_KEY, checkUserSchedule, storedUserSchedules, userScheduleKey, type ScheduleResult, type UserScheduleInput } from '../schedules/users';
import { STATE_KEY, parseState } from '../stores/subscribers';
import type { UserChange } from '../stores/userChanges';
import type { AdmittedTrigger } from '../trigger/admitted';
import type { CheckReport } from '../trigger/check';
import { StateChanges, type UserData } from './changes';
import { mapConcurrently } from './pool';
import { logProblems } from './sendLog';
import type { PluginServices } from './services';

/**
 * An event to send from a handler, its payload typed by its name, so a wrong value or a missing field fails the
 * type check: `{ name: 'AMAZON.OrderStatus.Updated', payload: { state: { status: 'ORDER_SHIPPED' }, order: … } }`.
 * Each event's payload fields: the library's docs/events.md.
 */
export type EventToSend<Name extends EventName = EventName> = ProactiveEvent<Name>;

/** An event whose payload the sender's validation is yet to check (a trigger's). */
interface UncheckedEvent {
  name: EventName;
  payload: unknown;
}

/** Whom a handler's send reaches, and the rest of the request. */
export interface SendOptions {
  /**
   * `user`: Unicast to the user of this request. `all`: Multicast to every subscriber, in this request's region.
   * @default 'user'
   */
  to?: 'user' | 'all';
  /** A value for every `localizedattribute:<key>` of the payload, per locale. */
  localizedAttributes?: LocalizedAttributes | ReadonlyArray<Record<string, string>>;
  /** The idempotency key. Default: a new UUID. */
  referenceId?: string;
  /** Default: the plugin's `expiresInMinutes`. */
  expiresInMinutes?: number;
  /** Default: the sender's stage. */
  stage?: Stage;
}

/** A user may keep this many schedules of their own; one more is refused. */
export const MAX_USER_SCHEDULES = 20;

/** Sends to the users of one trigger this many at a time (a fan-out has several triggers under way). */
const SENDS_PER_TRIGGER = 8;

/** `this.$proactiveEvents`: this user's notification state, and sending events from handlers. */
export class ProactiveEventsContext {
  /** Set by `sendTriggered`, one per user (or one for Multicast); the plugin returns them as `proactiveEvents`. */
  triggerResults?: SendResult[];
  /** Set by a check trigger instead (`doctor`); the plugin returns it as `proactiveEventsCheck`. */
  checkReport?: CheckReport;
  readonly #changes: StateChanges;
  /** The user's own schedules as loaded (as stored, unparsed), to tell whether this request changed them. */
  readonly #schedulesAtLoad: string | undefined;
  /** The user's data as loaded. */
  readonly #loadedData: Record<string, unknown> | undefined;
  /** The SkillDisabled this request applied, for `forgetDisabledUser`. */
  #disable?: SubscriberChange;

  constructor(
    private readonly jovo: Jovo,
    private readonly plugin: PluginServices,
    /** The trigger admitted with this request (by a door, or a scheduled run), if it is one. */
    private readonly admitted?: AdmittedTrigger,
  ) {
    this.#changes = new StateChanges(jovo, () => plugin.policy());
    this.#loadedData = jovo.$user.$data;
    this.#schedulesAtLoad = JSON.stringify(jovo.$user.$data?.[USER_SCHEDULES_KEY]);
  }

  /** The events the skill publishes (app.json). */
  get publishedEvents(): readonly EventName[] {
    return this.plugin.events;
  }

  /** Everything the skill knows about this user's notifications, or `undefined` if nothing yet. */
  get state(): SubscriberState | undefined {
    return this.#changes.state;
  }

  /** The published events this user is subscribed to. */
  subscriptions(): EventName[] {
    const subscribed = this.state?.subscriptions ?? [];
    return this.publishedEvents.filter((name) => subscribed.includes(name));
  }

  /** Whether this user is subscribed to `name`, as Amazon last reported. */
  isSubscribed(name: EventName): boolean {
    return this.subscriptions().includes(name);
  }

  /**
   * Sends an event from a handler: to this user (Unicast) or to every subscriber (Multicast), in the region of
   * this request. Never throws for an expected outcome: see the result's `status` and `errors`.
   */
  // Generic in the name, so a type error names the one payload of that event rather than the union of eight.
  async send<Name extends EventName>(event: { name: Name; payload: EventToSend<Name>['payload'] }, { to = 'user', ...options }: SendOptions = {}): Promise<SendResult> {
    const request = this.jovo.$request as AlexaRequest;
    const result = await this.#send(event, {
      ...options,
      user: to === 'user' ? this.jovo.$user.getId() : undefined,
      apiEndpoint: request.getApiEndpoint() as string,
    });
    logProblems(event.name, [result]);
    return result;
  }

  /**
   * Sets up a schedule of this user's own ("remind me every Tuesday"): app.json's schedule fields without `to` and
   * `region` (`name`, `cron` or `at`, `timezone`, `event`, ...), sent to this user alone, in their stored region,
   * at each of its times, at least MIN_USER_SCHEDULE_INTERVAL_MINUTES apart. It is kept with the user's data under
   * its name, which a second call replaces; disabling the skill deletes it. Checked as app.json's schedules are,
   * the event included: a refusal names each problem and keeps nothing. With SerialFileDb or DynamoDb it is
   * written at once, its limit (MAX_USER_SCHEDULES) checked in the same step, so `scheduled` means kept, however
   * many requests of the user run at once; on AWS it is then created in EventBridge Scheduler, and removed again if
   * the table no longer has it. `npm start` runs these (docs/schedules.md).
   */
  async schedule(input: UserScheduleInput): Promise<ScheduleResult> {
    const user = this.jovo.$user.getId();
    const name = typeof input?.name === 'string' ? input.name : null;
    const refuse = (errors: ScheduleResult['errors']): ScheduleResult => {
      Log.warn(printable(`ProactiveEvents: schedule ${name === null ? '(no name)' : quoted(name, 80)} refused: ${errors.map(describeIssue).join('; ')}`));
      return { status: 'refused', name, errors, warnings: [] };
    };
    if (!user) return refuse([{ path: '', message: 'this request has no user, so there is nobody to keep a schedule for' }]);
    const now = new Date(this.plugin.now());
    const checked = checkUserSchedule(input, this.publishedEvents, user, now);
    if ('errors' in checked) return refuse(checked.errors);
    const { schedule } = checked;
    let problem: Issue | undefined;
    let previous: UserSchedule | undefined;
    await this.#updateSchedules(now, (schedules, disabledMeanwhile) => {
      const replacing = Object.hasOwn(schedules, schedule.name);
      problem = disabledMeanwhile ? DISABLED_MEANWHILE : !replacing && Object.keys(schedules).length >= MAX_USER_SCHEDULES ? tooMany(schedule.name) : undefined;
      previous = replacing ? schedules[schedule.name] : undefined;
      return problem ? undefined : { ...schedules, [schedule.name]: schedule };
    });
    if (problem) return refuse([problem]);
    const remote = this.plugin.remoteUserSchedules;
    if (remote) {
      try {
        await remote.put(user, schedule);
      } catch (error) {
        // What Scheduler still runs is what the table had: the one this replaced, or none.
        await this.#updateSchedules(now, (schedules) =>
          isSame(schedules[schedule.name], schedule) ? (previous ? { ...schedules, [schedule.name]: previous } : without(schedules, schedule.name)) : undefined,
        );
        return refuse([{ path: '', message: `EventBridge Scheduler did not keep it: ${(error as Error).name}: ${(error as Error).message}; nothing was kept` }]);
      }
      // Scheduler must run what the table keeps now: nothing if the user disabled the skill (or removed it)
      // meanwhile, another request's version if one replaced it meanwhile.
      const stored = await this.plugin.readUserSchedules(user);
      const kept = Object.hasOwn(stored, schedule.name) ? stored[schedule.name] : undefined;
      if (!isSame(kept, schedule)) {
        await (kept ? remote.put(user, kept) : remote.delete(user, schedule.name)).catch(() => undefined);
        return refuse([kept ? REPLACED_MEANWHILE : DISABLED_MEANWHILE]);
      }
    }
    const warnings: ScheduleResult['warnings'] = [];
    // As a run judges: a user the skill has no subscriptions on record for is sent to (Amazon decides).
    const subscribed = this.state?.subscriptions;
    if (subscribed && !subscribed.includes(schedule.event.name)) {
      warnings.push({ path: 'event.name', message: `this user is not subscribed to ${schedule.event.name}: each run skips them until they turn it on`, value: schedule.event.name });
    }
    if (!this.plugin.runsUserSchedules) {
      warnings.push({ path: '', message: "nothing runs users' schedules here (npm start and npm run dev do; on AWS, set PROACTIVE_SCHEDULE_GROUP and its two ARNs): it is kept with the user" });
    }
    return { status: 'scheduled', name: schedule.name, next: nextRun(schedule, now)!, errors: [], warnings };
  }

  /** Removes this user's schedule of that name (from EventBridge Scheduler too); false when they have none. */
  async unschedule(name: string): Promise<boolean> {
    const user = this.jovo.$user.getId();
    if (!user) return false;
    let removed = false;
    await this.#updateSchedules(new Date(this.plugin.now()), (schedules) => {
      removed = Object.hasOwn(schedules, name);
      return removed ? without(schedules, name) : undefined;
    });
    if (!removed) return false;
    await this.plugin.remoteUserSchedules
      ?.delete(user, name)
      .catch((error: Error) => Log.warn(printable(`ProactiveEvents: could not delete ${userScheduleKey(user, name)} from EventBridge Scheduler (its next run will): ${error.message}`)));
    return true;
  }

  /**
   * Changes this user's own schedules as one step of the app's database (SerialFileDb, DynamoDb: `updateUser`), on
   * what it holds now rather than what this request loaded, and shows the result in `this.$user.$data`; with
   * another database, in this request's data, which Jovo saves at the end of the request. `change` gets the
   * schedules that will still run, and whether the user disabled the skill since this request loaded them, and
   * returns them changed, or undefined to change nothing.
   */
  async #updateSchedules(
    now: Date,
    change: (schedules: Record<string, UserSchedule>, disabledMeanwhile: boolean) => Record<string, UserSchedule> | undefined,
  ): Promise<void> {
    const user = this.jovo.$user.getId()!;
    const store = this.plugin.userStore();
    const update = (column: UserData | undefined): UserData | undefined => {
      const data = column?.data ?? {};
      const next = change(runningSchedules(data, now), parseState(data[STATE_KEY])?.disabledAt !== this.#changes.loaded?.disabledAt);
      return next && { ...column, data: { ...data, [USER_SCHEDULES_KEY]: next } };
    };
    if (!store) {
      const changed = update({ data: this.jovo.$user.$data });
      if (changed) this.jovo.$user.$data = changed.data!;
      return;
    }
    const stored = (await store.updateUser(user, this.plugin.columnName(), update as UserChange)) as UserData | undefined;
    const schedules = stored?.data?.[USER_SCHEDULES_KEY];
    this.jovo.$user.$data = schedules === undefined ? without(this.jovo.$user.$data ?? {}, USER_SCHEDULES_KEY) : { ...this.jovo.$user.$data, [USER_SCHEDULES_KEY]: schedules };
  }

  /** This user's own schedules (`schedule`), as stored. */
  userSchedules(): UserSchedule[] {
    return Object.values(this.#userSchedules());
  }

  /** @internal Whether this request changed the user's schedules (set one up, removed one, disabled the skill). */
  changedUserSchedules(): boolean {
    return !this.admitted && JSON.stringify(this.jovo.$user.$data?.[USER_SCHEDULES_KEY]) !== this.#schedulesAtLoad;
  }

  /** The user's schedules that will still run (a one-off whose time has passed is gone, as on AWS). */
  #userSchedules(): Record<string, UserSchedule> {
    return runningSchedules(this.jovo.$user.$data, new Date(this.plugin.now()));
  }

  /**
   * What a hidden intent does: sends the event of the signed trigger a door admitted with this request to every
   * subscriber, or to each of its users; or refuses, sending nothing, when the request is no admitted trigger or
   * its id was used before. The results go back to the trigger script in the response, one per user.
   */
  async sendTriggered(): Promise<SendResult[]> {
    const trigger = this.admitted?.trigger;
    if (!trigger) {
      const intent = (this.jovo.$request as AlexaRequest).getIntentName() ?? 'the hidden intent';
      const reason = 'no signed trigger came in with this request (the plugin\'s doors, createWebhook and createLambdaHandler, verify them); nothing was sent';
      return this.#respond(intent, [refusedResult(eventOfHiddenIntent(intent) ?? null, null, `Trigger refused: ${reason}`)]);
    }
    const { event: name, data, requestId, apiEndpoint } = trigger;
    // A scheduled run crossed no network, so nobody can replay it; a second delivery of the same run is kept from
    // notifying twice by its referenceId, which Amazon answers as a duplicate.
    const scheduled = this.admitted?.via === 'schedule';
    const replayed = scheduled ? undefined : await checkReplay(this.plugin.replays(), requestId, this.plugin.now());
    if (replayed) return this.#respond(name, [refusedResult(name, data.referenceId, `Trigger refused: ${replayed}`)]);
    const event = { name, payload: data.event.payload };
    if (data.check) return this.#check(event, data, apiEndpoint);
    const unpublished = this.#unpublished(name, data.referenceId);
    if (unpublished) return this.#respond(name, data.users ? data.users.map((user) => ({ ...unpublished, user })) : [unpublished]);
    if (!data.users) return this.#respond(name, [await this.#send(event, { ...data, apiEndpoint })]);
    const startedAt = performance.now();
    const results = await mapConcurrently(data.users, SENDS_PER_TRIGGER, (user) => this.#sendToUser(event, user, data, apiEndpoint));
    // A scheduled run's batches are summed up once, by the run.
    if (!scheduled) this.plugin.summarize(summaryRecord('trigger', trigger.intent, results, performance.now() - startedAt));
    return this.#respond(name, results);
  }

  /**
   * A check trigger's answer: the event built and checked as a send would check it, a token got, the skill's
   * origins, stage and subscriber counts, in `checkReport`; nothing is sent and no user id is told.
   */
  async #check(event: UncheckedEvent, data: TriggerData, apiEndpoint: string): Promise<SendResult[]> {
    const sender = this.plugin.sender;
    const body = buildRequest({
      event,
      localizedAttributes: data.localizedAttributes,
      referenceId: data.referenceId,
      expiresInMinutes: data.expiresInMinutes ?? this.plugin.expiresInMinutes,
      now: () => new Date(this.plugin.now()),
    });
    let checked: Omit<CheckReport, 'event' | 'origins' | 'publishedEvents' | 'subscribers' | 'subscribersProblem'>;
    if (sender) {
      checked = await sender.check(body, { apiEndpoint, stage: data.stage });
    } else {
      // No credentials: `token: null` says so; the event is still checked.
      const validation = validateRequest(body, { publishedEvents: this.publishedEvents, now: this.plugin.now() });
      checked = { errors: validation.ok ? [] : validation.issues, warnings: validation.warnings, origin: originOf(apiEndpoint) ?? null, stage: null, token: null };
    }
    let subscribers: CheckReport['subscribers'] = null;
    let subscribersProblem: string | null = null;
    try {
      subscribers = (await this.plugin.countSubscribers()) ?? null;
      if (!subscribers) subscribersProblem = "the app's database cannot list its users (SerialFileDb and DynamoDb can)";
    } catch (error) {
      subscribersProblem = `the app's database could not be read: ${(error as Error).message}`;
    }
    this.checkReport = {
      event: event.name,
      ...checked,
      origins: [...(sender?.origins ?? [])],
      publishedEvents: [...this.publishedEvents],
      subscribers,
      subscribersProblem,
    };
    this.jovo.tell(`${event.name}: checked, nothing sent.`);
    return [];
  }

  /** Unicast to one user of a trigger: to their stored region unless the trigger named one; skipped if not subscribed. */
  async #sendToUser(event: UncheckedEvent, user: string, data: TriggerData, apiEndpoint: string): Promise<SendResult> {
    const stored = await this.plugin.readSubscriber(user);
    if (stored?.subscriptions && !stored.subscriptions.includes(event.name)) {
      const now = stored.subscriptions.length > 0 ? stored.subscriptions.join(', ') : 'none';
      // The result names the user; its messages never do, since a log line may carry them.
      const reason = `the user is not subscribed to ${event.name} (subscriptions as of ${stored.updatedAt}: ${now}); nothing was sent`;
      return { ...refusedResult(event.name, data.referenceId, reason), status: 'skipped', user };
    }
    const endpoint = !data.explicitEndpoint && stored?.apiEndpoint ? stored.apiEndpoint : apiEndpoint;
    const result = await this.#send(event, { ...data, user, apiEndpoint: endpoint });
    if (data.explicitEndpoint || stored?.apiEndpoint) return result;
    // Amazon's NA host, the trigger's default, may not be this user's region: say so, above all when it fails.
    const unknown = `no region is stored for the user (the skill has not heard from them), so the event went to ${apiEndpoint}, the trigger's; --region or --api-endpoint chooses`;
    return { ...result, warnings: [...result.warnings, { path: 'user', message: unknown }] };
  }

  /**
   * Records this request's skill event for the user: `AlexaSkillEvent.ProactiveSubscriptionChanged`,
   * `SkillEnabled` or `SkillDisabled`. Returns false when the event changed nothing (older than the stored state,
   * or malformed). Disabling the skill deletes the user's data, keeping only the time it happened.
   * @see https://developer.amazon.com/docs/smapi/skill-events-in-alexa-skills.html
   */
  recordSkillEvent(): boolean {
    const request = this.jovo.$request as AlexaRequest;
    const type = request.request?.type;
    const timestamp = request.getTimestamp() as string;
    const where = { apiEndpoint: request.getApiEndpoint() as string | undefined, locale: request.request?.locale };
    let change: SubscriberChange;
    if (type === 'AlexaSkillEvent.ProactiveSubscriptionChanged') {
      let events: string[];
      try {
        events = subscribedEventNames(this.jovo.$alexaSkill?.getSkillEventBody());
      } catch {
        Log.warn(`ProactiveEvents: ignored a subscription change whose body is not { subscriptions: [{ eventName }] }`);
        return false;
      }
      change = { kind: 'subscriptionsChanged', timestamp, events, ...where };
    } else if (type === 'AlexaSkillEvent.SkillEnabled') {
      change = { kind: 'skillEnabled', timestamp, ...where };
    } else if (type === 'AlexaSkillEvent.SkillDisabled') {
      change = { kind: 'skillDisabled', timestamp };
    } else {
      throw new Error(`recordSkillEvent handles Alexa skill events, not ${type}`);
    }
    const changed = this.apply(change);
    if (changed && change.kind === 'skillDisabled') this.#disable = change;
    return changed;
  }

  /**
   * Completes a `SkillDisabled` that `recordSkillEvent` applied: deletes the user's data in the app's database at
   * once (SerialFileDb, DynamoDb: in one step, so that what other requests of the user wrote meanwhile goes too),
   * and removes from EventBridge Scheduler every schedule of the user's that the database held then. What
   * Scheduler does not delete now is deleted at its next run, which finds no schedule of that name with the user.
   */
  async forgetDisabledUser(): Promise<void> {
    const user = this.jovo.$user.getId();
    const disable = this.#disable;
    if (!user || !disable) return;
    const store = this.plugin.userStore();
    // Without a store that changes a user in one step, what this request loaded is all it knows.
    let wiped = store ? [] : Object.values(storedUserSchedules(this.#loadedData));
    if (store) {
      await store.updateUser(user, this.plugin.columnName(), (column) => {
        const data = (column as UserData | undefined)?.data;
        const state = parseState(data?.[STATE_KEY]);
        const next = applySubscriberChange(state, disable);
        // Already wiped, or enabled again since this disable: nothing of now is this disable's to delete.
        const applies = next.disabledAt !== state?.disabledAt;
        wiped = applies ? Object.values(storedUserSchedules(data)) : [];
        return applies ? { data: { [STATE_KEY]: next } } : undefined;
      });
    }
    const remote = this.plugin.remoteUserSchedules;
    for (const { name } of remote ? wiped : []) {
      await remote!
        .delete(user, name)
        .catch((error: Error) => Log.warn(printable(`ProactiveEvents: could not delete ${userScheduleKey(user, name)} from EventBridge Scheduler (its next run will): ${error.message}`)));
    }
  }

  /** @internal Applies a change to this user's stored state (see `StateChanges.apply`); true when it changed. */
  apply(change: SubscriberChange): boolean {
    return this.#changes.apply(change);
  }

  /** @internal What to save when another request saved this user first (see `StateChanges.rebase`); undefined: nothing. */
  rebase(attempted: UserData, stored: UserData | undefined): UserData | undefined {
    return this.#changes.rebase(attempted, stored);
  }

  async #send(
    event: UncheckedEvent,
    { user, apiEndpoint, localizedAttributes, referenceId, expiresInMinutes, stage }: Omit<SendOptions, 'to'> & { user?: string; apiEndpoint: string },
  ): Promise<SendResult> {
    const sender = this.plugin.sender;
    const unpublished = this.#unpublished(event.name, referenceId ?? null);
    if (unpublished || !sender) {
      const result = unpublished ?? refusedResult(event.name, referenceId ?? null, 'The skill cannot send events: set ALEXA_CLIENT_ID and ALEXA_CLIENT_SECRET');
      return user === undefined ? result : { ...result, user };
    }
    const body = buildRequest({
      event,
      localizedAttributes,
      user,
      referenceId,
      expiresInMinutes: expiresInMinutes ?? this.plugin.expiresInMinutes,
      now: () => new Date(this.plugin.now()),
    });
    return sender.send(body, { apiEndpoint, stage });
  }

  /** The refusal of an event the plugin was not told to publish (its `events`), whatever the sender would take. */
  #unpublished(name: string, referenceId: string | null): SendResult | undefined {
    if ((this.publishedEvents as readonly string[]).includes(name)) return undefined;
    const message = `is not one of the events this skill publishes (the plugin's events: ${this.publishedEvents.join(', ')}); add it there, and to the skill's manifest, to send it; nothing was sent`;
    return refusedResult(name as EventName, referenceId, '', [{ path: 'event.name', message, value: name }]);
  }

  #respond(name: string, results: SendResult[]): SendResult[] {
    this.triggerResults = results;
    logProblems(name, results);
    const counts = new Map<string, number>();
    for (const { status } of results) counts.set(status, (counts.get(status) ?? 0) + 1);
    this.jovo.tell(`${name}: ${[...counts].map(([status, n]) => `${n} ${status}`).join(', ')}.`);
    return results;
  }
}

/** The schedules in a user's data that will still run (a one-off whose time has passed is gone, as on AWS). */
function runningSchedules(data: Record<string, unknown> | undefined, now: Date): Record<string, UserSchedule> {
  return Object.fromEntries(Object.entries(storedUserSchedules(data)).filter(([, schedule]) => nextRun(schedule, now)));
}

const DISABLED_MEANWHILE: Issue = { path: '', message: 'the user disabled the skill while this request ran; nothing was kept' };
const REPLACED_MEANWHILE: Issue = { path: 'name', message: "another request of the user set up a schedule of this name meanwhile; that one is kept, and this one is not" };

function tooMany(name: string): Issue {
  return { path: 'name', message: `this user has ${MAX_USER_SCHEDULES} schedules already, the most one may keep: unschedule one first`, value: name };
}

function isSame(a: unknown, b: unknown): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  const copy = { ...record };
  delete copy[key];
  return copy;
}
