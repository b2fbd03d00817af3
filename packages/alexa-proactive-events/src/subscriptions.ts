import { z } from 'zod';
import type { Holds, SameType } from './typeCheck';
import { LOCALE_PATTERN } from './request/validate';
import { ValidationError, type Issue } from './issues';
import { quoted } from './logSafe';
import { originOf } from './send/regions';

/** DynamoDB refuses partition keys over 2,048 bytes; Alexa's user ids are a few hundred characters. */
export const MAX_USER_ID_BYTES = 2048;

/** A user id as the skill stores and addresses it. */
export const UserIdSchema = z
  .string()
  .min(1)
  .refine((id) => Buffer.byteLength(id) <= MAX_USER_ID_BYTES, `expected at most ${MAX_USER_ID_BYTES.toLocaleString('en-US')} bytes (DynamoDB's key limit)`);

/**
 * How much later than the skill's clock a skill event may be stamped: Amazon's tolerance for request timestamps.
 * @see https://developer.amazon.com/docs/custom-skills/host-a-custom-skill-as-a-web-service.html
 */
export const CLOCK_SKEW_MS = 150_000;

/**
 * What the skill knows about one user's notifications: the events Amazon last reported them subscribed to,
 * when that state was set, and where to reach them. Kept in the skill's database, one per user.
 */
export const SubscriberStateSchema = z.object({
  /** Events the user is subscribed to, as Amazon last reported them; empty when none; absent if never reported. */
  subscriptions: z.array(z.string()).optional(),
  /** `request.timestamp` of the newest subscription or enable/disable event applied. */
  updatedAt: z.string().optional(),
  /** The user's Alexa API host (`context.System.apiEndpoint`), which decides the region events go to. */
  apiEndpoint: z.string().optional(),
  /** The locale of the user's latest request, e.g. `en-US`. */
  locale: z.string().optional(),
  /**
   * `request.timestamp` of the newest SkillDisabled applied: the tombstone of the user's data. A write that began
   * before it (another request of the user, still holding what it loaded) must not bring that data back.
   */
  disabledAt: z.string().optional(),
  /** The user's IANA time zone, as Alexa's Settings API last gave it (`System.timeZone` of their device). */
  timeZone: z.string().optional(),
  /** When the time zone was last read (ISO 8601), an answer without one included: it is read again a day later. */
  timeZoneReadAt: z.string().optional(),
});
/** What the skill knows about one user's notifications (see SubscriberStateSchema, which it is kept equal to). */
export interface SubscriberState {
  /** Events the user is subscribed to, as Amazon last reported them; empty when none; absent if never reported. */
  subscriptions?: string[] | undefined;
  /** `request.timestamp` of the newest subscription or enable/disable event applied. */
  updatedAt?: string | undefined;
  /** The user's Alexa API host (`context.System.apiEndpoint`), which decides the region events go to. */
  apiEndpoint?: string | undefined;
  /** The locale of the user's latest request, e.g. `en-US`. */
  locale?: string | undefined;
  /** `request.timestamp` of the newest SkillDisabled applied: the tombstone of the user's data. */
  disabledAt?: string | undefined;
  /** The user's IANA time zone, as Alexa's Settings API last gave it (`System.timeZone` of their device). */
  timeZone?: string | undefined;
  /** When the time zone was last read (ISO 8601), an answer without one included: it is read again a day later. */
  timeZoneReadAt?: string | undefined;
}
/** Keeps `SubscriberState` the schema's output. */
export type SubscriberStateMatchesSchema = Holds<SameType<SubscriberState, z.output<typeof SubscriberStateSchema>>>;

/**
 * Something that changes a user's state. The first three are Alexa skill events, which Amazon may deliver out of
 * order and redeliver with their original timestamp for up to an hour; `request` is any ordinary request.
 * @see https://developer.amazon.com/docs/smapi/skill-events-in-alexa-skills.html
 */
