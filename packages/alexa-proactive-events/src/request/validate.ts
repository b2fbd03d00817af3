import { z } from 'zod';
import { EVENT_NAMES, type EventName } from '../events/names';
import { formatPath, fromZod, type Issue, ValidationError, valueAt, withValue } from '../issues';
import { EVENT_DEFINITIONS, type AnyEventDefinition } from '../events/registry';
import type { Holds, SameType } from '../typeCheck';
import { LOCALIZED_ATTRIBUTE_PREFIX, dateTime, readDateTime, strictObject, type EventDefinition } from '../events/common';

/**
 * The body of `POST /v1/proactiveEvents`: the event and everything Amazon needs to deliver it.
 * @see https://developer.amazon.com/docs/smapi/proactive-events-api-reference.html
 */

export const LOCALE_PATTERN = /^[a-z]{2}-[A-Z]{2}$/;
/** The least an event may live: `expiryTime` at least 5 minutes after `timestamp`. */
export const MIN_EXPIRY_MINUTES = 5;
/** The most an event may live: `expiryTime` at most 24 hours after `timestamp`. */
export const MAX_EXPIRY_MINUTES = 24 * 60;

type EventObject<Definition> =
  Definition extends EventDefinition<infer Name, infer Payload> ? z.ZodObject<{ name: z.ZodLiteral<Name>; payload: Payload }, z.core.$strict> : never;
/** Maps the registry's tuple element by element, so the union below keeps each name with its own payload. */
type EventObjects<Definitions extends readonly unknown[]> = { -readonly [K in keyof Definitions]: EventObject<Definitions[K]> };

/** `{ name, payload }` of one event; its payload's schema is built at the first parse (zod reads a getter's shape lazily). */
function eventObject(definition: AnyEventDefinition) {
  return strictObject({
    name: z.literal(definition.name),
    get payload() {
      return definition.payload;
    },
  });
}

/** `{ name, payload }` for each of the eight events; the name selects the payload schema. */
export const EventSchema = z.discriminatedUnion(
  'name',
  EVENT_DEFINITIONS.map(eventObject) as unknown as EventObjects<typeof EVENT_DEFINITIONS>,
);
/**
 * `{ name, payload }` of an event, the payload typed by the name: `ProactiveEvent<'AMAZON.WeatherAlert.Activated'>`
 * is that event alone, `ProactiveEvent` any of the eight, each name with its own payload.
 */
// Written as `{ name: Name; … }` per name rather than as an Extract of the schema's union, so that a call can infer
// `Name` from the name it is given and check the payload against that one event's schema (see buildRequest).
export type ProactiveEvent<Name extends EventName = EventName> = Name extends EventName
  ? { name: Name; payload: Extract<z.output<typeof EventSchema>, { name: Name }>['payload'] }
  : never;

/** The payload of one event: `EventPayload<'AMAZON.WeatherAlert.Activated'>` is the weather alert's (docs/events.md lists each event's fields). */
export type EventPayload<Name extends EventName> = ProactiveEvent<Name>['payload'];

/**
 * One entry per locale: the locale and a value for every `localizedattribute:<key>` the payload uses. An empty list
 * is valid: Amazon's SDK declares the field required, so its users send `[]` when nothing is localized.
 */
export const LocalizedAttributesSchema = z.array(
  // A value's length matters only where the payload uses it (checkLocalizedAttributes).
  z.object({ locale: z.string().regex(LOCALE_PATTERN, 'expected a locale like "en-US"') }).catchall(z.string()),
);
/** The localizedAttributes of a request: one entry per locale, its `locale` and a string per attribute key. */
export type LocalizedAttributes = Array<{ locale: string; [key: string]: string }>;
/** Keeps `LocalizedAttributes` the schema's output. */
export type LocalizedAttributesMatchSchema = Holds<SameType<LocalizedAttributes, z.output<typeof LocalizedAttributesSchema>>>;

