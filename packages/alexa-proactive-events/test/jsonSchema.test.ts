import * as fs from 'fs';
import * as path from 'path';
import addFormats from 'ajv-formats';
import Ajv2020 from 'ajv/dist/2020';
import { EVENT_NAMES } from '../src';
import { jsonSchemaFiles } from '../src/internal';

const folder = path.join(__dirname, '..', 'json-schema');
const examples = path.join(__dirname, '..', 'examples');
const committed = (file: string) => JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8'));

it('has committed JSON Schema files equal to what the zod definitions generate (npm run json-schema)', () => {
  const generated = jsonSchemaFiles();
  expect(fs.readdirSync(folder).sort()).toEqual(Object.keys(generated).sort());
  for (const [file, schema] of Object.entries(generated)) expect(committed(file)).toEqual(schema);
});

it('has one file per event and one for the request body', () => {
  expect(Object.keys(jsonSchemaFiles()).sort()).toEqual([...EVENT_NAMES.map((name) => `${name}.json`), 'proactive-event-request.json'].sort());
});

describe('with another validator (ajv, draft 2020-12)', () => {
  const ajv = addFormats(new Ajv2020({ allErrors: true }));
  const validateBody = ajv.compile(committed('proactive-event-request.json'));

  it.each(fs.readdirSync(examples))('accepts the schema page example %s', (file) => {
    const valid = validateBody(JSON.parse(fs.readFileSync(path.join(examples, file), 'utf8')));
    expect(validateBody.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('refuses a value outside an enumeration, a misspelt field and too many garbage types', () => {
    const body = JSON.parse(fs.readFileSync(path.join(examples, 'trash-collection-alert.json'), 'utf8'));
    body.event.payload.alert.collectionDayOfWeek = 'Tuesday';
    expect(validateBody(body)).toBe(false);
    body.event.payload.alert = { garbageType: ['GLASS'], collectionDayOfWeek: 'TUESDAY' };
    expect(validateBody(body)).toBe(false);
    body.event.payload.alert = { garbageTypes: ['GLASS', 'CANS', 'BOTTLES', 'BULKY', 'BURNABLE', 'LANDFILL'], collectionDayOfWeek: 'TUESDAY' };
    expect(validateBody(body)).toBe(false);
  });

  it('validates an event object on its own with its event file', () => {
    const validateWeather = ajv.compile(committed('AMAZON.WeatherAlert.Activated.json'));
    const body = JSON.parse(fs.readFileSync(path.join(examples, 'weather-alert.json'), 'utf8'));
    expect(validateWeather(body.event)).toBe(true);
    expect(validateWeather({ ...body.event, payload: { weatherAlert: { alertType: 'FLOOD' } } })).toBe(false);
  });
});
