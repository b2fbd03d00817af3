import { serveWebhook } from './webhook';

/**
 * The webhook alone, as scripts/webhookBundle.ts bundles it into dist/index.js, the file `npm start` and
 * `jovo3 run` serve: src/index.ts also holds the Lambda handler, which the webhook has no use for.
 */
serveWebhook(process.argv);
