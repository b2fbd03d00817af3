import * as path from 'path';
import { type Stage } from 'alexa-proactive-events';
import { DEFAULT_EXPIRY_MINUTES, LWA_TOKEN_URL } from 'alexa-proactive-events/internal';
import { DEFAULT_FANOUT_BATCH_SIZE } from '../fanout/batch';

/**
 * Every default of the skill's settings, in one place: what `readSettings` takes for a variable that is unset (or
 * empty) and for a field app.json leaves out. The trigger script reads the same settings, so it signs for the
 * stage and skill the skill itself runs as.
 */
export const SETTINGS_DEFAULTS = {
  /** JOVO_PORT: where `npm start` listens. */
  port: 3000,
  /** HOST: this machine alone; another address needs SKILL_ID. */
  host: '127.0.0.1',
  /** FILEDB_PATH, under the project folder. */
  fileDbPath: path.join('db', 'db.json'),
  /** LWA_TOKEN_URL: Login with Amazon. */
  tokenUrl: LWA_TOKEN_URL,
  /** PROACTIVE_STAGE, else app.json's `stage`, else this. */
  stage: 'development' as Stage,
  /** app.json's `expiresInMinutes`. */
  expiresInMinutes: DEFAULT_EXPIRY_MINUTES,
  /** ALEXA_VERIFY_REQUESTS: on unless `false`. */
  verifyRequests: true,
  /** FANOUT_BATCH_SIZE: users per batch of a fan-out to subscribers. */
  fanOutBatchSize: DEFAULT_FANOUT_BATCH_SIZE,
  /** LOG_FORMAT: a JSON line per record on AWS Lambda (for log queries), words elsewhere. */
  logFormat: { lambda: 'json', elsewhere: 'text' },
} as const;
