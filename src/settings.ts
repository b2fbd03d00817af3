import * as path from 'path';
import { z } from 'zod';
import { LWA_TOKEN_URL, STAGES, originOf, triggerSecretProblem, type Stage, type TriggerAudience } from 'alexa-proactive-events';
import {
  DEPLOY_ARNS,
  GROUP_NAME,
  SettingsError,
  findProjectRoot,
  parseOrThrow,
  readAppDeclaration,
  readEnvironment,
  type AppDeclaration,
  type DoorOptions,
  type Environment,
  type ListenOptions,
  localSkillId,
} from 'jovo-plugin-proactive-events';

/** An Alexa skill id, as the developer console and `jovo3 deploy` show it. */
const SKILL_ID_PATTERN = /^amzn1\.ask\.skill\.[0-9a-f-]{36}$/;

// Named settings.ts, not config.ts: Jovo treats dist/src/config.js as its own config file and merges it into
// every App (its test runtime points JOVO_CONFIG there), which would mix this module's exports into the app.

/** The project folder: the nearest folder above this file that holds app.json (works from src/ and dist/src/). */
export const PROJECT_ROOT = projectRoot(__dirname);

/** Everything the app needs, read once at start and passed explicitly, so tests, servers and Lambda agree. */
export interface Settings {
  app: AppDeclaration;
  /** Where `npm start` listens, and the limits of its connections (WEBHOOK_*). */
  server: { port: number; host: string; limits: ListenOptions };
  /** Absolute path of the FileDb JSON file, the embedded default store. */
  fileDbPath: string;
  /** Store users in this DynamoDB table instead (Jovo's DynamoDb; for Lambda). */
  dynamoDb?: DynamoDbSettings;
  sending: SendingSettings;
  /** Shared by the skill and the trigger script; without it the hidden intents refuse every trigger. */
  triggerSecret?: string;
  alexa: AlexaSettings;
  /**
   * PROACTIVE_SCHEDULE_GROUP, _ROLE_ARN, _FUNCTION_ARN (and _DEAD_LETTER_ARN): where users' own schedules are kept
   * in EventBridge Scheduler, on AWS. Without them they run only where `npm start` runs.
   */
  userScheduler?: { group: string; roleArn: string; functionArn: string; deadLetterArn?: string };
  /** LOG_FORMAT: one record per send as a JSON line (default on Lambda), as words (default elsewhere), or none. */
  logFormat: 'json' | 'text' | 'off';
}

/** Who may talk to the skill as Alexa. */
export interface AlexaSettings {
  /** SKILL_ID: requests for another skill are refused; required beyond loopback and on Lambda. */
  skillId?: string;
  /** Without SKILL_ID, the identity triggers name instead: `localSkillId` of the project folder. */
  localSkillId: string;
  /** ALEXA_VERIFY_REQUESTS: check Alexa's signature, certificate and timestamp (default true). */
  verifyRequests: boolean;
}

export interface DynamoDbSettings {
  tableName: string;
  /** Another DynamoDB than AWS's, e.g. DynamoDB Local or dynalite. */
  endpoint?: string;
  /** Default: AWS_REGION, as the AWS SDK reads it. */
  region?: string;
}

/** How the skill sends events. Credentials are absent until ALEXA_CLIENT_ID and ALEXA_CLIENT_SECRET are set. */
export interface SendingSettings {
  credentials?: { clientId: string; clientSecret: string };
  tokenUrl: string;
  /** Origins besides Amazon's that may receive the access token. */
  allowedOrigins: string[];
  /** PROACTIVE_API_ENDPOINT: where scheduled events go instead of Amazon's regional hosts (one of allowedOrigins). */
  scheduleEndpoint?: string;
  stage: Stage;
}

