import type { AddressInfo } from 'net';
import { App, ExpressJS, Webhook, type Jovo } from 'jovo-framework';
import { FileDb } from 'jovo-db-filedb';
import { Alexa } from 'jovo-platform-alexa';

/**
 * A bare Jovo v3 app, the yardstick for overhead and start: the Alexa platform, Jovo's FileDb for users (as in
 * Jovo's own templates, which also add Google Assistant and the debugger) and an intent that answers text.
 */
const app = new App({ logging: false });
app.use(new Alexa(), new FileDb({ pathToFile: process.env.BARE_DB_PATH ?? '/tmp/bare-jovo-db.json' }));
app.setHandler({
  LAUNCH(this: Jovo) {
    this.tell('Hello');
  },
  HelloIntent(this: Jovo) {
    this.tell('Hello');
  },
});

Webhook.jovoApp = app;
Webhook.post('/webhook', (req, res) => app.handle(new ExpressJS(req, res)));
const server = Webhook.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook\n`);
});
