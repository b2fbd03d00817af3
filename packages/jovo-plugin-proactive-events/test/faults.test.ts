import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { eventDefinition } from 'alexa-proactive-events/internal';
import { createEmulator, type Emulator } from 'alexa-proactive-events/emulator';
import { close, startSkill, trigger } from './helpers/pipeline';
import { launchRequest } from './helpers/requests';

/** Reliability: a thousand events through a failing Amazon, and a token that expires mid-run. */
const message = eventDefinition('AMAZON.MessageAlert.Activated');
const flags = Object.entries(message.example).flatMap(([flag, value]) => [`--${flag}`, value ?? '']);

function usersFile(n: number, prefix: string): { file: string; users: string[] } {
  const users = Array.from({ length: n }, (_, i) => `amzn1.ask.account.${prefix}${i}`);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'users-')), 'users.txt');
  fs.writeFileSync(file, users.join('\n'));
  return { file, users };
}

/** Every user got the event exactly once: as many accepted events as users, and no user twice. */
function deliveredOnce(amazon: Emulator, users: string[]): void {
  const audiences = amazon.accepted.map((event) => event.audience);
  expect(amazon.accepted).toHaveLength(users.length);
  expect(new Set(audiences).size).toBe(users.length);
  expect([...audiences].sort()).toEqual([...users].sort());
}

let rejections: unknown[];
const onRejection = (reason: unknown) => rejections.push(reason);
beforeEach(() => {
  rejections = [];
  process.on('unhandledRejection', onRejection);
});
afterEach(() => {
  process.off('unhandledRejection', onRejection);
  expect(rejections).toEqual([]);
});

// The faults depend on the seed and the events only, not on the order of arrival: this run is the same every time.
it('delivers 1,000 events exactly once while Amazon answers a fifth of them with 429, 500 or 503', async () => {
  const amazon = await createEmulator({ port: 0, faults: { rate: 0.2, seed: 2026, latencyMs: 5, retryAfterSeconds: 0, dropRate: 0.01 } });
  const skill = await startSkill([amazon]);
  try {
    const { file, users } = usersFile(1000, 'FAULTS');
    const run = await trigger(skill.url, message.command, ...flags, '--users-file', file, '--api-endpoint', amazon.url, '--json', '--reference-id', 'faults-1', '--concurrency', '8');
    expect(run.status).toBe(0);
    expect(run.json().map((outcome) => outcome.status).filter((status) => status !== 'accepted')).toEqual([]);
    deliveredOnce(amazon, users);
    const faults = amazon.received.filter((request) => request.path.startsWith('/v1/') && request.status !== 202);
    expect(faults.length).toBeGreaterThan(150); // the faults really happened
    expect(amazon.tokensIssued).toBe(1);
    // The skill still answers.
    const response = await fetch(skill.url, { method: 'POST', body: JSON.stringify(launchRequest({ userId: 'amzn1.ask.account.AFTER' })) });
    expect(response.status).toBe(200);
  } finally {
    await Promise.all([amazon.close(), close(skill.server)]);
  }
}, 120_000);

it('renews the token exactly once when Amazon expires it mid-run, losing no event', async () => {
  const amazon = await createEmulator({ port: 0, faults: { latencyMs: 2 } });
  const skill = await startSkill([amazon]);
  try {
    const { file, users } = usersFile(500, 'EXPIRY');
    const expireAfter100 = setInterval(() => {
      if (amazon.accepted.length >= 100) {
        amazon.expireTokens();
        clearInterval(expireAfter100);
      }
    }, 1);
    const run = await trigger(skill.url, message.command, ...flags, '--users-file', file, '--api-endpoint', amazon.url, '--json', '--concurrency', '8');
    clearInterval(expireAfter100);
    expect(run.status).toBe(0);
    deliveredOnce(amazon, users);
    expect(amazon.received.some((request) => request.path.startsWith('/v1/') && request.status === 403)).toBe(true);
    expect(amazon.tokensIssued).toBe(2);
  } finally {
    await Promise.all([amazon.close(), close(skill.server)]);
  }
}, 60_000);
