import { startFailure, startWebhook } from './entry/webhook';

/**
 * The skill's entry, where Jovo looks for it: `npm start` and `jovo3 run` run this file (the webhook), and the
 * Lambda bundle's `index.handler` is the handler below (see src/entry/).
 */
export { handler } from './entry/lambda';

if (require.main === module) {
  startWebhook(process.argv).catch((error: Error) => {
    console.error(startFailure(error));
    process.exit(1);
  });
}
