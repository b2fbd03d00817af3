import * as fs from 'fs';
import * as path from 'path';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { EVENT_NAMES, LWA_TOKEN_URL, MIN_TRIGGER_SECRET_LENGTH, STAGES, describeIssue, fromZod, originOf, type Stage } from './proactive';

/** An Alexa skill id, as the developer console and `jovo3 deploy` show it. */
const SKILL_ID_PATTERN = /^amzn1\.ask\.skill\.[0-9a-f-]{36}$/;

// Named settings.ts, not config.ts: Jovo treats dist/src/config.js as its own config file and merges it into
// every App (its test runtime points JOVO_CONFIG there), which would mix this module's exports into the app.

/** The project folder: the nearest folder above this file that holds app.json (works from src/ and dist/src/). */
export const PROJECT_ROOT = findProjectRoot(__dirname);

/** What the skill publishes, as declared in app.json. */
export const AppDeclarationSchema = z
  .object({
    events: z
      .array(z.enum(EVENT_NAMES))
      .min(1)
      .refine((events) => new Set(events).size === events.length, 'must not list an event twice'),
    locales: z
      .array(z.string().regex(/^[a-z]{2}-[A-Z]{2}$/, 'expected a locale like "en-US"'))
      .min(1)
      .refine((locales) => new Set(locales).size === locales.length, 'must not list a locale twice'),
    stage: z.enum(['development', 'live']).default('development'),
    expiresInMinutes: z.number().int().min(5).max(24 * 60).default(60),
  })
  .strict();
export type AppDeclaration = z.infer<typeof AppDeclarationSchema>;

/** Everything the app needs, read once at start and passed explicitly, so tests, servers and Lambda agree. */
export interface Settings {
  app: AppDeclaration;
  server: { port: number; host: string };
  /** Absolute path of the FileDb JSON file, the embedded default store. */
  fileDbPath: string;
  /** Store users in this DynamoDB table instead (Jovo's DynamoDb; for Lambda). */
  dynamoDb?: DynamoDbSettings;
  sending: SendingSettings;
  /** Shared by the skill and the trigger script; without it the hidden intents refuse every trigger. */
  triggerSecret?: string;
  alexa: AlexaSettings;
}

/** Who may talk to the skill as Alexa. */
export interface AlexaSettings {
  /** SKILL_ID: requests for another skill are refused; required beyond loopback and on Lambda. */
  skillId?: string;
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
  stage: Stage;
}

export type Environment = Record<string, string | undefined>;

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
  PROACTIVE_STAGE: unsetIfEmpty(z.enum(STAGES).optional()),
  // Never refused by the schema, so its value can never appear in an error; its length is checked below.
  TRIGGER_SECRET: unsetIfEmpty(z.string().optional()),
  DYNAMODB_TABLE: unsetIfEmpty(z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'expected a DynamoDB table name: 3 to 255 of A-Z a-z 0-9 _ . -').optional()),
  DYNAMODB_ENDPOINT: unsetIfEmpty(z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional()),
  AWS_REGION: unsetIfEmpty(z.string().optional()),
  SKILL_ID: unsetIfEmpty(z.string().regex(SKILL_ID_PATTERN, 'expected a skill id like amzn1.ask.skill.00000000-0000-0000-0000-000000000000').optional()),
  ALEXA_VERIFY_REQUESTS: unsetIfEmpty(z.enum(['true', 'false']).default('true')),
});

/** Addresses of this machine alone: a webhook bound to one of them cannot be reached by Alexa or anyone else. */
export const LOOPBACK_HOSTS = ['127.0.0.1', '::1', 'localhost'];

