import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { type Issue, type Stage } from 'alexa-proactive-events';
import { MAX_TRIGGER_BATCH, triggerSecretProblem, type TriggerAudience } from 'alexa-proactive-events/trigger';
import { STAGES, originOf } from 'alexa-proactive-events/internal';
import type { DoorOptions } from '../doors/gate';
import type { ListenOptions } from '../doors/webhook';
import type { ProactiveEventsOptions } from '../plugin/ProactiveEvents';
import { DEPLOY_ARNS, GROUP_NAME } from '../schedules/deploy';
import type { UserSchedulerOptions } from '../schedules/target';
import { localSkillId } from '../trigger/audience';
import { SETTINGS_DEFAULTS } from './defaults';
import { SettingsError, findProjectRoot, parseOrThrow, readAppDeclaration, readEnvironment, type AppDeclaration, type Environment } from './project';

/**
 * Everything a skill needs, read and checked once, from its project's app.json and the environment, by
 * `readSettings`: the skill's entries, the plugin's options, its doors and the trigger script's commands all take
 * their values from here, and trust them.
 */
export interface Settings {
  /** app.json: what the skill publishes, in which locales, and its schedules. */
  app: AppDeclaration;
  /** Where `npm start` listens (JOVO_PORT, HOST), and the limits of its connections (WEBHOOK_*). */
  server: { port: number; host: string; limits: ListenOptions };
  /** FILEDB_PATH, absolute: the embedded default store. */
  fileDbPath: string;
  /** DYNAMODB_TABLE (DYNAMODB_ENDPOINT, AWS_REGION): users in DynamoDB instead of FileDb. */
  dynamoDb?: {
    tableName: string;
    /** Another DynamoDB than AWS's, e.g. DynamoDB Local or dynalite. */
    endpoint?: string;
    /** Default: AWS_REGION, as the AWS SDK reads it. */
    region?: string;
  };
  /** How the skill sends events. Credentials are absent until ALEXA_CLIENT_ID and ALEXA_CLIENT_SECRET are set. */
  sending: {
    credentials?: { clientId: string; clientSecret: string };
    /** LWA_TOKEN_URL. */
    tokenUrl: string;
    /** PROACTIVE_API_ENDPOINTS: origins besides Amazon's that may receive the access token. */
    allowedOrigins: string[];
    /** PROACTIVE_API_ENDPOINT: where scheduled events go instead of Amazon's regional hosts (one of allowedOrigins). */
    scheduleEndpoint?: string;
    /** PROACTIVE_STAGE, else app.json's `stage`. */
    stage: Stage;
  };
  /** TRIGGER_SECRET, shared by the skill and the trigger script; without it the doors refuse every trigger. */
  triggerSecret?: string;
  /** Who may talk to the skill as Alexa. */
  alexa: {
    /** SKILL_ID: requests for another skill are refused; required beyond loopback, on Lambda, and where signatures are checked. */
    skillId?: string;
    /** Without SKILL_ID, the identity triggers name instead: `localSkillId` of the project folder. */
    localSkillId: string;
    /** ALEXA_VERIFY_REQUESTS: check Alexa's signature, certificate and timestamp. */
    verifyRequests: boolean;
  };
  /**
   * PROACTIVE_SCHEDULE_GROUP, _ROLE_ARN, _FUNCTION_ARN (and _DEAD_LETTER_ARN): where users' own schedules are kept
   * in EventBridge Scheduler, on AWS. Without them they run only where `npm start` runs.
   */
  userScheduler?: Omit<UserSchedulerOptions, 'client'>;
  /** FANOUT_QUEUE_URL, FANOUT_BATCH_SIZE: how runs and triggers that address subscribers reach them. */
  fanOut: { queueUrl?: string; batchSize: number };
  /** LOG_FORMAT: one record per send as a JSON line (default on Lambda), as words (default elsewhere), or none. */
  logFormat: 'json' | 'text' | 'off';
}

/** The settings as the trigger script reads them: a command may run outside any project, without an app.json. */
export type CommandSettings = Omit<Settings, 'app'> & { app?: AppDeclaration };

/** Who may talk to the skill as Alexa (Settings' `alexa`). */
export type AlexaSettings = Settings['alexa'];

