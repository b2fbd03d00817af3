import type { Jovo } from 'jovo-framework';
import { Log } from 'jovo-core';
import type { AlexaRequest } from 'jovo-platform-alexa';
import {
  admitChange,
  applySubscriberChange,
  buildRequest,
  checkTrigger,
  describeIssue,
  hiddenIntentName,
  subscribedEventNames,
  type EventName,
  type Issue,
  type LocalizedAttributes,
  type SendResult,
  type Stage,
  type SubscriberChange,
  type SubscriberState,
  type TriggerData,
} from '../proactive';
import type { ProactiveEvents } from './ProactiveEvents';
import { STATE_KEY, parseState } from './subscribers';

/** An event to send from a handler. */
export interface EventToSend {
  name: EventName;
  payload: unknown;
}

/** What one result of a trigger says, with the user it was for. */
export type TriggerResult = SendResult & { user?: string };

export interface SendOptions {
  /** `user` (default): Unicast to the user of this request. `all`: Multicast to every subscriber. */
  to?: 'user' | 'all';
  localizedAttributes?: LocalizedAttributes | ReadonlyArray<Record<string, string>>;
  /** The idempotency key; a new UUID if not given. */
  referenceId?: string;
  expiresInMinutes?: number;
  stage?: Stage;
}

/** `this.$proactiveEvents`: this user's notification state, and sending events from handlers. */
export class ProactiveEventsContext {
  /** Set by `sendTriggered`, one per user (or one for Multicast); the plugin returns them as `proactiveEvents`. */
  triggerResults?: TriggerResult[];
  /** The changes this request made to the user's state, in order, to make again if another request saved first. */
  readonly #applied: SubscriberChange[] = [];
  /** True when this request's disabling of the skill deleted the user's other data. */
  #wiped = false;

  constructor(
    private readonly jovo: Jovo,
    private readonly plugin: ProactiveEvents,
  ) {}

  /** The events the skill publishes (app.json). */
  get publishedEvents(): readonly EventName[] {
    return this.plugin.options.events;
  }

  /** Everything the skill knows about this user's notifications, or `undefined` if nothing yet. */
  get state(): SubscriberState | undefined {
    return parseState(this.jovo.$user.$data?.[STATE_KEY]);
  }

  /** The published events this user is subscribed to. */
  subscriptions(): EventName[] {
    const subscribed = this.state?.subscriptions ?? [];
    return this.publishedEvents.filter((name) => subscribed.includes(name));
  }

  isSubscribed(name: EventName): boolean {
    return this.subscriptions().includes(name);
  }

