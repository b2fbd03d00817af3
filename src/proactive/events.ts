import { EVENT_DEFINITIONS, type AnyEventDefinition } from './schemas';

export type EventName = AnyEventDefinition['name'];

/** The eight event names, in the order of Amazon's catalog (from the registry in schemas/index.ts). */
export const EVENT_NAMES = EVENT_DEFINITIONS.map((definition) => definition.name) as [EventName, ...EventName[]];

/** The definition of an event by its name. */
export function eventDefinition<Name extends EventName>(name: Name): Extract<AnyEventDefinition, { name: Name }> {
  return EVENT_DEFINITIONS.find((definition) => definition.name === name) as Extract<AnyEventDefinition, { name: Name }>;
}

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
