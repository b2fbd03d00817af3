import { z } from 'zod';
import { EVENT_NAMES, type EventName } from './events';
import { formatPath, fromZod, type Issue, ValidationError, valueAt } from './issues';
import { EVENT_DEFINITIONS, type AnyEventDefinition } from './schemas';
import { LOCALIZED_ATTRIBUTE_PREFIX, LOCAL_DATE_TIME, dateTime, strictObject, type EventDefinition } from './schemas/common';

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

/**
 * One entry per locale: the locale and a value for every `localizedattribute:<key>` the payload uses. An empty list
 * is valid: Amazon's SDK declares the field required, so its users send `[]` when nothing is localized.
 */
export const LocalizedAttributesSchema = z.array(
  z.object({ locale: z.string().regex(LOCALE_PATTERN, 'expected a locale like "en-US"') }).catchall(z.string().min(1)),
);
export type LocalizedAttributes = z.output<typeof LocalizedAttributesSchema>;

/** Multicast: every user subscribed to the event. Unicast: one user, by the skill's user id. */
export const RelevantAudienceSchema = z.discriminatedUnion('type', [
  // Amazon's pages show `payload: {}`; some clients leave it out or send null (a warning, see validateRequest).
  strictObject({ type: z.literal('Multicast'), payload: strictObject({}).nullable().optional() }),
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
  /**
   * When the request is sent (milliseconds since the epoch): an event whose expiryTime has passed by then is
   * refused, as Amazon would never deliver it. Without it, expiry is checked against `timestamp` only.
   */
  now?: number;
  /** Refuse what is otherwise a warning: unknown fields, date-times without a time zone, a Multicast payload that is not `{}`. */
  strict?: boolean;
}

/**
 * Checks a request body the way Amazon judges it, and reports every problem at once (the policy, with its sources,
 * is in the README, "Validation policy"):
 * - an error where Amazon documents a rule (required, enumerated, limited: the schemas; `expiryTime` 5 minutes to
 *   24 hours after `timestamp`; every `localizedattribute:<key>` given in every localizedAttributes entry) or
 *   would surely not deliver (expired when sent, with `now`);
 * - a warning where its documentation is silent or real clients differ: unknown fields, date-times without a time
 *   zone, a Multicast payload left out or null, an attribute nothing uses. `strict` makes the first three errors.
 */
export function validateRequest(input: unknown, { publishedEvents, now, strict = false }: ValidationOptions = {}): ValidationResult {
  const parsed = ProactiveEventRequestSchema.safeParse(input);
  const found = parsed.success ? [] : fromZod(parsed.error.issues, input);
  // Fields Amazon does not document are a warning: real clients send some (a Java kit's `payload.name`).
  const unknown = parsed.success ? [] : parsed.error.issues.filter((issue) => issue.code === 'unrecognized_keys');
  const unknownPaths = new Set(unknown.flatMap((issue) => issue.keys.map((key) => formatPath([...issue.path, key]))));
  const issues = found.filter((issue) => strict || !unknownPaths.has(issue.path));
  const warnings: Issue[] = strict ? [] : found.filter((issue) => unknownPaths.has(issue.path)).map((issue) => ({ ...issue, message: `${issue.message}; Amazon's documentation does not name it` }));
  const flagged = new Set(found.map((issue) => issue.path));
  checkExpiry(input, issues, now);
  checkLocalizedAttributes(input, flagged, issues, warnings);
  (strict ? issues : warnings).push(...undocumentedForms(input));
  const name = (input as { event?: { name?: unknown } } | null)?.event?.name;
  if (publishedEvents && typeof name === 'string' && EVENT_NAMES.includes(name as EventName) && !publishedEvents.includes(name as EventName)) {
    issues.push({ path: 'event.name', message: `not published by this skill; it publishes ${publishedEvents.join(', ')} (app.json)`, value: name });
  }
  if (issues.length > 0) return { ok: false, issues, warnings };
  // Only unknown fields kept the schema from passing: the request is what is left without them.
  const request = parsed.success ? parsed.data : ProactiveEventRequestSchema.safeParse(withoutFields(input, unknown)).data;
  return request ? { ok: true, request, warnings } : { ok: false, issues: found, warnings };
}

/** `validateRequest`, throwing a ValidationError that lists every problem when the request is invalid. */
export function parseRequest(input: unknown, options?: ValidationOptions): { request: ProactiveEventRequest; warnings: Issue[] } {
  const result = validateRequest(input, options);
  if (!result.ok) throw new ValidationError(result.issues, result.warnings);
  return { request: result.request, warnings: result.warnings };
}

function checkExpiry(input: unknown, issues: Issue[], now: number | undefined): void {
  const { timestamp, expiryTime } = (input ?? {}) as { timestamp?: unknown; expiryTime?: unknown };
  if (!dateTime.safeParse(expiryTime).success) return;
  const expiry = Date.parse(expiryTime as string);
  if (dateTime.safeParse(timestamp).success) {
    const ms = expiry - Date.parse(timestamp as string);
    const [min, max] = [MIN_EXPIRY_MINUTES * 60_000, MAX_EXPIRY_MINUTES * 60_000];
    if (ms < min || ms > max) {
      issues.push({
        path: 'expiryTime',
        message:
          `must be ${seconds(min)} (5 minutes) to ${seconds(max)} (24 hours) after timestamp ${timestamp as string}; ` +
          `it is ${seconds(Math.abs(ms))} ${ms < 0 ? 'before' : 'after'} it`,
        value: expiryTime,
      });
    }
  }
  if (now !== undefined && expiry <= now) {
    issues.push({ path: 'expiryTime', message: `already passed when sent (${new Date(now).toISOString()}): Amazon would not deliver the event`, value: expiryTime });
  }
}

/** Milliseconds as exact seconds: "86,400 s", "86,400.002 s". */
function seconds(ms: number): string {
  return `${(ms / 1000).toLocaleString('en-US', { maximumFractionDigits: 3 })} s`;
}

/** What Amazon's documentation does not settle: date-times without a time zone, a Multicast payload that is not `{}`. */
function undocumentedForms(input: unknown): Issue[] {
  const found: Issue[] = [];
  const visit = (value: unknown, path: PropertyKey[]) => {
    if (typeof value === 'string') {
      if (LOCAL_DATE_TIME.test(value)) {
        found.push({ path: formatPath(path), message: 'has no time zone: every Amazon example ends in Z, and a zone-less time is read as this machine\'s local time', value });
      }
    } else if (Array.isArray(value)) value.forEach((item, index) => visit(item, [...path, index]));
    else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) visit(item, [...path, key]);
  };
  visit(input, []);
  const audience = (input as { relevantAudience?: { type?: unknown; payload?: unknown } } | null)?.relevantAudience;
  if (audience?.type === 'Multicast' && (audience.payload === undefined || audience.payload === null)) {
    found.push({ path: 'relevantAudience.payload', message: `is ${audience.payload === null ? 'null' : 'missing'}: Amazon's pages show {} and its SDK declares it required` });
  }
  return found;
}

