import { type Command, InvalidArgumentError, Option } from 'commander';
import { EVENT_DEFINITIONS } from 'alexa-proactive-events/internal';
import { EXIT, Exit, type Io } from 'alexa-proactive-events/cli';
import type { SubscribersView, SubscriptionChange } from 'alexa-proactive-events/emulator';
import { didYouMean, fetchFailure, localeArg } from './args';
import { findProjectRoot } from '../config/project';
import { readDevSession } from './devSession';

/** Where `npm run emulator` and `npm run dev` listen. */
export const DEFAULT_EMULATOR_URL = 'http://127.0.0.1:3001';

interface SubscribeOptions {
  user: string;
  event: string[];
  locale?: string;
  emulator?: string;
}


/**
 * `subscribe` and `unsubscribe`: what a user does in the Alexa app, done on the emulator, which tells the skill
 * (`AlexaSkillEvent.ProactiveSubscriptionChanged`) as Alexa would.
 */
export function subscribeCommands(program: Command, io: Io): Command[] {
  return (['subscribe', 'unsubscribe'] as const).map((verb) =>
    program
      .command(verb)
      .description(`${verb === 'subscribe' ? 'turn on' : 'turn off'} a user's notifications on the emulator, which tells the skill as Alexa would`)
      .requiredOption('--user <id>', "the user's id, e.g. amzn1.ask.account.ME")
      .addOption(
        new Option('--event <name>', `an event, by its name or command (${EVENT_DEFINITIONS.map((d) => d.command).join(', ')}) or "all"; repeatable, default all`)
          .argParser((value: string, previous: string[] = []) => [...previous, ...value.split(',').map(eventName)]),
      )
      .addOption(new Option('--locale <locale>', "the user's locale, sent with the change (default: the emulator's, or en-US)").argParser(localeArg))
      .addOption(new Option('--emulator <url>', `the emulator's URL (default: npm run dev's, or ${DEFAULT_EMULATOR_URL})`).env('EMULATOR_URL'))
      .addHelpText('after', `\nExamples:\n  npx proactive-events ${verb} --user amzn1.ask.account.ME\n  npx proactive-events ${verb} --user amzn1.ask.account.ME --event weather --event trash\n`)
      .action(async (options: SubscribeOptions) => {
        const status = await change(verb, options, io);
        if (status !== EXIT.ok) throw new Exit(status);
      }),
  );
}

async function change(verb: 'subscribe' | 'unsubscribe', options: SubscribeOptions, io: Io): Promise<number> {
  const dev = options.emulator === undefined ? readDevSession(findProjectRoot(io.cwd), (why) => io.err(`${why}\n`)) : undefined;
  const base = (options.emulator ?? dev?.emulator ?? DEFAULT_EMULATOR_URL).replace(/\/+$/, '');
  let state: SubscribersView;
  try {
    state = (await (await fetch(`${base}/subscriptions`)).json()) as SubscribersView;
  } catch (error) {
    io.err(`✗ the emulator at ${base} does not answer (${fetchFailure(error)}): start it with npm run emulator or npm run dev, or name it with --emulator\n`);
    return EXIT.failed;
  }
  if (!state.tracked) {
    io.err(`✗ the emulator at ${base} counts every user as subscribed (it was started with --any-user): restart it without\n`);
    return EXIT.refused;
  }
  const named = options.event === undefined || options.event.includes('all') ? state.events : options.event;
  const unknown = named.filter((event) => !state.events.includes(event));
  if (unknown.length > 0) {
    io.err(`✗ --event: the skill does not publish ${unknown.join(', ')}; it publishes ${state.events.join(', ')}\n`);
    return EXIT.usage;
  }
  const now = state.subscribers.find(({ user }) => user === options.user)?.events ?? [];
  const events = verb === 'subscribe' ? state.events.filter((event) => now.includes(event) || named.includes(event)) : now.filter((event) => !named.includes(event));
  const response = await fetch(`${base}/subscriptions/${encodeURIComponent(options.user)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ events, ...(options.locale && { locale: options.locale }) }),
  });
  const answer = (await response.json()) as SubscriptionChange & { message?: string };
  if (!response.ok) {
    io.err(`✗ the emulator refused: ${answer.message ?? response.status}\n`);
    return EXIT.refused;
  }
  io.out(`✓ ${options.user} is subscribed to ${answer.subscriber.events.join(', ') || 'nothing'}\n`);
  if (!answer.skill) {
    io.err(`  no skill was told: start the emulator with --skill <webhook URL> (npm run dev does)\n`);
    return EXIT.ok;
  }
  if (answer.skill.delivered) {
    io.out(`  ${answer.skill.message}\n`);
    return EXIT.ok;
  }
  io.err(`✗ the skill was not told: ${answer.skill.message}\n`);
  return answer.skill.status === null ? EXIT.failed : EXIT.refused;
}

/** An event's name from its name or command (`weather`); "all" stays. */
function eventName(value: string): string {
  const given = value.trim();
  if (given === 'all') return given;
  const definition = EVENT_DEFINITIONS.find((d) => d.name === given || d.command === given);
  if (!definition) {
    const commands = EVENT_DEFINITIONS.map((d) => d.command);
    throw new InvalidArgumentError(`expected an event name or command (${commands.join(', ')}) or "all", not ${JSON.stringify(value)}${didYouMean(given, commands)}`);
  }
  return definition.name;
}
