import { z } from 'zod';
import { EVENT_NAMES, type EventName } from './events';
import { formatPath, fromZod, type Issue, ValidationError } from './issues';
import { EVENT_DEFINITIONS, type AnyEventDefinition } from './schemas';
import { LOCALIZED_ATTRIBUTE_PREFIX, dateTime, strictObject, type EventDefinition } from './schemas/common';

/**
 * The body of `POST /v1/proactiveEvents`: the event and everything Amazon needs to deliver it.
 * @see https://developer.amazon.com/docs/smapi/proactive-events-api-reference.html
 */

export const LOCALE_PATTERN = /^[a-z]{2}-[A-Z]{2}$/;
export const MIN_EXPIRY_MINUTES = 5;
export const MAX_EXPIRY_MINUTES = 24 * 60;

type EventObject<Definition> =
  Definition extends EventDefinition<infer Name, infer Payload> ? z.ZodObject<{ name: z.ZodLiteral<Name>; payload: Payload }, z.core.$strict> : never;
/** Maps the registry's tuple element by element, so the union below keeps each name with its own payload. */
type EventObjects<Definitions extends readonly unknown[]> = { -readonly [K in keyof Definitions]: EventObject<Definitions[K]> };

function eventObject(definition: AnyEventDefinition) {
  return strictObject({ name: z.literal(definition.name), payload: definition.payload });
}

/** `{ name, payload }` for each of the eight events; the name selects the payload schema. */
export const EventSchema = z.discriminatedUnion(
  'name',
  EVENT_DEFINITIONS.map(eventObject) as unknown as EventObjects<typeof EVENT_DEFINITIONS>,
);
export type ProactiveEvent = z.output<typeof EventSchema>;

/** One entry per locale: the locale and a value for every `localizedattribute:<key>` the payload uses. */
export const LocalizedAttributesSchema = z
  .array(z.object({ locale: z.string().regex(LOCALE_PATTERN, 'expected a locale like "en-US"') }).catchall(z.string().min(1)))
  .min(1);
export type LocalizedAttributes = z.output<typeof LocalizedAttributesSchema>;

/** Multicast: every user subscribed to the event. Unicast: one user, by the skill's user id. */
export const RelevantAudienceSchema = z.discriminatedUnion('type', [
  strictObject({ type: z.literal('Multicast'), payload: strictObject({}) }),
  strictObject({ type: z.literal('Unicast'), payload: strictObject({ user: z.string().min(1) }) }),
]);
export type RelevantAudience = z.output<typeof RelevantAudienceSchema>;

export const ProactiveEventRequestSchema = strictObject({
  timestamp: dateTime,
  /** The idempotency key: Amazon answers 409 to the same referenceId for the same audience. */
  referenceId: z.string().min(1).max(100),
  expiryTime: dateTime,
  event: EventSchema,
  localizedAttributes: LocalizedAttributesSchema.optional(),
  relevantAudience: RelevantAudienceSchema,
});
export type ProactiveEventRequest = z.output<typeof ProactiveEventRequestSchema>;

export type ValidationResult =
  | { ok: true; request: ProactiveEventRequest; warnings: Issue[] }
  | { ok: false; issues: Issue[]; warnings: Issue[] };

export interface ValidationOptions {
  /** The events the skill publishes (app.json); any other event is refused. */
  publishedEvents?: readonly EventName[];
}

/**
 * Checks a request body the way Amazon documents it and reports every problem at once. Beyond each field's
 * schema: `expiryTime` 5 minutes to 24 hours after `timestamp`, and every `localizedattribute:<key>` of the
 * payload given in every localizedAttributes entry (an entry key nothing uses is a warning).
 */
export function validateRequest(input: unknown, { publishedEvents }: ValidationOptions = {}): ValidationResult {
  const parsed = ProactiveEventRequestSchema.safeParse(input);
  const issues = parsed.success ? [] : fromZod(parsed.error.issues, input);
  const flagged = new Set(issues.map((issue) => issue.path));
  const warnings: Issue[] = [];
  checkExpiry(input, issues);
  checkLocalizedAttributes(input, flagged, issues, warnings);
  const name = (input as { event?: { name?: unknown } } | null)?.event?.name;
  if (publishedEvents && typeof name === 'string' && EVENT_NAMES.includes(name as EventName) && !publishedEvents.includes(name as EventName)) {
    issues.push({ path: 'event.name', message: `not published by this skill; it publishes ${publishedEvents.join(', ')} (app.json)`, value: name });
  }
  return parsed.success && issues.length === 0 ? { ok: true, request: parsed.data, warnings } : { ok: false, issues, warnings };
}

