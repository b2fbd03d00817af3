import { createHmac, randomUUID, timingSafeEqual } from 'crypto';
import { z } from 'zod';
import { STAGES, type Stage } from '../send/regions';
import { UserIdSchema } from '../subscriptions';
import type { Holds, SameType } from '../typeCheck';

/**
 * Signed triggers: a synthetic Alexa IntentRequest that names a hidden intent (`WeatherAlertIntent`) and carries
 * the event to send, as in Jovo's tutorial, but signed with HMAC-SHA256 under a secret only the owner knows.
 * The signature travels in the JSON body (relays such as the Jovo Webhook or API Gateway keep bodies, not always
 * headers) and covers the trigger's audience (the skill id, in `context.System.application.applicationId`, and the
 * stage, in the data), the intent, the request's timestamp and id, the apiEndpoint and the event data, so that a
 * trigger for one deployment is refused by every other, whatever secret they share. The data is signed as
 * JSON.stringify writes it, in the order its keys arrived: a relay that re-serializes the body writes the same
 * text, and the door checks it at the cost of one pass over the body. v2 did not sign the audience; v1 sorted every
 * object's keys first, which let a forger make the skill work for each wide object it sent.
 */
export const TRIGGER_SIGNATURE_VERSION = 'v3';
/** A trigger older (or further in the future) than this is refused. */
export const TRIGGER_MAX_AGE_MS = 5 * 60_000;
/** The secret must be long enough that guessing it is hopeless. */
export const MIN_TRIGGER_SECRET_LENGTH = 16;

/** What is wrong with a trigger secret (too short to be safe), or undefined; the secret itself is never shown. */
export function triggerSecretProblem(secret: string): string | undefined {
  if (secret.length >= MIN_TRIGGER_SECRET_LENGTH) return undefined;
  return `too short (${secret.length} characters); use at least ${MIN_TRIGGER_SECRET_LENGTH}, e.g. the output of \`openssl rand -hex 32\``;
}
/** Users one trigger may carry; a fan-out sends several triggers. */
export const MAX_TRIGGER_BATCH = 500;
/**
 * The largest trigger a door reads: 500 users of Amazon's usual length (about 250 bytes each) with the event and
 * its localized attributes fit with room to spare. The trigger script splits a batch that would not fit.
 */
export const MAX_TRIGGER_BYTES = 256 * 1024;

/** What a trigger asks the skill to send. The event itself is validated by the skill with `validateRequest`. */
export const TriggerDataSchema = z.strictObject({
  event: z.strictObject({ name: z.string(), payload: z.unknown() }),
  localizedAttributes: z.array(z.record(z.string(), z.string())).optional(),
  /** Unicast to each of these users (a batch of a fan-out); Multicast without. */
  users: z.array(UserIdSchema).min(1).max(MAX_TRIGGER_BATCH).optional(),
  /** Set by the sender of the trigger, so that a re-sent trigger is a duplicate, never a second notification. */
  referenceId: z.string().min(1).max(100),
  expiresInMinutes: z.number().int().optional(),
  /** The stage the trigger is for, and sends at: the skill refuses a trigger for a stage it does not send at. */
  stage: z.enum(STAGES),
  /**
   * True when the sender chose the region (--region, --api-endpoint). Otherwise a Unicast event goes to the
   * region the skill has stored for the user.
   */
  explicitEndpoint: z.boolean(),
  /**
   * A check trigger (`doctor`): the skill validates and builds the event and gets a token, reports what it knows of
   * its subscribers (counts only), and sends nothing.
   */
  check: z.literal(true).optional(),
  /**
   * Unicast to every user the skill has subscribed to the event, each in their stored region, from the skill's own
   * records (`--to subscribers`): no users travel in the trigger. Not with `users` or `check`.
   */
  toSubscribers: z.literal(true).optional(),
})
  .refine((data) => !(data.toSubscribers && (data.users || data.check)), { path: ['toSubscribers'], message: 'goes alone: not with users (it finds its own) or check' });