/** A copy of `input` without the fields zod did not recognize. */
function withoutFields(input: unknown, unknown: ReadonlyArray<{ path: readonly PropertyKey[]; keys: readonly string[] }>): unknown {
  const copy = structuredClone(input);
  for (const { path, keys } of unknown) {
    const parent = valueAt(copy, path) as Record<string, unknown> | undefined;
    for (const key of keys) if (parent) delete parent[key];
  }
  return copy;
}

function checkLocalizedAttributes(input: unknown, flagged: ReadonlySet<string>, issues: Issue[], warnings: Issue[]): void {
  const references = new Map<string, string>(); // key -> first payload path that uses it
  collectReferences((input as { event?: { payload?: unknown } } | null)?.event?.payload, ['event', 'payload'], (key, path) => {
    if (flagged.has(path)) return; // already refused, e.g. a field Amazon does not localize
    if (key === '') issues.push({ path, message: 'names no attribute: write localizedattribute:<key>', value: LOCALIZED_ATTRIBUTE_PREFIX });
    else if (!references.has(key)) references.set(key, path);
  });
  const entries = (input as { localizedAttributes?: unknown } | null)?.localizedAttributes;
  if (!Array.isArray(entries) || entries.length === 0) {
    // An empty list is valid only while nothing refers to it.
    if (references.size > 0 && (entries === undefined || Array.isArray(entries))) {
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
