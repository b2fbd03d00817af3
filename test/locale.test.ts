import type { Server } from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { createWebhook, doorOptions, listen } from 'jovo-plugin-proactive-events';
import { handler } from '../src/entry/lambda';
import { createApp } from '../src/skill/app';
import { WITHOUT_DOTENV } from './helpers/environment';
import { close, launchRequest } from './helpers/plugin';
import { testSettings } from './helpers/settings';

/**
 * A request whose locale is not a locale (a line break in it, a terminal sequence) would reach the skill's list
 * format, which throws on it: the skill's doors refuse it with 400, naming the field, and never answer 500.
 */
const REFUSAL = 'Not an Alexa request: request.locale: expected a locale like "en-US": two lower-case letters, a hyphen, two upper-case letters';
const BAD_LOCALES: Array<[string, string, string]> = [
  ['a line break', 'en-US\n[amazon] POST /v1/proactiveEvents 202', '"en-US\\n[amazon] POST /v1/proactiveEvents 202"'],
  ['a terminal sequence', 'en\u001b[2J', '"en\\u001b[2J"'],
  ['words', 'not a locale', '"not a locale"'],
];

const launchIn = (locale: string) => {
  const launch = launchRequest({ userId: 'amzn1.ask.account.locale' }) as { request: Record<string, unknown> };
  launch.request.locale = locale;
  return launch;
};

describe('the webhook, with verification off', () => {
  let server: Server;
  let url: string;
  const logged: string[] = [];
  beforeAll(async () => {
    const settings = testSettings();
    server = await listen(createWebhook(createApp(settings), { ...doorOptions(settings), log: (line) => logged.push(line) }), 0, '127.0.0.1');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  });
  afterAll(() => close(server));

  it.each(BAD_LOCALES)('refuses a LaunchRequest whose locale has %s with 400, showing the value escaped', async (_, locale, shown) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(launchIn(locale)) });
    expect(response.status).toBe(400);
    await expect(response.json()).resolves.toEqual({ error: { code: 'NOT_ALEXA_REQUEST', message: `${REFUSAL} (given ${shown})` } });
    expect(logged.at(-1)).toBe(`Refused a request: 400 NOT_ALEXA_REQUEST: ${REFUSAL} (given ${shown})`);
  });

  it('still answers a LaunchRequest in a locale the skill has no texts for, in its own list format', async () => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(launchIn('fr-FR')) });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { response: { outputSpeech: { ssml: string } } }).response.outputSpeech.ssml).toContain('game invitations');
  });
});

describe("the Lambda entry, invoked by Alexa", () => {
  const saved = { ...process.env };
  beforeAll(() => Object.assign(process.env, WITHOUT_DOTENV, { FILEDB_PATH: path.join(testSettings().fileDbPath) }));
  afterAll(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  });

  it.each(BAD_LOCALES)('refuses a LaunchRequest whose locale has %s before the app runs, and logs it escaped', async (_, locale, shown) => {
    // The entry logs refusals to stderr, where CloudWatch reads them: one line each.
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await expect(handler(launchIn(locale), {})).rejects.toThrow(`Refused: NOT_ALEXA_REQUEST: ${REFUSAL} (given ${shown})`);
      expect(logged.mock.calls).toEqual([[`Refused a request: 400 NOT_ALEXA_REQUEST: ${REFUSAL} (given ${shown})`]]);
    } finally {
      logged.mockRestore();
    }
  });
});
