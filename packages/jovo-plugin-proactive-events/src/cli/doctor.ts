import * as fs from 'fs';
import * as path from 'path';
import { type Command, Option } from 'commander';
import {
  NOTIFICATIONS_PERMISSION,
  TokenClient,
  EVENT_NAMES,
  type EventName,
  type Region,
  type Stage,
  type TokenErrorCode,
} from 'alexa-proactive-events';
import {
  EVENT_DEFINITIONS,
  LWA_TOKEN_URL,
  PROACTIVE_EVENTS_SCOPE,
  REGION_ORIGINS,
  SKILL_EVENT_SUBSCRIPTIONS,
  describeIssue,
  eventFromInputs,
  type AnyEventDefinition,
} from 'alexa-proactive-events/internal';
import { EXIT, Exit, type Io } from 'alexa-proactive-events/cli';
import { SettingsError, findProjectRoot, type AppDeclaration } from '../config/project';
import type { CommandSettings } from '../config/settings';
import { PROJECT_CREDENTIALS_HINT, credentialsFix } from '../hints';
import { regionName } from '../stores/subscribers';
import type { CheckReport } from '../trigger/check';
import { checkSkill } from '../trigger/client';
import { didYouMean } from './args';
import { readDevSession } from './devSession';
import { DEFAULT_ENDPOINT, addAudienceOptions, addEndpointOptions, chosenAudience, commandSettings, resolveEndpoint } from './sendOptions';

/** One line of `doctor`: what was checked, whether it holds, and what to do when it does not. */
export interface DoctorCheck {
  check: string;
  ok: boolean;
  message: string;
  fix?: string;
}

interface DoctorOptions {
  endpoint: string;
  region?: Region;
  apiEndpoint?: string;
  secret?: string;
  skillId?: string;
  stage?: Stage;
  event?: string;
  json?: boolean;
}

/** The committed manifest, as `npm run build:platform` writes it. */
export const MANIFEST_FILE = path.join('platforms', 'alexaSkill', 'skill-package', 'skill.json');
const BUILD_AND_DEPLOY = 'run npm run build:platform, then deploy it (npx jovo3 deploy -p alexaSkill): Amazon goes by the deployed manifest';

/**
 * `doctor`: checks, in the order a notification needs them, everything between app.json and the user's device that
 * a tool can see, and says what to do about each that fails. Sends nothing: the skill gets a check trigger.
 */
export function doctorCommand(program: Command, io: Io): Command {
  const command = program
    .command('doctor')
    .description("check the whole chain a notification takes, from app.json to the skill's subscribers; sends nothing")
    .addOption(new Option('--event <name>', "check this event alone (its name, or its command: weather); default: every event of app.json"))
    .addOption(new Option('--secret <secret>', 'the trigger secret (default: TRIGGER_SECRET from the environment or .env)'))
    .option('--json', 'print one JSON object: { ok, checks: [{ check, ok, message, fix? }] }');
  addAudienceOptions(addEndpointOptions(command, "where a Multicast would go: its subscribers are counted there (default NA)"));
  command.addHelpText(
    'after',
    '\nExit status 0 when every check passes, 1 when one fails.\n\nExamples:\n' +
      '  npx proactive-events doctor\n' +
      '  npx proactive-events doctor --endpoint https://skill.example.com/webhook --region EU\n' +
      '  npx proactive-events doctor --api-endpoint http://127.0.0.1:3001   (the emulator as Amazon)\n',
  );
  return command.action(async (options: DoctorOptions) => {
    const checks: DoctorCheck[] = [];
    await runDoctor(options, io, (check) => {
      checks.push(check);
      if (!options.json) io.out(checkLine(check));
    });
    const ok = checks.every((check) => check.ok);
    if (options.json) io.out(`${JSON.stringify({ ok, checks })}\n`);
    else io.out(ok ? `All ${checks.length} checks passed.\n` : `${checks.filter((check) => !check.ok).length} of ${checks.length} checks failed.\n`);
    if (!ok) throw new Exit(EXIT.refused);
  });
}