/** Multicast: every user subscribed to the event. Unicast: one user, by the skill's user id. */
export const RelevantAudienceSchema = z.discriminatedUnion('type', [
  // Amazon's pages show `payload: {}`; left out, null or [] it is a warning (see validateRequest).
  strictObject({ type: z.literal('Multicast'), payload: strictObject({}) }),
  strictObject({ type: z.literal('Unicast'), payload: strictObject({ user: z.string().min(1) }) }),
]);
/** Who gets the event: `{ type: 'Multicast', payload: {} }`, or `{ type: 'Unicast', payload: { user } }`. */
export type RelevantAudience = ProactiveEventRequest['relevantAudience'];
/** Keeps `RelevantAudience` the schema's output. */
export type RelevantAudienceMatchesSchema = Holds<SameType<RelevantAudience, z.output<typeof RelevantAudienceSchema>>>;

/** The request body's runtime schema; `validateRequest` adds the checks across fields and the validation policy. */
export const ProactiveEventRequestSchema = strictObject({
  timestamp: dateTime,
  /** The idempotency key: Amazon answers 409 to the same referenceId for the same audience. */
  referenceId: z.string().min(1).max(100),
  expiryTime: dateTime,
  event: EventSchema,
  localizedAttributes: LocalizedAttributesSchema.optional(),
  relevantAudience: RelevantAudienceSchema,
});
/** A valid request body, as `validateRequest` returns it. */
export interface ProactiveEventRequest {
  /** ISO 8601 date-time. */
  timestamp: string;
  /** The idempotency key: Amazon answers 409 to the same referenceId for the same audience. */
  referenceId: string;
  /** ISO 8601 date-time. */
  expiryTime: string;
  event: ProactiveEvent;
  localizedAttributes?: LocalizedAttributes | undefined;
  /** Multicast: every user subscribed to the event. Unicast: one user, by the skill's user id. */
  relevantAudience: { type: 'Multicast'; payload: Record<string, never> } | { type: 'Unicast'; payload: { user: string } };
}
/** Keeps `ProactiveEventRequest` the schema's output. */
export type ProactiveEventRequestMatchesSchema = Holds<SameType<ProactiveEventRequest, z.output<typeof ProactiveEventRequestSchema>>>;

/** The request in the documented form and the warnings, or every problem found. */
export type ValidationResult =
  | { ok: true; request: ProactiveEventRequest; warnings: Issue[] }
  | { ok: false; issues: Issue[]; warnings: Issue[] };

/** What `validateRequest` checks beyond the schemas. */
export interface ValidationOptions {
  /**
   * The events the skill publishes (its manifest's `events.publications`); any other event is refused.
   * @default undefined: every event name of the schemas is allowed
   * @see https://developer.amazon.com/docs/smapi/proactive-events-api.html
   */
  publishedEvents?: readonly EventName[];
  /**
   * When the request is sent (milliseconds since the epoch): an event whose expiryTime has passed by then is
   * refused, as Amazon would never deliver it. Without it, expiry is checked against `timestamp` only.
   * @default undefined: expiry is checked against `timestamp` only
   */
  now?: number;
  /**
   * What an expiryTime already passed at `now` is: an error (default: the request is about to be sent), or a
   * warning (it is only being checked, and is sent later with new timestamps).
   * @default 'error'
   */
  passedExpiry?: 'error' | 'warning';
  /**
   * Refuse the forms Amazon's documentation does not settle, otherwise warnings: unknown fields, date-times in
   * other ISO 8601 forms than its examples', a Multicast payload that is not `{}`, null for a field left out.
   * @default false
   * @see https://developer.amazon.com/docs/smapi/proactive-events-api-reference.html
   */
  strict?: boolean;
}

/**
 * Checks a request body the way Amazon judges it, and reports every problem at once (the policy, with its sources,
 * is in the README, "Validation policy"):
 * - an error where Amazon documents a rule (required, enumerated, limited: the schemas; `expiryTime` 5 minutes to
 *   24 hours after `timestamp`; every `localizedattribute:<key>` given in every localizedAttributes entry) or
 *   would surely not deliver (expired when sent, with `now`);
 * - a warning where its documentation is silent or real clients differ (`undocumented`), the request then read as
 *   if it had the documented form; `strict` makes these errors. An attribute nothing uses is always a warning.
 */
