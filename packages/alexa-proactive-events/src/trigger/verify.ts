import { z } from 'zod';
import { eventOfHiddenIntent, type EventName } from '../events/names';
import { formatPath, type Issue } from '../issues';
import { LOCALE_PATTERN } from '../request/validate';
import { quoted } from '../logSafe';
import {
  TRIGGER_MAX_AGE_MS,
  TRIGGER_SIGNATURE_VERSION,
  TriggerDataSchema,
  sameSignature,
  sign,
  triggerEnvelope,
  triggerSecretProblem,
  type TriggerAudience,
  type TriggerData,
  type TriggerRequest,
} from './sign';

/** A trigger whose signature, shape, intent and age hold: what a door hands on to the skill. */
export interface VerifiedTrigger {
  /** The hidden intent, `hiddenIntentName(event)`. */
  intent: string;
  /** The event the trigger sends, named by its intent and its data alike. */
  event: EventName;
  data: TriggerData;
  /** `context.System.apiEndpoint` of the trigger. */
  apiEndpoint: string;
  /** `request.requestId`: what a replay guard remembers. */
  requestId: string;
  /**
   * The trigger as an Alexa request of its signed parts alone (and its locale, or en-US): what a door hands on to
   * the skill instead of the body that came in.
   */
  request: TriggerRequest;
}

/**
 * Why a trigger is refused: the verifier has no `secret` (`ERR_NO_SECRET`) or one too short to be safe
 * (`ERR_WEAK_SECRET`); the body carries no signed trigger (`ERR_NOT_SIGNED`); it is signed with another version of
 * the signature (`ERR_SIGNATURE_VERSION`) or another secret, or changed after signing (`ERR_SIGNATURE`); it is no
 * IntentRequest for a hidden intent (`ERR_NOT_HIDDEN_INTENT`); it is too old or too far ahead (`ERR_TRIGGER_AGE`);
 * its data is malformed (`ERR_TRIGGER_MALFORMED`) or names another event than its intent (`ERR_EVENT_MISMATCH`);
 * it is signed for another skill or stage (`ERR_AUDIENCE`).
 */
export type TriggerRefusalCode =
  | 'ERR_NO_SECRET'
  | 'ERR_WEAK_SECRET'
  | 'ERR_NOT_SIGNED'
  | 'ERR_SIGNATURE_VERSION'
  | 'ERR_SIGNATURE'
  | 'ERR_NOT_HIDDEN_INTENT'
  | 'ERR_TRIGGER_AGE'
  | 'ERR_TRIGGER_MALFORMED'
  | 'ERR_EVENT_MISMATCH'
  | 'ERR_AUDIENCE';

/** A verified trigger, or why it is refused: a code to branch on, a reason for people, the problems of a malformed one. */
export type TriggerVerdict = { ok: true; trigger: VerifiedTrigger } | { ok: false; code: TriggerRefusalCode; reason: string; issues?: Issue[] };

/** What verifying a trigger needs. */
export interface VerifyTriggerOptions {
  /** The secret triggers are signed with, shared with whoever signs them; without one every trigger is refused. */
  secret: string | undefined;
  /** This deployment: a trigger signed for another skill or stage is refused, whatever secret they share. */
  audience: TriggerAudience;
  /**
   * Milliseconds since the epoch: a trigger more than five minutes older or younger is refused.
   * @default Date.now
   */
  now?: () => number;
}

/**
 * Everything about a trigger that needs no memory, checked once, at the door: signed with `secret` over exactly
 * this content, for this `audience` (the skill and the stage), an IntentRequest for the hidden intent of the event it carries (the signature does not cover the
 * request's type or user, so a captured trigger must not become another kind of request), at most five minutes old
 * either way, and of the trigger's shape. Only the signed fields are read until the signature holds, and no reason
 * says anything of a body the owner did not sign, so a request from someone without the secret learns nothing and
 * is never echoed. The reason never contains the secret or the signature. Replays are the skill's to catch
 * (`ReplayStore`): they need memory.
 */
