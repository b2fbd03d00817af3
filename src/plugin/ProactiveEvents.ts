import type { BaseApp, HandleRequest, Jovo, Plugin } from 'jovo-framework';
import { Log } from 'jovo-framework';
import type { AlexaRequest } from 'jovo-platform-alexa';
import {
  HIDDEN_INTENT_NAMES,
  applySubscriberChange,
  subscribedEventNames,
  type EventName,
  type SubscriberChange,
  type SubscriberState,
} from '../proactive';
import { STATE_KEY, parseState, readSubscriber, type SubscriberRecord } from './subscribers';

export interface ProactiveEventsOptions {
  /** The events the skill publishes: app.json's `events`. */
  events: readonly EventName[];
}

declare module 'jovo-core/dist/src/core/Jovo' {
  interface Jovo {
    /** Proactive Events for this request's user; set on every Alexa request once the user is loaded. */
    $proactiveEvents?: ProactiveEventsContext;
  }
}

/**
 * The Jovo v3 plugin: `app.use(new ProactiveEvents({ events }))` gives every Alexa handler `this.$proactiveEvents`
 * and keeps each user's region and locale current. The state lives in Jovo's user data, so it is stored by
 * whichever database the app uses.
 */
export class ProactiveEvents implements Plugin {
  readonly name = 'ProactiveEvents';
  private app?: BaseApp;
  private warnedNoStore = false;

  constructor(readonly options: ProactiveEventsOptions) {}

  install(app: BaseApp): void {
    this.app = app;
    // Runs after Jovo's own user.load (installed with the App), so $user.$data is already read.
    app.middleware('user.load')?.use((handleRequest: HandleRequest) => this.attach(handleRequest));
  }

  uninstall(): void {
    this.app = undefined;
  }

  /** Another user's stored state, read from the app's database (for Unicast sends outside their session). */
  async readSubscriber(userId: string): Promise<SubscriberRecord | undefined> {
    const db = this.app?.$db;
    if (!db) throw new Error('ProactiveEvents.readSubscriber needs a database: app.use(new FileDb(...)) or another Jovo Db');
    const columnName = (this.app?.config.plugin as { JovoUser?: { columnName?: string } } | undefined)?.JovoUser?.columnName;
    return readSubscriber(db, userId, columnName);
  }

  private attach({ jovo, app, host }: HandleRequest): void {
    if (!jovo?.$alexaSkill) return;
    if (app.$db?.needsWriteFileAccess && !host.hasWriteFileAccess && !this.warnedNoStore) {
      // Jovo skips a file database on hosts without a writable disk (Lambda): nothing would be stored.
      this.warnedNoStore = true;
      Log.warn('ProactiveEvents: this host cannot write files, so FileDb is off and subscriptions are not stored. Use DynamoDB on Lambda (see README).');
    }
    const context = new ProactiveEventsContext(jovo, this.options.events);
    jovo.$proactiveEvents = context;
    const request = jovo.$request as AlexaRequest;
    // Skill events are recorded by their handler; triggers of hidden intents do not come from the user.
    const isSkillEvent = request.request?.type.startsWith('AlexaSkillEvent.');
    const isTrigger = request.request?.type === 'IntentRequest' && HIDDEN_INTENT_NAMES.includes(request.getIntentName() ?? '');
    if (!isSkillEvent && !isTrigger) {
      context.apply({ kind: 'request', apiEndpoint: request.getApiEndpoint(), locale: request.getLocale() });
    }
  }
}

/** `this.$proactiveEvents`: the current user's notification state, and the way to change it. */
export class ProactiveEventsContext {
  constructor(
    private readonly jovo: Jovo,
    /** The events the skill publishes (app.json). */
    readonly publishedEvents: readonly EventName[],
  ) {}

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
    }
    return changed;
  }

  /** @internal Applies a change to this user's stored state; true when the state changed. */
  apply(change: SubscriberChange): boolean {
    const before = this.state;
    const after = applySubscriberChange(before, change);
    if (JSON.stringify(after) === JSON.stringify(before ?? {})) return false;
    this.jovo.$user.$data = { ...this.jovo.$user.$data, [STATE_KEY]: after };
    return true;
  }
}
