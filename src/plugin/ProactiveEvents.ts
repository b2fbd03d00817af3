import type { BaseApp, HandleRequest, Plugin } from 'jovo-framework';
import { Log } from 'jovo-core';
import type { AlexaRequest } from 'jovo-platform-alexa';
import { HIDDEN_INTENT_NAMES, ReplayGuard, tokenOrigins, type EventName, type ProactiveEventsSender, type ReplayStore, type SubscriberPolicy } from '../proactive';
import { ProactiveEventsContext } from './ProactiveEventsContext';
import { readSubscriber, type SubscriberRecord } from './subscribers';

export interface ProactiveEventsOptions {
  /** The events the skill publishes: app.json's `events`. */
  events: readonly EventName[];
  /** Default lifetime of an event in minutes: app.json's `expiresInMinutes`. */
  expiresInMinutes?: number;
  /** Sends the events; without one (no credentials) every send is refused, saying why. */
  sender?: ProactiveEventsSender;
  /** TRIGGER_SECRET; without one the hidden intents refuse every trigger. */
  triggerSecret?: string;
  /** Where accepted triggers are remembered, so that none is used twice; default: this process's memory. */
  replays?: ReplayStore;
  /**
   * Origins besides Amazon's three hosts that a user's stored apiEndpoint may name (PROACTIVE_API_ENDPOINTS, such
   * as the local emulator); any other apiEndpoint in a request is not stored.
   */
  apiEndpoints?: readonly string[];
  /** Milliseconds since the epoch; tests move it instead of waiting. */
  now?: () => number;
}

declare module 'jovo-core/dist/src/core/Jovo' {
  interface Jovo {
    /** Proactive Events for this request's user; set on every Alexa request before the handler runs. */
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
  /** Request ids of accepted triggers, so that none is used twice. */
  readonly replays: ReplayStore;
  readonly now: () => number;
  private readonly apiEndpoints: ReadonlySet<string>;
  private app?: BaseApp;
  private warnedNoStore = false;

  constructor(readonly options: ProactiveEventsOptions) {
    this.now = options.now ?? Date.now;
    this.replays = options.replays ?? new ReplayGuard();
    this.apiEndpoints = tokenOrigins(options.apiEndpoints);
  }

  /** What may be stored of a user's state, as of now. */
  policy(): SubscriberPolicy {
    return { publishedEvents: this.options.events, apiEndpoints: this.apiEndpoints, now: this.now() };
  }

  install(app: BaseApp): void {
    this.app = app;
    app.middleware('request')?.use((handleRequest: HandleRequest) => this.skipUserStorageForTriggers(handleRequest));
    // After the user is loaded and the request routed, before the handler runs.
    app.middleware('router')?.use((handleRequest: HandleRequest) => this.attach(handleRequest));
    // After the Alexa platform built the response: the trigger script reads its result there.
    app.middleware('platform.output')?.use(({ jovo }: HandleRequest) => {
      const results = jovo?.$proactiveEvents?.triggerResults;
      if (results && jovo?.$response) (jovo.$response as unknown as Record<string, unknown>).proactiveEvents = results;
    });
  }

  uninstall(): void {
    this.app = undefined;
  }

  /** Another user's stored state, read from the app's database (for Unicast sends outside their session). */
  async readSubscriber(userId: string): Promise<SubscriberRecord | undefined> {
    const db = this.app?.$db;
    if (!db) return undefined;
    const columnName = (this.app?.config.plugin as { JovoUser?: { columnName?: string } } | undefined)?.JovoUser?.columnName;
    return readSubscriber(db, userId, columnName);
  }

  /** A trigger does not come from a user: nothing of "its" user is read or stored. */
  private skipUserStorageForTriggers(handleRequest: HandleRequest): void {
    const body = handleRequest.host.getRequestObject() as { request?: { type?: string; intent?: { name?: string } } } | undefined;
    if (body?.request?.type === 'IntentRequest' && HIDDEN_INTENT_NAMES.includes(body.request.intent?.name ?? '')) {
      handleRequest.excludedMiddlewareNames = [...(handleRequest.excludedMiddlewareNames ?? []), 'user.load', 'user.save'];
    }
  }

  /**
   * Gives the handler `this.$proactiveEvents`. Every ordinary request also refreshes the user's stored region
   * and locale; skill events are recorded by their handler, and triggers do not come from the user.
   */
  private attach({ jovo, app, host, excludedMiddlewareNames }: HandleRequest): void {
    if (!jovo?.$alexaSkill) return;
    const context = new ProactiveEventsContext(jovo, this);
    jovo.$proactiveEvents = context;
    if (app.$db?.needsWriteFileAccess && !host.hasWriteFileAccess && !this.warnedNoStore) {
      // Jovo skips a file database on hosts without a writable disk (Lambda): nothing would be stored.
      this.warnedNoStore = true;
      Log.warn('ProactiveEvents: this host cannot write files, so FileDb is off and subscriptions are not stored. Use DynamoDB on Lambda (see README).');
    }
    const request = jovo.$request as AlexaRequest;
    const isTrigger = excludedMiddlewareNames?.includes('user.load');
    if (!isTrigger && !request.request?.type.startsWith('AlexaSkillEvent.')) {
      context.apply({ kind: 'request', apiEndpoint: request.getApiEndpoint(), locale: request.request?.locale });
    }
  }
}