export function verifyTrigger(body: unknown, { secret, audience, now = Date.now }: VerifyTriggerOptions): TriggerVerdict {
  if (!secret) return { ok: false, code: 'ERR_NO_SECRET', reason: `the verifier's secret is ${secret === '' ? 'empty' : 'missing'}, so it accepts no trigger` };
  const weak = triggerSecretProblem(secret);
  if (weak) return { ok: false, code: 'ERR_WEAK_SECRET', reason: `the verifier's secret is ${weak}, so it accepts no trigger` };
  const parts = SignedPartsSchema.safeParse(body);
  if (!parts.success) return { ok: false, code: 'ERR_NOT_SIGNED', reason: 'the request carries no signed trigger' };
  const { request, context, trigger } = parts.data;
  if (!trigger.signature.startsWith(`${TRIGGER_SIGNATURE_VERSION}=`)) {
    const version = /^(v\d{1,3})=/.exec(trigger.signature)?.[1];
    if (version) return { ok: false, code: 'ERR_SIGNATURE_VERSION', reason: `the trigger is signed as ${version}; this skill takes ${TRIGGER_SIGNATURE_VERSION} (update what signed it)` };
    return { ok: false, code: 'ERR_SIGNATURE', reason: 'the signature does not match: another secret, or the request was changed after signing' };
  }
  const signed = { skillId: context.System.application.applicationId, intent: request.intent.name, timestamp: request.timestamp, requestId: request.requestId, apiEndpoint: context.System.apiEndpoint, data: trigger.data };
  if (!sameSignature(trigger.signature, sign(secret, signed))) {
    return { ok: false, code: 'ERR_SIGNATURE', reason: 'the signature does not match: another secret, or the request was changed after signing' };
  }
  const event = eventOfHiddenIntent(request.intent.name);
  if (request.type !== 'IntentRequest' || !event) {
    return { ok: false, code: 'ERR_NOT_HIDDEN_INTENT', reason: 'a trigger is an IntentRequest for a hidden intent; this one was changed after signing' };
  }
  const age = now() - Date.parse(request.timestamp);
  if (Number.isNaN(age) || Math.abs(age) > TRIGGER_MAX_AGE_MS) {
    return { ok: false, code: 'ERR_TRIGGER_AGE', reason: `the trigger is ${Math.round(age / 1000)} s old; triggers are accepted for ${TRIGGER_MAX_AGE_MS / 60_000} minutes` };
  }
  const data = TriggerDataSchema.safeParse(trigger.data);
  if (!data.success) {
    const issues = data.error.issues.map((issue) => ({ path: formatPath(['trigger', 'data', ...issue.path]), message: issue.message }));
    return { ok: false, code: 'ERR_TRIGGER_MALFORMED', reason: 'the trigger is malformed', issues };
  }
  if (data.data.event.name !== event) {
    return { ok: false, code: 'ERR_EVENT_MISMATCH', reason: `${request.intent.name} sends ${event}, not ${data.data.event.name}` };
  }
  if (signed.skillId !== audience.skillId || data.data.stage !== audience.stage) {
    const wrong = signed.skillId !== audience.skillId ? 'skill' : 'stage';
    return {
      ok: false,
      code: 'ERR_AUDIENCE',
      reason:
        `the trigger is for the skill ${quoted(signed.skillId)} at the ${data.data.stage} stage, and this is the skill ${quoted(audience.skillId)} at the ${audience.stage} stage: ` +
        `another ${wrong}; sign it for this one`,
    };
  }
  const locale = typeof request.locale === 'string' && LOCALE_PATTERN.test(request.locale) ? request.locale : 'en-US';
  const envelope = triggerEnvelope({ ...signed, data: data.data }, trigger.signature, locale);
  return { ok: true, trigger: { intent: request.intent.name, event, data: data.data, apiEndpoint: signed.apiEndpoint, requestId: signed.requestId, request: envelope } };
}

/** True when `body` presents itself as a trigger (whether or not its signature holds). */
export function isTriggerRequest(body: unknown): boolean {
  return body !== null && typeof body === 'object' && Object.hasOwn(body, 'trigger');
}

/** The fields the signature covers; nothing else of the body is looked at before it holds. */
const SignedPartsSchema = z.object({
  context: z.object({ System: z.object({ application: z.object({ applicationId: z.string() }), apiEndpoint: z.string() }) }),
  request: z.object({ type: z.unknown(), requestId: z.string(), timestamp: z.string(), locale: z.unknown(), intent: z.object({ name: z.string() }) }),
  trigger: z.object({ data: z.unknown().refine((data) => data !== undefined), signature: z.string() }),
});