function checkLine({ check, ok, message, fix }: DoctorCheck): string {
  return `${ok ? '✓' : '✗'} ${check}: ${message}\n${fix ? `  → ${fix}\n` : ''}`;
}

/** Runs the checks in order, giving each to `report` as it ends. */
export async function runDoctor(options: DoctorOptions, io: Io, report: (check: DoctorCheck) => void): Promise<void> {
  const root = findProjectRoot(io.cwd);
  const settings = checkSettings(io, report);
  if (!settings) return;
  const { app } = settings;
  const dev = options.endpoint === DEFAULT_ENDPOINT ? readDevSession(root, (why) => io.err(`${why}\n`)) : undefined;
  report(checkManifest(root, app, dev !== undefined));
  report(await checkCredentials(settings, dev !== undefined));
  const audience = chosenAudience(options, settings, dev);
  report(checkStage(audience.stage, options.stage === undefined ? "as the skill reads it: PROACTIVE_STAGE, else app.json's stage" : '--stage'));

  const endpoint = dev?.webhook ?? resolveEndpoint(options.endpoint, io);
  const apiEndpoint = options.apiEndpoint ?? (options.region || !dev ? REGION_ORIGINS[options.region ?? 'NA'] : dev.emulator);
  const secret = options.secret ?? dev?.secret ?? settings.triggerSecret;
  const definition = chosenEvent(options.event, app, io);
  if (!secret) {
    return report({
      check: 'skill',
      ok: false,
      message: `no trigger secret, so the skill at ${endpoint} was not asked`,
      fix: 'set TRIGGER_SECRET in .env or the environment, as the skill has it, or pass --secret',
    });
  }
  const answer = await checkSkill(
    eventFromInputs(definition.name, definition.example, app?.locales),
    { endpoint, secret, ...audience, apiEndpoint, explicitEndpoint: true, locale: app?.locales[0] ?? 'en-US' },
  );
  if (answer.kind === 'failed') {
    return report({ check: 'skill', ok: false, message: answer.cause, fix: `start the skill (npm start), or pass its webhook with --endpoint` });
  }
  if (answer.kind === 'refused') {
    const secretProblem = /signature|TRIGGER_SECRET/.test(answer.reason);
    return report({
      check: 'skill',
      ok: false,
      message: `${endpoint} refused the check trigger (${answer.status}): ${answer.reason.replace(/^Trigger refused: /, '')}`,
      fix: secretProblem
        ? "TRIGGER_SECRET here must be the skill's own: set the same in both places (or pass --secret)"
        : /another (skill|stage)/.test(answer.reason)
          ? "another deployment answered: SKILL_ID and PROACTIVE_STAGE here (or --skill-id and --stage) must be the skill's own"
          : /malformed/.test(answer.reason)
          ? 'the skill predates check triggers: update jovo-plugin-proactive-events there and deploy'
          : undefined,
    });
  }
  report({ check: 'skill', ok: true, message: `${endpoint} answered a check trigger signed with this trigger secret (nothing was sent)` });
  for (const check of skillChecks(answer.report, apiEndpoint, options.event ? [definition.name] : answer.report.publishedEvents)) report(check);
}

/** The event of --event (a name or a command), which app.json must publish; else app.json's first. */
function chosenEvent(given: string | undefined, app: AppDeclaration | undefined, io: Io): AnyEventDefinition {
  const first = EVENT_DEFINITIONS.find((definition) => definition.name === (app?.events[0] ?? 'AMAZON.WeatherAlert.Activated'))!;
  if (given === undefined) return first;
  const definition = EVENT_DEFINITIONS.find((candidate) => candidate.name === given || candidate.command === given);
  const published = app?.events ?? EVENT_NAMES;
  if (!definition || !published.includes(definition.name)) {
    const known = EVENT_DEFINITIONS.filter((candidate) => published.includes(candidate.name));
    io.err(`--event ${JSON.stringify(given)}: not an event of app.json${didYouMean(given, known.flatMap((candidate) => [candidate.name, candidate.command]))}; expected one of ${known.map((candidate) => candidate.command).join(', ')}\n`);
    throw new Exit(EXIT.usage);
  }
  return definition;
}

