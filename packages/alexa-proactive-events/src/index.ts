/**
 * alexa-proactive-events: Alexa's Proactive Events API without a framework. The eight event schemas, typed and
 * validated; request building, validation and the notification preview; access tokens and a sender with
 * retries; signed triggers; the subscription rules. The local emulator of Amazon's API is its own entry,
 * `alexa-proactive-events/emulator`, which this one never loads.
 * @see https://developer.amazon.com/docs/smapi/proactive-events-api.html
 */

// The eight events.
export { EVENT_NAMES, NOTIFICATIONS_PERMISSION, SKILL_EVENT_SUBSCRIPTIONS, eventDefinition, eventOfHiddenIntent, hiddenIntentName } from './events/names';
export type { EventName } from './events/names';
export { EVENT_DEFINITIONS } from './events/registry';
export type { AnyEventDefinition } from './events/registry';
export { UNKNOWN_FIELD, isOptionalInput } from './events/common';
export type { EventDefinition, EventInput, EventInputs, Language } from './events/common';
export type { MediaContentAvailablePayload } from './events/MediaContentAvailable';
export type { MessageAlertActivatedPayload } from './events/MessageAlertActivated';
export type { OccasionUpdatedPayload } from './events/OccasionUpdated';
export type { OrderStatusUpdatedPayload } from './events/OrderStatusUpdated';
export type { SocialGameInviteAvailablePayload } from './events/SocialGameInviteAvailable';
export type { SportsEventUpdatedPayload } from './events/SportsEventUpdated';
export type { TrashCollectionAlertActivatedPayload } from './events/TrashCollectionAlertActivated';
export type { WeatherAlertActivatedPayload } from './events/WeatherAlertActivated';

// A request: built, validated, previewed.
export {
  EventSchema,
  LOCALE_PATTERN,
  MAX_EXPIRY_MINUTES,
  MIN_EXPIRY_MINUTES,
  ProactiveEventRequestSchema,
  parseRequest,
  validateRequest,
} from './request/validate';
export type { LocalizedAttributes, ProactiveEvent, ProactiveEventRequest, RelevantAudience, ValidationOptions, ValidationResult } from './request/validate';
export { DEFAULT_EXPIRY_MINUTES, buildRequest, eventFromInputs } from './request/build';
export type { RequestDraft, RequestParts } from './request/build';
export { PreviewError, previewLocales, previewText } from './request/preview';
export { jsonSchemaFiles } from './request/jsonSchema';
export { ProactiveEventsError, isProactiveEventsError } from './errors';
export type { ProactiveEventsErrorCode } from './errors';
export { OptionsError, ValidationError, describeIssue, formatPath, fromZod } from './issues';
export { jsonSyntaxError } from './json';
export { printable, quoted } from './logSafe';
export type { Issue } from './issues';

// Sending.
export { CREDENTIALS_HINT, LWA_TOKEN_URL, PROACTIVE_EVENTS_SCOPE, TokenClient, TokenError } from './send/token';
export type { TokenClientOptions, TokenErrorCode, TokenRecord } from './send/token';
export { DEFAULT_RETRY, ProactiveEventsSender } from './send/sender';
export type { RetryPolicy, SendCheck, SendTarget, SenderOptions } from './send/sender';
export { SendResultSchema, refusedResult } from './send/result';
export { countStatuses, formatSendRecord, formatSummaryRecord, formatTokenRecord, recordLines, sendRecord, summaryRecord, userHash } from './send/record';
export type { RecordHooks, SendRecord, SummaryRecord } from './send/record';
export type { SendResult, SendStatus } from './send/result';
export { postJson } from './send/http';
export type { JsonResponse, PostJson } from './send/http';
export { REGIONS, REGION_ORIGINS, STAGES, originOf, tokenOrigins } from './send/regions';
export type { Region, Stage } from './send/regions';

// Signed triggers.
export { MAX_TRIGGER_BATCH, MAX_TRIGGER_BYTES, MIN_TRIGGER_SECRET_LENGTH, triggerEnvelope, triggerRequest, triggerSecretProblem } from './trigger/sign';
export type { TriggerAudience, TriggerData, TriggerRequest, TriggerRequestParts } from './trigger/sign';
export { isTriggerRequest, verifyTrigger } from './trigger/verify';
export type { TriggerRefusalCode, TriggerVerdict, VerifiedTrigger, VerifyTriggerOptions } from './trigger/verify';
export { REPLAY_WINDOW_MS, ReplayGuard, checkReplay } from './trigger/replay';
export type { ReplayStore, ReplayUse } from './trigger/replay';

// Who is subscribed, and where.
export { CLOCK_SKEW_MS, SubscriberStateSchema, UserIdSchema, admitChange, applySubscriberChange, subscribedEventNames } from './subscriptions';
export type { SubscriberChange, SubscriberPolicy, SubscriberState } from './subscriptions';
