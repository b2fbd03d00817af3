import type { Command } from 'commander';
import { EXIT, Exit, type Io } from './io';
import { EXAMPLES, issueJson, plural, problemLines } from './report';
import { readRequestFile } from './requestFile';

/**
 * `validate <file>`: checks a request body offline; exit 0 when valid (warnings allowed), 1 when not. `invocation`
 * is how its users start the program, as the examples in its help show it (default: the program's name).
 */
export function validateCommand(program: Command, io: Io, invocation: string = program.name()): Command {
  return program
    .command('validate')
    .description('check a Proactive Event request body (JSON file) the way Amazon does; nothing is sent')
    .argument('<file>', 'the request body: timestamp, referenceId, expiryTime, event, localizedAttributes, relevantAudience')
    .option('--json', 'print one JSON object: { file, valid, event, errors, warnings }')
    .option('--strict', "refuse what is otherwise a warning: fields Amazon's documentation does not name, date-times in other forms than 2026-11-22T10:00:00Z, a Multicast payload that is not {}, null fields")
    .addHelpText('after', `\nExamples (Amazon's schema page examples are in ${EXAMPLES}):\n  ${invocation} validate ${EXAMPLES}/weather-alert.json\n  ${invocation} validate ${EXAMPLES}/weather-alert.json --json\n`)
    .action((file: string, options: { json?: boolean; strict?: boolean }) => {
      // Nothing is sent here, so an expiry already past is a warning: sending sets new timestamps.
      const result = readRequestFile(file, io, { strict: options.strict, now: (io.now ?? Date.now)(), passedExpiry: 'warning' });
      const event = result.ok ? result.request.event.name : null;
      if (options.json) {
        const errors = result.ok ? [] : result.issues.map(issueJson);
        io.out(`${JSON.stringify({ file, valid: result.ok, event, errors, warnings: result.warnings.map(issueJson) })}\n`);
      } else if (result.ok) {
        const { relevantAudience, localizedAttributes } = result.request;
        const locales = localizedAttributes?.map((attributes) => attributes.locale).join(', ');
        io.out(`✓ ${file}: a valid ${event} event (${relevantAudience.type}${locales ? `; ${locales}` : ''})\n`);
        io.out(problemLines([], result.warnings));
      } else {
        io.out(`✗ ${file}: not a valid Proactive Event, ${plural(result.issues.length, 'problem')}:\n`);
        io.out(problemLines(result.issues, result.warnings));
      }
      if (!result.ok) throw new Exit(EXIT.refused);
    });
}
