import { randomUUID } from 'crypto';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { eventOfHiddenIntent } from 'alexa-proactive-events/trigger';
import { EXIT, Exit, type Io } from 'alexa-proactive-events/cli';
import type { AcceptedEvent, RefusedEvent } from 'alexa-proactive-events/emulator';
import { didYouMean, fetchFailure, localeArg, modelIntents, timeZoneArg } from './args';
import { SettingsError, findProjectRoot, type AppDeclaration } from '../config/project';
import { commandSettings } from './sendOptions';
import { DEV_SKILL_ID, readDevSession, type DevSession } from './devSession';
import { isRefusalCode, type RefusalCode } from '../doors/envelope';

/** The user of invoked requests unless --user names one. */
export const DEV_USER = 'amzn1.ask.account.DEV';
/** The device of invoked requests (`context.System.device.deviceId`): the one whose zone --timezone sets. */
export const DEV_DEVICE = 'amzn1.ask.device.DEV';

interface InvokeOptions {
  slot?: Array<[string, string]>;
  user: string;
  locale?: string;
  endpoint?: string;
  emulator?: string;
  timezone?: string;
  json?: boolean;
}


/**
 * `invoke <launch|IntentName>`: sends the development skill the request Alexa would send when a user opens the skill
 * or says an intent (with its slots), and prints what the skill says and every event the emulator accepted or
 * refused from it meanwhile. Made up here, so only a skill that does not check Alexa's signatures (`npm run dev`) takes it.
 */
export function invokeCommand(program: Command, io: Io): Command {
  return program
    .command('invoke')
    .description('send the development skill (npm run dev) the request Alexa would send for "launch" or an intent, and show what it says and sends')
    .argument('<launch|IntentName>', '"launch" to open the skill, or an intent of the language model')
    .addOption(new Option('--slot <name=value>', 'a slot value (repeatable)').argParser(slot))
    .addOption(new Option('--user <id>', "the user's id").default(DEV_USER))
    .addOption(new Option('--locale <locale>', "the request's locale (default: app.json's first)").argParser(localeArg))
    .addOption(new Option('--endpoint <url>', "the skill's webhook (default: npm run dev's)"))
    .addOption(new Option('--emulator <url>', "the emulator the skill sends to, as the user's region (default: npm run dev's)"))
    .addOption(
      new Option('--timezone <zone>', `the time zone of the request's device (${DEV_DEVICE}), set on the emulator first: an IANA zone such as Europe/Berlin (the skill reads a user's zone at their first request, then once a day)`).argParser(timeZoneArg),
    )
    .option('--json', "print the skill's response and the events as one JSON object")
    .addHelpText('after', '\nExamples:\n  npx proactive-events invoke launch\n  npx proactive-events invoke launch --timezone Europe/Berlin --user amzn1.ask.account.BERLIN\n  npx proactive-events invoke NotificationsInfoIntent --locale de-DE\n  npx proactive-events invoke OrderShippedIntent --slot order=1234\n')
    .action(async (target: string, options: InvokeOptions) => {
      const status = await invoke(target, options, io);
      if (status !== EXIT.ok) throw new Exit(status);
    });
}

