import * as fs from 'fs';
import * as path from 'path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { createEmulator, type Emulator, type EmulatorOptions } from '../emulator';
import type { Io } from './io';

/** Where a skill's built manifest is: the ASK CLI's layout, and Jovo's. */
const SKILL_JSON_PLACES = [path.join('skill-package', 'skill.json'), path.join('platforms', 'alexaSkill', 'skill-package', 'skill.json')];

/** The built manifest in `dir` or the nearest folder above it, if there is one. */
export function findSkillJson(dir: string): string | undefined {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    const found = SKILL_JSON_PLACES.map((place) => path.join(at, place)).find((file) => fs.existsSync(file));
    if (found || path.dirname(at) === at) return found;
  }
}

/**
 * `emulator [options]`: the local stand-in for Amazon's token endpoint and Proactive Events API. It lets the
 * skill send what its built manifest publishes, found from the current folder up, or every event without one.
 */
export function emulatorCommand(io: Io, started: (emulator: Emulator) => void): Command {
  const share = (value: string) => parseNumber(value, 0, 1, 'a share from 0 to 1, e.g. 0.2');
  const whole = (max: number) => (value: string) => parseNumber(value, 0, max, `a whole number from 0 to ${max}`, true);
  return new Command('emulator')
    .description("A local emulator of Amazon's Login with Amazon token endpoint and Proactive Events API")
    .usage('[options]')
    .addOption(new Option('--port <n>', 'port to listen on (0: a free one)').env('EMULATOR_PORT').default(3001).argParser(whole(65535)))
    .addOption(new Option('--host <host>', 'address to bind').env('EMULATOR_HOST').default('127.0.0.1'))
    .addOption(new Option('--fault-rate <share>', 'share of event requests answered with a fault status').env('EMULATOR_FAULT_RATE').argParser(share))
    .addOption(
      new Option('--fault-statuses <list>', 'the fault statuses, comma-separated (default 429,500,503)').env('EMULATOR_FAULT_STATUSES').argParser(statusList),
    )
    .addOption(
      new Option('--fault-script <list>', 'answers for the next event requests, e.g. 429,500,drop,202').env('EMULATOR_FAULT_SCRIPT').argParser(script),
    )
    .addOption(new Option('--retry-after <seconds>', 'Retry-After sent with a 429 (default 1)').env('EMULATOR_RETRY_AFTER').argParser(whole(3600)))
    .addOption(new Option('--latency <ms>', 'added before every events API answer').env('EMULATOR_LATENCY_MS').argParser(whole(60_000)))
    .addOption(new Option('--drop-rate <share>', 'share of event requests whose connection is closed unanswered').env('EMULATOR_DROP_RATE').argParser(share))
    .addOption(new Option('--seed <n>', 'seed of the random faults (default 1)').env('EMULATOR_SEED').argParser(whole(2 ** 31)))
    .addOption(new Option('--token-ttl <seconds>', 'lifetime of issued tokens (default 3600)').env('EMULATOR_TOKEN_TTL').argParser(whole(86_400)))
    .addOption(new Option('--keep-events <n>', 'accepted events kept for the page and GET /events, the oldest dropped first (default 10000)').env('EMULATOR_KEEP_EVENTS').argParser((value) => parseNumber(value, 1, 10_000_000, 'a whole number from 1 to 10000000', true)))
    .addOption(new Option('--keep-tokens <n>', 'live access tokens kept, the oldest dropped first (default 1000)').env('EMULATOR_KEEP_TOKENS').argParser((value) => parseNumber(value, 1, 10_000_000, 'a whole number from 1 to 10000000', true)))
    .addOption(
      new Option('--client <id:secret>', 'accept only these credentials (repeatable); default: any')
        .env('EMULATOR_CLIENTS')
        .argParser((value: string, previous: Array<[string, string]> = []) => [...previous, ...value.split(',').map(clientPair)]),
    )
    .addOption(
      new Option('--client-without-scope <id>', 'a client id that may not send Proactive Events: its token requests get 400 invalid_scope (repeatable)')
        .env('EMULATOR_CLIENTS_WITHOUT_SCOPE')
        .argParser((value: string, previous: string[] = []) => [...previous, ...value.split(',').filter(Boolean)]),
    )
    .addOption(new Option('--skill <url>', "the skill's webhook, told of each subscription change as Alexa tells it (e.g. http://127.0.0.1:3000/webhook)").env('EMULATOR_SKILL_URL').argParser(httpUrl))
    .addOption(new Option('--skill-id <id>', 'applicationId of the subscription changes (default: SKILL_ID, or a placeholder id)').env('SKILL_ID'))
    .option('--any-user', 'count every user as subscribed to everything, instead of tracking who turned what on')
    .addOption(new Option('--skill-json <file>', 'built manifest whose publications may be sent (default: skill-package/skill.json or platforms/alexaSkill/skill-package/skill.json, here or above)'))
    .option('--quiet', 'do not print a line per request')
    .addHelpText(
      'after',
      '\nExamples:\n  alexa-proactive-events emulator\n  alexa-proactive-events emulator --skill http://127.0.0.1:3000/webhook\n  alexa-proactive-events emulator --port 3101 --fault-rate 0.2 --latency 20\n  alexa-proactive-events emulator --fault-script 429,500,503\n',
    )
    .action(async (options: CliOptions) => {
      const skillJson = options.skillJson === undefined ? findSkillJson(io.cwd) : path.resolve(io.cwd, options.skillJson);
      const emulator = await createEmulator({ ...toEmulatorOptions(options, io), skillJsonPath: skillJson });
      io.out(
        `Amazon emulator listening on ${emulator.url}\n` +
          `  publications        ${skillJson ? `of ${path.relative(io.cwd, skillJson) || skillJson}` : 'every event (no skill.json found: --skill-json names one)'}\n` +
          `  notifications page  ${emulator.url}/\n` +
          `  token endpoint      POST ${emulator.url}/auth/o2/token\n` +
          `  events API          POST ${emulator.url}/v1/proactiveEvents[/stages/development]\n` +
          `  subscribers         ${options.anyUser ? 'every user counts as subscribed to everything (--any-user)' : `none yet: turn events on for a user on the page${options.skill ? `; each change goes to ${options.skill}` : ' (--skill names the skill to tell)'}`}\n` +
          `Point a TokenClient's tokenUrl at ${emulator.url}/auth/o2/token and list ${emulator.url} in the sender's allowedOrigins\n`,
      );
      started(emulator);
    });
}

