/**
 * alexa-proactive-events/internal: what the library shares with jovo-plugin-proactive-events and the template
 * built on both: the event registry, schemas, records and the helpers under them. It follows no
 * semantic versioning: use the main entry, whose names are kept; this one changes with any release, and the plugin
 * depends on exactly the library version it was built with.
 */

// The event registry and its views.
export { SKILL_EVENT_SUBSCRIPTIONS, eventDefinition } from './events/names';
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

// Schemas and request helpers.
export { EventSchema, LOCALE_PATTERN, MAX_EXPIRY_MINUTES, MIN_EXPIRY_MINUTES, ProactiveEventRequestSchema, parseRequest } from './request/validate';
export type { RelevantAudience } from './request/validate';
export { DEFAULT_EXPIRY_MINUTES, eventFromInputs } from './request/build';
export { previewLocales } from './request/preview';
export { jsonSchemaFiles } from './request/jsonSchema';
export { describeIssue, formatPath, fromZod } from './issues';
export { jsonSyntaxError } from './json';
export { printable, quoted } from './logSafe';

// Sending: defaults, transport, records.
export { CREDENTIALS_HINT, LWA_TOKEN_URL, PROACTIVE_EVENTS_SCOPE } from './send/token';
export { DEFAULT_RETRY } from './send/sender';
export { SendResultSchema, refusedResult } from './send/result';
export { countStatuses, formatSendRecord, formatSummaryRecord, formatTokenRecord, recordLines, sendRecord, summaryRecord, userHash } from './send/record';
export type { RecordHooks } from './send/record';
export { batchedLines } from './send/batchedLines';
export { DigestSet } from './send/digestSet';
export { getJson, postJson } from './send/http';
export type { JsonResponse, PostJson } from './send/http';
export { REGIONS, REGION_ORIGINS, STAGES, originOf } from './send/regions';

// Subscriptions.
export { CLOCK_SKEW_MS, SubscriberStateSchema, UserIdSchema, isTimeZone } from './subscriptions';

// Triggers: what a trigger's data may be, for the fan-out's queued batches.
export { TriggerDataSchema } from './trigger/sign';

// Compile-time checks that a type written out by hand stays its schema's.
export type { Holds, SameType } from './typeCheck';