export type SubscriberChange =
  | { kind: 'subscriptionsChanged'; timestamp: string; events: string[]; apiEndpoint?: string; locale?: string }
  | { kind: 'skillEnabled'; timestamp: string; apiEndpoint?: string; locale?: string }
  | { kind: 'skillDisabled'; timestamp: string }
  | { kind: 'request'; apiEndpoint?: string; locale?: string }
  /** The time zone read from Alexa's Settings API at `readAt` (ISO 8601); undefined when it had none (204). */
  | { kind: 'timeZone'; timeZone?: string; readAt: string };

/**
 * The state after `change`. An event older than the state's `updatedAt` changes nothing; an event with the same
 * timestamp is applied (Amazon's timestamps have one-second precision, and a redelivery carries the same content).
 * Disabling the skill keeps only an empty subscription list and its time (`updatedAt`, and `disabledAt`, which
 * stays through a later enable), so that an older event delivered later cannot bring the user's data back.
 */
export function applySubscriberChange(state: SubscriberState | undefined, change: SubscriberChange): SubscriberState {
  const current = state ?? {};
  if (change.kind === 'request') {
    return { ...current, ...defined({ apiEndpoint: change.apiEndpoint, locale: change.locale }) };
  }
  if (change.kind === 'timeZone') {
    // No zone in the answer keeps the one known before: a device without the setting does not move the user.
    return { ...current, ...defined({ timeZone: change.timeZone }), timeZoneReadAt: change.readAt };
  }
  if (!isAtLeastAsNew(change.timestamp, current.updatedAt)) {
    return current;
  }
  switch (change.kind) {
    case 'skillDisabled':
      return { subscriptions: [], updatedAt: change.timestamp, disabledAt: change.timestamp };
    case 'skillEnabled':
      return { ...current, ...defined({ apiEndpoint: change.apiEndpoint, locale: change.locale }), updatedAt: change.timestamp };
    case 'subscriptionsChanged':
      return {
        ...current,
        ...defined({ apiEndpoint: change.apiEndpoint, locale: change.locale }),
        subscriptions: [...change.events],
        updatedAt: change.timestamp,
      };
  }
}

/** What the skill lets into a user's stored state. */
export interface SubscriberPolicy {
  /** The events the skill publishes; other names in a subscription list are not kept. */
  publishedEvents: readonly string[];
  /** Origins a stored apiEndpoint may have: Amazon's three, and the operator's (see `tokenOrigins`). */
  apiEndpoints: ReadonlySet<string>;
  /** Milliseconds since the epoch. */
  now: number;
}

/**
 * `change` as it may be stored, with why anything of it was left out. Even a genuine request is bounded: a skill
 * event stamped later than the clock allows is ignored (newest-wins would keep it forever), a subscription list
 * keeps only published events, once each, and an apiEndpoint or locale that is not one is not stored.
 */
export function admitChange(change: SubscriberChange, policy: SubscriberPolicy): { change?: SubscriberChange; ignored: string[] } {
  if (change.kind === 'timeZone') {
    if (change.timeZone === undefined || isTimeZone(change.timeZone)) return { change, ignored: [] };
    const { timeZone, ...rest } = change;
    return { change: rest, ignored: [`timeZone ${quoted(timeZone, 40)} not stored: expected an IANA time zone like "Europe/Berlin"`] };
  }
  if (change.kind !== 'request' && Date.parse(change.timestamp) > policy.now + CLOCK_SKEW_MS) {
    const clock = new Date(policy.now).toISOString();
    return { ignored: [`${change.kind} stamped ${change.timestamp}, later than the clock (${clock}) allows; nothing stored`] };
  }
  if (change.kind === 'skillDisabled') return { change, ignored: [] };
  const ignored: string[] = [];
  const admitted = { ...change };
  const origin = change.apiEndpoint === undefined ? undefined : originOf(change.apiEndpoint);
  if (change.apiEndpoint !== undefined) {
    if (origin && policy.apiEndpoints.has(origin)) admitted.apiEndpoint = origin;
    else {
      delete admitted.apiEndpoint;
      ignored.push(`apiEndpoint ${quoted(change.apiEndpoint)} not stored: not one of the policy's apiEndpoints (Amazon's hosts and the allowed origins)`);
    }
  }
  if (change.locale !== undefined && !LOCALE_PATTERN.test(change.locale)) {
    delete admitted.locale;
    ignored.push(`locale ${quoted(change.locale, 20)} not stored: expected a locale like "en-US"`);
  }
  if (admitted.kind === 'subscriptionsChanged') {
    admitted.events = policy.publishedEvents.filter((name) => admitted.events.includes(name));
  }
  return { change: admitted, ignored };
}

