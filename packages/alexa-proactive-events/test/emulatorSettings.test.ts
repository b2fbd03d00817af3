import { DEFAULT_TIME_ZONE, createEmulator, type Emulator } from '../src/emulator';

/** Alexa's Settings API as the emulator plays it: each device's time zone, set as in the Alexa app. */

const DEVICE = 'amzn1.ask.device.KITCHEN';
const TOKEN = 'Atc|alexa-api-access-token';
let emulator: Emulator;
let logged: string[];

beforeEach(async () => {
  logged = [];
  emulator = await createEmulator({ port: 0, log: (line) => logged.push(line) });
});
afterEach(() => emulator.close());

function readZone(device: string, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) {
  return fetch(`${emulator.url}/v2/devices/${encodeURIComponent(device)}/settings/System.timeZone`, { headers });
}

function setZone(device: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  return fetch(`${emulator.url}/settings/${encodeURIComponent(device)}`, { method: 'PUT', headers, body });
}

it("answers a device never set with the Alexa app's default zone, as a JSON string", async () => {
  const response = await readZone(DEVICE);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  await expect(response.text()).resolves.toBe(JSON.stringify(DEFAULT_TIME_ZONE));
  expect(DEFAULT_TIME_ZONE).toBe('America/Los_Angeles');
});

it("answers a device's zone once set, 204 once cleared, and lists the devices set", async () => {
  const set = await setZone(DEVICE, JSON.stringify({ timeZone: 'Europe/Berlin' }));
  await expect(set.json()).resolves.toEqual({ deviceId: DEVICE, timeZone: 'Europe/Berlin' });
  await expect((await readZone(DEVICE)).json()).resolves.toBe('Europe/Berlin');
  await expect((await readZone('amzn1.ask.device.OTHER')).json()).resolves.toBe(DEFAULT_TIME_ZONE);

  expect((await setZone(DEVICE, JSON.stringify({ timeZone: null }))).status).toBe(200);
  const cleared = await readZone(DEVICE);
  expect(cleared.status).toBe(204);
  await expect(cleared.text()).resolves.toBe('');
  await expect((await fetch(`${emulator.url}/settings`)).json()).resolves.toEqual({ default: DEFAULT_TIME_ZONE, devices: [{ deviceId: DEVICE, timeZone: null }] });
  expect(emulator.timeZones()).toEqual([{ deviceId: DEVICE, timeZone: null }]);
});

it("refuses a read without an access token with 401 and the Settings API's error body", async () => {
  for (const headers of [{}, { authorization: 'Bearer ' }, { authorization: `Basic ${TOKEN}` }] as Array<Record<string, string>>) {
    const response = await readZone(DEVICE, headers);
    expect(response.status).toBe(401);
    await expect(response.json()).resolves.toEqual({ code: 'INVALID_TOKEN', message: expect.stringContaining('Authorization: Bearer') });
  }
});

it.each([
  ['an unknown zone', JSON.stringify({ timeZone: 'Mars/Olympus_Mons' }), 'timeZone: expected an IANA time zone like "Europe/Berlin", or null for none (given "Mars/Olympus_Mons")'],
  ['a zone that is no string', JSON.stringify({ timeZone: 1 }), 'timeZone: expected an IANA time zone like "Europe/Berlin", or null for none (given 1)'],
  ['no zone', JSON.stringify({}), 'timeZone: expected an IANA time zone like "Europe/Berlin", or null for none'],
  ['a field besides the zone', JSON.stringify({ timeZone: 'UTC', locale: 'de-DE' }), 'locale: not allowed: the body has timeZone alone (given "de-DE")'],
  ['a bare zone', JSON.stringify('Europe/Berlin'), '(the whole input): expected { "timeZone": "Europe/Berlin" }, or { "timeZone": null } for none (given "Europe/Berlin")'],
  ['a body that is not JSON', 'timeZone=Europe/Berlin', '(the whole input): expected { "timeZone": "Europe/Berlin" }, or { "timeZone": null } for none (given "timeZone=Europe/Berlin")'],
  ['no body', '', '(the whole input): expected { "timeZone": "Europe/Berlin" }, or { "timeZone": null } for none'],
])('refuses %s with 400, naming the field, the value and what is allowed, and keeps the zone', async (_, body, message) => {
  const response = await setZone(DEVICE, body);
  expect(response.status).toBe(400);
  await expect(response.json()).resolves.toEqual({ code: 400, message });
  expect(emulator.timeZones()).toEqual([]);
});

it('refuses a device id that is not percent-encoded, or too long', async () => {
  const notEncoded = await fetch(`${emulator.url}/settings/%E0%A4%A`, { method: 'PUT', body: JSON.stringify({ timeZone: 'UTC' }) });
  expect(notEncoded.status).toBe(400);
  await expect(notEncoded.json()).resolves.toMatchObject({ message: expect.stringContaining('The device id in the path is not percent-encoded') });
  const long = await setZone('d'.repeat(513), JSON.stringify({ timeZone: 'UTC' }));
  await expect(long.json()).resolves.toEqual({ code: 400, message: 'deviceId: expected 1 to 512 characters, not 513' });
});

it('sets and clears a zone from code, and refuses an invalid one with a ValidationError naming it', async () => {
  expect(emulator.setTimeZone(DEVICE, 'Asia/Tokyo')).toEqual({ deviceId: DEVICE, timeZone: 'Asia/Tokyo' });
  await expect((await readZone(DEVICE)).json()).resolves.toBe('Asia/Tokyo');
  expect(() => emulator.setTimeZone(DEVICE, 'Tokyo')).toThrow(
    expect.objectContaining({ code: 'ERR_VALIDATION', issues: [{ path: 'timeZone', message: 'expected an IANA time zone like "Europe/Berlin", or null for none', value: 'Tokyo' }] }),
  );
  emulator.setTimeZone(DEVICE, null);
  expect((await readZone(DEVICE)).status).toBe(204);
});

it("logs each read and change without the token, and not the page's polls", async () => {
  await setZone(DEVICE, JSON.stringify({ timeZone: 'Europe/Berlin' }));
  await readZone(DEVICE);
  await fetch(`${emulator.url}/settings`);
  expect(logged).toEqual([
    `time zone of "${DEVICE}": Europe/Berlin`,
    `PUT /settings/${DEVICE} 200`,
    `GET /v2/devices/${DEVICE}/settings/System.timeZone 200`,
  ]);
  expect(logged.join('\n')).not.toContain(TOKEN);
});

it("takes a zone from its own page, and from no other site's", async () => {
  const body = JSON.stringify({ timeZone: 'Europe/Berlin' });
  const foreign = await setZone(DEVICE, body, { 'content-type': 'application/json', origin: 'http://evil.example' });
  expect(foreign.status).toBe(403);
  const own = await setZone(DEVICE, body, { 'content-type': 'application/json', origin: emulator.url });
  expect(own.status).toBe(200);
  expect(emulator.timeZones()).toEqual([{ deviceId: DEVICE, timeZone: 'Europe/Berlin' }]);
});
