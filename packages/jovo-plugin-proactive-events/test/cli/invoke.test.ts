import type { Server } from 'http';
import type { AddressInfo } from 'net';
import { createEmulator, type Emulator } from 'alexa-proactive-events/emulator';
import type { ProactiveEvents } from '../../src';
import { runTrigger } from '../../src/cli';
import { createWebhook, listen } from '../../src/doors/webhook';
import { PROJECT, createApp, gateOptions, testSettings } from '../helpers/app';
import { close } from '../helpers/pipeline';

/** `invoke --timezone`: the request's device is in that zone on the emulator, and the skill learns it. */

const DEVICE = 'amzn1.ask.device.DEV';
let emulator: Emulator;
let skill: { webhook: string; server: Server; plugin: ProactiveEvents; requests: number };

beforeEach(async () => {
  emulator = await createEmulator({ port: 0 });
  const settings = testSettings();
  settings.sending.allowedOrigins = [emulator.url];
  const app = createApp(settings);
  const webhook = createWebhook(app, { ...gateOptions(settings), log: () => undefined });
  const server = await listen(webhook, 0, '127.0.0.1');
  skill = { webhook: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`, server, plugin: app.$plugins.get('ProactiveEvents') as ProactiveEvents, requests: 0 };
  server.on('request', () => skill.requests++);
});
afterEach(async () => {
  await emulator.close();
  await close(skill.server);
});

async function invoke(...argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const status = await runTrigger(['invoke', ...argv, '--endpoint', skill.webhook, '--emulator', emulator.url], { out: (text) => (out += text), err: (text) => (err += text), cwd: PROJECT });
  return { status, out, err };
}

it("sets the device's zone on the emulator before the request, and the skill reads it with the request's token", async () => {
  const user = 'amzn1.ask.account.BERLIN';
  const { status, out, err } = await invoke('launch', '--timezone', 'Europe/Berlin', '--user', user);
  expect([status, err]).toEqual([0, '']);
  expect(out.split('\n').slice(0, 2)).toEqual([
    `The device ${DEVICE} is in Europe/Berlin on the emulator (the skill reads a user's zone at their first request, then once a day).`,
    'Alexa says: Welcome to the test skill.',
  ]);
  expect(emulator.timeZones()).toEqual([{ deviceId: DEVICE, timeZone: 'Europe/Berlin' }]);
  expect(emulator.received.filter((request) => request.path.startsWith('/settings/') || request.path.startsWith('/v2/'))).toEqual([
    { method: 'PUT', path: `/settings/${DEVICE}`, status: 200 },
    { method: 'GET', path: `/v2/devices/${DEVICE}/settings/System.timeZone`, status: 200 },
  ]);
  await expect(skill.plugin.readSubscriber(user)).resolves.toMatchObject({ timeZone: 'Europe/Berlin', apiEndpoint: emulator.url });
});

it('sends requests from a device with an access token, so that the skill reads its default zone without --timezone', async () => {
  const user = 'amzn1.ask.account.NOWHERE';
  expect((await invoke('launch', '--user', user)).status).toBe(0);
  expect(emulator.timeZones()).toEqual([]);
  await expect(skill.plugin.readSubscriber(user)).resolves.toMatchObject({ timeZone: 'America/Los_Angeles' });
});

it('says the zone in --json as the device it set', async () => {
  const { out } = await invoke('launch', '--timezone', 'Asia/Tokyo', '--json');
  expect(JSON.parse(out)).toMatchObject({ device: { deviceId: DEVICE, timeZone: 'Asia/Tokyo' }, events: [], refused: [] });
});

it('refuses a zone that is none, naming it, and sends nothing anywhere', async () => {
  const { status, out, err } = await invoke('launch', '--timezone', 'Berlin');
  expect([status, out]).toEqual([2, '']);
  expect(err).toContain(`option '--timezone <zone>' argument 'Berlin' is invalid. expected an IANA time zone like "Europe/Berlin" or "America/New_York", not "Berlin"`);
  expect(emulator.received).toEqual([]);
  expect(skill.requests).toBe(0);
});

it('names the help of --timezone', async () => {
  let out = '';
  await runTrigger(['invoke', '--help'], { out: (text) => (out += text), err: (text) => (out += text), cwd: PROJECT });
  expect(out.replace(/\s+/g, ' ')).toContain("--timezone <zone> the time zone of the request's device (amzn1.ask.device.DEV), set on the emulator first");
  expect(out).toContain('invoke launch --timezone Europe/Berlin');
});