const EnvironmentSchema = z.object({
  JOVO_PORT: unsetIfEmpty(z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: unsetIfEmpty(z.string().default('127.0.0.1')),
  FILEDB_PATH: unsetIfEmpty(z.string().endsWith('.json', 'must name a .json file').default(path.join('db', 'db.json'))),
  ALEXA_CLIENT_ID: unsetIfEmpty(z.string().optional()),
  // Never refused, so its value can never appear in an error message.
  ALEXA_CLIENT_SECRET: unsetIfEmpty(z.string().optional()),
  LWA_TOKEN_URL: unsetIfEmpty(z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).default(LWA_TOKEN_URL)),
  PROACTIVE_API_ENDPOINTS: unsetIfEmpty(
    z
      .string()
      .transform((list) => list.split(',').map((item) => item.trim()).filter((item) => item !== ''))
      .refine((list) => list.every((item) => originOf(item) !== undefined), 'expected origins, scheme://host[:port], comma-separated')
      .default([]),
  ),
  PROACTIVE_API_ENDPOINT: unsetIfEmpty(z.string().refine((value) => originOf(value) !== undefined, 'expected an origin, scheme://host[:port], e.g. http://127.0.0.1:3001').optional()),
  PROACTIVE_STAGE: unsetIfEmpty(z.enum(STAGES).optional()),
  // Never refused by the schema, so its value can never appear in an error; its length is checked below.
  TRIGGER_SECRET: unsetIfEmpty(z.string().optional()),
  DYNAMODB_TABLE: unsetIfEmpty(z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'expected a DynamoDB table name: 3 to 255 of A-Z a-z 0-9 _ . -').optional()),
  DYNAMODB_ENDPOINT: unsetIfEmpty(z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional()),
  AWS_REGION: unsetIfEmpty(z.string().optional()),
  SKILL_ID: unsetIfEmpty(z.string().regex(SKILL_ID_PATTERN, 'expected a skill id like amzn1.ask.skill.00000000-0000-0000-0000-000000000000').optional()),
  ALEXA_VERIFY_REQUESTS: unsetIfEmpty(z.enum(['true', 'false']).default('true')),
  PROACTIVE_SCHEDULE_GROUP: unsetIfEmpty(z.string().regex(GROUP_NAME, 'expected a schedule group name: 1 to 64 of A-Z a-z 0-9 . _ -').optional()),
  PROACTIVE_SCHEDULE_ROLE_ARN: unsetIfEmpty(z.string().regex(DEPLOY_ARNS.role, 'expected an IAM role ARN like arn:aws:iam::123456789012:role/skill-scheduler').optional()),
  PROACTIVE_SCHEDULE_FUNCTION_ARN: unsetIfEmpty(z.string().regex(DEPLOY_ARNS.function, 'expected a Lambda function ARN like arn:aws:lambda:us-east-1:123456789012:function:skill').optional()),
  PROACTIVE_SCHEDULE_DEAD_LETTER_ARN: unsetIfEmpty(z.string().regex(DEPLOY_ARNS.queue, 'expected an SQS queue ARN like arn:aws:sqs:us-east-1:123456789012:skill-dlq').optional()),
  LOG_FORMAT: unsetIfEmpty(z.enum(['json', 'text', 'off']).optional()),
  WEBHOOK_MAX_CONNECTIONS: limit(),
  WEBHOOK_MAX_CONNECTIONS_PER_CLIENT: limit(),
  WEBHOOK_HEADERS_TIMEOUT_MS: limit(),
  WEBHOOK_REQUEST_TIMEOUT_MS: limit(),
  WEBHOOK_KEEP_ALIVE_TIMEOUT_MS: limit(),
});

/** A connection limit of the webhook: a whole number of at least 1, or unset for `listen`'s default. */
function limit() {
  return unsetIfEmpty(z.coerce.number().int().min(1).max(10_000_000).optional());
}

/** Addresses of this machine alone: a webhook bound to one of them cannot be reached by Alexa or anyone else. */
export const LOOPBACK_HOSTS = ['127.0.0.1', '::1', 'localhost'];

/**
 * The settings of `env` over the project's defaults. `signatures: false` for a door that never checks Alexa's
 * signatures: behind the Jovo Webhook (`jovo3 run`), which cannot carry them, and on Lambda, where Alexa invokes the
 * function. Where they are checked, SKILL_ID is required.
 */
