/**
 * The Proactive Events library: no Jovo import anywhere below this folder, so plain Node code and other
 * frameworks can use it alone. Everything it offers is named here.
 */
export {
  EVENT_NAMES,
  HIDDEN_INTENT_NAMES,
  NOTIFICATIONS_PERMISSION,
  eventDefinition,
  eventType,
  hiddenIntentName,
  isEventName,
} from './events';
export type { EventName } from './events';
export { EVENT_DEFINITIONS } from './schemas';
export type { AnyEventDefinition } from './schemas';
export type { MediaContentAvailablePayload } from './schemas/MediaContentAvailable';
export type { MessageAlertActivatedPayload } from './schemas/MessageAlertActivated';
export type { OccasionUpdatedPayload } from './schemas/OccasionUpdated';
export type { OrderStatusUpdatedPayload } from './schemas/OrderStatusUpdated';
export type { SocialGameInviteAvailablePayload } from './schemas/SocialGameInviteAvailable';
export type { SportsEventUpdatedPayload } from './schemas/SportsEventUpdated';
export type { TrashCollectionAlertActivatedPayload } from './schemas/TrashCollectionAlertActivated';
export type { WeatherAlertActivatedPayload } from './schemas/WeatherAlertActivated';
export { LOCALIZED_ATTRIBUTE_PREFIX, readableDate, spokenList } from './schemas/common';
export type { EventDefinition, EventInput, EventInputs, Language } from './schemas/common';
export {
  EventSchema,
  LOCALE_PATTERN,
  LocalizedAttributesSchema,
  MAX_EXPIRY_MINUTES,
  MIN_EXPIRY_MINUTES,
  ProactiveEventRequestSchema,
  RelevantAudienceSchema,
  parseRequest,
  validateRequest,
} from './request';
export type {
  LocalizedAttributes,
  ProactiveEvent,
  ProactiveEventRequest,
  RelevantAudience,
  ValidationOptions,
  ValidationResult,
} from './request';
export { DEFAULT_EXPIRY_MINUTES, buildRequest, eventFromInputs } from './build';
export type { RequestDraft, RequestParts } from './build';
export { jsonSchemaFiles } from './jsonSchema';
export { PREVIEW_LANGUAGES, PreviewError, previewLocales, previewText } from './preview';
export { ValidationError, describeIssue, formatPath, fromZod } from './issues';
export type { Issue } from './issues';
export {
  CLOCK_SKEW_MS,
  MAX_USER_ID_BYTES,
  SubscriberStateSchema,
  UserIdSchema,
  admitChange,
  applySubscriberChange,
  isAtLeastAsNew,
  subscribedEventNames,
} from './subscriptions';
export type { SubscriberChange, SubscriberPolicy, SubscriberState } from './subscriptions';
export { REGIONS, REGION_ORIGINS, STAGES, eventsUrl, isRegion, originOf, tokenOrigins } from './regions';
export type { Region, Stage } from './regions';
export { CREDENTIALS_HINT, LWA_TOKEN_URL, PROACTIVE_EVENTS_SCOPE, TokenClient, TokenError } from './token';
export type { Credentials, TokenClientOptions, TokenErrorCode } from './token';
export { verdictFor } from './outcomes';
export type { Verdict } from './outcomes';
export { DEFAULT_RETRY, ProactiveEventsSender, retryAfterMs } from './sender';
export { networkCause, postJson } from './http';
export type { JsonResponse, PostJson } from './http';
export type { RetryPolicy, SendResult, SendStatus, SendTarget, SenderOptions } from './sender';
export { createEmulator } from './emulator';
export type { AcceptedEvent, Emulator, EmulatorOptions, ReceivedRequest } from './emulator';
export type { FaultOptions } from './emulator/faults';
export {
  MAX_REMEMBERED_TRIGGERS,
  MAX_TRIGGER_BATCH,
  MIN_TRIGGER_SECRET_LENGTH,
  REPLAY_WINDOW_MS,
  ReplayGuard,
  TRIGGER_MAX_AGE_MS,
  TriggerDataSchema,
  canonicalJson,
  checkTrigger,
  isTriggerRequest,
  triggerRequest,
  verifyTrigger,
} from './trigger';
export type { ReplayStore, ReplayUse, TriggerCheck, TriggerCheckOptions, TriggerData, TriggerRequest, TriggerRequestParts } from './trigger';