/** `validateRequest`, throwing a ValidationError that lists every problem when the request is invalid. */
export function parseRequest(input: unknown, options?: ValidationOptions): { request: ProactiveEventRequest; warnings: Issue[] } {
  const result = validateRequest(input, options);
  if (!result.ok) throw new ValidationError(result.issues, result.warnings);
  return { request: result.request, warnings: result.warnings };
}

function checkExpiry(input: unknown, issues: Issue[]): void {
  const { timestamp, expiryTime } = (input ?? {}) as { timestamp?: unknown; expiryTime?: unknown };
  if (!dateTime.safeParse(timestamp).success || !dateTime.safeParse(expiryTime).success) return;
  const seconds = (Date.parse(expiryTime as string) - Date.parse(timestamp as string)) / 1000;
  if (seconds < MIN_EXPIRY_MINUTES * 60 || seconds > MAX_EXPIRY_MINUTES * 60) {
    const relation = seconds < 0 ? `${duration(-seconds)} before it` : `${duration(seconds)} after it`;
    issues.push({
      path: 'expiryTime',
      message: `must be ${MIN_EXPIRY_MINUTES} minutes to 24 hours after timestamp ${timestamp as string}; it is ${relation}`,
      value: expiryTime,
    });
  }
}

/** "4 minutes 59 seconds", "24 hours 1 second". */
function duration(totalSeconds: number): string {
  const parts: string[] = [];
  const units: Array<[number, string]> = [[86400, 'day'], [3600, 'hour'], [60, 'minute'], [1, 'second']];
  let rest = Math.round(totalSeconds);
  for (const [size, unit] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
  }
  return parts.join(' ') || `${Math.round(totalSeconds * 1000)} milliseconds`;
}

function checkLocalizedAttributes(input: unknown, flagged: ReadonlySet<string>, issues: Issue[], warnings: Issue[]): void {
  const references = new Map<string, string>(); // key -> first payload path that uses it
  collectReferences((input as { event?: { payload?: unknown } } | null)?.event?.payload, ['event', 'payload'], (key, path) => {
    if (flagged.has(path)) return; // already refused, e.g. a field Amazon does not localize
    if (key === '') issues.push({ path, message: 'names no attribute: write localizedattribute:<key>', value: LOCALIZED_ATTRIBUTE_PREFIX });
    else if (!references.has(key)) references.set(key, path);
  });
  const entries = (input as { localizedAttributes?: unknown } | null)?.localizedAttributes;
  if (!Array.isArray(entries)) {
    if (references.size > 0 && entries === undefined) {
      const [key, path] = references.entries().next().value!;
      issues.push({ path: 'localizedAttributes', message: `required: ${path} uses localizedattribute:${key}` });
    }
    return;
  }
  const seen = new Map<string, number>();
  entries.forEach((entry: unknown, index) => {
    if (entry === null || typeof entry !== 'object') return; // the schema has refused it
    const attributes = entry as Record<string, unknown>;
    if (typeof attributes.locale === 'string') {
      const first = seen.get(attributes.locale);
      if (first !== undefined) {
        issues.push({ path: `localizedAttributes[${index}].locale`, message: `already given in localizedAttributes[${first}]`, value: attributes.locale });
      } else seen.set(attributes.locale, index);
    }
    for (const [key, path] of references) {
      if (attributes[key] === undefined) {
        issues.push({ path: `localizedAttributes[${index}].${key}`, message: `required: ${path} uses localizedattribute:${key}` });
      }
    }
    for (const key of Object.keys(attributes)) {
      if (key !== 'locale' && !references.has(key)) {
        warnings.push({ path: `localizedAttributes[${index}].${key}`, message: `not used: no payload field says localizedattribute:${key}` });
      }
    }
  });
}

/** Calls `found(key, path)` for every `localizedattribute:<key>` string in the payload. */
function collectReferences(value: unknown, path: PropertyKey[], found: (key: string, path: string) => void): void {
  if (typeof value === 'string') {
    if (value.startsWith(LOCALIZED_ATTRIBUTE_PREFIX)) found(value.slice(LOCALIZED_ATTRIBUTE_PREFIX.length), formatPath(path));
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => collectReferences(item, [...path, index], found));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) collectReferences(item, [...path, key], found);
  }
}
