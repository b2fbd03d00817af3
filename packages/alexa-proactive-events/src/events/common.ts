import { z } from 'zod';

/**
 * Building blocks of the eight event schemas. Each schema module defines one event with these, so that the type,
 * the runtime check, the JSON Schema and the CLI inputs all come from one definition.
 * @see https://developer.amazon.com/docs/smapi/schemas-for-proactive-events.html
 */

/** A payload string of this form is replaced by Alexa with the value of `<key>` for the recipient's locale. */
export const LOCALIZED_ATTRIBUTE_PREFIX = 'localizedattribute:';

/** A text that may be localized ("Multi-Locale Support: Yes"): the text itself, or `localizedattribute:<key>`. */
export const localizableText = z
  .string()
  .min(1)
  .describe('Text, or "localizedattribute:<key>" to take it from localizedAttributes for each locale');

/** A text Amazon does not localize ("Multi-Locale Support: No"): a `localizedattribute:` reference is refused. */
export const plainText = z
  .string()
  .min(1)
  .regex(/^(?!localizedattribute:)/, 'this field takes the text itself; Amazon does not localize it')
  .describe('Text (not localized)');

/**
 * An ISO 8601 date-time in the form of Amazon's examples: `2026-11-22T10:00:00Z`, with any fraction of a second, or
 * an offset `+01:00`. Other ISO 8601 forms real clients write are read by `readDateTime` and warned about.
 */
export const dateTime = z.iso
  .datetime({ offset: true, error: 'expected an ISO 8601 date-time, like 2026-11-22T10:00:00Z' })
  .describe('ISO 8601 date-time, e.g. 2026-11-22T10:00:00Z');

const OTHER_DATE_TIME = /^(\d{4}-\d{2}-\d{2})([Tt])(\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * A date-time in an ISO 8601 form Amazon's examples do not use, as clients write them: no time zone (Python's
 * `isoformat()`), no seconds (Java's `OffsetDateTime` at a full minute), `+0100` or `+01` (PHP's `DATE_ISO8601`),
 * a lowercase `t` or `z` (RFC 3339). Returns it in the examples' form (a zone-less time in this machine's time zone),
 * with what differs; undefined for anything else, the examples' own form included.
 */
export function readDateTime(value: string): { iso: string; differences: string[]; local: boolean } | undefined {
  const match = OTHER_DATE_TIME.exec(value);
  if (!match) return undefined;
  const [, date, t, minutes, seconds = ':00', zone] = match;
  const differences: string[] = [];
  if (t === 't' || zone === 'z') differences.push('a lowercase t or z');
  if (!match[4]) differences.push('no seconds');
  const time = `${date}T${minutes}${seconds}`;
  let offset: string;
  if (zone === undefined) {
    differences.push('no time zone');
    const minutesEast = -new Date(time).getTimezoneOffset();
    if (Number.isNaN(minutesEast)) return undefined;
    offset = minutesEast === 0 ? 'Z' : `${minutesEast < 0 ? '-' : '+'}${clock(Math.abs(minutesEast))}`;
  } else if (/^z$/i.test(zone)) {
    offset = 'Z';
  } else if (zone.length === 3) {
    differences.push(`an offset without minutes (${zone})`);
    offset = `${zone}:00`;
  } else if (!zone.includes(':')) {
    differences.push(`an offset without a colon (${zone})`);
    offset = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  } else offset = zone;
  const iso = `${time}${offset}`;
  return differences.length > 0 && dateTime.safeParse(iso).success ? { iso, differences, local: zone === undefined } : undefined;
}

/** 90 -> "01:30". */
function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Counts and scores. */
export const count = z.number().int().min(0);

/**
 * A list of `min` to `max` distinct values. zod skips an array's elements once its length check fails, so a user
 * would learn of a wrong value only after fixing the count; these checks run regardless, and every problem is
 * reported at once. The bounds are repeated as metadata for the JSON Schema.
 */
export function listOf<Item extends z.ZodType>(item: Item, { min, max }: { min: number; max: number }) {
  const whenList = ({ value }: { value: unknown }) => Array.isArray(value);
  return z
    .array(item)
    .refine((list) => list.length >= min && list.length <= max, { message: `expected ${min} to ${max} values`, when: whenList })
    .refine((list) => new Set(list).size === list.length, { message: 'each value only once', when: whenList })
    .meta({ minItems: min, maxItems: max, uniqueItems: true });
}

