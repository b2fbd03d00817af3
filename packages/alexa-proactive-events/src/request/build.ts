import { randomUUID } from 'crypto';
import { eventDefinition, type EventName } from '../events/names';
import type { LocalizedAttributes, ProactiveEvent, ProactiveEventRequest } from './validate';
import { LOCALIZED_ATTRIBUTE_PREFIX, type EventInputs } from '../events/common';

/** How long an event lives unless its sender says otherwise, in minutes. */
export const DEFAULT_EXPIRY_MINUTES = 60;

/**
 * An event whose type says nothing of its payload: read from JSON, built from CLI flags (`eventFromInputs`), or
 * carried by a trigger. `buildRequest` and the sender take it as well; `validateRequest` checks it at run time.
 */
export interface UntypedEvent {
  name: string;
  payload: unknown;
}

/**
 * Like the request's fields, but unchecked: `validateRequest` checks the draft. `Event` is the event's type: typed by
 * its name (`ProactiveEvent<Name>`, the default any of the eight) or an `UntypedEvent`.
 */
export interface RequestParts<Event extends { name: string; payload: unknown } = ProactiveEvent> {
  event: Event;
  localizedAttributes?: LocalizedAttributes | ReadonlyArray<Record<string, string>>;
  /** A user id for Unicast; without one, Multicast to every subscriber. */
  user?: string;
  /** Kept when given: it is the idempotency key. A new UUID otherwise. */
  referenceId?: string;
  expiresInMinutes?: number;
  /** The clock, read once for both `timestamp` and `expiryTime`. */
  now?: () => Date;
}

/** A request body with the defaults filled in; it still has to pass `validateRequest`. */
export interface RequestDraft<Event extends { name: string; payload: unknown } = ProactiveEvent> {
  timestamp: string;
  referenceId: string;
  expiryTime: string;
  event: Event;
  localizedAttributes?: RequestParts['localizedAttributes'];
  relevantAudience: ProactiveEventRequest['relevantAudience'];
}

/**
 * Puts an event into a request body: `timestamp` now and `expiryTime` `expiresInMinutes` later (one clock
 * read, so the window is exact), a generated referenceId unless one is given, and the audience.
 *
 * The payload's type follows the event's name, so a field the event does not have, a missing required one or a
 * value outside an enumeration fails the type check:
 * `buildRequest({ event: { name: 'AMAZON.WeatherAlert.Activated', payload: { weatherAlert: { alertType: 'TORNADO' } } } })`.
 */
export function buildRequest<Name extends EventName>(parts: RequestParts<ProactiveEvent<Name>>): RequestDraft<ProactiveEvent<Name>>;
/**
 * An event whose payload is typed `unknown` (an `UntypedEvent`: read from a file, built from CLI flags): the draft is
 * checked at run time only, by `validateRequest` or the sender, as every draft is. A payload of any other type must
 * match its event's schema (the signature above).
 */
// `unknown extends Payload` holds only for `unknown` and `any`: a payload typed otherwise, but wrongly, fails here
// too instead of slipping through the looser signature.
export function buildRequest<Payload>(parts: RequestParts<{ name: string; payload: unknown extends Payload ? Payload : never }>): RequestDraft<{ name: string; payload: unknown }>;
export function buildRequest({ event, localizedAttributes, user, referenceId, expiresInMinutes = DEFAULT_EXPIRY_MINUTES, now = () => new Date() }: RequestParts<UntypedEvent>): RequestDraft<UntypedEvent> {
  const timestamp = now();
  return {
    timestamp: timestamp.toISOString(),
    referenceId: referenceId ?? randomUUID(),
    expiryTime: new Date(timestamp.getTime() + expiresInMinutes * 60_000).toISOString(),
    event,
    ...(localizedAttributes && { localizedAttributes }),
    relevantAudience: user === undefined ? { type: 'Multicast', payload: {} } : { type: 'Unicast', payload: { user } },
  };
}

/**
 * Builds an event from plain inputs, one per payload field (see each schema's `inputs`). Localizable texts go
 * into localizedAttributes, the same value for each of `locales`, and the payload refers to them. Values are
 * only converted (numbers, comma-separated lists), not checked: `validateRequest` names what is wrong, and the
 * payload's type is `unknown` (see `UntypedEvent`).
 */
export function eventFromInputs(
  name: EventName,
  inputs: EventInputs,
  locales: readonly string[] = ['en-US'],
): { event: { name: EventName; payload: unknown }; localizedAttributes?: LocalizedAttributes } {
  const payload: Record<string, unknown> = {};
  const attributes: Record<string, string> = {};
  for (const input of eventDefinition(name).inputs) {
    const raw = inputs[input.flag]?.trim();
    if (raw === undefined || raw === '') continue;
    let value: unknown = raw;
    if (input.kind === 'integer' && /^-?\d+$/.test(raw)) value = Number(raw);
    if (input.kind === 'list') value = raw.split(',').map((item) => item.trim()).filter((item) => item !== '');
    if (input.localizedKey) {
      attributes[input.localizedKey] = raw;
      value = `${LOCALIZED_ATTRIBUTE_PREFIX}${input.localizedKey}`;
    }
    setAt(payload, input.path, value);
  }
  const localized = Object.keys(attributes).length > 0;
  return {
    event: { name, payload },
    ...(localized && { localizedAttributes: locales.map((locale) => ({ locale, ...attributes })) }),
  };
}

function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let at = target;
  for (const key of path.slice(0, -1)) {
    at[key] ??= {};
    at = at[key] as Record<string, unknown>;
  }
  at[path[path.length - 1]] = value;
}
