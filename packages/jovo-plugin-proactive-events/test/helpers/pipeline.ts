import { randomBytes } from 'crypto';
import type { Server } from 'http';
import type { AddressInfo } from 'net';
import { createEmulator, type Emulator } from 'alexa-proactive-events/emulator';
import { runTrigger } from '../../src/cli';
import type { DoorOptions } from '../../src/doors/gate';
import { createWebhook, listen } from '../../src/doors/webhook';
import { PROJECT, audienceOf, createApp, gateOptions, testSettings, type Settings } from './app';

export const TRIGGER_SECRET = randomBytes(32).toString('hex');

/** Settings like a real skill's, pointed at the emulators (the first gives tokens), with the trigger secret. */
export function skillSettings(amazon: Emulator[]): Settings {
  const settings = testSettings();
  settings.sending = {
    credentials: { clientId: 'amzn1.application-oa2-client.test', clientSecret: 'test-client-secret' },
    tokenUrl: `${amazon[0].url}/auth/o2/token`,
    allowedOrigins: amazon.map((emulator) => emulator.url),
    stage: 'development',
  };
  settings.triggerSecret = TRIGGER_SECRET;
  return settings;
}

/**
 * A skill webhook on port 0 with `skillSettings`, changed by `change`. `gate` adds to the door's options (a
 * certificate download for tests that sign Alexa's requests, say).
 */
export async function startSkill(
  amazon: Emulator[],
  change: (settings: Settings) => void = () => undefined,
  gate: Partial<DoorOptions> = {},
): Promise<{ url: string; server: Server; settings: Settings }> {
  const settings = skillSettings(amazon);
  change(settings);
  const server = await listen(createWebhook(createApp(settings), { ...gateOptions(settings), log: () => undefined, ...gate }), 0, '127.0.0.1');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  skillIds.set(url, audienceOf(settings).skillId);
  return { url, server, settings };
}

/** The skill id of each webhook `startSkill` started: the trigger script is told it, as its owner's .env would. */
const skillIds = new Map<string, string>();

/** Runs the trigger script in-process against `webhook`, with the trigger secret unless the arguments name one. */
export async function trigger(webhook: string, ...argv: string[]) {
  let out = '';
  let err = '';
  const skillId = skillIds.get(webhook);
  const given = (flag: string) => argv.includes(flag);
  const defaults = [
    ...(given('--endpoint') ? [] : ['--endpoint', webhook]),
    ...(given('--secret') ? [] : ['--secret', TRIGGER_SECRET]),
    ...(given('--skill-id') || !skillId ? [] : ['--skill-id', skillId]),
  ];
  const status = await runTrigger([...argv, ...defaults], {
    out: (text) => (out += text),
    err: (text) => (err += text),
    cwd: PROJECT,
  });
  return { status, out, err, json: () => out.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
}

/** Requests that reached an events API (token requests do not count). */
export function eventRequests(emulator: Emulator) {
  return emulator.received.filter((request) => request.path.startsWith('/v1/'));
}

export function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * One emulator for the test file, and the servers its tests start: the emulator is started before the file's
 * tests, and both are closed after them. `emulator()` is the running emulator.
 */
export function useEmulator(): { emulator: () => Emulator; servers: Server[] } {
  let emulator: Emulator | undefined;
  const servers: Server[] = [];
  beforeAll(async () => (emulator = await createEmulator({ port: 0 })));
  afterAll(async () => {
    await emulator?.close();
    await Promise.all(servers.map(close));
  });
  return { emulator: () => emulator!, servers };
}