export function loadSettings(env: Environment = process.env, root: string = PROJECT_ROOT, { signatures = true } = {}): Settings {
  const vars = parseOrThrow(EnvironmentSchema, env, 'The environment');
  if (Boolean(vars.ALEXA_CLIENT_ID) !== Boolean(vars.ALEXA_CLIENT_SECRET)) {
    const missing = vars.ALEXA_CLIENT_ID ? 'ALEXA_CLIENT_SECRET' : 'ALEXA_CLIENT_ID';
    throw new SettingsError('The environment', [`${missing}: required with ${missing === 'ALEXA_CLIENT_ID' ? 'ALEXA_CLIENT_SECRET' : 'ALEXA_CLIENT_ID'}`]);
  }
  const weakSecret = vars.TRIGGER_SECRET === undefined ? undefined : triggerSecretProblem(vars.TRIGGER_SECRET);
  if (weakSecret) throw new SettingsError('The environment', [`TRIGGER_SECRET: ${weakSecret}`]);
  // Jovo turns FileDb off on Lambda (no writable disk, and containers share none): subscriptions would be lost.
  if (env.AWS_LAMBDA_FUNCTION_NAME && !vars.DYNAMODB_TABLE) {
    throw new SettingsError('The environment', [
      `DYNAMODB_TABLE: required on AWS Lambda (AWS_LAMBDA_FUNCTION_NAME is ${JSON.stringify(env.AWS_LAMBDA_FUNCTION_NAME)}), where FileDb cannot keep users; ` +
        'name a table with the partition key userId (String)',
    ]);
  }
  if (!vars.SKILL_ID && !LOOPBACK_HOSTS.includes(vars.HOST)) {
    throw new SettingsError('The environment', [
      `SKILL_ID: required when HOST is ${JSON.stringify(vars.HOST)}, which other machines can reach: without it the skill would take Alexa's requests ` +
        'for any skill; set SKILL_ID to your skill id (amzn1.ask.skill.…), or HOST=127.0.0.1',
    ]);
  }
  if (env.AWS_LAMBDA_FUNCTION_NAME && !vars.SKILL_ID) {
    throw new SettingsError('The environment', [
      'SKILL_ID: required on AWS Lambda, so that Alexa invocations for another skill are refused; set it to your skill id (amzn1.ask.skill.…)',
    ]);
  }
  if (!vars.SKILL_ID && vars.ALEXA_VERIFY_REQUESTS === 'true' && signatures) {
    throw new SettingsError('The environment', [
      "SKILL_ID: required while Alexa's requests are verified: a valid signature proves that Alexa sent a request, not that it is for this skill, " +
        'and any developer can have Alexa sign requests of their own skill for this URL; set SKILL_ID to your skill id (amzn1.ask.skill.…), ' +
        'or ALEXA_VERIFY_REQUESTS=false on this machine alone',
    ]);
  }
  const allowedOrigins = vars.PROACTIVE_API_ENDPOINTS.map((origin) => originOf(origin)!);
  const scheduleEndpoint = vars.PROACTIVE_API_ENDPOINT === undefined ? undefined : originOf(vars.PROACTIVE_API_ENDPOINT)!;
  if (scheduleEndpoint && !allowedOrigins.includes(scheduleEndpoint)) {
    throw new SettingsError('The environment', [
      `PROACTIVE_API_ENDPOINT: ${scheduleEndpoint} is not one of PROACTIVE_API_ENDPOINTS (${allowedOrigins.join(', ') || 'none'}), the origins that may receive the access token; add it there`,
    ]);
  }
  const scheduler = ['PROACTIVE_SCHEDULE_GROUP', 'PROACTIVE_SCHEDULE_ROLE_ARN', 'PROACTIVE_SCHEDULE_FUNCTION_ARN'] as const;
  const given = scheduler.filter((name) => vars[name] !== undefined);
  if (given.length > 0 && given.length < scheduler.length) {
    const missing = scheduler.filter((name) => vars[name] === undefined);
    throw new SettingsError('The environment', [`${missing.join(', ')}: required with ${given.join(', ')}, to keep users' own schedules in EventBridge Scheduler (docs/schedules.md)`]);
  }
  const app = readAppDeclaration(root);
  return {
    app,
    server: {
      port: vars.JOVO_PORT,
      host: vars.HOST,
      limits: definedOnly({
        maxConnections: vars.WEBHOOK_MAX_CONNECTIONS,
        maxConnectionsPerClient: vars.WEBHOOK_MAX_CONNECTIONS_PER_CLIENT,
        headersTimeoutMs: vars.WEBHOOK_HEADERS_TIMEOUT_MS,
        requestTimeoutMs: vars.WEBHOOK_REQUEST_TIMEOUT_MS,
        keepAliveTimeoutMs: vars.WEBHOOK_KEEP_ALIVE_TIMEOUT_MS,
      }),
    },
    // FileDb resolves relative paths against the working folder; resolving against the project keeps one store.
    fileDbPath: path.resolve(root, vars.FILEDB_PATH),
    ...(vars.DYNAMODB_TABLE && {
      dynamoDb: { tableName: vars.DYNAMODB_TABLE, ...(vars.DYNAMODB_ENDPOINT && { endpoint: vars.DYNAMODB_ENDPOINT }), ...(vars.AWS_REGION && { region: vars.AWS_REGION }) },
    }),
    sending: {
      ...(vars.ALEXA_CLIENT_ID && vars.ALEXA_CLIENT_SECRET && { credentials: { clientId: vars.ALEXA_CLIENT_ID, clientSecret: vars.ALEXA_CLIENT_SECRET } }),
      tokenUrl: vars.LWA_TOKEN_URL,
      allowedOrigins,
      ...(scheduleEndpoint && { scheduleEndpoint }),
      stage: vars.PROACTIVE_STAGE ?? app.stage,
    },
    ...(vars.TRIGGER_SECRET && { triggerSecret: vars.TRIGGER_SECRET }),
    alexa: { ...(vars.SKILL_ID && { skillId: vars.SKILL_ID }), localSkillId: localSkillId(root), verifyRequests: vars.ALEXA_VERIFY_REQUESTS === 'true' },
    logFormat: vars.LOG_FORMAT ?? (env.AWS_LAMBDA_FUNCTION_NAME ? 'json' : 'text'),
    ...(vars.PROACTIVE_SCHEDULE_GROUP &&
      vars.PROACTIVE_SCHEDULE_ROLE_ARN &&
      vars.PROACTIVE_SCHEDULE_FUNCTION_ARN && {
        userScheduler: {
          group: vars.PROACTIVE_SCHEDULE_GROUP,
          roleArn: vars.PROACTIVE_SCHEDULE_ROLE_ARN,
          functionArn: vars.PROACTIVE_SCHEDULE_FUNCTION_ARN,
          ...(vars.PROACTIVE_SCHEDULE_DEAD_LETTER_ARN && { deadLetterArn: vars.PROACTIVE_SCHEDULE_DEAD_LETTER_ARN }),
        },
      }),
  };
}

/** The settings of the doors: who may talk to the skill as Alexa. The trigger secret and stage are the plugin's. */
export function gateOptions({ alexa }: Settings): DoorOptions {
  return { skillId: alexa.skillId, localSkillId: alexa.localSkillId, signatures: alexa.verifyRequests };
}

/** The deployment these settings make, which a trigger must be signed for: the skill (or its local identity) and stage. */
export function triggerAudience({ alexa, sending }: Settings): TriggerAudience {
  return { skillId: alexa.skillId ?? alexa.localSkillId, stage: sending.stage };
}

/** The process environment over the project's `.env` (real variables win). */
export function projectEnvironment(env: Environment = process.env): Environment {
  return readEnvironment(PROJECT_ROOT, env);
}

function definedOnly<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

/** An empty variable (`JOVO_PORT=`) counts as unset, as it does for most tools. */
function unsetIfEmpty<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === '' ? undefined : value), schema);
}

function projectRoot(start: string): string {
  const root = findProjectRoot(start);
  if (!root) throw new Error(`No app.json found in ${start} or any folder above it`);
  return root;
}