/** Where users are kept in DynamoDB (Settings' `dynamoDb`). */
export type DynamoDbSettings = NonNullable<Settings['dynamoDb']>;

/** How the skill sends events (Settings' `sending`). */
export type SendingSettings = Settings['sending'];

/** Where `readSettings` reads, and for what. */
export interface ReadSettingsOptions {
  /**
   * The project folder: its app.json, its `.env`, and the local identity of a skill without SKILL_ID. Default:
   * the nearest folder from `cwd` up that holds an app.json.
   */
  projectRoot?: string;
  /** Where the project is looked for. @default process.cwd() */
  cwd?: string;
  /** The variables. Default: the process's over the project's `.env` (real variables win, as with dotenv). */
  env?: Environment;
  /**
   * `skill`: the settings of a skill that serves requests, which requires app.json and, wherever a request for
   * another skill could come in, SKILL_ID. `command`: the trigger script's, which reads the same values with the
   * same checks but needs neither (it may run outside any project, and sign for the local identity).
   * @default 'skill'
   */
  purpose?: 'skill' | 'command';
  /**
   * Whether the skill's door checks Alexa's signatures (it then requires SKILL_ID): not behind the Jovo Webhook
   * (`jovo3 run`), which cannot carry them, nor on Lambda, where Alexa invokes the function.
   * @default true
   */
  signatures?: boolean;
}

/** Addresses of this machine alone: a webhook bound to one of them cannot be reached by Alexa or anyone else. */
const LOOPBACK_HOSTS = ['127.0.0.1', '::1', 'localhost'];

/** An Alexa skill id, as the developer console and `jovo3 deploy` show it. */
const SKILL_ID_PATTERN = /^amzn1\.ask\.skill\.[0-9a-f-]{36}$/;

const HTTP_URL = { protocol: /^https?$/, error: 'expected an http(s) URL' };

/** Every variable the settings read, each checked here and nowhere else. */
const EnvironmentSchema = z.object({
  JOVO_PORT: unsetIfEmpty(z.coerce.number().int().min(0).max(65535).default(SETTINGS_DEFAULTS.port)),
  HOST: unsetIfEmpty(z.string().default(SETTINGS_DEFAULTS.host)),
  FILEDB_PATH: unsetIfEmpty(z.string().endsWith('.json', 'must name a .json file').default(SETTINGS_DEFAULTS.fileDbPath)),
  ALEXA_CLIENT_ID: unsetIfEmpty(z.string().optional()),
  // Never refused, so its value can never appear in an error message.
  ALEXA_CLIENT_SECRET: unsetIfEmpty(z.string().optional()),
  LWA_TOKEN_URL: unsetIfEmpty(z.url(HTTP_URL).default(SETTINGS_DEFAULTS.tokenUrl)),
  PROACTIVE_API_ENDPOINTS: unsetIfEmpty(
    z
      .string()
      .transform((list) => list.split(',').map((item) => item.trim()).filter((item) => item !== ''))
      .refine((list) => list.every((item) => originOf(item) !== undefined), 'expected origins, scheme://host[:port], comma-separated')
      .default([]),
  ),
  PROACTIVE_API_ENDPOINT: unsetIfEmpty(z.string().refine((value) => originOf(value) !== undefined, 'expected an origin, scheme://host[:port], e.g. http://127.0.0.1:3001').optional()),
  PROACTIVE_STAGE: unsetIfEmpty(z.enum(STAGES).optional()),
  // Never refused by the schema, so its value can never appear in an error; its strength is checked below.
  TRIGGER_SECRET: unsetIfEmpty(z.string().optional()),
  DYNAMODB_TABLE: unsetIfEmpty(z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'expected a DynamoDB table name: 3 to 255 of A-Z a-z 0-9 _ . -').optional()),
  DYNAMODB_ENDPOINT: unsetIfEmpty(z.url(HTTP_URL).optional()),
  AWS_REGION: unsetIfEmpty(z.string().optional()),
  SKILL_ID: unsetIfEmpty(z.string().regex(SKILL_ID_PATTERN, 'expected a skill id like amzn1.ask.skill.00000000-0000-0000-0000-000000000000').optional()),
  ALEXA_VERIFY_REQUESTS: unsetIfEmpty(z.enum(['true', 'false']).default(SETTINGS_DEFAULTS.verifyRequests ? 'true' : 'false')),
  PROACTIVE_SCHEDULE_GROUP: unsetIfEmpty(z.string().regex(GROUP_NAME, 'expected a schedule group name: 1 to 64 of A-Z a-z 0-9 . _ -').optional()),
  PROACTIVE_SCHEDULE_ROLE_ARN: unsetIfEmpty(z.string().regex(DEPLOY_ARNS.role, 'expected an IAM role ARN like arn:aws:iam::123456789012:role/skill-scheduler').optional()),
  PROACTIVE_SCHEDULE_FUNCTION_ARN: unsetIfEmpty(z.string().regex(DEPLOY_ARNS.function, 'expected a Lambda function ARN like arn:aws:lambda:us-east-1:123456789012:function:skill').optional()),
  PROACTIVE_SCHEDULE_DEAD_LETTER_ARN: unsetIfEmpty(z.string().regex(DEPLOY_ARNS.queue, 'expected an SQS queue ARN like arn:aws:sqs:us-east-1:123456789012:skill-dlq').optional()),
  LOG_FORMAT: unsetIfEmpty(z.enum(['json', 'text', 'off']).optional()),
  FANOUT_QUEUE_URL: unsetIfEmpty(z.url({ protocol: /^https?$/, error: 'expected an SQS queue URL, e.g. https://sqs.us-east-1.amazonaws.com/123456789012/skill-fanout' }).optional()),
  FANOUT_BATCH_SIZE: unsetIfEmpty(z.coerce.number().int().min(1).max(MAX_TRIGGER_BATCH).default(SETTINGS_DEFAULTS.fanOutBatchSize)),
  WEBHOOK_MAX_CONNECTIONS: limit(),
  WEBHOOK_MAX_CONNECTIONS_PER_CLIENT: limit(),
  WEBHOOK_HEADERS_TIMEOUT_MS: limit(),
  WEBHOOK_REQUEST_TIMEOUT_MS: limit(),
  WEBHOOK_KEEP_ALIVE_TIMEOUT_MS: limit(),
});
type Variables = z.output<typeof EnvironmentSchema>;