/** True when `timestamp` is valid and not older than `than`; a missing or unreadable `than` never blocks. */
export function isAtLeastAsNew(timestamp: string, than: string | undefined): boolean {
  const incoming = Date.parse(timestamp);
  if (Number.isNaN(incoming)) return false;
  const current = than === undefined ? NaN : Date.parse(than);
  return Number.isNaN(current) || incoming >= current;
}

/**
 * The event names in the body of an `AlexaSkillEvent.ProactiveSubscriptionChanged` request (`request.body`): the
 * events the user is still subscribed to. A missing body or `subscriptions` list means none, as an empty one does.
 * Throws a ValidationError for a value that is not such a body (the whole request, or its `request`, say), rather
 * than answer "none" and have the user stored as unsubscribed; its issue names the fields it found and what is
 * expected.
 * @see https://developer.amazon.com/docs/smapi/skill-events-in-alexa-skills.html
 */
export function subscribedEventNames(body: unknown): string[] {
  if (body === undefined || body === null) return [];
  const parsed = SubscriptionChangedBodySchema.safeParse(body);
  if (parsed.success) return (parsed.data.subscriptions ?? []).map((s) => s.eventName);
  throw new ValidationError([bodyIssue(body)], [], 'The body given to subscribedEventNames');
}

/** Why `body` is not the body of a ProactiveSubscriptionChanged request. */
function bodyIssue(body: unknown): Issue {
  const expected = 'expected request.body of a ProactiveSubscriptionChanged request, { subscriptions: [{ eventName }] }';
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { path: '', message: `${expected}; it was given ${Array.isArray(body) ? 'an array' : `a ${typeof body}`}` };
  const envelope = ENVELOPE_FIELDS.filter((field) => Object.hasOwn(body, field));
  // Only the names of a request's fields are shown: their values hold user ids and tokens.
  if (envelope.length > 0) return { path: '', message: `${expected}; it was given an object with ${envelope.map((field) => quoted(field)).join(', ')}: a request, not its body` };
  return { path: 'subscriptions', message: 'expected a list of { eventName }', value: (body as { subscriptions?: unknown }).subscriptions };
}

/**
 * The body as Amazon documents it; other fields are let through (Amazon may add some), but none a request envelope
 * has, so that a whole request or its `request` is no body.
 */
const SubscriptionChangedBodySchema = z
  .looseObject({ subscriptions: z.array(z.object({ eventName: z.string() })).optional() })
  .refine((body) => !ENVELOPE_FIELDS.some((field) => Object.hasOwn(body, field)));

const ENVELOPE_FIELDS = ['version', 'session', 'context', 'request', 'type', 'requestId', 'timestamp', 'body', 'System', 'application', 'user', 'sessionId', 'attributes', 'new'];

/** True for an IANA time zone name this runtime knows (`Europe/Berlin`, `UTC`), which Intl can compute times in. */
export function isTimeZone(zone: string): boolean {
  if (zone.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.includes('/') || zone === 'UTC';
  } catch {
    return false;
  }
}

function defined<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}
