import { serveWebhook } from './webhook';

/**
 * The webhook alone, as scripts/webhookBundle.ts bundles it into dist/webhook.js, which dist/index.js, the file
 * `npm start` and `jovo3 run` serve, runs: src/index.ts also holds the Lambda handler, which the webhook has no use
 * for. It serves as the main module only: the bundle's modules are also run, serving nothing, to cache their code.
 */
if (require.main === module) serveWebhook(process.argv);
