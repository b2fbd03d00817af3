import { SettingsError, createWebhook, doorOptions, listen, runSchedulesLocally, type Settings } from 'jovo-plugin-proactive-events';
import { LISTEN_DEFAULTS, readEnvironment } from 'jovo-plugin-proactive-events/internal';
import { createApp } from '../skill/app';
import { PROJECT_ROOT, loadSettings } from '../settings';

/**
 * `npm start`: serves POST /webhook on JOVO_PORT (default 3000), bound to HOST (default 127.0.0.1), verifying
 * Alexa's requests. `jovo3 run` starts it with `--jovo-webhook`, and `--port N` when given one: the Jovo Webhook
 * relays Alexa's requests re-serialized, so Amazon's signature cannot match them there.
 */
export async function startWebhook(argv: readonly string[]): Promise<void> {
  const parented = process.channel !== undefined;
  const environment = readEnvironment(PROJECT_ROOT);
  const portFlag = argv.indexOf('--port');
  if (portFlag >= 0) environment.JOVO_PORT = argv[portFlag + 1];
  const relayed = argv.includes('--jovo-webhook');
  const settings = loadSettings(environment, { signatures: !relayed });
  const doors = { ...doorOptions(settings), signatures: settings.alexa.verifyRequests && !relayed };
  const { port, host, limits } = settings.server;
  const app = createApp(settings);
  const server = await listen(createWebhook(app, doors), port, host, limits);
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  console.log(`Skill webhook listening on http://${host}:${actualPort}/webhook`);
  for (const line of doorReport(settings, relayed)) console.log(line);
  // app.json's schedules run here while the skill runs (on AWS, EventBridge Scheduler runs them: docs/schedules.md).
  const schedules = settings.app.schedules.length;
  const { lines, stop } = await runSchedulesLocally(app);
  console.log(schedules > 0 ? `  Runs ${schedules} schedule${schedules === 1 ? '' : 's'} of app.json:` : '  Runs no schedule of app.json (it declares none).');
  for (const line of lines) console.log(line);
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    stop();
    server.close(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  // Started with an IPC channel (`npm run dev` opens one; `npm start` and `jovo3 run` do not), the skill stops
  // when its parent is gone, killed or not: the channel closes with it, during the start-up too. It exits at once,
  // whatever requests are open: a development secret must not outlive its session in a request sent slowly.
  if (parented) {
    if (process.connected) process.once('disconnect', () => process.exit(0));
    else process.exit(0);
  }
}

/** Starts the webhook as a command does: a failure is said in one line (startFailure), and the process exits 1. */
export function serveWebhook(argv: readonly string[]): void {
  startWebhook(argv).catch((error: Error) => {
    console.error(startFailure(error, argv));
    process.exit(1);
  });
}

/** What the webhook checks, said at start, and why a check is off. */
function doorReport({ alexa, triggerSecret, server, sending }: Settings, relayed: boolean): string[] {
  const lines = [
    !alexa.verifyRequests
      ? "  Alexa's requests are NOT verified: ALEXA_VERIFY_REQUESTS=false. Anyone who can reach this port can act as Alexa."
      : relayed
        ? "  Alexa's requests are NOT verified: the Jovo Webhook (jovo3 run) relays them re-serialized, so Amazon's signature cannot match."
        : "  Alexa's requests are verified: signature, certificate and timestamp.",
    alexa.skillId
      ? `  Admits Alexa's requests for the skill ${alexa.skillId} alone (SKILL_ID).`
      : '  SKILL_ID is not set, so the applicationId check is off (allowed on this machine only, with nothing verified; set SKILL_ID to serve beyond it).',
  ];
  const limits = { ...LISTEN_DEFAULTS, ...server.limits };
  lines.push(
    `  Connections: at most ${limits.maxConnections}, ${limits.maxConnectionsPerClient} per client address; ` +
      `headers within ${limits.headersTimeoutMs / 1000} s, a request within ${limits.requestTimeoutMs / 1000} s, idle ones closed after ${limits.keepAliveTimeoutMs / 1000} s.`,
  );
  lines.push(triggerSecret ? '  Signed triggers are accepted (TRIGGER_SECRET is set).' : '  Triggers are refused: TRIGGER_SECRET is not set.');
  lines.push(
    sending.credentials
      ? `  Sends events to Amazon's ${sending.stage} stage with ALEXA_CLIENT_ID ${sending.credentials.clientId}.`
      : '  Cannot send events: ALEXA_CLIENT_ID and ALEXA_CLIENT_SECRET are not set (the skill\'s Alexa Skill Messaging credentials); every send is refused until they are.',
  );
  return lines;
}

/** Why the webhook could not start, in one line that says what to change. */
export function startFailure(error: Error & { code?: string }, argv: readonly string[] = process.argv): string {
  const other = argv.includes('--jovo-webhook') ? 'run jovo3 run --port with another port' : 'set JOVO_PORT to another port';
  const hint = error.code === 'EADDRINUSE' ? ` (${other}, or stop what listens there)` : '';
  return error instanceof SettingsError ? error.message : `Cannot start the webhook: ${error.message}${hint}`;
}
