import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { triggerRequest } from 'alexa-proactive-events/trigger';
import { createEmulator, type Emulator } from 'alexa-proactive-events/emulator';
import { readSubscriber } from '../src';
import type { HttpResponse } from '../src/doors/lambda';
import { createWebhook, listen } from '../src/doors/webhook';
import { TEST_ROOT_PEM, alexaHeaders, download } from './helpers/alexaSigning';
import { createApp, gateOptions, lambdaFor, type Settings, LOCAL_TEST_SKILL } from './helpers/app';
import { TRIGGER_SECRET, close, eventRequests, skillSettings, trigger } from './helpers/pipeline';
import { APPLICATION_ID, intentRequest, launchRequest, skillDisabled, skillEnabled, subscriptionChanged } from './helpers/requests';
import { useStores } from './helpers/stores';

/**
 * An outsider who knows the skill's public URL and its id, but not the trigger secret, tries every forgery that
 * once worked, through the webhook and through the Lambda function URL, on FileDb and on DynamoDB. Nothing of it
 * may reach storage, and the owner's signed trigger must still go out afterwards.
 */
const TABLE = 'ForgeryUsers';
const WEATHER = 'AMAZON.WeatherAlert.Activated';
const REAL_USER = 'amzn1.ask.account.REAL-SUBSCRIBER';
const { stores: STORES } = useStores(TABLE);

/** Where outsiders knock: the webhook, or the Lambda entry's function URL, in front of the same skill. */
interface Door {
  url: string;
  logged: string[];
  close(): Promise<void>;
}

