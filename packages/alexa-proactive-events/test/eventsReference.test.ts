import * as fs from 'fs';
import * as path from 'path';
import { EVENT_NAMES, validateRequest, type EventName } from '../src';
import { EVENT_DEFINITIONS, eventDefinition } from '../src/internal';
import { eventsReference } from '../src/request/reference';

/** The command that rewrites the page, named when the committed page is out of date. */
const EVENTS_PAGE_COMMAND = 'npm run docs:events';
import { ALERT_TYPES } from '../src/events/WeatherAlertActivated';

const PAGE = path.join(__dirname, '..', 'docs', 'events.md');
const page = eventsReference();

/** The section of one event: from its heading to the next. */
function section(name: EventName): string {
  return page.split(/^## /m).find((part) => part.startsWith(`${name}\n`)) ?? '';
}

/** The table row of a field, as its cells. */
function row(name: EventName, field: string): string[] {
  const line = section(name)
    .split('\n')
    .find((candidate) => candidate.startsWith(`| \`${field}\` |`));
  return line ? line.split(' | ').map((cell) => cell.replace(/^\| |\s\|$/g, '')) : [];
}

it(`has a committed docs/events.md equal to what the registry writes (${EVENTS_PAGE_COMMAND})`, () => {
  const committed = fs.readFileSync(PAGE, 'utf8');
  const at = committed.split('\n').findIndex((line, i) => line !== page.split('\n')[i]);
  const stale = committed === page ? null : `docs/events.md differs from what the registry writes from line ${at + 1}: run ${EVENTS_PAGE_COMMAND}`;
  expect(stale).toBeNull();
});

it('has a section for each of the eight events, in the order of the registry', () => {
  const headings = page.match(/^## .+$/gm)?.map((heading) => heading.slice(3));
  expect(headings).toEqual([...EVENT_NAMES]);
});

it('lists each field with its type, whether it is required, what it means and its input', () => {
  expect(row('AMAZON.WeatherAlert.Activated', 'weatherAlert.alertType')).toEqual([
    '`weatherAlert.alertType`',
    `one of ${ALERT_TYPES.map((value) => `\`${value}\``).join(', ')}`,
    'required',
    'the kind of alert',
    '`alert-type`',
  ]);
  expect(row('AMAZON.WeatherAlert.Activated', 'weatherAlert.source').slice(1, 3)).toEqual(['localizable text', 'optional']);
  expect(row('AMAZON.SportsEvent.Updated', 'update.teamName').slice(1, 3)).toEqual(['text', 'required in `update`']);
  expect(row('AMAZON.OrderStatus.Updated', 'state.enterTimestamp').slice(1, 3)).toEqual(['date-time', 'optional']);
  expect(row('AMAZON.TrashCollectionAlert.Activated', 'alert.garbageTypes')[1]).toMatch(/^list of 1 to 5 distinct: one of `BOTTLES`, /);
  expect(row('AMAZON.SocialGameInvite.Available', 'invite.inviteType')[3]).toContain('required in invite or in invite.inviter, not both');
});

it('names every input of every event at the field it fills', () => {
  for (const definition of EVENT_DEFINITIONS) {
    for (const input of definition.inputs) expect(row(definition.name, input.path.join('.'))[4]).toBe(`\`${input.flag}\``);
  }
});

it('gives each event a valid example and the sentence Alexa says for it', () => {
  for (const name of EVENT_NAMES) {
    const [, json, sentence] = /```json\n([\s\S]+?)\n```\n\n> (.+)$/m.exec(section(name)) ?? [];
    const event = JSON.parse(json);
    const request = { timestamp: '2026-11-22T10:00:00Z', referenceId: 'page', expiryTime: '2026-11-22T11:00:00Z', event, relevantAudience: { type: 'Multicast', payload: {} } };
    expect(validateRequest(request)).toMatchObject({ ok: true, warnings: [] });
    expect(sentence).toBe(eventDefinition(name).text.en(event.payload as never, 'en-US'));
  }
});
