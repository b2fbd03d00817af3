import { createHmac, randomUUID, timingSafeEqual } from 'crypto';
import { z } from 'zod';
import { HIDDEN_INTENT_NAMES } from './events';
import { formatPath, type Issue } from './issues';
import { STAGES } from './regions';
import { UserIdSchema } from './subscriptions';

/**
 * Signed triggers: a synthetic Alexa IntentRequest that names a hidden intent (`WeatherAlertIntent`) and carries
 * the event to send, as in Jovo's tutorial, but signed with HMAC-SHA256 under a secret only the owner knows.
 * The signature travels in the JSON body (relays such as the Jovo Webhook or API Gateway keep bodies, not always
 * headers) and covers the intent, the request's timestamp and id, the apiEndpoint and the event data.
 */
export const TRIGGER_SIGNATURE_VERSION = 'v1';
/** A trigger older (or further in the future) than this is refused. */
export const TRIGGER_MAX_AGE_MS = 5 * 60_000;
/** The secret must be long enough that guessing it is hopeless. */
export const MIN_TRIGGER_SECRET_LENGTH = 16;
/** Users one trigger may carry; a fan-out sends several triggers. */
export const MAX_TRIGGER_BATCH = 500;

/** What a trigger asks the skill to send. The event itself is validated by the skill with validateRequest. */
export const TriggerDataSchema = z.strictObject({
  event: z.strictObject({ name: z.string(), payload: z.unknown() }),
  localizedAttributes: z.array(z.record(z.string(), z.string())).optional(),
  /** Unicast to each of these users (a batch of a fan-out); Multicast without. */
  users: z.array(UserIdSchema).min(1).max(MAX_TRIGGER_BATCH).optional(),
  /** Set by the sender of the trigger, so that a re-sent trigger is a duplicate, never a second notification. */
  referenceId: z.string().min(1).max(100),
  expiresInMinutes: z.number().int().optional(),
  stage: z.enum(STAGES).optional(),
  /**
   * True when the sender chose the region (--region, --api-endpoint). Otherwise a Unicast event goes to the
   * region the skill has stored for the user.
   */
  explicitEndpoint: z.boolean(),
});
export type TriggerData = z.output<typeof TriggerDataSchema>;

/** The part of an Alexa request the signature covers, and where the trigger sits. */
export interface TriggerRequest {
  version: '1.0';
  session: { new: true; sessionId: string; application: { applicationId: string }; user: { userId: string } };
  context: { System: { application: { applicationId: string }; user: { userId: string }; apiEndpoint: string } };
  request: { type: 'IntentRequest'; requestId: string; timestamp: string; locale: string; intent: { name: string; confirmationStatus: 'NONE' } };
  trigger: { data: TriggerData; signature: string };
}

export interface TriggerRequestParts {
  intent: string;
  data: TriggerData;
  apiEndpoint: string;
  locale: string;
  secret: string;
  now?: () => number;
  requestId?: string;
}

const TRIGGER_USER = 'amzn1.ask.account.proactive-events-trigger';
const TRIGGER_APPLICATION = 'amzn1.ask.skill.proactive-events-trigger';

/** A signed synthetic IntentRequest for a hidden intent. */
export function triggerRequest({ intent, data, apiEndpoint, locale, secret, now = Date.now, requestId = `trigger.${randomUUID()}` }: TriggerRequestParts): TriggerRequest {
  const timestamp = new Date(now()).toISOString();
  return {
    version: '1.0',
    session: { new: true, sessionId: `trigger.${randomUUID()}`, application: { applicationId: TRIGGER_APPLICATION }, user: { userId: TRIGGER_USER } },
    context: { System: { application: { applicationId: TRIGGER_APPLICATION }, user: { userId: TRIGGER_USER }, apiEndpoint } },
    request: { type: 'IntentRequest', requestId, timestamp, locale, intent: { name: intent, confirmationStatus: 'NONE' } },
    trigger: { data, signature: sign(secret, { intent, timestamp, requestId, apiEndpoint, data }) },
  };
}

export type TriggerCheck =
  | { ok: true; intent: string; data: TriggerData; apiEndpoint: string; requestId: string }
  | { ok: false; reason: string; issues?: Issue[] };

/** What the skill needs to check a trigger. */
export interface TriggerCheckOptions {
  /** TRIGGER_SECRET; without one every trigger is refused. */
  secret: string | undefined;
  replays: ReplayStore;
  now?: () => number;
}

/** How a request id fared: seen for the first time, seen before, or not remembered because the store is full. */
export type ReplayUse = 'first' | 'replayed' | 'full';

/**
 * Where the request ids of accepted triggers are remembered while they could still be accepted: a ReplayGuard in
 * memory for one process, or a store all processes share (the skill's DynamoDB table on Lambda).
 */
export interface ReplayStore {
  /** `first` the first time `requestId` is seen within the trigger window; it is remembered from then on. */
  use(requestId: string, now: number): ReplayUse | Promise<ReplayUse>;
}

/** How long a request id must be remembered: a trigger stamped up to 5 minutes ahead stays acceptable 10. */
export const REPLAY_WINDOW_MS = 2 * TRIGGER_MAX_AGE_MS;

/**
 * Checks a request that names a hidden intent: refused when the skill has no secret, when it carries no trigger
 * (a real Alexa request), when the signature is not the secret's over exactly this content, when it is not an
 * IntentRequest for a hidden intent, when it is older than five minutes, or when its request id was seen before.
 * The signature is checked first, so that nothing of a body the owner did not sign is read further or shown. The
 * reason never contains the secret or the signature.
 */
