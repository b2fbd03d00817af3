import { z } from 'zod';
import { EVENT_DEFINITIONS, type AnyEventDefinition } from '../events/registry';
import { LOCALIZED_ATTRIBUTE_PREFIX, dateTime, localizableText, plainText } from '../events/common';
import { buildRequest, eventFromInputs } from './build';
import { previewText } from './preview';
import { parseRequest } from './validate';

const SCHEMA_PAGE = 'https://developer.amazon.com/docs/smapi/schemas-for-proactive-events.html';

/** The part of a JSON Schema node the page reads: what z.toJSONSchema writes for the eight payloads. */
interface SchemaNode {
  type?: string;
  description?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  enum?: string[];
  format?: string;
  pattern?: string;
  minLength?: number;
  minimum?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
}

/** One row of an event's table. */
interface FieldRow {
  path: string;
  type: string;
  presence: string;
  meaning: string;
  input: string;
}

/**
 * The reference page of the eight events' payload fields, in Markdown (docs/events.md): for each event from the
 * registry, every field's path, type or allowed values, whether it is required, what it means, the input of
 * `eventFromInputs` that fills it, and an example with the sentence Alexa says. Everything on it is read from the
 * registry's zod schemas (through their JSON Schema) and definitions, so the page cannot drift from what the
 * library checks.
 */
export function eventsReference(): string {
  const lines = [
    '# The eight events: payload fields',
    '',
    `<!-- Generated from the event registry (src/events/registry.ts) by \`scripts/write-events-page.js\`; edit the schemas, not this page. -->`,
    '',
    "Every field of each event's `payload`, as `validateRequest` checks it and Amazon documents it in",
    `[Schemas for Proactive Events](${SCHEMA_PAGE}).`,
    'A field not listed here is a warning (an error with `strict`). In TypeScript the payload\'s type follows the',
    "event's name (`buildRequest`, `ProactiveEvent<Name>`), so the type check catches a wrong field or value before",
    'anything runs. A field "required in `x`" is required when its object `x`, which is optional, is given. The',
    'last column is the input of `eventFromInputs` that fills the field.',
    '',
    'Types: *text* is a non-empty string; *localizable text* may instead be `localizedattribute:<key>`, which Alexa',
    "replaces with that key's value from `localizedAttributes` in each recipient's locale; *date-time* is ISO 8601 with",
    'a time zone, like `2026-11-22T10:00:00Z`.',
    '',
    '| event | fields |',
    '|---|---|',
    ...EVENT_DEFINITIONS.map((definition) => `| [\`${definition.name}\`](#${anchor(definition.name)}) | ${fieldRows(definition).length} |`),
  ];
  for (const definition of EVENT_DEFINITIONS) lines.push('', ...eventSection(definition));
  return `${lines.join('\n')}\n`;
}

function eventSection(definition: AnyEventDefinition): string[] {
  const { event, sentence } = example(definition);
  return [
    `## ${definition.name}`,
    '',
    '| field | type | required | meaning | input |',
    '|---|---|---|---|---|',
    ...fieldRows(definition).map((row) => `| \`${row.path}\` | ${row.type} | ${row.presence} | ${row.meaning} | ${row.input} |`),
    '',
    'Example, and what Alexa says (en-US):',
    '',
    '```json',
    JSON.stringify(event, null, 2),
    '```',
    '',
    `> ${sentence}`,
  ];
}

/** The payload's fields, depth first, in the schema's order. */
function fieldRows(definition: AnyEventDefinition): FieldRow[] {
  const rows: FieldRow[] = [];
  // `parentOptional`: the nearest optional object above, whose required fields are required only when it is given.
  const visit = (node: SchemaNode, path: string[], parentOptional: string | undefined) => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const at = [...path, key];
      const required = node.required?.includes(key) ?? false;
      const input = definition.inputs.find((candidate) => candidate.path.join('.') === at.join('.'));
      rows.push({
        path: at.join('.'),
        type: typeOf(child),
        presence: !required ? 'optional' : parentOptional ? `required in \`${parentOptional}\`` : 'required',
        meaning: cell([input?.description, ownDescription(child)].filter((text) => text !== undefined).join('; ')),
        input: input ? `\`${input.flag}\`` : '',
      });
      const optionalAbove = parentOptional ?? (required ? undefined : at.join('.'));
      if (child.type === 'object') visit(child, at, optionalAbove);
    }
  };
  visit(z.toJSONSchema(definition.payload) as SchemaNode, [], undefined);
  return rows;
}

/** The common types' descriptions say what the type column says already; any other description is the field's own. */
function ownDescription(node: SchemaNode): string | undefined {
  return COMMON_DESCRIPTIONS.has(node.description) ? undefined : node.description;
}
const COMMON_DESCRIPTIONS = new Set([localizableText.description, plainText.description, dateTime.description, undefined]);

function typeOf(node: SchemaNode): string {
  if (node.enum) return `one of ${node.enum.map((value) => `\`${value}\``).join(', ')}`;
  switch (node.type) {
    case 'object':
      return 'object';
    case 'integer':
      return node.minimum === 0 ? 'integer ≥ 0' : 'integer';
    case 'string':
      if (node.format === 'date-time') return 'date-time';
      return node.pattern?.includes(LOCALIZED_ATTRIBUTE_PREFIX) ? 'text' : 'localizable text';
    case 'array': {
      const count = node.minItems === node.maxItems ? `${node.minItems}` : `${node.minItems ?? 0} to ${node.maxItems ?? 'any number'}`;
      return `list of ${count}${node.uniqueItems ? ' distinct' : ''}: ${typeOf(node.items ?? {})}`;
    }
    default:
      // No payload has another kind today; JSON Schema's own word is the best description one could get.
      return node.type ?? 'any value';
  }
}

/** The definition's example as an event with its texts in place, and the sentence Alexa says for it in en-US. */
function example(definition: AnyEventDefinition): { event: { name: string; payload: unknown }; sentence: string } {
  const built = eventFromInputs(definition.name, definition.example, ['en-US']);
  const { request } = parseRequest(buildRequest({ ...built, now: () => new Date(0) }));
  const texts: Record<string, string> = built.localizedAttributes?.[0] ?? {};
  const inline = (value: unknown): unknown => {
    if (typeof value === 'string' && value.startsWith(LOCALIZED_ATTRIBUTE_PREFIX)) return texts[value.slice(LOCALIZED_ATTRIBUTE_PREFIX.length)];
    if (Array.isArray(value)) return value.map(inline);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, inline(item)]));
    return value;
  };
  return { event: { name: definition.name, payload: inline(request.event.payload) }, sentence: previewText(request, 'en-US') };
}

/** GitHub's anchor of a heading: `AMAZON.WeatherAlert.Activated` -> `amazonweatheralertactivated`. */
function anchor(heading: string): string {
  return heading.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');
}

/** Text for a table cell: a `|` would end it. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
