import type { Jovo } from 'jovo-framework';
import type { AlexaRequest } from 'jovo-platform-alexa';
import type { EventName, ProactiveEvent, SendResult, SubscriberChange, SubscriberState, SummaryRecord } from 'alexa-proactive-events';
import type { UserSchedule } from '../schedules/declaration';
import { USER_SCHEDULES_KEY, type ScheduleResult, type UserScheduleInput } from '../schedules/users';
import type { AdmittedTrigger } from '../trigger/admitted';
import type { CheckReport } from '../trigger/check';
import { StateChanges, type UserData } from './changes';
import { answerTrigger } from './fanOut';
import { runningSchedules, scheduleForUser, unscheduleForUser, type ScheduleRequest } from './ownSchedules';
import { logProblems } from './sendLog';
import { triggerAnswer } from './triggerAnswer';
import { sendEvent, type SendOptions } from './sending';
import { forgetUser, skillEventChange } from './skillEvents';
import type { PluginServices } from './services';

/**
 * An event to send from a handler, its payload typed by its name, so a wrong value or a missing field fails the
 * type check: `{ name: 'AMAZON.OrderStatus.Updated', payload: { state: { status: 'ORDER_SHIPPED' }, order: … } }`.
 * Each event's payload fields: the library's docs/events.md.
 */
export type EventToSend<Name extends EventName = EventName> = ProactiveEvent<Name>;

// What the handler API takes and bounds, defined beside the code that uses it, offered here with the API.
export type { SendOptions } from './sending';
export { MAX_USER_SCHEDULES } from './ownSchedules';

/** `this.$proactiveEvents`: this user's notification state, and sending events from handlers. */
export class ProactiveEventsContext {
  /** Set by `sendTriggered`, one per user (or one for Multicast); the plugin returns them as `proactiveEvents`. */
  triggerResults?: SendResult[];
  /** Set by a check trigger instead (`doctor`); the plugin returns it as `proactiveEventsCheck`. */
  checkReport?: CheckReport;
  /** @internal A trigger to subscribers: its summary (counts only), for the trigger script. */
  triggerFanOut?: SummaryRecord & { unfinished?: string };
  readonly #changes: StateChanges;
  /** This request, as its user's own schedules are changed in it. */
  readonly #request: ScheduleRequest;
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
    this.#request = { jovo, plugin, changes: this.#changes };
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
    const result = await sendEvent(this.plugin, event, {
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
    return scheduleForUser(this.#request, input);
  }

  /** Removes this user's schedule of that name (from EventBridge Scheduler too); false when they have none. */
  async unschedule(name: string): Promise<boolean> {
    return unscheduleForUser(this.#request, name);
  }

  /** This user's own schedules (`schedule`), as stored. */
  userSchedules(): UserSchedule[] {
    return Object.values(runningSchedules(this.jovo.$user.$data, new Date(this.plugin.now())));
  }

  /** @internal Whether this request changed the user's schedules (set one up, removed one, disabled the skill). */
  changedUserSchedules(): boolean {
    return !this.admitted && JSON.stringify(this.jovo.$user.$data?.[USER_SCHEDULES_KEY]) !== this.#schedulesAtLoad;
  }

  /**
   * What a hidden intent does: sends the event of the signed trigger a door admitted with this request to every
   * subscriber, or to each of its users; or refuses, sending nothing, when the request is no admitted trigger or
   * its id was used before. The results go back to the trigger script in the response, one per user.
   */
  async sendTriggered(): Promise<SendResult[]> {
    const request = this.jovo.$request as AlexaRequest;
    const outcome = await answerTrigger({ intent: request.getIntentName(), locale: request.getLocale?.() }, this.plugin, this.admitted);
    const { speech, results, fanOut, checkReport } = triggerAnswer(outcome);
    this.triggerResults = results;
    this.triggerFanOut = fanOut;
    this.checkReport = checkReport;
    this.jovo.tell(speech);
    return results ?? [];
  }

  /**
   * Records this request's skill event for the user: `AlexaSkillEvent.ProactiveSubscriptionChanged`,
   * `SkillEnabled` or `SkillDisabled`. Returns false when the event changed nothing (older than the stored state,
   * or malformed). Disabling the skill deletes the user's data, keeping only the time it happened.
   * @see https://developer.amazon.com/docs/smapi/skill-events-in-alexa-skills.html
   */
  recordSkillEvent(): boolean {
    const change = skillEventChange(this.jovo);
    if (!change) return false;
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
    if (user && this.#disable) await forgetUser(this.plugin, user, this.#disable, this.#loadedData);
  }

  /** @internal Applies a change to this user's stored state (see `StateChanges.apply`); true when it changed. */
  apply(change: SubscriberChange): boolean {
    return this.#changes.apply(change);
  }

  /** @internal What to save when another request saved this user first (see `StateChanges.rebase`); undefined: nothing. */
  rebase(attempted: UserData, stored: UserData | undefined): UserData | undefined {
    return this.#changes.rebase(attempted, stored);
  }
}
