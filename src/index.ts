import { createApp } from './app';
import { createLambdaHandler, type LambdaHandler } from './lambda';
import { createWebhook, listen } from './server';
import { SettingsError, loadSettings, readEnvironment } from './settings';

let lambda: LambdaHandler | undefined;

/** AWS Lambda entry (`index.handler`): Alexa's invocations, and signed triggers through API Gateway or a function URL. */
export const handler: LambdaHandler = (event, context, callback) => {
  lambda ??= createLambdaHandler(loadSettings(readEnvironment()));
  return lambda(event, context, callback);
};

/** `npm start`: serves POST /webhook on JOVO_PORT (default 3000), bound to HOST (default 127.0.0.1). */
async function main(): Promise<void> {
  const settings = loadSettings(readEnvironment());
  const { port, host } = settings.server;
  const server = await listen(createWebhook(createApp(settings)), port, host);
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  console.log(`Skill webhook listening on http://${host}:${actualPort}/webhook`);
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}

if (require.main === module) {
  main().catch((error: Error & { code?: string }) => {
    const hint = error.code === 'EADDRINUSE' ? ' (set JOVO_PORT to another port)' : '';
    console.error(error instanceof SettingsError ? error.message : `Cannot start the webhook: ${error.message}${hint}`);
    process.exit(1);
  });
}
