import { createApp } from './app';
import { gateOptions } from './gate';
import { createWebhook, listen } from './server';
import { SettingsError, loadSettings, readEnvironment, type Settings } from './settings';

export { handler } from './handler';

/**
 * `npm start`: serves POST /webhook on JOVO_PORT (default 3000), bound to HOST (default 127.0.0.1), verifying
 * Alexa's requests. `jovo3 run` starts this file with `--jovo-webhook`, and `--port N` when given one: the Jovo
 * Webhook relays Alexa's requests re-serialized, so Amazon's signature cannot match them there.
 */
async function main(): Promise<void> {
  const environment = readEnvironment();
  const portFlag = process.argv.indexOf('--port');
  if (portFlag > 0) environment.JOVO_PORT = process.argv[portFlag + 1];
  const settings = loadSettings(environment);
  const relayed = process.argv.includes('--jovo-webhook');
  const gate = { ...gateOptions(settings), signatures: settings.alexa.verifyRequests && !relayed };
  const { port, host } = settings.server;
  const server = await listen(createWebhook(createApp(settings), gate), port, host);
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  console.log(`Skill webhook listening on http://${host}:${actualPort}/webhook`);
  for (const line of doorReport(settings, relayed)) console.log(line);
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}

/** What the webhook checks, said at start, and why a check is off. */
function doorReport({ alexa, triggerSecret }: Settings, relayed: boolean): string[] {
  const lines = [
    !alexa.verifyRequests
      ? "  Alexa's requests are NOT verified: ALEXA_VERIFY_REQUESTS=false. Anyone who can reach this port can act as Alexa."
      : relayed
        ? "  Alexa's requests are NOT verified: the Jovo Webhook (jovo3 run) relays them re-serialized, so Amazon's signature cannot match."
        : "  Alexa's requests are verified: signature, certificate and timestamp.",
    alexa.skillId
      ? `  Requests for another skill than ${alexa.skillId} are refused.`
      : '  SKILL_ID is not set, so the applicationId check is off (allowed on this machine only; set SKILL_ID to serve beyond it).',
  ];
  lines.push(triggerSecret ? '  Signed triggers are accepted (TRIGGER_SECRET is set).' : '  Triggers are refused: TRIGGER_SECRET is not set.');
  return lines;
}

if (require.main === module) {
  main().catch((error: Error & { code?: string }) => {
    const hint = error.code === 'EADDRINUSE' ? ' (set JOVO_PORT to another port)' : '';
    console.error(error instanceof SettingsError ? error.message : `Cannot start the webhook: ${error.message}${hint}`);
    process.exit(1);
  });
}
