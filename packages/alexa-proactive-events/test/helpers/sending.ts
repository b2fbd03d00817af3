import { ProactiveEventsSender, TokenClient, type SenderOptions } from '../../src';
import { createEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator';

export const CLIENT_ID = 'amzn1.application-oa2-client.test';
export const CLIENT_SECRET = 'test-secret-&=+ with spaces';

/**
 * An emulator on port 0 and a sender pointed at it. Pauses between retries are recorded, not waited, and
 * `clock` is the time both sides see, so tests move it instead of waiting.
 */
export async function sendingSetup(emulatorOptions: EmulatorOptions = {}, senderOptions: Partial<SenderOptions> = {}) {
  const clock = { now: Date.parse('2026-11-22T10:00:00Z') };
  const now = () => clock.now;
  const emulator: Emulator = await createEmulator({ port: 0, now, clients: { [CLIENT_ID]: CLIENT_SECRET }, ...emulatorOptions });
  const tokens = new TokenClient({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, tokenUrl: `${emulator.url}/auth/o2/token`, now });
  const sleeps: number[] = [];
  const sender = new ProactiveEventsSender({
    tokens,
    now,
    allowedOrigins: [emulator.url],
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.now += ms;
    },
    random: () => 0.5,
    ...senderOptions,
  });
  let closing: Promise<void> | undefined;
  // Closing twice is harmless, so a test may close early and afterEach close again.
  const close = () => (closing ??= emulator.close());
  return { emulator, tokens, sender, sleeps, clock, target: { apiEndpoint: emulator.url }, close };
}
