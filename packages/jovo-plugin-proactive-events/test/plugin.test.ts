import type { Server } from 'http';
import type { AddressInfo } from 'net';
import { createEmulator, type Emulator } from 'alexa-proactive-events/emulator';
import type { Jovo } from 'jovo-framework';
import { createWebhook, listen } from '../src/doors/webhook';
import type { Settings } from './helpers/app';
import { createApp, gateOptions, testSettings } from './helpers/app';
import { intentRequest } from './helpers/requests';

const ORDER = 'AMAZON.OrderStatus.Updated';
const shipped = { state: { status: 'ORDER_SHIPPED' }, order: { seller: { name: 'localizedattribute:sellerName' } } };
const sellers = [{ locale: 'en-US', sellerName: 'Example Shop' }, { locale: 'de-DE', sellerName: 'Beispielladen' }];

let amazon: Emulator;
const servers: Server[] = [];

/** The template with two handlers a fork might add, sending from a conversation. */
async function skill(change: (settings: Settings) => void = () => undefined): Promise<string> {
  const settings = testSettings();
  settings.sending = {
    credentials: { clientId: 'id', clientSecret: 'secret' },
    tokenUrl: `${amazon.url}/auth/o2/token`,
    allowedOrigins: [amazon.url],
    stage: 'development',
  };
  change(settings);
  const app = createApp(settings);
  app.setHandler({
    async ShipMyOrderIntent(this: Jovo) {
      const result = await this.$proactiveEvents!.send({ name: ORDER, payload: shipped }, { localizedAttributes: sellers });
      this.tell(`${result.status}${result.errors.map((error) => ` ${error.message}`).join('')}`);
    },
    async TellEveryoneIntent(this: Jovo) {
      const result = await this.$proactiveEvents!.send({ name: ORDER, payload: shipped }, { to: 'all', localizedAttributes: sellers, referenceId: 'everyone-1' });
      this.tell(result.status);
    },
  });
  const server = await listen(createWebhook(app, { ...gateOptions(settings), log: () => undefined }), 0, '127.0.0.1');
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
}

async function say(webhook: string, intent: string, userId = 'amzn1.ask.account.SHOPPER'): Promise<string> {
  const response = await fetch(webhook, { method: 'POST', body: JSON.stringify(intentRequest({ userId, intent, apiEndpoint: amazon.url })) });
  return ((await response.json()) as { response: { outputSpeech: { ssml: string } } }).response.outputSpeech.ssml.replace(/<\/?speak>/g, '');
}

beforeAll(async () => (amazon = await createEmulator({ port: 0 })));
afterAll(async () => {
  await amazon.close();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});
afterEach(() => amazon.reset());

it("lets a handler send an event to this user, in this request's region", async () => {
  await expect(say(await skill(), 'ShipMyOrderIntent')).resolves.toBe('accepted');
  expect(amazon.accepted).toEqual([expect.objectContaining({ event: ORDER, audience: 'amzn1.ask.account.SHOPPER' })]);
  expect(amazon.accepted[0].texts['de-DE']).toBe('Deine Bestellung bei Beispielladen wurde versandt.');
});

it('lets a handler send an event to every subscriber', async () => {
  await expect(say(await skill(), 'TellEveryoneIntent')).resolves.toBe('accepted');
  expect(amazon.accepted).toEqual([expect.objectContaining({ audience: 'Multicast', referenceId: 'everyone-1' })]);
});

it('refuses to send without credentials, saying which variables to set', async () => {
  const webhook = await skill((settings) => delete settings.sending.credentials);
  await expect(say(webhook, 'ShipMyOrderIntent')).resolves.toBe('rejected The skill cannot send events: set ALEXA_CLIENT_ID and ALEXA_CLIENT_SECRET');
  expect(amazon.received).toEqual([]);
});