interface CliOptions {
  port: number;
  host: string;
  faultRate?: number;
  faultStatuses?: number[];
  faultScript?: Array<number | 'drop'>;
  retryAfter?: number;
  latency?: number;
  dropRate?: number;
  seed?: number;
  tokenTtl?: number;
  keepEvents?: number;
  keepTokens?: number;
  client?: Array<[string, string]>;
  clientWithoutScope?: string[];
  skillJson?: string;
  skill?: string;
  skillId?: string;
  anyUser?: boolean;
  quiet?: boolean;
}

function toEmulatorOptions(options: CliOptions, io: Io): EmulatorOptions {
  return {
    port: options.port,
    host: options.host,
    tokenTtlSeconds: options.tokenTtl,
    keepEvents: options.keepEvents,
    keepTokens: options.keepTokens,
    clients: options.client ? Object.fromEntries(options.client) : undefined,
    clientsWithoutScope: options.clientWithoutScope,
    subscribers: options.anyUser ? undefined : {},
    skill: options.skill === undefined ? undefined : { url: options.skill, skillId: options.skillId },
    faults: {
      rate: options.faultRate,
      statuses: options.faultStatuses,
      script: options.faultScript,
      retryAfterSeconds: options.retryAfter,
      latencyMs: options.latency,
      dropRate: options.dropRate,
      seed: options.seed,
    },
    log: options.quiet ? undefined : (line) => io.out(`${new Date().toISOString()} ${line}\n`),
  };
}

function parseNumber(value: string, min: number, max: number, expected: string, whole = false): number {
  const number = Number(value);
  if (value.trim() === '' || Number.isNaN(number) || number < min || number > max || (whole && !Number.isInteger(number))) {
    throw new InvalidArgumentError(`expected ${expected}, not ${JSON.stringify(value)}`);
  }
  return number;
}

function statusList(value: string): number[] {
  return value.split(',').map((item) => parseNumber(item, 400, 599, 'HTTP error statuses from 400 to 599, comma-separated', true));
}

function script(value: string): Array<number | 'drop'> {
  return value
    .split(',')
    .map((item) => item.trim())
    .map((item) => (item === 'drop' ? 'drop' : parseNumber(item, 200, 599, 'statuses (200 to 599) or "drop", comma-separated', true)));
}

function httpUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // named below
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new InvalidArgumentError(`expected an http(s) URL such as http://127.0.0.1:3000/webhook, not ${JSON.stringify(value)}`);
  return url.href;
}

function clientPair(value: string): [string, string] {
  const at = value.indexOf(':');
  if (at <= 0 || at === value.length - 1) throw new InvalidArgumentError('expected id:secret');
  return [value.slice(0, at), value.slice(at + 1)];
}
