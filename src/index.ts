import { serveWebhook } from './entry/webhook';

/**
 * The skill's entry: run, it serves the webhook (`npm run dev` runs it so); `npm start` and `jovo3 run` serve the
 * same webhook from its bundle, dist/index.js (src/entry/serve.ts), which starts sooner. The Lambda bundle's
 * `index.handler` is the handler below (see src/entry/).
 */
export { handler } from './entry/lambda';

if (require.main === module) serveWebhook(process.argv);