/** The webhook, verifying Alexa's requests. It also takes Alexa's genuine subscription, signed, for every door. */
async function webhook(settings: Settings): Promise<Door> {
  const logged: string[] = [];
  const app = createApp(settings);
  const server = await listen(createWebhook(app, { ...gateOptions(settings), download, trustedRoots: [TEST_ROOT_PEM], log: (line) => logged.push(line) }), 0, '127.0.0.1');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`, logged, close: () => close(server) };
}

/** A stand-in for the Lambda function URL: each HTTP request becomes a payload 2.0 event, headers included. */
async function functionUrl(settings: Settings): Promise<Door> {
  const logged: string[] = [];
  const handler = lambdaFor(settings, { log: (line) => logged.push(line) });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, String(value)]));
      const event = { version: '2.0', rawPath: '/', headers, body: Buffer.concat(chunks).toString('base64'), isBase64Encoded: true, requestContext: { http: { method: 'POST' } } };
      const result = (await handler(event, {})) as HttpResponse;
      res.writeHead(result.statusCode, result.headers).end(result.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, logged, close: () => close(server) };
}

const DOORS: Array<[string, typeof webhook]> = [
  ['the webhook', webhook],
  ['the function URL', functionUrl],
];

const padding = 'x'.repeat(200 * 1024);
const deepSlots = (body: object) => JSON.stringify(body).replace('"slots":{}', `"slots":{"deep":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);

describe.each(STORES)('on %s', (_, store) => {
  describe.each(DOORS)('through %s', (doorName, openDoor) => {
    const viaWebhook = doorName === 'the webhook';
    let amazon: Emulator;
    let settings: Settings;
    let alexaDoor: Door;
    let door: Door;
    let realState: unknown;

    beforeAll(async () => {
      amazon = await createEmulator({ port: 0 });
      settings = skillSettings([amazon]);
      store.configure(settings);
      settings.alexa = { verifyRequests: true, skillId: APPLICATION_ID };
      alexaDoor = await webhook(settings);
      door = viaWebhook ? alexaDoor : await openDoor(settings);
      // Alexa tells the skill of a real subscriber, signed.
      const raw = JSON.stringify(subscriptionChanged({ userId: REAL_USER, events: [WEATHER], apiEndpoint: amazon.url, locale: 'en-US' }));
      expect((await fetch(alexaDoor.url, { method: 'POST', headers: alexaHeaders(raw), body: raw })).status).toBe(200);
      realState = await readSubscriber(store.reader(settings), REAL_USER);
      expect(realState).toMatchObject({ subscriptions: [WEATHER], apiEndpoint: amazon.url });
    });
    afterAll(() => Promise.all([amazon.close(), alexaDoor.close(), viaWebhook || door.close()]));

    const post = async (body: string | object, headers: Record<string, string> = { 'content-type': 'application/json' }) => {
      const response = await fetch(door.url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
      const text = await response.text();
      return { status: response.status, text, code: (JSON.parse(text) as { error?: { code?: string } }).error?.code };
    };

    // The webhook refuses what Alexa did not sign; the function URL takes nothing but signed triggers.
    it.each([
      ['a subscription for a made-up user', () => subscriptionChanged({ userId: 'amzn1.ask.account.MADE-UP', events: [WEATHER] }), 'SIGNATURE_INVALID'],
      ["emptying the real subscriber's list", () => subscriptionChanged({ userId: REAL_USER, events: [] }), 'SIGNATURE_INVALID'],
      ['disabling the real subscriber for good, stamped 2099', () => skillDisabled({ userId: REAL_USER, timestamp: '2099-12-31T23:59:59Z' }), 'TIMESTAMP_INVALID'],
      ["moving the real subscriber's region", () => intentRequest({ userId: REAL_USER, intent: 'AMAZON.HelpIntent', apiEndpoint: 'https://attacker.example.com' }), 'SIGNATURE_INVALID'],
      ["a user id in the replay guard's key space", () => launchRequest({ userId: 'trigger#trigger.0b4d0a1e' }), 'NOT_ALEXA_REQUEST'],
      ['a user id of 50 KB', () => launchRequest({ userId: `amzn1.ask.account.${'A'.repeat(50_000)}` }), 'NOT_ALEXA_REQUEST'],
    ])('refuses %s', async (__, forgery, webhookCode) => {
      const answer = await post(forgery());
      expect([answer.status, answer.code]).toEqual(viaWebhook ? [400, webhookCode] : [403, 'TRIGGERS_ONLY']);
    });

    it('refuses a flood of SkillEnabled events for made-up users', async () => {
      const answers = await Promise.all(Array.from({ length: 50 }, (__, i) => post(skillEnabled({ userId: `amzn1.ask.account.FLOOD-${i}` }))));
      // Fifty connections at once from one address: past the webhook's 32 per client, the rest are refused at once.
      const refusals = viaWebhook ? ['SIGNATURE_INVALID', 'TOO_MANY_CONNECTIONS'] : ['TRIGGERS_ONLY'];
      expect(answers.every((answer) => refusals.includes(answer.code!))).toBe(true);
    });

    it('refuses a body larger than a trigger may be, and an Alexa request larger than Alexa sends', async () => {
      const huge = await post(launchRequest({ userId: `amzn1.ask.account.${'A'.repeat(400_000)}` }));
      expect([huge.status, huge.code]).toEqual([viaWebhook ? 413 : 403, 'BODY_TOO_LARGE']);
      const raw = JSON.stringify(launchRequest({ userId: REAL_USER, locale: 'en-US' })).replace('"locale"', `"padding":"${'p'.repeat(150 * 1024)}","locale"`);
      const large = await post(raw, alexaHeaders(raw));
      expect([large.status, large.code]).toEqual(viaWebhook ? [413, 'BODY_TOO_LARGE'] : [403, 'TRIGGERS_ONLY']);
      if (viaWebhook) expect(JSON.parse(large.text).error.message).toBe('The request body is larger than 128 KB, the most an Alexa request may be');
    });

    it('refuses a body nested 100,000 levels deep in its slots', async () => {
      const answer = await post(deepSlots(intentRequest({ userId: REAL_USER, intent: 'AMAZON.HelpIntent' })));
      expect([answer.status, answer.code]).toEqual([viaWebhook ? 400 : 403, 'TOO_DEEP']);
    });

    it("refuses a trigger it cannot verify without echoing a byte of it, in the answer or the log", async () => {
      const forged = triggerRequest({
        skillId: LOCAL_TEST_SKILL,
        intent: 'WeatherAlertIntent',
        data: { event: { name: WEATHER, payload: { weatherAlert: { alertType: 'TORNADO' } } }, users: [REAL_USER], referenceId: 'forged-1', stage: 'development' as const, explicitEndpoint: true },
        apiEndpoint: amazon.url,
        locale: 'en-US',
        secret: 'a-guessed-secret-of-enough-length',
      });
      (forged.trigger.data as unknown as Record<string, unknown>).unknownKey = padding;
      const answer = await post(forged);
      expect([answer.status, answer.code]).toEqual([403, 'TRIGGER_REFUSED']);
      expect(answer.text.length).toBeLessThan(300);
      expect(door.logged.join('\n')).not.toContain('xxxx');
    });

    it.each([
      ['a subscription change emptying the real subscriber', { type: 'AlexaSkillEvent.ProactiveSubscriptionChanged', body: { subscriptions: [] } }, REAL_USER],
      ['a LaunchRequest for a made-up user', { type: 'LaunchRequest' }, 'amzn1.ask.account.FROM-A-TRIGGER'],
    ])("refuses one of the owner's signed triggers, captured and turned into %s", async (__, request, userId) => {
      const captured = triggerRequest({
        skillId: LOCAL_TEST_SKILL,
        intent: 'WeatherAlertIntent',
        data: { event: { name: WEATHER, payload: { weatherAlert: { alertType: 'TORNADO' } } }, referenceId: 'captured-1', stage: 'development' as const, explicitEndpoint: true },
        apiEndpoint: amazon.url,
        locale: 'en-US',
        secret: TRIGGER_SECRET,
      });
      Object.assign(captured.request, request);
      captured.context.System.user.userId = userId;
      const { session: _dropped, ...forged } = captured;
      const answer = await post(forged);
      expect([answer.status, answer.code]).toEqual([403, 'TRIGGER_REFUSED']);
      expect(JSON.parse(answer.text).error.message).toBe('Trigger refused: a trigger is an IntentRequest for a hidden intent; this one was changed after signing');
    });

    it('refuses a web page posting text/plain with a foreign Origin', async () => {
      const answer = await post(JSON.stringify(subscriptionChanged({ userId: 'amzn1.ask.account.FROM-A-PAGE', events: [WEATHER] })), {
        'content-type': 'text/plain',
        origin: 'https://attacker.example.com',
      });
      expect([answer.status, answer.code]).toEqual([403, 'BROWSER_REFUSED']);
    });

    it("has stored nothing of it, and still sends the owner's signed trigger to the real subscriber's region", async () => {
      expect(await store.userIds(settings)).toEqual([REAL_USER]);
      await expect(readSubscriber(store.reader(settings), REAL_USER)).resolves.toEqual(realState);
      const run = await trigger(door.url, 'weather', '--alert-type', 'TORNADO', '--user', REAL_USER, '--json', '--secret', TRIGGER_SECRET, '--skill-id', APPLICATION_ID);
      expect(run.json()).toEqual([expect.objectContaining({ status: 'accepted', user: REAL_USER })]);
      expect(eventRequests(amazon)).toHaveLength(1);
    });
  });
});
