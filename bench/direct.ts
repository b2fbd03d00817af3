import * as fs from 'fs';
import { buildRequest, type LocalizedAttributes } from 'alexa-proactive-events';
import { pool, postJson } from './client';

/**
 * The fan-out's ceiling: a minimal Node client, in its own process as the trigger script is, that posts the events
 * the skill would send for each user of BENCH_USERS_FILE straight to the emulator at BENCH_EMULATOR_URL,
 * BENCH_CONCURRENCY at a time, with one access token. BENCH_EVENT is the event (name, payload, localized
 * attributes), BENCH_REFERENCE_ID the referenceId of every send. Exits 0 when every send was accepted (202),
 * 1 at the first that was not.
 */
async function main(): Promise<void> {
  const emulator = process.env.BENCH_EMULATOR_URL!;
  const users = fs.readFileSync(process.env.BENCH_USERS_FILE!, 'utf8').split('\n').filter(Boolean);
  const event = JSON.parse(process.env.BENCH_EVENT!) as { event: { name: string; payload: unknown }; localizedAttributes?: LocalizedAttributes };
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'bench', client_secret: 'bench', scope: 'alexa::proactive_events' });
  const { access_token: token } = (await (await fetch(`${emulator}/auth/o2/token`, { method: 'POST', body: form })).json()) as { access_token: string };
  await pool(users.length, Number(process.env.BENCH_CONCURRENCY), async (i) => {
    const body = buildRequest({ ...event, user: users[i], referenceId: process.env.BENCH_REFERENCE_ID });
    const response = await postJson(`${emulator}/v1/proactiveEvents/stages/development`, body, { authorization: `Bearer ${token}` });
    if (response.status !== 202) throw new Error(`${users[i]}: ${response.status} ${JSON.stringify(response.json)}`);
  });
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
