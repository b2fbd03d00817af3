import { z } from 'zod';
import { EventSchema, MAX_EXPIRY_MINUTES, MIN_EXPIRY_MINUTES, ProactiveEventRequestSchema } from './validate';

const SCHEMA_PAGE = 'https://developer.amazon.com/docs/smapi/schemas-for-proactive-events.html';
const API_PAGE = 'https://developer.amazon.com/docs/smapi/proactive-events-api-reference.html';

/** What JSON Schema cannot say; validateRequest checks it, and so should other validators' users. */
const CROSS_FIELD_RULES =
  `Also required, beyond this schema: expiryTime ${MIN_EXPIRY_MINUTES} minutes to ${MAX_EXPIRY_MINUTES / 60} hours after timestamp; ` +
  'every "localizedattribute:<key>" in event.payload has a value in every localizedAttributes entry; each locale once.';

/**
 * JSON Schema (draft 2020-12) files made from the same zod definitions the library validates with: one per
 * event (`{ name, payload }`) and one for the request body. Written to json-schema/ by `npm run json-schema`.
 */
export function jsonSchemaFiles(): Record<string, object> {
  const files: Record<string, object> = {};
  for (const option of EventSchema.options) {
    const name = option.shape.name.value;
    files[`${name}.json`] = {
      $id: `${name}.json`,
      title: name,
      description: `The event object of a ${name} Proactive Event. ${SCHEMA_PAGE}`,
      ...z.toJSONSchema(option),
    };
  }
  files['proactive-event-request.json'] = {
    $id: 'proactive-event-request.json',
    title: 'Proactive Events API request body',
    description: `The body of POST /v1/proactiveEvents. ${CROSS_FIELD_RULES} ${API_PAGE}`,
    ...z.toJSONSchema(ProactiveEventRequestSchema),
  };
  return files;
}
