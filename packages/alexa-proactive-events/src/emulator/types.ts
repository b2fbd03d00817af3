import type { ProactiveEventRequest } from '../request/validate';
import type { FaultOptions } from './faults';
import type { SkillDelivery, SkillTarget, Subscriber } from './subscriptions';
import type { DeviceTimeZone } from './timeZones';

/**
 * A local stand-in for Amazon's Login with Amazon token endpoint and Proactive Events API, checking what Amazon
 * checks, so that everything runs and is tested offline.
 * @see https://developer.amazon.com/docs/smapi/proactive-events-api-reference.html
 */
export interface EmulatorOptions {
  /**
   * The port to listen on; 0 picks a free port.
   * @default 3001
   */
  port?: number;
  /**
   * The address to listen on; loopback unless the emulator is to be reached from other machines.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * Client ids and their secrets; without it, any id and secret get a token.
   * @default undefined: any client id and secret get a token
   */
  clients?: Readonly<Record<string, string>>;
  /**
   * Lifetime of issued tokens in seconds, as Amazon's.
   * @default 3600
   * @see https://developer.amazon.com/docs/smapi/proactive-events-api.html (Get an access token)
   */
  tokenTtlSeconds?: number;
  /**
   * Events the skill may send: those of `skillJsonPath` without it, or all eight.
   * @default undefined: the publications of `skillJsonPath`, or every event when there is none
   */
  publishedEvents?: readonly string[];
  /**
   * A built skill.json, whose `events.publications` say what the skill may send.
   * @default undefined: the skill may send what `publishedEvents` says, or every event
   */
  skillJsonPath?: string;
  /**
   * Accepted events kept, for `accepted`, GET /events and the page: past it the oldest are dropped (a long session or
   * a fan-out to 100,000 users would otherwise keep every body); GET /stats counts them all, and how many were dropped.
   * A repeated referenceId is a duplicate however long ago it was accepted.
   * @default 10000 (DEFAULT_KEEP_EVENTS)
   */
  keepEvents?: number;
  /**
   * Live access tokens kept: past it the oldest stop working (a client that asks for a token per event, as the
   * tutorial's does, would otherwise fill the memory). Raise it when such a client shares the emulator with one
   * that keeps its token, so that the flood does not push the kept token out.
   * @default 1000 (MAX_LIVE_TOKENS)
   */
  keepTokens?: number;
  /**
   * Who subscribed to what, as Alexa keeps it: a Unicast to a user who has not turned on its event gets 403, and
   * a Multicast reaches the users who have. `{}` starts with nobody; users turn events on and off on the page,
   * with `PUT /subscriptions/<user>` or `setSubscriptions`. Without it, every user is subscribed to everything.
   * @default undefined: every user is subscribed to everything
   * @see https://developer.amazon.com/docs/smapi/skill-events-in-alexa-skills.html
   */
  subscribers?: Readonly<Record<string, readonly string[]>>;
  /**
   * The skill told of each subscription change (`AlexaSkillEvent.ProactiveSubscriptionChanged`), as Alexa tells it.
   * @default undefined: no skill is told (one can be set later, on the page or with `setSkill`)
   * @see https://developer.amazon.com/docs/smapi/skill-events-in-alexa-skills.html
   */
  skill?: SkillTarget;
  /**
   * Trouble made on purpose (fault statuses, dropped connections, latency), so that retries can be seen and tested.
   * @default undefined: no faults, every request is handled
   */
  faults?: FaultOptions;
  /**
   * Milliseconds since the epoch, for token expiry; tests move it instead of waiting.
   * @default Date.now
   */
  now?: () => number;
  /**
   * One line per request (but the page's polls of /events, and /stats): method, path, status, event. Never a token
   * or a secret; what a client chose (a path, a user id, the skill's answer) is escaped, so a line is one line and
   * moves no terminal's cursor.
   * @default undefined: nothing is logged
   */
  log?: (line: string) => void;
  /**
   * How many of the latest requests `received` keeps.
   * @default 10_000
   */
  receivedLimit?: number;
  /**
   * Client ids that may not use the scope alexa::proactive_events: Login with Amazon answers 400 invalid_scope.
   * @default undefined: every client may use the scope
   * @see https://developer.amazon.com/docs/smapi/proactive-events-api.html (Get an access token)
   */
  clientsWithoutScope?: readonly string[];
  /**
   * Host names the emulator answers besides loopback's (127.0.0.1, localhost, ::1) and `host`: a request whose
   * `Host` names another (a page on another site whose name was rebound to this machine) gets 403.
   * @default undefined: loopback's names and `host` only
   */
  hostnames?: readonly string[];
}

