import { buildRequest, type EventName, type LocalizedAttributes, type SendResult, type Stage } from 'alexa-proactive-events';
import { refusedResult } from 'alexa-proactive-events/internal';
import type { PluginServices } from './services';

/** An event whose payload the sender's validation is yet to check (a trigger's). */
export interface UncheckedEvent {
  name: EventName;
  payload: unknown;
}

/** Whom a handler's send reaches, and the rest of the request. */
export interface SendOptions {
  /**
   * `user`: Unicast to the user of this request. `all`: Multicast to every subscriber, in this request's region.
   * @default 'user'
   */
  to?: 'user' | 'all';
  /**
   * A value for every `localizedattribute:<key>` of the payload, per locale.
   * @default undefined: the request has no localizedAttributes, so the payload may refer to none
   * @see https://developer.amazon.com/docs/smapi/proactive-events-api-reference.html
   */
  localizedAttributes?: LocalizedAttributes | ReadonlyArray<Record<string, string>>;
  /**
   * The idempotency key.
   * @default a new UUID (`randomUUID()`)
   * @see https://developer.amazon.com/docs/smapi/proactive-events-api-reference.html
   */
  referenceId?: string;
  /**
   * How long the event may be delivered for, from now, in minutes: the request's `expiryTime`.
   * @default the plugin's `expiresInMinutes` (60 unless set)
   * @see https://developer.amazon.com/docs/smapi/proactive-events-api-reference.html
   */
  expiresInMinutes?: number;
  /**
   * The stage the event is sent at.
   * @default the sender's stage
   * @see https://developer.amazon.com/docs/smapi/proactive-events-api-reference.html
   */
  stage?: Stage;
}

/** Where one send goes: to `user` (Unicast) or every subscriber (without one), through `apiEndpoint`. */
export type SendTarget = Omit<SendOptions, 'to'> & { user?: string; apiEndpoint: string };

/**
 * Sends one event with the plugin's sender: the request built with the plugin's defaults, validated and sent by
 * the sender. Refused, sending nothing, for an event the plugin does not publish, or without a sender.
 */
export async function sendEvent(
  plugin: PluginServices,
  event: UncheckedEvent,
  { user, apiEndpoint, localizedAttributes, referenceId, expiresInMinutes, stage }: SendTarget,
): Promise<SendResult> {
  const sender = plugin.sender;
  const unpublished = unpublishedResult(plugin, event.name, referenceId ?? null);
  if (unpublished || !sender) {
    const result = unpublished ?? refusedResult(event.name, referenceId ?? null, 'The skill cannot send events: set ALEXA_CLIENT_ID and ALEXA_CLIENT_SECRET');
    return user === undefined ? result : { ...result, user };
  }
  const body = buildRequest({
    event,
    localizedAttributes,
    user,
    referenceId,
    expiresInMinutes: expiresInMinutes ?? plugin.expiresInMinutes,
    now: () => new Date(plugin.now()),
  });
  return sender.send(body, { apiEndpoint, stage });
}

/**
 * `sendEvent` of one event to each of many users (a trigger's batch): the request is built once, and its event
 * validated once, by the sender's `unicast`; each user's send checks that user alone. What each user gets is what
 * `sendEvent` would give them, refusals included.
 */
export function unicastEvent(plugin: PluginServices, event: UncheckedEvent, options: Omit<SendTarget, 'user' | 'apiEndpoint'>): (user: string, apiEndpoint: string) => Promise<SendResult> {
  const sender = plugin.sender;
  if (!sender || unpublishedResult(plugin, event.name, options.referenceId ?? null)) return (user, apiEndpoint) => sendEvent(plugin, event, { ...options, user, apiEndpoint });
  const { localizedAttributes, referenceId, expiresInMinutes, stage } = options;
  const send = sender.unicast(buildRequest({ event, localizedAttributes, referenceId, expiresInMinutes: expiresInMinutes ?? plugin.expiresInMinutes, now: () => new Date(plugin.now()) }));
  return (user, apiEndpoint) => send(user, { apiEndpoint, stage });
}

/** The refusal of an event the plugin was not told to publish (its `events`), whatever the sender would take. */
export function unpublishedResult(plugin: PluginServices, name: string, referenceId: string | null): SendResult | undefined {
  if ((plugin.events as readonly string[]).includes(name)) return undefined;
  const message = `is not one of the events this skill publishes (the plugin's events: ${plugin.events.join(', ')}); add it there, and to the skill's manifest, to send it; nothing was sent`;
  return refusedResult(name as EventName, referenceId, '', [{ path: 'event.name', message, value: name }]);
}
