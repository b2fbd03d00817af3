#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import type { Emulator } from '../emulator';
import { emulatorCommand } from './emulator';
import { EXIT, Exit, processIo, stopOnClosedPipe, type Io } from './io';
import { previewCommand } from './preview';
import { validateCommand } from './validate';

/**
 * The library's commands, `npx alexa-proactive-events <command>`: the emulator of Amazon's API, and checking and
 * previewing request bodies offline. What they are made of is offered here too, for CLIs that mount them (the Jovo
 * plugin's trigger script does): `alexa-proactive-events/cli`.
 */
export { EXIT, Exit, processIo, stopOnClosedPipe, type Io } from './io';
export { EXAMPLES, issueJson, plural, problemLines } from './report';
export { readRequestFile } from './requestFile';
export { emulatorCommand, findSkillJson } from './emulator';
export { previewCommand } from './preview';
export { validateCommand } from './validate';
// Types of the other entries that this entry's signatures name, so that its users can name them from here too.
export type { Issue } from '../issues';
export type { ValidationOptions, ValidationResult } from '../request/validate';

/** What a run did: its exit status, and the emulator it started, which keeps running. */
export interface CliRun {
  status: number;
  emulator?: Emulator;
}

/** Runs `alexa-proactive-events` with `argv` (without node and the script). */
export async function runCli(argv: readonly string[], io: Io = processIo): Promise<CliRun> {
  let emulator: Emulator | undefined;
  const program = new Command('alexa-proactive-events')
    .description("Alexa Proactive Events: a local emulator of Amazon's API, and request bodies checked and previewed offline")
    .usage('<command> [options]')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run with --help for usage)');
  program.addCommand(emulatorCommand(io, (started) => (emulator = started)).exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err }));
  validateCommand(program, io);
  previewCommand(program, io);
  if (argv.length === 0) {
    program.outputHelp();
    return { status: EXIT.usage };
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return { status: EXIT.ok, emulator };
  } catch (error) {
    if (error instanceof Exit) return { status: error.status };
    if (error instanceof CommanderError) return { status: error.exitCode === 0 ? EXIT.ok : EXIT.usage };
    const code = (error as NodeJS.ErrnoException).code;
    if (argv[0] !== 'emulator') throw error;
    io.err(`Cannot start the emulator: ${(error as Error).message}${code === 'EADDRINUSE' ? ' (choose another --port)' : ''}\n`);
    return { status: EXIT.refused };
  }
}

/** Runs the command line of this process, and keeps a started emulator running until SIGINT or SIGTERM. */
export function main(argv: readonly string[] = process.argv.slice(2)): void {
  stopOnClosedPipe();
  runCli(argv).then(
    ({ status, emulator }) => {
      process.exitCode = status;
      if (!emulator) return;
      const stop = () => void emulator.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (error: Error) => {
      process.stderr.write(`${error.stack ?? error.message}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}

if (require.main === module) main();
