import { randomBytes, randomUUID } from 'crypto';
import * as fs from 'fs';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { hiddenIntentName } from 'alexa-proactive-events/trigger';
import { EVENT_DEFINITIONS, eventFromInputs, type AnyEventDefinition, type EventInputs } from 'alexa-proactive-events/internal';
import { EXIT } from 'alexa-proactive-events/cli';
import { createEmulator, type Emulator } from 'alexa-proactive-events/emulator';
import { createWebhook, doorOptions, listen } from 'jovo-plugin-proactive-events';
import { triggerEvent } from 'jovo-plugin-proactive-events';
import { triggerAudience } from 'jovo-plugin-proactive-events/internal';
import { createApp } from '../skill/app';
import { PROJECT_ROOT, loadSettings } from '../settings';

/**
 * `npm run demo`: the tutorial's flow on this machine, offline, with no configuration. Starts the emulator of
 * Amazon's API and the skill's webhook on free ports with a random trigger secret, subscribes two users on the
 * emulator (which tells the skill, as Alexa would), triggers each of the eight events through its hidden intent,
 * and prints what a user would hear. `--keep` leaves both running.
 */
/** The demo skill's id: no real skill has it. */
const DEMO_SKILL_ID = 'amzn1.ask.skill.00000000-0000-0000-0000-0000000de300';
/** The demo's users, one per locale of app.json's first two. */
const DEMO_USERS = ['amzn1.ask.account.DEMO-EN', 'amzn1.ask.account.DEMO-DE'];

async function demo(keep: boolean): Promise<number> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'proactive-demo-'));
  const secret = randomBytes(32).toString('hex');
  const emulator = await createEmulator({ port: 0, skillJsonPath: path.join(PROJECT_ROOT, 'platforms', 'alexaSkill', 'skill-package', 'skill.json'), subscribers: {} });
  const settings = loadSettings({
    SKILL_ID: DEMO_SKILL_ID,
    // The emulator plays Alexa and cannot sign as Amazon does; both listen on this machine alone.
    ALEXA_VERIFY_REQUESTS: 'false',
    TRIGGER_SECRET: secret,
    ALEXA_CLIENT_ID: 'amzn1.application-oa2-client.demo',
    ALEXA_CLIENT_SECRET: randomBytes(16).toString('hex'),
    LWA_TOKEN_URL: `${emulator.url}/auth/o2/token`,
    PROACTIVE_API_ENDPOINTS: emulator.url,
    FILEDB_PATH: path.join(folder, 'db.json'),
    // The demo prints its own line per notification.
    LOG_FORMAT: 'off',
  });
  const server = await listen(createWebhook(createApp(settings), doorOptions(settings)), 0, '127.0.0.1');
  const webhook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  const stop = () => Promise.all([emulator.close(), new Promise((resolve) => server.close(resolve))]).then(() => fs.rmSync(folder, { recursive: true, force: true }));

  write(`Proactive Events demo: the tutorial's flow on this machine, offline.\n`);
  write(`  Amazon emulator  ${emulator.url}  (notifications page ${emulator.url}/)\n`);
  write(`  Skill webhook    ${webhook}  (Alexa's signatures not checked: the emulator plays Alexa)\n\n`);

  // As in the Alexa app: each user turns the skill's notifications on, and Alexa tells the skill.
  emulator.setSkill({ url: webhook, skillId: DEMO_SKILL_ID });
  const published = [...settings.app.events];
  for (const [i, user] of DEMO_USERS.entries()) {
    const locale = settings.app.locales[i % settings.app.locales.length];
    const { skill } = await emulator.setSubscriptions(user, published, locale);
    write(`  ${skill?.delivered ? '✓' : '✗'} ${user} (${locale}) turned on ${published.length} events; ${skill?.message ?? 'no skill told'}\n`);
  }
  write(`\nTriggering each event through its hidden intent, signed with a random trigger secret:\n`);

  let delivered = 0;
  for (const definition of EVENT_DEFINITIONS) {
    const built = eventFromInputs(definition.name, upcoming(definition), settings.app.locales);
    const referenceId = `demo-${definition.command}-${randomUUID()}`;
    const plan = { endpoint: webhook, secret, ...triggerAudience(settings), apiEndpoint: emulator.url, explicitEndpoint: true, locale: settings.app.locales[0], referenceId };
    const [result] = await triggerEvent(built, plan);
    const accepted = emulator.accepted.find((event) => event.referenceId === referenceId);
    const ok = result?.status === 'accepted';
    if (ok) delivered++;
    const reached = accepted?.reached ? ` (reached ${accepted.reached.length})` : '';
    const detail = ok ? `"${accepted?.text}"${reached}` : result?.errors.map((error) => error.message).join('; ');
    write(`  ${ok ? '✓' : '✗'} ${definition.command.padEnd(11)} ${hiddenIntentName(definition.name).padEnd(27)} ${(result?.status ?? 'failed').padEnd(8)} ${detail}\n`);
  }
  write(`\n${delivered} of ${EVENT_DEFINITIONS.length} notifications accepted; ${emulator.tokensIssued} access token requested.\n`);

  if (!keep) {
    await stop();
    return delivered === EVENT_DEFINITIONS.length ? EXIT.ok : EXIT.failed;
  }
  keepRunning(emulator, webhook, secret, folder, stop);
  return EXIT.ok;
}

/**
 * The schema's example inputs with its dates moved forward together, the earliest to two days from now, so that
 * no demo order "will arrive" on a day already past.
 */
function upcoming(definition: AnyEventDefinition): EventInputs {
  const inputs: EventInputs = { ...definition.example };
  const dates = definition.inputs.filter((input) => input.kind === 'date-time' && inputs[input.flag] !== undefined);
  const earliest = Math.min(...dates.map((input) => Date.parse(inputs[input.flag]!)));
  const shift = Math.max(0, Date.now() + 2 * 86_400_000 - earliest);
  for (const { flag } of dates) inputs[flag] = new Date(Date.parse(inputs[flag]!) + Math.ceil(shift / 86_400_000) * 86_400_000).toISOString();
  return inputs;
}

/** `--keep`: leaves both servers up and shows how to trigger one more event; the secret goes to a file, not the screen. */
function keepRunning(emulator: Emulator, webhook: string, secret: string, folder: string, stop: () => Promise<unknown>): void {
  const secretFile = path.join(folder, 'trigger-secret');
  fs.writeFileSync(secretFile, secret, { mode: 0o600 });
  write(
    `\nBoth servers keep running; Ctrl-C stops them.\n` +
      `  Watch the notifications: ${emulator.url}/\n` +
      `  Trigger one more:\n` +
      `    TRIGGER_SECRET=$(cat ${secretFile}) npm run trigger -- weather --alert-type SNOW_STORM --source "Weather Knows" \\\n` +
      `      --endpoint ${webhook} --api-endpoint ${emulator.url} --skill-id ${DEMO_SKILL_ID}\n`,
  );
  // Jovo exits with status 2 on SIGINT; here Ctrl-C is the normal way to stop.
  process.removeAllListeners('SIGINT');
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stop().then(() => process.exit(0)));
  }
}

function write(text: string): void {
  process.stdout.write(text);
}

if (require.main === module) {
  demo(process.argv.includes('--keep')).then(
    (status) => {
      if (!process.argv.includes('--keep')) process.exit(status);
    },
    (error: Error) => {
      process.stderr.write(`The demo could not run: ${error.message}\n`);
      process.exit(EXIT.failed);
    },
  );
}

export { demo };