export async function checkTrigger(body: unknown, { secret, replays, now = Date.now }: TriggerCheckOptions): Promise<TriggerCheck> {
  const verified = verifyTrigger(body, { secret, now });
  if (!verified.ok) return verified;
  const shape = TriggerEnvelopeSchema.safeParse(body);
  if (!shape.success) {
    return { ok: false, reason: 'the trigger is malformed', issues: shape.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })) };
  }
  const { request, context, trigger } = shape.data;
  const use = await replays.use(request.requestId, now());
  if (use === 'replayed') return { ok: false, reason: `request ${request.requestId} was already used: a replayed trigger` };
  if (use === 'full') {
    return { ok: false, reason: `over ${MAX_REMEMBERED_TRIGGERS.toLocaleString('en-US')} triggers in ${REPLAY_WINDOW_MS / 60_000} minutes; send fewer, larger batches (--batch-size)` };
  }
  return { ok: true, intent: request.intent.name, data: trigger.data, apiEndpoint: context.System.apiEndpoint, requestId: request.requestId };
}

/**
 * The checks of a trigger that need no memory, which a door makes before it lets one in: signed with `secret`,
 * an IntentRequest for a hidden intent (the signature does not cover the request's type or user, so a captured
 * trigger must not become another kind of request), and at most five minutes old either way. Only the signed
 * fields are read until the signature holds, and no reason says anything of the body, so a request from someone
 * without the secret learns nothing and is never echoed.
 */
export function verifyTrigger(body: unknown, { secret, now = Date.now }: { secret: string | undefined; now?: () => number }): { ok: true } | { ok: false; reason: string } {
  if (!secret) return { ok: false, reason: 'the skill has no TRIGGER_SECRET, so it accepts no trigger' };
  const parts = SignedPartsSchema.safeParse(body);
  if (!parts.success) return { ok: false, reason: 'the request carries no signed trigger' };
  const { request, context, trigger } = parts.data;
  const signed = { intent: request.intent.name, timestamp: request.timestamp, requestId: request.requestId, apiEndpoint: context.System.apiEndpoint, data: trigger.data };
  if (!sameSignature(trigger.signature, sign(secret, signed))) {
    return { ok: false, reason: 'the signature does not match: another secret, or the request was changed after signing' };
  }
  if (request.type !== 'IntentRequest' || !HIDDEN_INTENT_NAMES.includes(request.intent.name)) {
    return { ok: false, reason: 'a trigger is an IntentRequest for a hidden intent; this one was changed after signing' };
  }
  const age = now() - Date.parse(request.timestamp);
  if (Number.isNaN(age) || Math.abs(age) > TRIGGER_MAX_AGE_MS) {
    return { ok: false, reason: `the trigger is ${Math.round(age / 1000)} s old; triggers are accepted for ${TRIGGER_MAX_AGE_MS / 60_000} minutes` };
  }
  return { ok: true };
}

/** True when `body` presents itself as a trigger (whether or not its signature holds). */
export function isTriggerRequest(body: unknown): boolean {
  return body !== null && typeof body === 'object' && Object.hasOwn(body, 'trigger');
}

/** The fields the signature covers; nothing else of the body is looked at before it holds. */
const SignedPartsSchema = z.object({
  context: z.object({ System: z.object({ apiEndpoint: z.string() }) }),
  request: z.object({ type: z.unknown(), requestId: z.string(), timestamp: z.string(), intent: z.object({ name: z.string() }) }),
  trigger: z.object({ data: z.unknown().refine((data) => data !== undefined), signature: z.string() }),
});

const TriggerEnvelopeSchema = SignedPartsSchema.extend({
  trigger: z.object({ data: TriggerDataSchema, signature: z.string() }),
});

/** Request ids a guard remembers at most; a fan-out of 10,000 users in batches of 25 uses 400. */
export const MAX_REMEMBERED_TRIGGERS = 100_000;

/**
 * Remembers the request ids of accepted triggers while they could still be accepted, so that none is used twice.
 * In memory: one process's guard. Several processes (Lambda containers) each keep their own. It holds at most
 * MAX_REMEMBERED_TRIGGERS ids; when full it refuses new triggers rather than forget one that could be replayed.
 */
export class ReplayGuard implements ReplayStore {
  readonly #seen = new Map<string, number>(); // request id -> when it may be forgotten

  constructor(private readonly capacity = MAX_REMEMBERED_TRIGGERS) {}

  /** `first` the first time `requestId` is seen within the trigger window, and it is remembered from then on. */
  use(requestId: string, now: number): ReplayUse {
    for (const [id, forgetAt] of this.#seen) {
      if (forgetAt > now) break; // insertion order is time order
      this.#seen.delete(id);
    }
    if (this.#seen.has(requestId)) return 'replayed';
    if (this.#seen.size >= this.capacity) return 'full';
    this.#seen.set(requestId, now + REPLAY_WINDOW_MS);
    return 'first';
  }
}

function sign(secret: string, { intent, timestamp, requestId, apiEndpoint, data }: { intent: string; timestamp: string; requestId: string; apiEndpoint: string; data: unknown }): string {
  const message = ['proactive-events-trigger', TRIGGER_SIGNATURE_VERSION, intent, timestamp, requestId, apiEndpoint, canonicalJson(data)].join('\n');
  return `${TRIGGER_SIGNATURE_VERSION}=${createHmac('sha256', secret).update(message).digest('hex')}`;
}

function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** JSON with object keys sorted at every level, so that a relay re-serializing the body keeps the signature valid. */
export function canonicalJson(value: unknown): string {
  // Array.from visits holes too: `[, 1]` is `[null,1]`, as JSON.stringify and every relay write it.
  if (Array.isArray(value)) return `[${Array.from(value, (item) => canonicalJson(item === undefined ? null : item)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
