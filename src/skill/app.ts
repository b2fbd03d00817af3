import { Log } from 'jovo-core';
import type { Db } from 'jovo-framework';
// Jovo's modules themselves, not its index: the index also starts two Express apps for its webhook, which the
// Lambda bundle has no use for (see scripts/bundle.ts).
import { App } from 'jovo-framework/dist/src/App';
import { Alexa } from 'jovo-platform-alexa';
import { ProactiveEventsSender, TokenClient } from 'alexa-proactive-events';
import { batchedLines, recordLines, type RecordHooks } from 'alexa-proactive-events/internal';
import { ProactiveEvents, SerialFileDb, pluginOptions, type Settings } from 'jovo-plugin-proactive-events';
import { handlers, intentMap } from './handlers';
import { FALLBACK_LOCALE, resources } from './i18n';

export interface AppOptions {
  /** The user store; by default DynamoDB when settings name a table, FileDb at `settings.fileDbPath` otherwise. */
  db?: Db;
  /**
   * Where the records go (one per send, per token request and per fan-out or scheduled run); by default one log
   * line each as LOG_FORMAT says. The Lambda entry passes Powertools' (records and CloudWatch metrics).
   */
  records?: RecordHooks;
}

/**
 * The skill: Jovo's Alexa platform, a user database, the Proactive Events plugin and the handlers. Everything
 * comes from `settings`, never from files Jovo would look for on its own, so tests, servers and Lambda agree.
 */
export function createApp(settings: Settings, { db, records = defaultRecords(settings) }: AppOptions = {}): App {
  const speechless = settings.app.locales.filter((locale) => !(locale in resources));
  if (speechless.length > 0) {
    // i18next would fall back to English without a word; a user of that locale would hear a foreign language.
    throw new Error(`app.json lists ${speechless.join(', ')}, but src/skill/i18n has no texts for it: add them to src/skill/i18n/index.ts`);
  }
  // Jovo writes colour codes even for messages its log level filters out; away from a terminal (log files,
  // CloudWatch, test runners) they are only noise.
  Log.addConsoleAppender({ ignoreFormatting: !process.stdout.isTTY });
  const app = new App({
    // Request logging stays off; if turned on, the Alexa API token in every request is masked.
    logging: { request: false, response: false, maskRequestObjects: ['context.System.apiAccessToken'] },
    intentMap,
    // filesDir '' keeps Jovo from loading ./i18n of whatever folder the process runs in.
    i18n: { filesDir: '', fallbackLng: FALLBACK_LOCALE },
  });
  // The texts go where Jovo's I18Next plugin keeps its content, not into the config: Jovo deep-clones the
  // whole config for every request, and cloning the texts of both locales cost about 0.1 ms per request.
  (app.$cms as { I18Next?: { resources: typeof resources } }).I18Next = { resources };
  app.use(
    new Alexa(),
    db ?? (settings.dynamoDb ? dynamoDb(settings.dynamoDb) : new SerialFileDb({ pathToFile: settings.fileDbPath })),
    // The trigger secret is the doors' (doorOptions): they alone verify triggers.
    new ProactiveEvents({ ...pluginOptions(settings), sender: createSender(settings, records), onSummary: records?.onSummary }),
  );
  app.setHandler(handlers);
  return app;
}

/** The sender for the skill's credentials, or none (every send is then refused, saying which variables to set). */
function createSender({ sending, app }: Settings, records: RecordHooks | undefined): ProactiveEventsSender | undefined {
  if (!sending.credentials) return undefined;
  return new ProactiveEventsSender({
    onSend: records?.onSend,
    tokens: new TokenClient({ ...sending.credentials, tokenUrl: sending.tokenUrl, onRequest: records?.onRequest }),
    allowedOrigins: sending.allowedOrigins,
    stage: sending.stage,
    publishedEvents: app.events,
  });
}

/**
 * One log line per record (LOG_FORMAT): JSON lines for log queries, words in a terminal; or none. The lines of one
 * turn of the event loop go out in one write, not one each: a fan-out makes a record per user.
 */
function defaultRecords({ logFormat }: Settings): RecordHooks | undefined {
  return logFormat === 'off' ? undefined : recordLines(logFormat, batchedLines());
}

/**
 * Users in DynamoDB, loaded only when used: it brings the AWS SDK, which a skill on FileDb never needs. The plugin
 * rebases a save that lost a race for the same user, and keeps its replay guard in the same table.
 */
function dynamoDb(settings: NonNullable<Settings['dynamoDb']>): Db {
  const { DynamoDb } = require('jovo-plugin-proactive-events/dynamodb') as typeof import('jovo-plugin-proactive-events/dynamodb');
  return new DynamoDb(settings);
}
