#!/usr/bin/env node
import * as path from 'path';
import { Command, CommanderError } from 'commander';
import { EXIT, Exit, previewCommand, processIo, stopOnClosedPipe, validateCommand, type Io } from 'alexa-proactive-events/cli';
import { readAppDeclaration } from '../config/project';
import { doctorCommand } from './doctor';
import { eventCommands } from './events';
import { invokeCommand } from './invoke';
import { schedulesCommand, type SchedulerAccess } from './schedules';
import { sendCommand } from './send';
import { subscribeCommands } from './subscribe';

/** How a project that installed the plugin starts the trigger script without npm run, as its help shows it. */
const INVOCATION = 'npx proactive-events';

/**
 * The trigger script: `npx proactive-events <command> [options]`, or `npm run trigger -- <command> [options]`:
 * a command per event, `send --file`, `subscribe` and `unsubscribe` on the emulator, `invoke` for the development
 * skill, `schedules list|deploy`, and the library's `validate` and `preview`.
 */
export function createProgram(io: Io & SchedulerAccess): Command {
  const program = new Command('proactive-events')
    .description('Send, check and preview Alexa Proactive Events for this skill')
    .usage('<command> [options]')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run with --help for usage)');
  eventCommands(program, io);
  sendCommand(program, io);
  subscribeCommands(program, io);
  invokeCommand(program, io);
  schedulesCommand(program, io);
  doctorCommand(program, io);
  validateCommand(program, io, INVOCATION)
    .addHelpText('after', '  npx proactive-events validate app.json   (the declaration: events, locales, schedules)\n')
    .hook('preAction', (command) => validateAppJson(command.args[0], io));
  previewCommand(program, io, INVOCATION);
  return program;
}

/** `validate app.json` checks the declaration as `npm start` does, and ends the command; other files go on. */
function validateAppJson(file: string, io: Io): void {
  if (path.basename(file) !== 'app.json') return;
  const root = path.dirname(path.resolve(io.cwd, file));
  try {
    const app = readAppDeclaration(root);
    io.out(`✓ ${file}: ${app.events.length} event(s), ${app.locales.join(', ')}, ${app.schedules.length} schedule(s)\n`);
  } catch (error) {
    io.out(`✗ ${(error as Error).message}\n`);
    throw new Exit(EXIT.refused);
  }
  throw new Exit(EXIT.ok);
}

/** Runs the trigger script with `argv` (without node and the script) and returns its exit status. */
export async function runTrigger(argv: readonly string[], io: Io & SchedulerAccess = processIo): Promise<number> {
  const program = createProgram(io);
  const eaten = flagsNpmTook(program, io.env ?? {});
  if (eaten.length > 0) {
    io.err(
      `npm took ${eaten.join(', ')} for itself and passed on only the value${eaten.length > 1 ? 's' : ''}: put -- after the script's name, ` +
        'as in npm run trigger -- weather --alert-type TORNADO (or run npx proactive-events weather --alert-type TORNADO)\n',
    );
    return EXIT.usage;
  }
  if (argv.includes('--secret') && io.env?.npm_lifecycle_event === 'trigger' && io.env.npm_config_loglevel !== 'silent') {
    io.err('warning: npm printed the trigger secret in its banner above; keep it in TRIGGER_SECRET (.env) instead, or run npx proactive-events\n');
  }
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

/**
 * The script's flags that npm took as its own configuration: `npm run trigger weather --alert-type TORNADO`
 * (without `--`) passes on `weather TORNADO` and sets npm_config_alert_type.
 */
function flagsNpmTook(program: Command, env: Readonly<Record<string, string | undefined>>): string[] {
  if (env.npm_lifecycle_event !== 'trigger') return [];
  const flags = new Set(program.commands.flatMap((command) => command.options.map((option) => option.long ?? '')).filter(Boolean));
  return [...flags].filter((flag) => env[`npm_config_${flag.slice(2).replace(/-/g, '_')}`] !== undefined).sort();
}

/** Runs the trigger script with this process's arguments, and sets its exit status. */
export function main(argv: readonly string[] = process.argv.slice(2)): void {
  stopOnClosedPipe();
  runTrigger(argv).then(
    (status) => (process.exitCode = status),
    (error: Error) => {
      process.stderr.write(`${error.stack ?? error.message}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}

if (require.main === module) main();