/**
 * The project's settings as the skill reads them (`commandSettings`), and the app.json check; undefined, after a
 * failed check naming the file or variable, when they cannot be read: nothing after it could be trusted.
 */
function checkSettings(io: Io, report: (check: DoctorCheck) => void): CommandSettings | undefined {
  let settings: CommandSettings;
  try {
    settings = commandSettings(io);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    const environment = error.source === 'The environment';
    report({
      check: environment ? 'environment' : 'app.json',
      ok: false,
      message: error.message,
      fix: environment ? 'correct the variable in .env or the environment, as the skill would refuse it too' : 'correct app.json (npx proactive-events validate app.json)',
    });
    return undefined;
  }
  const { app } = settings;
  if (!app) report({ check: 'app.json', ok: false, message: 'no app.json in this folder or above it', fix: "run doctor in the skill's folder" });
  else report({ check: 'app.json', ok: true, message: `${app.events.length} event(s), ${app.locales.join(', ')}, ${app.schedules.length} schedule(s)` });
  return settings;
}

/**
 * The committed manifest against app.json: the permission, the same publications, the skill events, an events
 * endpoint. Against `npm run dev` (`dev`) a placeholder endpoint is only noted: nothing is deployed yet.
 */
export function checkManifest(root: string | undefined, app: AppDeclaration | undefined, dev = false): DoctorCheck {
  const check = 'manifest';
  const file = path.join(root ?? '.', MANIFEST_FILE);
  let manifest: ManifestEvents;
  try {
    manifest = (JSON.parse(fs.readFileSync(file, 'utf8')) as { manifest?: ManifestEvents }).manifest ?? {};
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return { check, ok: false, message: `${MANIFEST_FILE} ${missing ? 'does not exist' : `cannot be read: ${(error as Error).message}`}`, fix: BUILD_AND_DEPLOY };
  }
  const problems: string[] = [];
  if (!manifest.permissions?.some((permission) => permission?.name === NOTIFICATIONS_PERMISSION)) problems.push(`no ${NOTIFICATIONS_PERMISSION} permission`);
  const published = names(manifest.events?.publications);
  if (app) {
    const missing = app.events.filter((name) => !published.includes(name));
    const extra = published.filter((name) => !app.events.includes(name as EventName));
    if (missing.length > 0) problems.push(`events.publications lacks ${missing.join(', ')} (in app.json)`);
    if (extra.length > 0) problems.push(`events.publications has ${extra.join(', ')} (not in app.json)`);
  }
  const subscribed = names(manifest.events?.subscriptions);
  const unsubscribed = SKILL_EVENT_SUBSCRIPTIONS.filter((name) => !subscribed.includes(name));
  if (unsubscribed.length > 0) problems.push(`events.subscriptions lacks ${unsubscribed.join(', ')}`);
  const uri = manifest.events?.endpoint?.uri;
  if (typeof uri !== 'string' || uri === '') problems.push('no events.endpoint.uri: Alexa would send subscription changes nowhere');
  const placeholder = typeof uri === 'string' && isPlaceholder(uri);
  if (placeholder && !dev) problems.push(`events.endpoint.uri is a placeholder (${uri}): set SKILL_ENDPOINT or SKILL_LAMBDA_ARN before the build`);
  if (problems.length > 0) return { check, ok: false, message: `${MANIFEST_FILE}: ${problems.join('; ')}`, fix: BUILD_AND_DEPLOY };
  const events = placeholder ? `events to a placeholder (${uri}), enough for npm run dev: set SKILL_ENDPOINT or SKILL_LAMBDA_ARN and build before you deploy` : `events to ${uri}`;
  return {
    check,
    ok: true,
    message: `${MANIFEST_FILE}: the notifications permission, ${published.length} publication(s) as app.json, ${SKILL_EVENT_SUBSCRIPTIONS.length} skill events, ${events}`,
  };
}

interface ManifestEvents {
  permissions?: Array<{ name?: unknown } | null>;
  events?: { publications?: unknown; subscriptions?: unknown; endpoint?: { uri?: unknown } };
}