/** How every message about a field a schema does not define begins. */
export const UNKNOWN_FIELD = 'unknown field';

/**
 * An object that refuses fields it does not define, naming the ones it has: a misspelt field (`garbageType`)
 * would otherwise be dropped by Amazon or refuse the whole event.
 */
export function strictObject<Shape extends z.ZodRawShape>(shape: Shape) {
  const fields = Object.keys(shape);
  const message = `${UNKNOWN_FIELD}; ${fields.length > 0 ? `the fields here are ${fields.join(', ')}` : 'this object must be empty'}`;
  return z.strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? message : undefined) });
}

/** The two languages the notification texts are written in; a locale uses its language's text (`de-AT` -> `de`). */
export type Language = 'en' | 'de';

/** Words for each value of an enumeration, per language. */
export type Words<Value extends string> = Record<Language, Record<Value, string>>;

/** How a CLI flag fills one payload field (`weather --alert-type TORNADO`). */
export interface EventInput {
  /** The flag without dashes, kebab-case of the field: `alert-type`. */
  flag: string;
  /** Where the value goes in the payload. */
  path: readonly string[];
  kind: 'text' | 'integer' | 'enum' | 'list' | 'date-time';
  /** The allowed values of an `enum` or `list`. */
  values?: readonly string[];
  /** For localizable text: the key under which the value goes into every localizedAttributes entry. */
  localizedKey?: string;
  /** What the value is, for --help; whether it is optional comes from the schema (`isOptionalInput`). */
  description: string;
}

/**
 * Whether an event can be built without this input: its field, or an object it sits in, is optional in the
 * payload schema. The schema is the one place that says so.
 */
export function isOptionalInput(definition: Pick<EventDefinition, 'payload'>, input: Pick<EventInput, 'path'>): boolean {
  let schema: z.ZodType = definition.payload;
  for (const key of input.path) {
    if (schema.safeParse(undefined).success) return true;
    if (!(schema instanceof z.ZodObject)) return false;
    schema = schema.shape[key] as z.ZodType;
  }
  return schema.safeParse(undefined).success;
}

/** Plain inputs, as CLI flags carry them: `{ 'alert-type': 'TORNADO', source: 'Weather Knows' }`. */
export type EventInputs = Record<string, string | undefined>;

/** One event schema: everything the library knows about it. */
export interface EventDefinition<Name extends string = string, Payload extends z.ZodType = z.ZodType> {
  name: Name;
  /** The trigger script's command for it: `weather`, `order`, ... */
  command: string;
  /** Inputs of a realistic event, for --help and the demo. */
  example: EventInputs;
  /** The runtime schema of `event.payload`; its TypeScript type is `z.output<typeof payload>`. */
  payload: Payload;
  /** The flags of the CLI command that builds this event. */
  inputs: readonly EventInput[];
  /**
   * The sentence Alexa says, per language, from a payload whose localized attributes are already resolved.
   * `locale` is the full locale, for dates and lists.
   */
  text: Record<Language, (payload: z.output<Payload>, locale: string) => string>;
}

/**
 * Keeps the literal name and the payload type of a definition. The payload's schema is built at its first use, not
 * when the registry is imported: a skill that never validates an event (a webhook answering its first request, the
 * CLI's --help) does not wait for eight of them.
 */
export function defineEvent<Name extends string, Payload extends z.ZodType>(
  definition: Omit<EventDefinition<Name, Payload>, 'payload'> & { payload: () => Payload },
): EventDefinition<Name, Payload> {
  const { payload: build, ...rest } = definition;
  let payload: Payload | undefined;
  return {
    ...rest,
    get payload() {
      return (payload ??= build());
    },
  };
}

/** A date as people say it, in UTC: "November 23, 2018", "23. November 2018". */
export function readableDate(iso: string, locale: string): string {
  return perLocale(dateFormats, locale, () => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' })).format(new Date(iso));
}

/** "glass, cans and bottles" in the locale's language. */
export function spokenList(words: readonly string[], locale: string): string {
  return perLocale(listFormats, locale, () => new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' })).format(words);
}

// Building an Intl formatter costs far more than using one, so each is built once per locale; locales come
// from input, so the caches stop growing at a size no real skill reaches.
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const listFormats = new Map<string, Intl.ListFormat>();

function perLocale<Format>(cache: Map<string, Format>, locale: string, create: () => Format): Format {
  let format = cache.get(locale);
  if (!format) {
    format = create();
    if (cache.size < 64) cache.set(locale, format);
  }
  return format;
}