async function invoke(target: string, options: InvokeOptions, io: Io): Promise<number> {
  const root = findProjectRoot(io.cwd);
  const dev = readDevSession(root, (why) => io.err(`${why}\n`));
  const endpoint = options.endpoint ?? dev?.webhook;
  const emulator = (options.emulator ?? dev?.emulator)?.replace(/\/+$/, '');
  if (!endpoint || !emulator) {
    io.err('✗ no development skill: start one with npm run dev (or name one with --endpoint and its emulator with --emulator)\n');
    return EXIT.usage;
  }
  if (target !== 'launch' && !/^[A-Za-z][\w.]*$/.test(target)) {
    io.err(`✗ ${JSON.stringify(target)}: expected "launch" or an intent name such as NotificationsInfoIntent\n`);
    return EXIT.usage;
  }
  if (eventOfHiddenIntent(target)) {
    io.err(`✗ ${target} is a hidden intent: only signed triggers reach it; send its event with the trigger script (npx proactive-events --help)\n`);
    return EXIT.usage;
  }
  let app: AppDeclaration | undefined;
  try {
    app = commandSettings(io).app;
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    io.err(`✗ ${error.message}\n`);
    return EXIT.usage;
  }
  const requestLocale = options.locale ?? app?.locales[0] ?? 'en-US';
  const intents = target === 'launch' || !root ? undefined : modelIntents(root, requestLocale);
  if (intents && !intents.includes(target)) {
    io.err(`⚠ ${target} is in no intent of models/${requestLocale}.json, so Alexa would never send it${didYouMean(target, intents)}; sending it anyway\n`);
  }
  const before = await seenIds(emulator, io);
  if (!before) return EXIT.failed;
  if (options.timezone !== undefined && !(await setDeviceTimeZone(emulator, options.timezone, io))) return EXIT.failed;
  const request = alexaRequest(target, { ...options, locale: requestLocale }, emulator, dev);
  let response: Response;
  try {
    response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
  } catch (error) {
    io.err(`✗ the skill at ${endpoint} does not answer (${fetchFailure(error)}): is npm run dev running?\n`);
    return EXIT.failed;
  }
  const body = (await response.json().catch(() => ({}))) as { response?: Record<string, any>; error?: { code?: string; message?: string } };
  if (!response.ok) {
    const why = body.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${response.status}`;
    const hints: Partial<Record<RefusalCode, string>> = {
      SIGNATURE_INVALID: "This skill checks Alexa's signatures, so it refuses requests made up here: run npm run dev, whose skill takes them",
      WRONG_SKILL: "This skill admits another skill id (SKILL_ID): is it npm run dev's skill? (npm run dev uses .env's SKILL_ID)",
    };
    const code = body.error?.code;
    const hint = isRefusalCode(code) && hints[code] ? `\n  ${hints[code]}\n` : '\n';
    io.err(`✗ the skill refused the request (${why})${hint}`);
    return EXIT.refused;
  }
  const events = ((await read<AcceptedEvent>(emulator, 'events')) ?? []).filter((event) => !before.accepted.has(event.id));
  const refused = ((await read<RefusedEvent>(emulator, 'refused')) ?? []).filter((event) => !before.refused.has(event.id));
  const device = options.timezone === undefined ? {} : { device: { deviceId: DEV_DEVICE, timeZone: options.timezone } };
  if (options.json) {
    io.out(`${JSON.stringify({ response: body.response ?? null, events, refused, ...device })}\n`);
    return EXIT.ok;
  }
  if (options.timezone !== undefined) io.out(`The device ${DEV_DEVICE} is in ${options.timezone} on the emulator (the skill reads a user's zone at their first request, then once a day).\n`);
  io.out(`${describeResponse(body.response)}\n`);
  if (events.length + refused.length === 0) io.out('No event sent.\n');
  for (const event of refused) io.out(`✗ ${event.event ?? 'an event'} refused by the emulator, as Amazon would (${event.status}): ${event.message}\n`);
  for (const event of events) {
    const audience = event.audience === 'Multicast' ? `Multicast, reached ${event.reached?.length ? event.reached.join(', ') : 'no one'}` : `to ${event.audience}`;
    io.out(`✓ ${event.event} accepted (${audience})\n`);
    for (const [eventLocale, text] of Object.entries(event.texts)) io.out(`    ${eventLocale}: ${text}\n`);
  }
  io.out(`(the skill's log, with any event it refused to send itself, is in npm run dev's output)\n`);
  return EXIT.ok;
}

/**
 * Sets the device's time zone on the emulator (`PUT /settings/<deviceId>`), as a user sets it in the Alexa app, for
 * the skill to read with the request's token; false, said on stderr, when the emulator did not take it.
 */
async function setDeviceTimeZone(emulator: string, timeZone: string, io: Io): Promise<boolean> {
  try {
    const response = await fetch(`${emulator}/settings/${encodeURIComponent(DEV_DEVICE)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ timeZone }),
    });
    if (response.ok) return true;
    const { message } = (await response.json().catch(() => ({}))) as { message?: string };
    const hint = response.status === 404 ? ': an emulator older than its Settings API; update alexa-proactive-events' : '';
    io.err(`✗ the emulator at ${emulator} did not set the time zone (${response.status}${message ? `: ${message}` : ''})${hint}\n`);
  } catch (error) {
    io.err(`✗ the emulator at ${emulator} does not answer (${fetchFailure(error)}): is npm run dev running?\n`);
  }
  return false;
}

/**
 * The request Alexa sends for a launch or an intent, in a new session, the emulator as the user's region, from
 * DEV_DEVICE with an access token of its own, as Alexa's requests carry one for its APIs (the Settings API).
 */
function alexaRequest(target: string, options: InvokeOptions & { locale: string }, emulator: string, dev: DevSession | undefined): object {
  const applicationId = dev?.skillId ?? DEV_SKILL_ID;
  const user = { userId: options.user };
  const common = { requestId: `amzn1.echo-api.request.${randomUUID()}`, timestamp: new Date().toISOString(), locale: options.locale };
  const slots = Object.fromEntries((options.slot ?? []).map(([name, value]) => [name, { name, value, confirmationStatus: 'NONE' }]));
  return {
    version: '1.0',
    session: { new: true, sessionId: `amzn1.echo-api.session.${randomUUID()}`, application: { applicationId }, user },
    context: {
      System: { application: { applicationId }, user, device: { deviceId: DEV_DEVICE, supportedInterfaces: {} }, apiEndpoint: emulator, apiAccessToken: `emulator-access-token.${randomUUID()}` },
    },
    request:
      target === 'launch'
        ? { type: 'LaunchRequest', ...common }
        : { type: 'IntentRequest', ...common, dialogState: 'STARTED', intent: { name: target, confirmationStatus: 'NONE', slots } },
  };
}

/** "Alexa says: …", the reprompt, a card, and whether the session stays open. */
function describeResponse(response: Record<string, any> | undefined): string {
  if (!response) return 'The skill answered without a response.';
  const plain = (speech: { ssml?: string; text?: string } | undefined) => (speech?.ssml ?? speech?.text ?? '').replace(/<[^>]+>/g, '');
  const lines = [`Alexa says: ${plain(response.outputSpeech) || '(nothing)'}`];
  if (response.reprompt) lines.push(`  and if the user says nothing: ${plain(response.reprompt.outputSpeech)}`);
  if (response.card) lines.push(`  a card in the Alexa app: ${response.card.type}${response.card.title ? ` "${response.card.title}"` : ''}`);
  for (const directive of response.directives ?? []) lines.push(`  a directive: ${directive.type}${directive.name ? ` ${directive.name}` : ''}`);
  lines.push(response.shouldEndSession === false ? '  (the session stays open)' : '  (the session ends)');
  return lines.join('\n');
}

async function read<T>(emulator: string, list: 'events' | 'refused'): Promise<T[] | undefined> {
  try {
    return (await (await fetch(`${emulator}/${list}`)).json()) as T[];
  } catch {
    return undefined;
  }
}

/** The ids of the events the emulator accepted and refused so far, to tell the new ones after the request. */
async function seenIds(emulator: string, io: Io): Promise<{ accepted: Set<number>; refused: Set<number> } | undefined> {
  const [accepted, refused] = await Promise.all([read<AcceptedEvent>(emulator, 'events'), read<RefusedEvent>(emulator, 'refused')]);
  if (!accepted || !refused) {
    io.err(`✗ the emulator at ${emulator} does not answer: is npm run dev running?\n`);
    return undefined;
  }
  return { accepted: new Set(accepted.map((event) => event.id)), refused: new Set(refused.map((event) => event.id)) };
}

function slot(value: string, previous: Array<[string, string]> = []): Array<[string, string]> {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`expected name=value, not ${JSON.stringify(value)}`);
  return [...previous, [value.slice(0, at), value.slice(at + 1)]];
}
