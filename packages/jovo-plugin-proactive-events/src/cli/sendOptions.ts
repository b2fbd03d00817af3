import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { EXIT, Exit, type Io } from 'alexa-proactive-events/cli';
import { type Region, type Stage } from 'alexa-proactive-events';
import { MAX_TRIGGER_BATCH, triggerSecretProblem, type TriggerAudience } from 'alexa-proactive-events/trigger';
import {
  LOCALE_PATTERN,
  MAX_EXPIRY_MINUTES,
  MIN_EXPIRY_MINUTES,
  REGION_ORIGINS,
  STAGES,
  UserIdSchema,
  originOf,
  quoted,
} from 'alexa-proactive-events/internal';
import { SettingsError, findProjectRoot, readEnvironment } from '../config/project';
import { readSettings, triggerAudience, type CommandSettings } from '../config/settings';
import { DEFAULT_BATCH_SIZE, DEFAULT_CONCURRENCY, type TriggerPlan } from '../trigger/client';
import { readDevSession, type DevSession } from './devSession';
import { UsersFileProblem, userBatches, userIds } from './usersFile';

export const DEFAULT_ENDPOINT = 'http://localhost:3000/webhook';

/** The options every sending command takes (see the README: the trigger script). */
export interface SendCliOptions {
  endpoint: string;
  region?: Region;
  apiEndpoint?: string;
  user?: string[];
  usersFile?: string;
  to?: 'subscribers';
  locale?: string[];
  stage?: Stage;
  skillId?: string;
  expiresIn?: number;
  referenceId?: string;
  secret?: string;
  dryRun?: boolean;
  json?: boolean;
  concurrency: number;
  batchSize: number;
}

/** Where and how triggers go, once the options are checked. */
export interface SendPlan extends TriggerPlan {
  /** The locales of the notification texts: app.json's, or those --locale chose. */
  locales: string[];
  referenceId: string;
  /** The ids --users-file holds, duplicates included (the users then come through `userBatches`). */
  usersInFile?: number;
  dryRun: boolean;
  json: boolean;
}

/** --skill-id and --stage: the deployment a trigger is for, which refuses a trigger signed for another. */
export function addAudienceOptions(command: Command): Command {
  return command
    .addOption(new Option('--skill-id <id>', "the skill the trigger is for (default: SKILL_ID from the environment or .env; without one, this project's local identity)"))
    .addOption(
      new Option('--stage <stage>', "the skill's stage, which it sends at (default: PROACTIVE_STAGE from the environment or .env, else app.json's stage)").choices(STAGES),
    );
}

/**
 * The settings of the project the command runs in (app.json and the environment over its `.env`, as the skill
 * reads them: `readSettings`), found from the command's folder up; outside any project, the environment alone.
 * Throws the SettingsError that names what is wrong.
 */
export function commandSettings(io: Io): CommandSettings {
  const root = findProjectRoot(io.cwd);
  return readSettings({ projectRoot: root, cwd: io.cwd, env: readEnvironment(root ?? io.cwd, io.env ?? process.env), purpose: 'command' });
}

/**
 * The deployment a trigger is for: --skill-id and --stage where given, else `npm run dev`'s skill, else the one the
 * settings make (`triggerAudience`: SKILL_ID or the project's local identity, at PROACTIVE_STAGE or app.json's stage).
 */
export function chosenAudience(given: { skillId?: string; stage?: Stage }, settings: CommandSettings, dev: DevSession | undefined): TriggerAudience {
  const audience = triggerAudience(settings);
  return { skillId: given.skillId ?? dev?.skillId ?? audience.skillId, stage: given.stage ?? audience.stage };
}

/** --endpoint (the skill), and --region or --api-endpoint (where the skill sends). */
export function addEndpointOptions(command: Command, region = "the users' region: sets the request's apiEndpoint to Amazon's host (default NA)"): Command {
  return command
    .addOption(
      new Option('--endpoint <url>', `the skill's webhook; "jovo-webhook" for this machine's Jovo Webhook`).default(DEFAULT_ENDPOINT),
    )
    .addOption(new Option('--region <region>', region).choices(Object.keys(REGION_ORIGINS)).conflicts('apiEndpoint'))
    .addOption(new Option('--api-endpoint <origin>', 'send to this origin instead of Amazon (the emulator, for example)').argParser(origin));
}

