import type { Command } from 'commander';
import { type EventName } from 'alexa-proactive-events';
import { MAX_EXPIRY_MINUTES, MIN_EXPIRY_MINUTES, UNKNOWN_FIELD, refusedResult } from 'alexa-proactive-events/internal';
import { EXAMPLES, EXIT, Exit, plural, problemLines, readRequestFile, type Io } from 'alexa-proactive-events/cli';
import { addSendOptions, sendPlan, type SendCliOptions } from './sendOptions';
import { resultJson, sendTriggers } from './sendTriggers';

/**
 * `send --file event.json`: sends a prepared request body through the skill's hidden intent. Its event,
 * localized attributes, audience, referenceId and lifetime are kept unless the flags say otherwise; the skill
 * sets new timestamps when it sends.
 */
export function sendCommand(program: Command, io: Io): Command {
  const command = program
    .command('send')
    .description("send a prepared request body (JSON file) through the skill's hidden intent")
    .requiredOption('--file <file>', 'the request body, as `validate` checks it');
  addSendOptions(command);
  return command
    .addHelpText('after', `\nExamples (Amazon's schema page examples are in ${EXAMPLES}):\n  npx proactive-events send --file ${EXAMPLES}/weather-alert.json\n  npx proactive-events send --file ${EXAMPLES}/weather-alert.json --region EU --json\n`)
    .action(async (options: SendCliOptions & { file: string }) => {
      const result = readRequestFile(options.file, io);
      if (!result.ok) {
        if (options.json) io.out(`${JSON.stringify(resultJson({ ...refusedResult(null, null, '', result.issues), warnings: result.warnings }))}\n`);
        else io.err(`${options.file} is not a valid Proactive Event, ${plural(result.issues.length, 'problem')}:\n${problemLines(result.issues, result.warnings)}`);
        throw new Exit(EXIT.refused);
      }
      const { request } = result;
      // The skill builds the rest of the request: a field the file adds there cannot go to Amazon, and says so.
      const dropped = result.warnings.filter((warning) => warning.message.startsWith(UNKNOWN_FIELD) && !/^(event\.payload|localizedAttributes)\b/.test(warning.path));
      for (const { path } of dropped) io.err(`  warning: ${path}: not sent: send --file sends the event's payload and localized attributes, and the skill builds the rest\n`);
      const user = request.relevantAudience.type === 'Unicast' ? request.relevantAudience.payload.user : undefined;
      const lifetime = Math.round((Date.parse(request.expiryTime) - Date.parse(request.timestamp)) / 60_000);
      const plan = sendPlan(
        {
          ...options,
          user: options.user ?? (options.usersFile || user === undefined ? undefined : [user]),
          referenceId: options.referenceId ?? request.referenceId,
          expiresIn: options.expiresIn ?? Math.min(Math.max(lifetime, MIN_EXPIRY_MINUTES), MAX_EXPIRY_MINUTES),
        },
        io,
      );
      // The file's own locales, unless --locale chose: Amazon delivers in any locale the file has texts for.
      const fileLocales = request.localizedAttributes?.map((attributes) => attributes.locale) ?? [];
      if (!options.locale && fileLocales.length > 0) plan.locales = fileLocales;
      // The event and texts as written: a field Amazon's documentation does not name goes to Amazon as given.
      const written = result.input as Pick<typeof request, 'event' | 'localizedAttributes'>;
      const event = { name: request.event.name as EventName, payload: written.event.payload };
      const status = await sendTriggers({ event, localizedAttributes: written.localizedAttributes }, plan, io);
      if (status !== EXIT.ok) throw new Exit(status);
    });
}
