import { randomUUID } from 'crypto';
import type { AddressInfo } from 'net';
import { App, ExpressJS, Webhook, type Jovo } from 'jovo-framework';
import { Alexa } from 'jovo-platform-alexa';

/**
 * The tutorial's flow, as "Send Notifications Using the Alexa Proactive Events API" writes it: a WeatherAlertIntent
 * that prepares the event, asks Login with Amazon for a new access token and sends the event with Jovo's
 * built-in $proactiveEvent, for every event. Served with Jovo's Webhook, as the tutorial's project is.
 *
 * One change, so the benchmark stays offline: Jovo's token request goes to the emulator instead of
 * https://api.amazon.com (Jovo hard-codes that host), through an interceptor on the axios instance Jovo uses.
 */
const emulator = process.env.EMULATOR_URL!;
const jovoAxios = require(require.resolve('axios', { paths: [require.resolve('jovo-core')] })) as {
  interceptors: { request: { use(fn: (config: { url?: string }) => { url?: string }): void } };
};
jovoAxios.interceptors.request.use((config) => ({ ...config, url: config.url?.replace('https://api.amazon.com', emulator) }));

const app = new App({ logging: false });
app.use(new Alexa());
app.setHandler({
  LAUNCH(this: Jovo) {
    this.tell('Hello');
  },
  async WeatherAlertIntent(this: Jovo) {
    const timestamp = new Date();
    const proactiveEvent = {
      timestamp: timestamp.toISOString(),
      referenceId: randomUUID(),
      expiryTime: new Date(timestamp.getTime() + 60 * 60_000).toISOString(),
      event: { name: 'AMAZON.WeatherAlert.Activated', payload: { weatherAlert: { source: 'localizedattribute:source', alertType: 'TORNADO' } } },
      localizedAttributes: [{ locale: 'en-US', source: 'Weather Knows' }],
      relevantAudience: { type: 'Multicast', payload: {} },
    };
    const alexa = this.$alexaSkill! as unknown as {
      $proactiveEvent: { getAccessToken(id: string, secret: string): Promise<string>; sendProactiveEvent(event: object, token: string): Promise<{ status: number }> };
    };
    const accessToken = await alexa.$proactiveEvent.getAccessToken(process.env.ALEXA_CLIENT_ID!, process.env.ALEXA_CLIENT_SECRET!);
    const response = await alexa.$proactiveEvent.sendProactiveEvent(proactiveEvent, accessToken);
    this.tell(`Status ${response.status}`);
  },
});

Webhook.jovoApp = app;
Webhook.post('/webhook', (req, res) => app.handle(new ExpressJS(req, res)));
const server = Webhook.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook\n`);
});