export function addSendOptions(command: Command): Command {
  return addAudienceOptions(addEndpointOptions(command))
    .addOption(new Option('--user <id>', 'Unicast to this user (repeatable); without --user, Multicast').argParser(collect))
    .addOption(new Option('--users-file <file>', 'Unicast to every user in this file: one id per line, or a JSON array'))
    .addOption(
      new Option('--to <audience>', "subscribers: the skill sends a Unicast to every user it has subscribed to the event, from its own records, each to their stored region (not with --user, --users-file, --region or --api-endpoint)")
        .choices(['subscribers'])
        .conflicts(['user', 'usersFile', 'region', 'apiEndpoint']),
    )
    .addOption(new Option('--locale <locale>', "a locale of the notification text, one of app.json's where the project has one (repeatable; default: app.json's, or en-US)").argParser(collect))
    .addOption(new Option('--expires-in <minutes>', `how long the notification stays, ${MIN_EXPIRY_MINUTES} to ${MAX_EXPIRY_MINUTES} minutes`).argParser(minutes))
    .addOption(new Option('--reference-id <id>', 'the idempotency key (default: a new one); re-run with it to resend safely'))
    .addOption(new Option('--secret <secret>', 'the trigger secret (default: TRIGGER_SECRET from the environment or .env)'))
    .option('--dry-run', 'print the signed request(s) as JSON and send nothing')
    .option('--json', 'print one JSON object per event: { event, referenceId, status, httpStatus, requestId, errors, warnings, attempts[, user] }')
    .addOption(new Option('--concurrency <n>', 'triggers in flight at once').default(DEFAULT_CONCURRENCY).argParser(positive))
    .addOption(new Option('--batch-size <n>', `users per trigger in a fan-out, up to ${MAX_TRIGGER_BATCH}`).default(DEFAULT_BATCH_SIZE).argParser(batch));
}

/**
 * Checks the options and reads what they point to: the project's settings (app.json's locales, TRIGGER_SECRET,
 * the skill id and stage: `commandSettings`), found from the current folder up. A problem ends the command with a
 * usage error.
 */
export function sendPlan(options: SendCliOptions, io: Io): SendPlan {
  const root = findProjectRoot(io.cwd);
  // While `npm run dev` runs, the default endpoint is its skill, with its secret and its emulator as Amazon.
  const dev = options.endpoint === DEFAULT_ENDPOINT ? readDevSession(root, (why) => io.err(`${why}\n`)) : undefined;
  if (dev && !options.json) io.err(`(npm run dev: the skill at ${dev.webhook}, the emulator at ${dev.emulator} as Amazon)\n`);
  // Where the trigger goes, first: a mistyped --endpoint is named before anything that depends on it.
  const endpoint = dev?.webhook ?? resolveEndpoint(options.endpoint, io);
  let settings: CommandSettings;
  try {
    settings = commandSettings(io);
  } catch (error) {
    if (error instanceof SettingsError) return usage(io, error.message);
    throw error;
  }
  // TRIGGER_SECRET was checked with the settings; a secret from the command line is checked here.
  const secret = options.secret ?? dev?.secret ?? settings.triggerSecret;
  if (!secret) usage(io, 'No trigger secret: set TRIGGER_SECRET in the environment or .env (as the skill has it), pass --secret, or run npm run dev, whose skill the script finds by itself');
  const weak = options.secret === undefined ? undefined : triggerSecretProblem(options.secret);
  if (weak) usage(io, `The trigger secret (--secret) is ${weak}`);
  const users = [...new Set(options.user ?? [])];
  const file = options.usersFile === undefined ? undefined : path.resolve(io.cwd, options.usersFile);
  const inFile = file === undefined ? 0 : countUsers(file, options.usersFile!, io);
  // An empty file would otherwise mean no users, which is a Multicast to every subscriber: not what it asked for.
  if (file !== undefined && inFile === 0) usage(io, `--users-file ${options.usersFile}: holds no user id (one per line, or a JSON array); nothing was sent`);
  const { app } = settings;
  const locales = app?.locales ?? ['en-US'];
  for (const locale of options.locale ?? []) {
    if (!LOCALE_PATTERN.test(locale)) usage(io, `--locale ${JSON.stringify(locale)}: expected a locale like en-US`);
    if (app && !locales.includes(locale)) usage(io, `--locale ${locale}: not one of this skill's locales (app.json): ${locales.join(', ')}`);
  }
  const chosen = options.locale ?? locales;
  return {
    endpoint,
    apiEndpoint: options.apiEndpoint ?? (options.region || !dev ? REGION_ORIGINS[options.region ?? 'NA'] : dev.emulator),
    explicitEndpoint: options.region !== undefined || options.apiEndpoint !== undefined,
    users: users.length > 0 || inFile > 0 ? users : undefined,
    // The file is read again as the triggers go, a batch at a time, each user once (after those of --user).
    ...(file !== undefined && { userBatches: () => userBatches(file, users), usersInFile: inFile }),
    ...(options.to === 'subscribers' && { toSubscribers: true }),
    locales: chosen,
    locale: chosen[0],
    ...chosenAudience(options, settings, dev),
    expiresInMinutes: options.expiresIn,
    referenceId: options.referenceId ?? randomUUID(),
    secret,
    dryRun: options.dryRun ?? false,
    json: options.json ?? false,
    concurrency: options.concurrency,
    batchSize: options.batchSize,
  };
}