export function validateRequest(input: unknown, { publishedEvents, now, passedExpiry = 'error', strict = false }: ValidationOptions = {}): ValidationResult {
  const first = ProactiveEventRequestSchema.safeParse(input);
  const forms = first.success ? [] : first.error.issues.flatMap((issue) => undocumented(issue, input));
  // The body read in the documented form: what the rest of the checks, and the typed request, see.
  const body = forms.reduce((at, form) => form.fix(at), input);
  const parsed = forms.length === 0 ? first : ProactiveEventRequestSchema.safeParse(body);
  const nulls = new Set(forms.filter((form) => form.null).map((form) => form.warning.path));
  // A null left out that was required is still missing: refused, saying it was null.
  const issues = parsed.success ? [] : fromZod(parsed.error.issues, body).map((issue) => (nulls.has(issue.path) ? { ...issue, value: null } : issue));
  const refused = new Set(issues.map((issue) => issue.path));
  const kept = forms.filter((form) => !refused.has(form.warning.path));
  const warnings: Issue[] = strict ? [] : kept.map((form) => form.warning);
  if (strict) issues.push(...kept.map((form) => ({ ...form.warning, message: form.strictMessage })));
  checkExpiry(body, input, issues, now === undefined ? undefined : { now, passed: passedExpiry === 'error' ? issues : warnings });
  checkLocalizedAttributes(body, refused, issues, warnings);
  const name = (input as { event?: { name?: unknown } } | null)?.event?.name;
  if (publishedEvents && typeof name === 'string' && EVENT_NAMES.includes(name as EventName) && !publishedEvents.includes(name as EventName)) {
    issues.push({ path: 'event.name', message: `not published by this skill; it publishes ${publishedEvents.join(', ')} (publishedEvents)`, value: name });
  }
  if (issues.length > 0 || !parsed.success) return { ok: false, issues: inOrder(issues, first), warnings: inOrder(warnings, first) };
  return { ok: true, request: parsed.data, warnings: inOrder(warnings, first) };
}

/** `validateRequest`, throwing a ValidationError that lists every problem when the request is invalid. */
export function parseRequest(input: unknown, options?: ValidationOptions): { request: ProactiveEventRequest; warnings: Issue[] } {
  const result = validateRequest(input, options);
  if (!result.ok) throw new ValidationError(result.issues, result.warnings);
  return { request: result.request, warnings: result.warnings };
}

/** `body` is read in the documented form; the messages show the values as `given`. An expiry passed at `at.now` goes to `at.passed`. */
function checkExpiry(body: unknown, given: unknown, issues: Issue[], at: { now: number; passed: Issue[] } | undefined): void {
  const { timestamp, expiryTime } = (body ?? {}) as { timestamp?: unknown; expiryTime?: unknown };
  const shown = (given ?? {}) as { timestamp?: unknown; expiryTime?: unknown };
  if (!dateTime.safeParse(expiryTime).success) return;
  const expiry = Date.parse(expiryTime as string);
  if (dateTime.safeParse(timestamp).success) {
    const ms = expiry - Date.parse(timestamp as string);
    const [min, max] = [MIN_EXPIRY_MINUTES * 60_000, MAX_EXPIRY_MINUTES * 60_000];
    if (ms < min || ms > max) {
      issues.push({
        path: 'expiryTime',
        message:
          `must be ${seconds(min)} (5 minutes) to ${seconds(max)} (24 hours) after timestamp ${String(shown.timestamp)}; ` +
          `it is ${seconds(Math.abs(ms))} ${ms < 0 ? 'before' : 'after'} it`,
        value: shown.expiryTime,
      });
    }
  }
  // Unless the expiry is refused already: one problem with a field is enough.
  if (at && expiry <= at.now && !issues.some((issue) => issue.path === 'expiryTime')) {
    at.passed.push({ path: 'expiryTime', message: `has passed (it is ${new Date(at.now).toISOString()}): Amazon would not deliver the event`, value: shown.expiryTime });
  }
}

/** Milliseconds as exact seconds: "86,400 s", "86,400.002 s". */
function seconds(ms: number): string {
  return `${(ms / 1000).toLocaleString('en-US', { maximumFractionDigits: 3 })} s`;
}

