import { EVENT_DEFINITIONS, type AnyEventDefinition } from './registry';
import type { Holds, SameType } from '../typeCheck';

/** One of the eight event names: `AMAZON.WeatherAlert.Activated`, …. */
// Written out so that users read the names; the check below keeps it the registry's.
export type EventName =
  | 'AMAZON.WeatherAlert.Activated'
  | 'AMAZON.SportsEvent.Updated'
  | 'AMAZON.MessageAlert.Activated'
  | 'AMAZON.OrderStatus.Updated'
  | 'AMAZON.Occasion.Updated'
  | 'AMAZON.TrashCollectionAlert.Activated'
  | 'AMAZON.MediaContent.Available'
  | 'AMAZON.SocialGameInvite.Available';
/** Fails to compile when an event is added to or removed from the registry without its name here. */
export type EventNameMatchesRegistry = Holds<SameType<EventName, AnyEventDefinition['name']>>;

/** The eight event names, in the order of Amazon's catalog (from the registry). */
export const EVENT_NAMES = EVENT_DEFINITIONS.map((definition) => definition.name) as [EventName, ...EventName[]];

/** The definition of an event by its name. */
export function eventDefinition<Name extends EventName>(name: Name): Extract<AnyEventDefinition, { name: Name }> {
  return EVENT_DEFINITIONS.find((definition) => definition.name === name) as Extract<AnyEventDefinition, { name: Name }>;
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

/** The one list of hidden intents: each names the event it sends. */
const HIDDEN_INTENTS: ReadonlyMap<string, EventName> = new Map(EVENT_NAMES.map((name) => [hiddenIntentName(name), name]));

/** The event a hidden intent sends (`WeatherAlertIntent` -> `AMAZON.WeatherAlert.Activated`); undefined for any other intent. */
export function eventOfHiddenIntent(intent: string): EventName | undefined {
  return HIDDEN_INTENTS.get(intent);
}

/**
 * The permission a user grants so that the skill may send them notifications; the manifest must request it.
 * @see https://developer.amazon.com/docs/smapi/proactive-events-api.html
 */
export const NOTIFICATIONS_PERMISSION = 'alexa::devices:all:notifications:write';

/**
 * The skill events a manifest subscribes to so that the skill keeps each user's subscriptions and region
 * (`events.subscriptions`).
 * @see https://developer.amazon.com/docs/smapi/skill-events-in-alexa-skills.html
 */
export const SKILL_EVENT_SUBSCRIPTIONS = ['SKILL_PROACTIVE_SUBSCRIPTION_CHANGED', 'SKILL_ENABLED', 'SKILL_DISABLED'] as const;