/** An event the emulator accepted, as GET /events lists it. */
export interface AcceptedEvent {
  id: number;
  acceptedAt: string;
  stage: 'development' | 'live';
  event: string;
  referenceId: string;
  /** 'Multicast', or the Unicast user id. */
  audience: string;
  /** The notification text in `locale`, and in every locale it can be previewed in. */
  locale: string;
  text: string;
  texts: Record<string, string>;
  /** The body as it arrived, fields Amazon's documentation does not name included. */
  request: ProactiveEventRequest;
  /** The users it reached when the emulator tracks subscribers (a Multicast's may be none); absent otherwise. */
  reached?: string[];
}

/** An event request the emulator refused as Amazon would (invalid, not published, not subscribed, a repeat); faults are not. */
export interface RefusedEvent {
  id: number;
  refusedAt: string;
  stage: 'development' | 'live';
  /** The event's name as sent, if it had one. */
  event: string | null;
  /** 'Multicast' or the Unicast user id, once the body was valid. */
  audience: string | null;
  status: number;
  message: string;
}

/** GET /subscriptions: whether the emulator tracks subscribers, the events they may turn on, the skill it tells, and them. */
export interface SubscribersView {
  tracked: boolean;
  events: readonly string[];
  skill: string | null;
  subscribers: Subscriber[];
}

/** A subscription change: the user's subscriptions now, and what the skill answered (null: no skill to tell). */
export interface SubscriptionChange {
  subscriber: Subscriber;
  skill: SkillDelivery | null;
}

/** Every request the emulator got, answered or not. */
export interface ReceivedRequest {
  method: string;
  path: string;
  /** null when the connection was dropped on purpose. */
  status: number | null;
}

/** A running emulator: its URL, what it received and accepted, and handles for tests. */
export interface Emulator {
  url: string;
  close(): Promise<void>;
  /** The latest requests, oldest first, at most `receivedLimit` of them. */
  received: ReceivedRequest[];
  accepted: AcceptedEvent[];
  /** The latest event requests refused as Amazon would refuse them (GET /refused), at most MAX_REFUSED. */
  refused: RefusedEvent[];
  /** Token requests answered with a token. */
  readonly tokensIssued: number;
  /** TCP connections opened to the emulator (keep-alive clients open few). */
  readonly connections: number;
  /** Makes every issued token expired, as if its hour had passed. */
  expireTokens(): void;
  /** Replaces the fault plan (and restarts its script and its count of attempts per event). */
  setFaults(faults: FaultOptions): void;
  /** Forgets accepted events (and with them the referenceIds seen), the request log and the token count. */
  reset(): void;
  /** The tracked users and their subscriptions (empty when every user counts as subscribed). */
  subscribers(): Subscriber[];
  /**
   * Sets the events `user` has turned on (all of them: `[]` turns every one off) and tells the skill, as Alexa
   * does when a user changes them in the Alexa app. Throws, naming each problem, for an event the skill does not
   * publish, or when the emulator does not track subscribers.
   */
  setSubscriptions(user: string, events: readonly string[], locale?: string): Promise<SubscriptionChange>;
  /** Names the skill told of subscription changes (the `skill` option), for a skill started after the emulator. */
  setSkill(skill: SkillTarget | undefined): void;
  /** The devices whose time zone was set (`setTimeZone`, `PUT /settings/<deviceId>`); any other has DEFAULT_TIME_ZONE. */
  timeZones(): DeviceTimeZone[];
  /**
   * Sets the time zone Alexa's Settings API gives for `deviceId` (`GET /v2/devices/<deviceId>/settings/System.timeZone`),
   * as a user sets it in the Alexa app: an IANA zone, or null for none (the API then answers 204). Throws a
   * ValidationError naming the value and what is allowed for anything else.
   * @see https://developer.amazon.com/docs/smapi/alexa-settings-api-reference.html
   */
  setTimeZone(deviceId: string, timeZone: string | null): DeviceTimeZone;
}
