import type { Command } from 'commander';
import { PreviewError, previewLocales, previewText } from '../request/preview';
import { EXIT, Exit, type Io } from './io';
import { EXAMPLES, issueJson, plural, problemLines } from './report';
import { readRequestFile } from './requestFile';

/**
 * `preview <file> [--locale L]`: the sentence Alexa will say for the event; nothing is sent. `invocation` is how its
 * users start the program, as the examples in its help show it (default: the program's name).
 */
export function previewCommand(program: Command, io: Io, invocation: string = program.name()): Command {
  return program
    .command('preview')
    .description('print the notification text Alexa will say for a request body (JSON file); nothing is sent')
    .argument('<file>', 'the request body')
    .option('--locale <locale>', "the listener's locale (default: the event's first localizedAttributes locale, or en-US)")
    .option('--json', 'print one JSON object: { file, event, locale, text, errors }')
    .addHelpText('after', `\nExamples (Amazon's schema page examples are in ${EXAMPLES}):\n  ${invocation} preview ${EXAMPLES}/weather-alert.json\n  ${invocation} preview ${EXAMPLES}/order-shipped.json --locale en-US --json\n`)
    .action((file: string, options: { locale?: string; json?: boolean }) => {
      const result = readRequestFile(file, io);
      if (!result.ok) {
        if (options.json) {
          io.out(`${JSON.stringify({ file, event: null, locale: options.locale ?? null, text: null, errors: result.issues.map(issueJson) })}\n`);
        }
        io.err(`${file} is not a valid Proactive Event, ${plural(result.issues.length, 'problem')}:\n${problemLines(result.issues, result.warnings)}`);
        throw new Exit(EXIT.refused);
      }
      const locale = options.locale ?? previewLocales(result.request)[0] ?? 'en-US';
      const event = result.request.event.name;
      let text: string;
      try {
        text = previewText(result.request, locale);
      } catch (error) {
        if (!(error instanceof PreviewError)) throw error;
        if (options.json) io.out(`${JSON.stringify({ file, event, locale, text: null, errors: [{ path: 'locale', message: error.message, value: locale }] })}\n`);
        io.err(`${error.message}\n`);
        throw new Exit(EXIT.refused);
      }
      io.out(options.json ? `${JSON.stringify({ file, event, locale, text, errors: [] })}\n` : `${text}\n`);
    });
}
