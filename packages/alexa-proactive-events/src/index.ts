/**
 * alexa-proactive-events: Alexa's Proactive Events API without a framework. The eight events typed by name;
 * requests built, validated and previewed; access tokens and a sender with retries for every region and stage;
 * the rules of a user's subscriptions; one error base. The local emulator of Amazon's API is its own entry,
 * `alexa-proactive-events/emulator`, which this one never loads.
 * @see https://developer.amazon.com/docs/smapi/proactive-events-api.html
 */

// The eight events.
export { EVENT_NAMES, NOTIFICATIONS_PERMISSION } from './events/names';
export type { EventName } from './events/names';

// A request: built, validated, previewed.
export { buildRequest } from './request/build';
export type { RequestDraft, RequestParts } from './request/build';
export { validateRequest } from './request/validate';
export type { EventPayload, LocalizedAttributes, ProactiveEvent, ProactiveEventRequest, ValidationOptions, ValidationResult } from './request/validate';
export { PreviewError, previewText } from './request/preview';

// Errors.
export { ProactiveEventsError, isProactiveEventsError } from './errors';
export type { ProactiveEventsErrorCode } from './errors';
export { OptionsError, ValidationError } from './issues';
export type { Issue } from './issues';

// Tokens and sending.
export { TokenClient, TokenError } from './send/token';
export type { TokenClientOptions, TokenErrorCode, TokenRecord } from './send/token';
export { ProactiveEventsSender } from './send/sender';
export type { RetryPolicy, SendCheck, SendTarget, SenderOptions } from './send/sender';
export type { SendResult, SendStatus } from './send/result';
export type { SendRecord, SummaryRecord } from './send/record';
export { tokenOrigins } from './send/regions';
export type { Region, Stage } from './send/regions';

// Who is subscribed to what.
export { admitChange, applySubscriberChange, subscribedEventNames } from './subscriptions';
export type { SubscriberChange, SubscriberPolicy, SubscriberState } from './subscriptions';