function names(list: unknown): string[] {
  return Array.isArray(list) ? list.map((item) => (item as { eventName?: unknown } | null)?.eventName).filter((name): name is string => typeof name === 'string') : [];
}

/** A host kept for examples (RFC 2606), or the account of AWS's examples: a manifest built without its endpoint. */
function isPlaceholder(uri: string): boolean {
  if (/^arn:aws:lambda:[^:]*:123456789012:/.test(uri)) return true;
  try {
    return /(^|\.)example\.(com|net|org)$/.test(new URL(uri).hostname);
  } catch {
    return false;
  }
}

/** ALEXA_CLIENT_ID and ALEXA_CLIENT_SECRET, tried at Login with Amazon (LWA_TOKEN_URL: the emulator's, locally). */
async function checkCredentials({ sending: { credentials, tokenUrl } }: CommandSettings, dev: boolean): Promise<DoctorCheck> {
  const check = 'credentials';
  if (!credentials) {
    if (dev) return { check, ok: true, message: "not set here; npm run dev's skill gets its token from the emulator (checked at the skill below)" };
    // The settings refuse one of the two without the other: here neither is set.
    return { check, ok: false, message: 'ALEXA_CLIENT_ID and ALEXA_CLIENT_SECRET not set (in .env or the environment)', fix: PROJECT_CREDENTIALS_HINT };
  }
  const { clientId, clientSecret } = credentials;
  try {
    await new TokenClient({ clientId, clientSecret, tokenUrl }).token();
  } catch (error) {
    const code = (error as { code?: TokenErrorCode }).code;
    const fix = credentialsFix(code) ?? `is ${tokenUrl} reachable from here?`;
    return { check, ok: false, message: (error as Error).message, fix };
  }
  const where = tokenUrl === LWA_TOKEN_URL ? 'Login with Amazon' : `${tokenUrl} (not Amazon's)`;
  return { check, ok: true, message: `${where} gave client id ${clientId} a token for ${PROACTIVE_EVENTS_SCOPE}` };
}

function checkStage(stage: Stage, source: string): DoctorCheck {
  if (stage === 'live') {
    return { check: 'stage', ok: true, message: `live (${source}): Amazon takes live sends only for a certified, published skill; until then use development` };
  }
  return { check: 'stage', ok: true, message: `development (${source}): notifications reach the developer account's devices that have the skill enabled for testing` };
}

