/**
 * alexa-proactive-events/trigger: signed triggers, for a skill that sends when something happens outside a
 * session. A trigger is a synthetic Alexa `IntentRequest` naming an event's hidden intent, signed with HMAC-SHA256
 * under a secret only the owner and the skill know, for one skill and stage; the skill verifies it before it reads
 * anything else, and refuses a replay.
 */
export { hiddenIntentName, eventOfHiddenIntent } from '../events/names';
// Types of the main entry that this entry's signatures name, so that its users can name them from here too.
export type { EventName } from '../events/names';
export type { Stage } from '../send/regions';
export type { Issue } from '../issues';
export { MAX_TRIGGER_BATCH, MAX_TRIGGER_BYTES, MIN_TRIGGER_SECRET_LENGTH, triggerEnvelope, triggerRequest, triggerSecretProblem } from './sign';
export type { SignedParts, TriggerAudience, TriggerData, TriggerRequest, TriggerRequestParts } from './sign';
export { isTriggerRequest, verifyTrigger } from './verify';
export type { TriggerRefusalCode, TriggerVerdict, VerifiedTrigger, VerifyTriggerOptions } from './verify';
export { REPLAY_WINDOW_MS, ReplayGuard, checkReplay } from './replay';
export type { ReplayStore, ReplayUse } from './replay';
