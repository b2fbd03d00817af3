import type { AddressInfo } from 'net';
import type { Jovo } from 'jovo-framework';
import { createWebhook, listen } from '../src/doors/webhook';
import { triggerRequest } from 'alexa-proactive-events/trigger';
import { LOCAL_TEST_SKILL, createApp, handlers, testSettings } from './helpers/app';
import { TRIGGER_SECRET, close, startSkill, useEmulator } from './helpers/pipeline';
import { intentRequest } from './helpers/requests';
import { warnings } from './helpers/logs';

/**
 * What a user or a sender chose reaches the skill's log escaped: no line break that forges a line, no terminal
 * sequence that clears a screen or recolours it, checked byte by byte.
 */
const FORGED = 'x\n[amazon] POST /v1/proactiveEvents 202\u001b[2J\r\u009b31m\u2028';

/** True when `line` is one line a terminal shows as it is: no C0 or C1 control, DEL or Unicode line separator. */
function printableLine(line: string): boolean {
  return ![...line].some((c) => c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f) || c === '\u2028' || c === '\u2029');
}

const { emulator: amazon, servers } = useEmulator();

it("writes a refused schedule's name escaped, on one line", async () => {
  const settings = testSettings();
  const app = createApp(settings);
  app.setHandler({
    ...handlers,
    async RemindMeIntent(this: Jovo) {
      const result = await this.$proactiveEvents!.schedule({ name: FORGED, cron: '0 18 * * TUE', timezone: 'Europe/Berlin', event: { name: 'AMAZON.WeatherAlert.Activated', payload: {} } });
      this.tell(result.status);
    },
  });
  const server = await listen(createWebhook(app, { signatures: false, log: () => undefined }), 0, '127.0.0.1');
  servers.push(server);
  const webhook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  const lines = await warnings(() => fetch(webhook, { method: 'POST', body: JSON.stringify(intentRequest({ userId: 'amzn1.ask.account.LOGS', intent: 'RemindMeIntent' })) }));
  const refused = lines.filter((line) => line.includes('refused'));
  expect(refused).toHaveLength(1);
  expect(refused[0]).toMatch(/^ProactiveEvents: schedule "x\\n\[amazon\] POST \/v1\/proactiveEvents 202\\u001b\[2J\\r\\u009b31m\\u2028" refused: name: /);
  expect(refused.every(printableLine)).toBe(true);
});

it("writes the fields of a sender's event escaped, when it warns of them", async () => {
  const skill = await startSkill([amazon()], (settings) => (settings.triggerSecret = TRIGGER_SECRET));
  try {
    const payload = { weatherAlert: { alertType: 'TORNADO', source: 'Weather Knows' }, [FORGED]: 1 };
    const data = { event: { name: 'AMAZON.WeatherAlert.Activated', payload }, referenceId: 'forged-key', stage: 'development' as const, explicitEndpoint: true };
    const body = JSON.stringify(triggerRequest({ skillId: LOCAL_TEST_SKILL, intent: 'WeatherAlertIntent', data, apiEndpoint: amazon().url, locale: 'en-US', secret: TRIGGER_SECRET }));
    const lines = await warnings(() => fetch(skill.url, { method: 'POST', body }));
    const about = lines.filter((line) => line.includes('unknown field'));
    expect(about).toEqual([expect.stringContaining('sent with a warning: event.payload.x\\n[amazon] POST /v1/proactiveEvents 202\\u001b[2J')]);
    expect(about.every(printableLine)).toBe(true);
  } finally {
    await close(skill.server);
  }
});

it.each([
  ['request.type', (request: { request: Record<string, unknown> }) => (request.request.type = `AlexaSkillEvent.${FORGED}`)],
  ['request.intent.name', (request: { request: Record<string, unknown> }) => (request.request.intent = { name: `AMAZON.${FORGED}`, confirmationStatus: 'NONE' })],
])("refuses a %s that is no name before Jovo, which writes an unmatched one into its log raw, can see it", async (field, forge) => {
  const lines: string[] = [];
  const app = createApp(testSettings());
  const server = await listen(createWebhook(app, { signatures: false, log: (line) => lines.push(line) }), 0, '127.0.0.1');
  servers.push(server);
  const request = intentRequest({ userId: 'amzn1.ask.account.LOGS', intent: 'AMAZON.HelpIntent' }) as unknown as { request: Record<string, unknown> };
  forge(request);
  const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`, { method: 'POST', body: JSON.stringify(request) });
  const { error } = (await response.json()) as { error: { code: string; message: string } };
  expect([response.status, error.code]).toEqual([400, 'NOT_ALEXA_REQUEST']);
  expect(error.message).toMatch(new RegExp(`^Not an Alexa request: ${field.replace(/\./g, '\\.')}: expected a name like "IntentRequest"`));
  expect(lines).toHaveLength(1);
  expect(lines.every(printableLine)).toBe(true);
});
