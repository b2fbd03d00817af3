/**
 * The eight event schemas of the Proactive Events API. This list is the only place that names them; every
 * other module derives what it needs (manifest checks, hidden intent names) from it.
 * @see https://developer.amazon.com/docs/smapi/schemas-for-proactive-events.html
 */
export const EVENT_NAMES = [
  'AMAZON.WeatherAlert.Activated',
  'AMAZON.SportsEvent.Updated',
  'AMAZON.MessageAlert.Activated',
  'AMAZON.OrderStatus.Updated',
  'AMAZON.Occasion.Updated',
  'AMAZON.TrashCollectionAlert.Activated',
  'AMAZON.MediaContent.Available',
  'AMAZON.SocialGameInvite.Available',
] as const;

export type EventName = (typeof EVENT_NAMES)[number];

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && (EVENT_NAMES as readonly string[]).includes(value);
}

/** The event's type, the middle part of its name: `WeatherAlert` for `AMAZON.WeatherAlert.Activated`. */
export function eventType(name: EventName): string {
  return name.split('.')[1];
}

/**
 * The intent that sends this event when a trigger names it (`WeatherAlertIntent`, as in Jovo's tutorial).
 * These intents are hidden: they are never part of the language model, so no utterance can reach them.
 */
export function hiddenIntentName(name: EventName): string {
  return `${eventType(name)}Intent`;
}

export const HIDDEN_INTENT_NAMES: readonly string[] = EVENT_NAMES.map(hiddenIntentName);

/**
 * The permission a user grants so that the skill may send them notifications; the manifest must request it.
 * @see https://developer.amazon.com/docs/smapi/proactive-events-api.html
 */
export const NOTIFICATIONS_PERMISSION = 'alexa::devices:all:notifications:write';