/** What a trigger asks the skill to send (see TriggerDataSchema, which the check below keeps it equal to). */
export interface TriggerData {
  event: { name: string; payload: unknown };
  localizedAttributes?: Array<Record<string, string>> | undefined;
  /** Unicast to each of these users (a batch of a fan-out); Multicast without. */
  users?: string[] | undefined;
  /** Set by the sender of the trigger, so that a re-sent trigger is a duplicate, never a second notification. */
  referenceId: string;
  expiresInMinutes?: number | undefined;
  /** The stage the trigger is for, and sends at: the skill refuses a trigger for a stage it does not send at. */
  stage: Stage;
  /**
   * True when the sender chose the region (--region, --api-endpoint). Otherwise a Unicast event goes to the
   * region the skill has stored for the user.
   */
  explicitEndpoint: boolean;
  /** A check trigger (`doctor`): validated and built, a token got, subscribers counted, nothing sent. */
  check?: true | undefined;
  /** Unicast to every user the skill has subscribed to the event, from its own records (`--to subscribers`). */
  toSubscribers?: true | undefined;
}
/** Keeps `TriggerData` the schema's output. */
export type TriggerDataMatchesSchema = Holds<SameType<TriggerData, z.output<typeof TriggerDataSchema>>>;

/** The part of an Alexa request the signature covers, and where the trigger sits. */
export interface TriggerRequest {
  version: '1.0';
  session: { new: true; sessionId: string; application: { applicationId: string }; user: { userId: string } };
  context: { System: { application: { applicationId: string }; user: { userId: string }; apiEndpoint: string } };
  request: { type: 'IntentRequest'; requestId: string; timestamp: string; locale: string; intent: { name: string; confirmationStatus: 'NONE' } };
  trigger: { data: TriggerData; signature: string };
}

/**
 * The deployment a trigger is for: a skill (its id, or a local identity where it has none) at a stage. A door
 * refuses a trigger whose audience is not its own.
 */
export interface TriggerAudience {
  /** The skill's id (`amzn1.ask.skill.…`), or the identity of a skill that runs without one. */
  skillId: string;
  stage: Stage;
}

/** What `triggerRequest` signs. */
export interface TriggerRequestParts {
  /** The skill the trigger is for; `data.stage` names its stage. */
  skillId: string;
  /** The hidden intent of the event: `hiddenIntentName(data.event.name)`. */
  intent: string;
  data: TriggerData;
  /** `context.System.apiEndpoint`: where the skill sends the event, unless it stored a region for a Unicast user. */
  apiEndpoint: string;
  locale: string;
  /** The secret the skill verifies triggers with (`verifyTrigger`'s `secret`). */
  secret: string;
  /** Milliseconds since the epoch. */
  now?: () => number;
  requestId?: string;
}

const TRIGGER_USER = 'amzn1.ask.account.proactive-events-trigger';

/** A signed synthetic IntentRequest for a hidden intent, as the skill's door verifies it (`verifyTrigger`). */
export function triggerRequest({ skillId, intent, data, apiEndpoint, locale, secret, now = Date.now, requestId = `trigger.${randomUUID()}` }: TriggerRequestParts): TriggerRequest {
  const parts = { skillId, intent, timestamp: new Date(now()).toISOString(), requestId, apiEndpoint, data };
  return triggerEnvelope(parts, sign(secret, parts), locale);
}

/**
 * The Alexa request of a trigger, made of its signed parts, its signature and a locale, and of nothing else: the
 * same for the trigger script that signs one and the door that hands a verified one on, so that no field the
 * signature does not cover (a session's attributes, a user) can reach the skill.
 */
export function triggerEnvelope({ skillId, intent, timestamp, requestId, apiEndpoint, data }: SignedParts & { data: TriggerData }, signature: string, locale: string): TriggerRequest {
  return {
    version: '1.0',
    session: { new: true, sessionId: requestId, application: { applicationId: skillId }, user: { userId: TRIGGER_USER } },
    context: { System: { application: { applicationId: skillId }, user: { userId: TRIGGER_USER }, apiEndpoint } },
    request: { type: 'IntentRequest', requestId, timestamp, locale, intent: { name: intent, confirmationStatus: 'NONE' } },
    trigger: { data, signature },
  };
}

/** What the signature covers (`data` holds the stage). */
export interface SignedParts {
  skillId: string;
  intent: string;
  timestamp: string;
  requestId: string;
  apiEndpoint: string;
  data: unknown;
}

/**
 * The HMAC-SHA256 signature of a trigger's signed parts under `secret`: `v2=<hex>`. Time linear in the data, with
 * the constant of JSON.stringify and the hash: nothing is sorted or checked before it.
 */
export function sign(secret: string, { skillId, intent, timestamp, requestId, apiEndpoint, data }: SignedParts): string {
  const message = ['proactive-events-trigger', TRIGGER_SIGNATURE_VERSION, skillId, intent, timestamp, requestId, apiEndpoint, JSON.stringify(data) ?? 'null'].join('\n');
  return `${TRIGGER_SIGNATURE_VERSION}=${createHmac('sha256', secret).update(message).digest('hex')}`;
}

/** Compares two signatures in constant time. */
export function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