/** A form Amazon's documentation does not settle: its warning, and how to read the body in the documented form. */
interface UndocumentedForm {
  warning: Issue;
  /** The error under `strict`. */
  strictMessage: string;
  fix: (body: unknown) => unknown;
  /** A null read as a field left out. */
  null?: true;
}

/** The zod issue as an undocumented form, or nothing if Amazon's documentation settles it. */
function undocumented(issue: z.core.$ZodIssue, input: unknown): UndocumentedForm[] {
  const path = issue.path;
  if (issue.code === 'unrecognized_keys') {
    // Real clients send some (a Java kit's `payload.name`); the body goes to Amazon with them.
    return issue.keys.map((key) => ({
      warning: withValue(formatPath([...path, key]), `${issue.message}; Amazon's documentation does not name it`, valueAt(input, [...path, key])),
      strictMessage: issue.message,
      fix: (body) => edit(body, path, (parent) => delete parent[key]),
    }));
  }
  const value = valueAt(input, path);
  if (formatPath(path) === 'relevantAudience.payload' && (value === undefined || value === null || (Array.isArray(value) && value.length === 0))) {
    // Left out or null (a Java kit; Jovo's example), [] (PHP's json_encode of an empty array).
    const given = value === undefined ? 'is missing' : value === null ? 'is null' : 'is [] (a list)';
    const message = `${given}: Amazon's pages show {} and its SDK declares it required`;
    return [{ warning: { path: 'relevantAudience.payload', message }, strictMessage: message, fix: (body) => edit(body, ['relevantAudience'], (parent) => (parent.payload = {})) }];
  }
  if (issue.code === 'invalid_format' && issue.format === 'datetime' && typeof value === 'string') {
    const read = readDateTime(value);
    if (!read) return [];
    const message = `has ${read.differences.join(' and ')}, unlike Amazon's examples (2026-11-22T10:00:00Z)`;
    const key = path[path.length - 1];
    const readAs = `; read as ${read.iso}${read.local ? ", in this machine's time zone" : ''}`;
    return [{ warning: { path: formatPath(path), message: message + readAs, value }, strictMessage: message, fix: (body) => edit(body, path.slice(0, -1), (parent) => (parent[key] = read.iso)) }];
  }
  if (value === null && typeof path[path.length - 1] === 'string') {
    // Jackson and others write null for a field they have no value for; Amazon does not say what it makes of it.
    const key = path[path.length - 1];
    const message = "is null: Amazon's documentation does not say null may stand for a field left out";
    return [{ warning: { path: formatPath(path), message: `${message}; read as left out`, value }, strictMessage: message, fix: (body) => edit(body, path.slice(0, -1), (parent) => delete parent[key]), null: true }];
  }
  return [];
}

/** A copy of `root` with `change` applied to the object at `path`; only the objects along the path are copied. */
function edit(root: unknown, path: readonly PropertyKey[], change: (parent: Record<PropertyKey, unknown>) => void): unknown {
  if (root === null || typeof root !== 'object') return root;
  const copy = (Array.isArray(root) ? [...root] : { ...root }) as Record<PropertyKey, unknown>;
  if (path.length === 0) change(copy);
  else copy[path[0]] = edit(copy[path[0]], path.slice(1), change);
  return copy;
}

/** Issues in the order zod found them in the body as given, the others after. */
function inOrder(issues: Issue[], first: { success: boolean; error?: z.ZodError }): Issue[] {
  if (first.success || !first.error) return issues;
  const order = new Map<string, number>();
  first.error.issues.forEach((issue, index) => {
    const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((key) => formatPath([...issue.path, key])) : [formatPath(issue.path)];
    for (const path of paths) if (!order.has(path)) order.set(path, index);
  });
  return issues
    .map((issue, index) => ({ issue, rank: order.get(issue.path) ?? Infinity, index }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ issue }) => issue);
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
      } else if (attributes[key] === '') {
        issues.push({ path: `localizedAttributes[${index}].${key}`, message: `must not be empty: ${path} uses localizedattribute:${key}`, value: '' });
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
