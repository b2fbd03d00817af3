#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { eventCommands } from './commands/events';
import { previewCommand } from './commands/preview';
import { sendCommand } from './commands/send';
import { validateCommand } from './commands/validate';
import { EXIT, Exit, processIo, type Io } from './io';

/** The trigger script: `npx proactive-events <command> [options]`, or `npm run trigger -- <command> [options]`. */
export function createProgram(io: Io): Command {
  const program = new Command('proactive-events')
    .description('Send, check and preview Alexa Proactive Events for this skill')
    .usage('<command> [options]   (or: npm run trigger -- <command> [options])')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run with --help for usage)');
  eventCommands(program, io);
  sendCommand(program, io);
  validateCommand(program, io);
  previewCommand(program, io);
  return program;
}

/** Runs the trigger script with `argv` (without node and the script) and returns its exit status. */
export async function runTrigger(argv: readonly string[], io: Io = processIo): Promise<number> {
  const program = createProgram(io);
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT.usage;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof Exit) return error.status;
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw error;
  }
}

if (require.main === module) {
  runTrigger(process.argv.slice(2)).then(
    (status) => (process.exitCode = status),
    (error: Error) => {
      process.stderr.write(`${error.stack ?? error.message}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}