/**
 * The name of every variable the settings read: infra/template.yaml sets those a deployed function needs, and
 * test/infra.test.ts holds the two equal.
 */
export const SETTINGS_VARIABLES = Object.keys(EnvironmentSchema.shape) as ReadonlyArray<keyof typeof EnvironmentSchema.shape>;

/** A connection limit of the webhook: a whole number of at least 1, or unset for `listen`'s default. */
function limit() {
  return unsetIfEmpty(z.coerce.number().int().min(1).max(10_000_000).optional());
}

/** An empty variable (`JOVO_PORT=`) counts as unset, as it does for most tools. */
function unsetIfEmpty<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === '' ? undefined : value), schema);
}

/**
 * The settings of a project as the trigger script's commands read them: the same values, checked the same way, but
 * without the skill's requirements (a command signs for the local identity without SKILL_ID), and without app.json
 * outside any project.
 */
export function readSettings(options: ReadSettingsOptions & { purpose: 'command' }): Omit<Settings, 'app'> & { app?: Settings['app'] };
/**
 * The settings of a skill's project: its app.json and the environment (by default the process's over the
 * project's `.env`), each value checked here, once, with every default in SETTINGS_DEFAULTS. A SettingsError names
 * each problem (the variable or field, its value unless it is a secret, and what is allowed); beyond the values
 * themselves, a skill needs app.json, and SKILL_ID wherever a request for another skill could come in.
 */