/** What the skill's report says: its credentials, the event it built, and its subscribers where a send would go. */
function skillChecks(report: CheckReport, apiEndpoint: string, checked: readonly string[]): DoctorCheck[] {
  const checks: DoctorCheck[] = [];
  if (!report.token) {
    checks.push({ check: "skill's credentials", ok: false, message: 'the skill has no ALEXA_CLIENT_ID and ALEXA_CLIENT_SECRET', fix: PROJECT_CREDENTIALS_HINT });
  } else if (!report.token.ok) {
    checks.push({ check: "skill's credentials", ok: false, message: report.token.message, fix: 'set them where the skill runs (its .env, or the Lambda function\'s environment)' });
  } else {
    checks.push({ check: "skill's credentials", ok: true, message: `the skill got a token for ${PROACTIVE_EVENTS_SCOPE}` });
  }
  const others = report.origins.filter((origin) => !Object.values(REGION_ORIGINS).includes(origin as never));
  const where = `to ${report.origin ?? apiEndpoint} at ${report.stage ?? 'no stage'}; it sends its token to Amazon's hosts${others.length > 0 ? ` and ${others.join(', ')}` : ' only'}`;
  const { errors } = report;
  if (errors.length > 0) {
    const originRefused = errors.some((issue) => issue.path === 'apiEndpoint');
    checks.push({
      check: "skill's event",
      ok: false,
      message: `the skill would refuse ${report.event}: ${errors.map(describeIssue).join('; ')}`,
      fix: originRefused ? `add ${apiEndpoint} to PROACTIVE_API_ENDPOINTS where the skill runs, or send to Amazon (--region)` : undefined,
    });
  } else {
    checks.push({ check: "skill's event", ok: true, message: `the skill built ${report.event} and would send it ${where}` });
  }
  if (!report.subscribers) {
    checks.push({ check: 'subscribers', ok: false, message: report.subscribersProblem ?? 'unknown', fix: 'store users in SerialFileDb (npm start) or DynamoDb (DYNAMODB_TABLE)' });
    return checks;
  }
  const { subscribedUsers, events, withoutRegion, truncated } = report.subscribers;
  const atLeast = truncated ? 'at least ' : '';
  const anywhere = (name: string) => Object.keys(events[name] ?? {}).length > 0;
  const subscribed = checked.filter(anywhere);
  const byEvent = subscribed.map((name) => `${name}: ${describeRegions(events[name])}`);
  const nobody = checked.length - subscribed.length;
  if (nobody > 0) byEvent.push(subscribed.length > 0 ? `no subscriber of the other ${nobody} event(s)` : `no subscriber of ${checked.length > 1 ? `any of ${checked.length} events` : checked[0]}`);
  checks.push({ check: 'subscribers', ok: true, message: `${atLeast}${subscribedUsers} user(s) subscribed; ${byEvent.join('; ')}` });
  const region = regionName(apiEndpoint);
  const unreached = checked.filter((name) => !(events[name]?.[region] > 0));
  if (unreached.length > 0) {
    const elsewhere = unreached.filter(anywhere).map((name) => `${name} (its subscribers are in ${describeRegions(events[name])})`);
    const none = unreached.filter((name) => !anywhere(name));
    if (none.length > 0) elsewhere.push(`${none.join(', ')} (nobody is subscribed)`);
    checks.push({
      check: 'Multicast',
      ok: false,
      message: `a Multicast to ${region} reaches nobody for ${elsewhere.join('; ')}`,
      fix: 'send to the region where the subscribers are (--region), or to each user (--user: their stored region); a user subscribes in the Alexa app or by asking the skill',
    });
  } else {
    checks.push({ check: 'Multicast', ok: true, message: `a Multicast to ${region} reaches subscribers of ${checked.length > 1 ? `each of ${checked.length} events` : checked[0]}` });
  }
  if (report.fanOut) checks.push(fanOutCheck(report.fanOut));
  if (withoutRegion > 0) {
    checks.push({
      check: 'Unicast',
      ok: false,
      message: `${withoutRegion} subscribed user(s) have no stored region: a Unicast to them goes to the trigger's region, which may not be theirs`,
      fix: 'choose it with --region; their next request or skill event stores it',
    });
  } else {
    checks.push({ check: 'Unicast', ok: true, message: 'every subscribed user has a stored region: a Unicast goes to theirs' });
  }
  return checks;
}

/** The fan-out queue: batches waiting, and those that kept failing (in its dead-letter queue). */
function fanOutCheck({ waiting, deadLettered, problem }: NonNullable<CheckReport['fanOut']>): DoctorCheck {
  if (problem) return { check: 'fan-out queue', ok: false, message: problem, fix: "check FANOUT_QUEUE_URL and that the function's role may read the queue (infra/template.yaml)" };
  if (deadLettered === null) return { check: 'fan-out queue', ok: false, message: `${waiting} batch(es) waiting; the queue has no dead-letter queue, so a batch that keeps failing is retried until it expires`, fix: 'give the queue a RedrivePolicy (infra/template.yaml does)' };
  if (deadLettered > 0) {
    return {
      check: 'fan-out queue',
      ok: false,
      message: `${deadLettered} batch(es) in the dead-letter queue kept failing: their users were not all notified; ${waiting} waiting`,
      fix: "read the run summaries of the function's log (message \"summary\", run \"batch\") for why, then redrive the dead-letter queue (aws sqs start-message-move-task)",
    };
  }
  return { check: 'fan-out queue', ok: true, message: `${waiting} batch(es) waiting, none in the dead-letter queue` };
}

function describeRegions(counts: Record<string, number>): string {
  const entries = Object.entries(counts).filter(([, n]) => n > 0);
  return entries.length > 0 ? entries.map(([region, n]) => `${region} ${n}`).join(', ') : 'none';
}