/** `jovo-webhook` is this machine's Jovo Webhook (https://webhookv3.jovo.cloud/<id>, id from ~/.jovo/config). */
export function resolveEndpoint(endpoint: string, io: Io): string {
  if (endpoint === 'jovo-webhook') {
    const config = path.join(process.env.HOME || os.homedir(), '.jovo', 'config');
    let id: unknown;
    try {
      id = (JSON.parse(fs.readFileSync(config, 'utf8')) as { webhook?: { uuid?: unknown } }).webhook?.uuid;
    } catch {
      id = undefined;
    }
    if (typeof id !== 'string' || id === '') usage(io, `No Jovo Webhook id in ${config}: run \`npx jovo3 run\` once to create it`);
    return `https://webhookv3.jovo.cloud/${id}`;
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return usage(io, `--endpoint ${JSON.stringify(endpoint)} is not a URL; expected e.g. ${DEFAULT_ENDPOINT}, an https URL or jovo-webhook`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    usage(io, `--endpoint ${JSON.stringify(endpoint)} is not an http(s) URL; expected e.g. ${DEFAULT_ENDPOINT}, an https URL or jovo-webhook`);
  }
  return url.toString();
}

/** How many ids --users-file holds (duplicates included), read through once to check it; nothing of it is kept. */
/**
 * The ids in --users-file, each checked as a trigger will carry it: an id the skill could not store is refused
 * here, naming it, before any batch goes out (the file is read again as the triggers go).
 */
function countUsers(file: string, given: string, io: Io): number {
  let count = 0;
  try {
    for (const id of userIds(file)) {
      count++;
      const checked = UserIdSchema.safeParse(id);
      if (!checked.success) {
        const shown = quoted(id, 30);
        const bytes = Buffer.byteLength(id).toLocaleString('en-US');
        usage(io, `--users-file ${given}: its id ${count.toLocaleString('en-US')} (${shown}, ${bytes} bytes): ${checked.error.issues[0].message}; nothing was sent`);
      }
    }
  } catch (error) {
    if (error instanceof Exit) throw error;
    if (error instanceof UsersFileProblem) return usage(io, `--users-file ${given}: ${error.message}`);
    return usage(io, `Cannot read --users-file ${given}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  return count;
}

function usage(io: Io, message: string): never {
  io.err(`${message}\n`);
  throw new Exit(EXIT.usage);
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function origin(value: string): string {
  const parsed = originOf(value);
  if (!parsed) throw new InvalidArgumentError('expected an origin, scheme://host[:port], e.g. http://127.0.0.1:3001');
  return parsed;
}

function minutes(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < MIN_EXPIRY_MINUTES || n > MAX_EXPIRY_MINUTES) {
    throw new InvalidArgumentError(`expected whole minutes from ${MIN_EXPIRY_MINUTES} to ${MAX_EXPIRY_MINUTES}`);
  }
  return n;
}

function batch(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_TRIGGER_BATCH) throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_TRIGGER_BATCH}`);
  return n;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new InvalidArgumentError('expected a whole number from 1 to 256');
  return n;
}