/** Thrown when app.json or the environment is invalid; `issues` names each field, its value and what is allowed. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
  readonly code = 'ERR_SETTINGS';
  constructor(
    readonly source: string,
    readonly issues: readonly string[],
  ) {
    super(`${source} is invalid:\n  - ${issues.join('\n  - ')}`);
  }
}

export function loadSettings(env: Environment = process.env, root: string = PROJECT_ROOT): Settings {
  const vars = parseOrThrow(EnvironmentSchema, env, 'The environment');
  if (Boolean(vars.ALEXA_CLIENT_ID) !== Boolean(vars.ALEXA_CLIENT_SECRET)) {
    const missing = vars.ALEXA_CLIENT_ID ? 'ALEXA_CLIENT_SECRET' : 'ALEXA_CLIENT_ID';
    throw new SettingsError('The environment', [`${missing}: required with ${missing === 'ALEXA_CLIENT_ID' ? 'ALEXA_CLIENT_SECRET' : 'ALEXA_CLIENT_ID'}`]);
  }
  if (vars.TRIGGER_SECRET !== undefined && vars.TRIGGER_SECRET.length < MIN_TRIGGER_SECRET_LENGTH) {
    throw new SettingsError('The environment', [
      `TRIGGER_SECRET: too short (${vars.TRIGGER_SECRET.length} characters); use at least ${MIN_TRIGGER_SECRET_LENGTH}, e.g. the output of \`openssl rand -hex 32\``,
    ]);
  }
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
  const app = readAppDeclaration(root);
  return {
    app,
    server: { port: vars.JOVO_PORT, host: vars.HOST },
    // FileDb resolves relative paths against the working folder; resolving against the project keeps one store.
    fileDbPath: path.resolve(root, vars.FILEDB_PATH),
    ...(vars.DYNAMODB_TABLE && {
      dynamoDb: { tableName: vars.DYNAMODB_TABLE, ...(vars.DYNAMODB_ENDPOINT && { endpoint: vars.DYNAMODB_ENDPOINT }), ...(vars.AWS_REGION && { region: vars.AWS_REGION }) },
    }),
    sending: {
      ...(vars.ALEXA_CLIENT_ID && vars.ALEXA_CLIENT_SECRET && { credentials: { clientId: vars.ALEXA_CLIENT_ID, clientSecret: vars.ALEXA_CLIENT_SECRET } }),
      tokenUrl: vars.LWA_TOKEN_URL,
      allowedOrigins: vars.PROACTIVE_API_ENDPOINTS.map((origin) => originOf(origin)!),
      stage: vars.PROACTIVE_STAGE ?? app.stage,
    },
    ...(vars.TRIGGER_SECRET && { triggerSecret: vars.TRIGGER_SECRET }),
    alexa: { ...(vars.SKILL_ID && { skillId: vars.SKILL_ID }), verifyRequests: vars.ALEXA_VERIFY_REQUESTS === 'true' },
  };
}

export function readAppDeclaration(root: string = PROJECT_ROOT): AppDeclaration {
  const file = path.join(root, 'app.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new SettingsError(file, [(error as Error).message]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SettingsError(file, [jsonSyntaxError(text, error as Error)]);
  }
  return parseOrThrow(AppDeclarationSchema, json, file);
}

/** JSON.parse's complaint with the line and column it means: "line 4, column 3: Expected double-quoted …". */
export function jsonSyntaxError(text: string, error: Error): string {
  const position = /at position (\d+)/.exec(error.message);
  const message = error.message.replace(/ in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, '');
  if (!position) return `not valid JSON: ${message}`;
  const before = text.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `not valid JSON at line ${line}, column ${column}: ${message}`;
}

/** The process environment over the project's `.env` file (real variables win, as with dotenv itself). */
export function readEnvironment(root: string = PROJECT_ROOT, env: Environment = process.env): Environment {
  const file = path.join(root, '.env');
  const fromFile = fs.existsSync(file) ? parseDotenv(fs.readFileSync(file)) : {};
  return { ...fromFile, ...env };
}

function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, source: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new SettingsError(source, fromZod(result.error.issues, value).map(describeIssue));
}

/** An empty variable (`JOVO_PORT=`) counts as unset, as it does for most tools. */
function unsetIfEmpty<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === '' ? undefined : value), schema);
}

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'app.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No app.json found in ${start} or any folder above it`);
  }
}
