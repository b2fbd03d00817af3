import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import { createServer } from 'net';
import * as os from 'os';
import * as path from 'path';
import { eventDefinition } from 'alexa-proactive-events/internal';
import { createEmulator, type Emulator } from 'alexa-proactive-events/emulator';
import { WITHOUT_DOTENV } from './helpers/environment';
import { TRIGGER_SECRET, trigger } from './helpers/plugin';

/**
 * Reliability: the skill process is killed part-way through a fan-out, then the same trigger command runs again.
 * The referenceId is the same, so Amazon answers 409 for users who already got the event: nobody gets it twice,
 * and everybody gets it.
 */
const root = path.join(__dirname, '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crash-'));
const message = eventDefinition('AMAZON.MessageAlert.Activated');
const USERS = Array.from({ length: 2000 }, (_, i) => `amzn1.ask.account.CRASH${i}`);
let amazon: Emulator;
let port: number;

beforeAll(async () => {
  amazon = await createEmulator({ port: 0, faults: { latencyMs: 1 } });
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  fs.writeFileSync(path.join(dir, 'users.txt'), USERS.join('\n'));
});
afterAll(() => amazon.close());

/** The compiled skill (built by test/globalSetup.js) on a fixed port, so both runs use the same command. */
function startSkill(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(root, 'dist', 'src', 'index.js')], {
    env: {
      ...WITHOUT_DOTENV,
      PATH: process.env.PATH ?? '',
      HOME: dir,
      JOVO_PORT: String(port),
      FILEDB_PATH: path.join(dir, 'db.json'),
      TRIGGER_SECRET,
      SKILL_ID: 'amzn1.ask.skill.00000000-0000-0000-0000-000000000000',
      ALEXA_CLIENT_ID: 'amzn1.application-oa2-client.crash',
      ALEXA_CLIENT_SECRET: 'crash-secret',
      LWA_TOKEN_URL: `${amazon.url}/auth/o2/token`,
      PROACTIVE_API_ENDPOINTS: amazon.url,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('listening on') && resolve(child));
    child.once('exit', (code) => reject(new Error(`the skill exited with ${code}`)));
  });
}

function count(outcomes: Array<Record<string, unknown>>): Record<string, number> {
  return outcomes.reduce<Record<string, number>>((counts, { status }) => ({ ...counts, [status as string]: (counts[status as string] ?? 0) + 1 }), {});
}

it('delivers the rest, and nothing twice, when the same command runs again after the skill was killed', async () => {
  const command = [
    message.command,
    ...Object.entries(message.example).flatMap(([flag, value]) => [`--${flag}`, value ?? '']),
    '--users-file', path.join(dir, 'users.txt'),
    '--api-endpoint', amazon.url,
    '--endpoint', `http://127.0.0.1:${port}/webhook`,
    '--reference-id', 'weekly-digest-48',
    '--skill-id', 'amzn1.ask.skill.00000000-0000-0000-0000-000000000000',
    '--concurrency', '8',
    '--batch-size', '50',
    '--json',
  ];

  let skill = await startSkill();
  const kill = setInterval(() => {
    if (amazon.accepted.length >= 400) {
      skill.kill('SIGKILL');
      clearInterval(kill);
    }
  }, 2);
  const first = await trigger('', ...command);
  clearInterval(kill);
  const firstCounts = count(first.json());
  const deliveredBefore = amazon.accepted.length;
  expect(first.status).toBe(3); // some failed after retries
  expect(firstCounts.failed).toBeGreaterThan(0);
  expect((firstCounts.accepted ?? 0) + firstCounts.failed).toBe(USERS.length);
  expect(deliveredBefore).toBeGreaterThanOrEqual(firstCounts.accepted ?? 0); // some were sent but never answered
  expect(deliveredBefore).toBeLessThan(USERS.length);

  skill = await startSkill();
  try {
    const second = await trigger('', ...command);
    expect(second.status).toBe(0);
    expect(count(second.json())).toEqual({ accepted: USERS.length - deliveredBefore, duplicate: deliveredBefore });
  } finally {
    skill.kill('SIGKILL');
  }
  expect(amazon.accepted).toHaveLength(USERS.length);
  expect(new Set(amazon.accepted.map((event) => event.audience)).size).toBe(USERS.length);
}, 90_000);