export function readSettings(options?: ReadSettingsOptions): Settings;
export function readSettings({ projectRoot, cwd = process.cwd(), env, purpose = 'skill', signatures = true }: ReadSettingsOptions = {}): CommandSettings {
  const root = projectRoot ?? findProjectRoot(cwd);
  if (!root && purpose === 'skill') {
    throw new SettingsError(path.join(cwd, 'app.json'), [{ path: '', message: `no app.json in ${cwd} or any folder above it: the skill's declaration is missing` }]);
  }
  const given = env ?? readEnvironment(root ?? cwd);
  const vars = parseOrThrow(EnvironmentSchema, given, 'The environment');
  const problem = crossCheck(vars, given, purpose === 'skill' ? { signatures } : undefined);
  if (problem) throw new SettingsError('The environment', [problem]);
  const app = root && (purpose === 'skill' || hasAppJson(root)) ? readAppDeclaration(root) : undefined;
  const allowedOrigins = vars.PROACTIVE_API_ENDPOINTS.map((origin) => originOf(origin)!);
  const scheduleEndpoint = vars.PROACTIVE_API_ENDPOINT === undefined ? undefined : originOf(vars.PROACTIVE_API_ENDPOINT)!;
  const onLambda = Boolean(given.AWS_LAMBDA_FUNCTION_NAME);
  return {
    ...(app && { app }),
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
    fileDbPath: path.resolve(root ?? cwd, vars.FILEDB_PATH),
    ...(vars.DYNAMODB_TABLE && {
      dynamoDb: { tableName: vars.DYNAMODB_TABLE, ...(vars.DYNAMODB_ENDPOINT && { endpoint: vars.DYNAMODB_ENDPOINT }), ...(vars.AWS_REGION && { region: vars.AWS_REGION }) },
    }),
    sending: {
      ...(vars.ALEXA_CLIENT_ID && vars.ALEXA_CLIENT_SECRET && { credentials: { clientId: vars.ALEXA_CLIENT_ID, clientSecret: vars.ALEXA_CLIENT_SECRET } }),
      tokenUrl: vars.LWA_TOKEN_URL,
      allowedOrigins,
      ...(scheduleEndpoint && { scheduleEndpoint }),
      stage: vars.PROACTIVE_STAGE ?? app?.stage ?? SETTINGS_DEFAULTS.stage,
    },
    ...(vars.TRIGGER_SECRET && { triggerSecret: vars.TRIGGER_SECRET }),
    alexa: { ...(vars.SKILL_ID && { skillId: vars.SKILL_ID }), localSkillId: localSkillId(root ?? cwd), verifyRequests: vars.ALEXA_VERIFY_REQUESTS === 'true' },
    fanOut: { ...(vars.FANOUT_QUEUE_URL && { queueUrl: vars.FANOUT_QUEUE_URL }), batchSize: vars.FANOUT_BATCH_SIZE },
    logFormat: vars.LOG_FORMAT ?? (onLambda ? SETTINGS_DEFAULTS.logFormat.lambda : SETTINGS_DEFAULTS.logFormat.elsewhere),
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

/**
 * The first problem of values that are each valid but wrong together, or for what they serve: `skill` when the
 * settings are a skill's (whose door checks Alexa's signatures or not), undefined for a command's.
 */
function crossCheck(vars: Variables, env: Environment, skill: { signatures: boolean } | undefined): Issue | undefined {
  if (Boolean(vars.ALEXA_CLIENT_ID) !== Boolean(vars.ALEXA_CLIENT_SECRET)) {
    const [missing, given] = vars.ALEXA_CLIENT_ID ? ['ALEXA_CLIENT_SECRET', 'ALEXA_CLIENT_ID'] : ['ALEXA_CLIENT_ID', 'ALEXA_CLIENT_SECRET'];
    return { path: missing, message: `required with ${given}` };
  }
  const weakSecret = vars.TRIGGER_SECRET === undefined ? undefined : triggerSecretProblem(vars.TRIGGER_SECRET);
  if (weakSecret) return { path: 'TRIGGER_SECRET', message: weakSecret };
  const allowedOrigins = vars.PROACTIVE_API_ENDPOINTS.map((origin) => originOf(origin)!);
  const scheduleEndpoint = vars.PROACTIVE_API_ENDPOINT === undefined ? undefined : originOf(vars.PROACTIVE_API_ENDPOINT)!;
  if (scheduleEndpoint && !allowedOrigins.includes(scheduleEndpoint)) {
    return {
      path: 'PROACTIVE_API_ENDPOINT',
      message: `${scheduleEndpoint} is not one of PROACTIVE_API_ENDPOINTS (${allowedOrigins.join(', ') || 'none'}), the origins that may receive the access token; add it there`,
    };
  }
  const scheduler = ['PROACTIVE_SCHEDULE_GROUP', 'PROACTIVE_SCHEDULE_ROLE_ARN', 'PROACTIVE_SCHEDULE_FUNCTION_ARN'] as const;
  const given = scheduler.filter((name) => vars[name] !== undefined);
  if (given.length > 0 && given.length < scheduler.length) {
    const missing = scheduler.filter((name) => vars[name] === undefined);
    return { path: missing.join(', '), message: `required with ${given.join(', ')}, to keep users' own schedules in EventBridge Scheduler (docs/schedules.md)` };
  }
  if (!skill) return undefined;
  // Jovo turns FileDb off on Lambda (no writable disk, and containers share none): subscriptions would be lost.
  if (env.AWS_LAMBDA_FUNCTION_NAME && !vars.DYNAMODB_TABLE) {
    return {
      path: 'DYNAMODB_TABLE',
      message: `required on AWS Lambda (AWS_LAMBDA_FUNCTION_NAME is ${JSON.stringify(env.AWS_LAMBDA_FUNCTION_NAME)}), where FileDb cannot keep users; name a table with the partition key userId (String)`,
    };
  }
  if (!vars.SKILL_ID && !LOOPBACK_HOSTS.includes(vars.HOST)) {
    return {
      path: 'SKILL_ID',
      message:
        `required when HOST is ${JSON.stringify(vars.HOST)}, which other machines can reach: without it the skill would take Alexa's requests ` +
        'for any skill; set SKILL_ID to your skill id (amzn1.ask.skill.…), or HOST=127.0.0.1',
    };
  }
  if (env.AWS_LAMBDA_FUNCTION_NAME && !vars.SKILL_ID) {
    return { path: 'SKILL_ID', message: 'required on AWS Lambda, so that Alexa invocations for another skill are refused; set it to your skill id (amzn1.ask.skill.…)' };
  }
  if (!vars.SKILL_ID && vars.ALEXA_VERIFY_REQUESTS === 'true' && skill.signatures) {
    return {
      path: 'SKILL_ID',
      message:
        "required while Alexa's requests are verified: a valid signature proves that Alexa sent a request, not that it is for this skill, " +
        'and any developer can have Alexa sign requests of their own skill for this URL; set SKILL_ID to your skill id (amzn1.ask.skill.…), ' +
        'or ALEXA_VERIFY_REQUESTS=false on this machine alone',
    };
  }
  return undefined;
}

function hasAppJson(root: string): boolean {
  return fs.existsSync(path.join(root, 'app.json'));
}

/**
 * The doors' options of these settings: who may talk to the skill as Alexa (SKILL_ID, or the local identity
 * without it; ALEXA_VERIFY_REQUESTS), and what triggers are verified against (TRIGGER_SECRET, the stage).
 */
export function doorOptions({ alexa, triggerSecret, sending }: Settings): DoorOptions {
  return { skillId: alexa.skillId, localSkillId: alexa.localSkillId, signatures: alexa.verifyRequests, triggerSecret, stage: sending.stage };
}

/**
 * The ProactiveEvents plugin's options of these settings: app.json's events, lifetime and schedules, the stage,
 * the origins a stored apiEndpoint may name, and where scheduled and users' own schedules go. What is code rather
 * than settings (the sender, its record hooks) the app adds.
 */
export function pluginOptions({ app, sending, userScheduler, fanOut }: Settings): ProactiveEventsOptions {
  return {
    events: app.events,
    expiresInMinutes: app.expiresInMinutes,
    stage: sending.stage,
    apiEndpoints: sending.allowedOrigins,
    schedules: app.schedules,
    scheduleEndpoint: sending.scheduleEndpoint,
    userScheduler,
    fanOut,
  };
}

/** The deployment these settings make, which a trigger must be signed for: the skill (or its local identity) and its stage. */
export function triggerAudience({ alexa, sending }: Pick<Settings, 'alexa' | 'sending'>): TriggerAudience {
  return { skillId: alexa.skillId ?? alexa.localSkillId, stage: sending.stage };
}

function definedOnly<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}
