import { randomBytes } from 'crypto';
import type { Server } from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import { createApp } from '../../src/app';
import { runTrigger } from '../../src/cli';
import type { Emulator } from '../../src/proactive';
import { createWebhook, listen } from '../../src/server';
import type { Settings } from '../../src/settings';
import { testSettings } from './settings';

export const TRIGGER_SECRET = randomBytes(32).toString('hex');

/** A skill webhook on port 0, configured like a real one but pointed at the emulators (the first gives tokens). */
export async function startSkill(amazon: Emulator[], change: (settings: Settings) => void = () => undefined): Promise<{ url: string; server: Server }> {
  const settings = testSettings();
  settings.sending = {
    credentials: { clientId: 'amzn1.application-oa2-client.test', clientSecret: 'test-client-secret' },
    tokenUrl: `${amazon[0].url}/auth/o2/token`,
    allowedOrigins: amazon.map((emulator) => emulator.url),
    stage: 'development',
  };
  settings.triggerSecret = TRIGGER_SECRET;
  change(settings);
  const server = await listen(createWebhook(createApp(settings)), 0, '127.0.0.1');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`, server };
}

/** Runs the trigger script in-process against `webhook`, with the trigger secret unless the arguments name one. */
export async function trigger(webhook: string, ...argv: string[]) {
  let out = '';
  let err = '';
  const status = await runTrigger([...argv, ...(argv.includes('--endpoint') ? [] : ['--endpoint', webhook]), ...(argv.includes('--secret') ? [] : ['--secret', TRIGGER_SECRET])], {
    out: (text) => (out += text),
    err: (text) => (err += text),
    cwd: os.tmpdir(),
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