  /**
   * Sends an event from a handler: to this user (Unicast) or to every subscriber (Multicast), in the region of
   * this request. Never throws for an expected outcome: see the result's `status` and `errors`.
   */
  async send(event: EventToSend, { to = 'user', ...options }: SendOptions = {}): Promise<SendResult> {
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
   * What a hidden intent does: checks the signed trigger of this request, then sends the event it carries to
   * every subscriber, or to each of its users, or refuses, sending nothing. The results go back to the trigger
   * script in the response, one per user.
   */
  async sendTriggered(name: EventName): Promise<TriggerResult[]> {
    const body = this.jovo.$host.getRequestObject() as { trigger?: { data?: { referenceId?: unknown } } };
    const referenceId = typeof body.trigger?.data?.referenceId === 'string' ? body.trigger.data.referenceId : null;
    const check = await checkTrigger(body, { secret: this.plugin.options.triggerSecret, replays: this.plugin.replays, now: this.plugin.now });
    if (!check.ok) return this.#respond(name, [refused(name, referenceId, `Trigger refused: ${check.reason}`, check.issues)]);
    const { data } = check;
    if (check.intent !== hiddenIntentName(name) || data.event.name !== name) {
      return this.#respond(name, [refused(name, referenceId, `Trigger refused: ${hiddenIntentName(name)} sends ${name}, not ${data.event.name}`)]);
    }
    const event = data.event as EventToSend;
    if (!data.users) return this.#respond(name, [await this.#send(event, { ...data, apiEndpoint: check.apiEndpoint })]);
    return this.#respond(name, await mapConcurrently(data.users, SENDS_PER_TRIGGER, (user) => this.#sendToUser(event, user, data, check.apiEndpoint)));
  }

  /** Unicast to one user of a trigger: to their stored region unless the trigger named one; skipped if not subscribed. */
  async #sendToUser(event: EventToSend, user: string, data: TriggerData, apiEndpoint: string): Promise<TriggerResult> {
    const stored = await this.plugin.readSubscriber(user);
    if (stored?.subscriptions && !stored.subscriptions.includes(event.name)) {
      const now = stored.subscriptions.length > 0 ? stored.subscriptions.join(', ') : 'none';
      const reason = `user ${user} is not subscribed to ${event.name} (subscriptions as of ${stored.updatedAt}: ${now}); nothing was sent`;
      return { ...refused(event.name, data.referenceId, reason), status: 'skipped', user };
    }
    const endpoint = !data.explicitEndpoint && stored?.apiEndpoint ? stored.apiEndpoint : apiEndpoint;
    return { ...(await this.#send(event, { ...data, user, apiEndpoint: endpoint })), user };
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
      const events = subscribedEventNames(this.jovo.$alexaSkill?.getSkillEventBody());
      if (!events) {
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
    if (changed && change.kind === 'skillDisabled') {
      this.jovo.$user.$data = { [STATE_KEY]: this.state };
      this.#wiped = true;
    }
    return changed;
  }

  /**
   * @internal Applies a change to this user's stored state, as far as the plugin's policy admits it (see
   * `admitChange`); true when the state changed.
   */
  apply(change: SubscriberChange): boolean {
    const { change: admitted, ignored } = admitChange(change, this.plugin.policy());
    for (const reason of ignored) Log.warn(`ProactiveEvents: ${reason}`);
    if (!admitted) return false;
    this.#applied.push(admitted);
    const before = this.state;
    const after = applySubscriberChange(before, admitted);
    if (JSON.stringify(after) === JSON.stringify(before ?? {})) return false;
    this.jovo.$user.$data = { ...this.jovo.$user.$data, [STATE_KEY]: after };
    return true;
  }

  /**
   * @internal What this request saves of its user when another request saved the same user after this one loaded
   * it (see DynamoDb): this request's changes made again on the stored state, so that both requests count and the
   * newest skill event wins, whatever order they were saved in. The rest of the user data stays as this request
   * left it, unless this request's disabling of the skill no longer applies, which leaves the stored data.
   */
  rebase(attempted: UserData, stored: UserData | undefined): UserData {
    let state = parseState(stored?.data?.[STATE_KEY]);
    let disabled = false;
    for (const change of this.#applied) {
      const next = applySubscriberChange(state, change);
      if (change.kind === 'skillDisabled' && JSON.stringify(next) !== JSON.stringify(state ?? {})) disabled = true;
      state = next;
    }
    const others = { ...((this.#wiped ? stored?.data : attempted.data) ?? {}) };
    delete others[STATE_KEY];
    const data = disabled ? {} : others;
    return { ...attempted, data: state ? { ...data, [STATE_KEY]: state } : data };
  }

  async #send(
    event: EventToSend,
    { user, apiEndpoint, localizedAttributes, referenceId, expiresInMinutes, stage }: SendOptions & { user?: string; apiEndpoint: string },
  ): Promise<SendResult> {
    const sender = this.plugin.options.sender;
    if (!sender) return refused(event.name, referenceId ?? null, 'The skill cannot send events: set ALEXA_CLIENT_ID and ALEXA_CLIENT_SECRET');
    const body = buildRequest({
      event,
      localizedAttributes,
      user,
      referenceId,
      expiresInMinutes: expiresInMinutes ?? this.plugin.options.expiresInMinutes,
      now: () => new Date(this.plugin.now()),
    });
    return sender.send(body, { apiEndpoint, stage });
  }

  #respond(name: EventName, results: TriggerResult[]): TriggerResult[] {
    this.triggerResults = results;
    logProblems(name, results);
    const counts = new Map<string, number>();
    for (const { status } of results) counts.set(status, (counts.get(status) ?? 0) + 1);
    this.jovo.tell(`${name}: ${[...counts].map(([status, n]) => `${n} ${status}`).join(', ')}.`);
    return results;
  }
}

/**
 * One log line for each way sending went wrong: refused here, rejected by Amazon (with its status and reason), or
 * failed after the retries (with the last cause), and for each warning of the validator. A fan-out whose users fail alike gets one line, with their number.
 * Results carry neither the client secret nor a token, so neither can appear here.
 */
function logProblems(name: string, results: readonly TriggerResult[]): void {
  const lines = new Map<string, number>();
  for (const { status, httpStatus, errors, warnings } of results) {
    for (const warning of warnings) {
      const line = `sent with a warning: ${describeIssue(warning)}`;
      lines.set(line, (lines.get(line) ?? 0) + 1);
    }
    if (status !== 'rejected' && status !== 'failed') continue;
    const why = errors.map((error) => error.message).join('; ');
    const line =
      status === 'failed' ? `failed after retries: ${why}` : httpStatus === null ? `not sent: ${why}` : `rejected by Amazon: ${why}`;
    lines.set(line, (lines.get(line) ?? 0) + 1);
  }
  for (const [line, n] of lines) Log.warn(`ProactiveEvents: ${name} ${line}${n > 1 ? ` (${n} users)` : ''}`);
}

/** Jovo's user data as a database holds it (`userData` of the item); `data` is `this.$user.$data`. */
export interface UserData {
  data?: Record<string, unknown>;
  [column: string]: unknown;
}

/** Sends to the users of one trigger this many at a time (a fan-out has several triggers under way). */
const SENDS_PER_TRIGGER = 8;

/** `map` with at most `limit` calls of `run` under way at once, results in input order. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function refused(event: string, referenceId: string | null, message: string, issues: Issue[] = []): SendResult {
  return { status: 'rejected', event, referenceId, httpStatus: null, requestId: null, errors: [{ path: '', message }, ...issues], warnings: [], attempts: 0 };
}
