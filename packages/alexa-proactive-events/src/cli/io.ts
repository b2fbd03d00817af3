/** Where a command writes, and which folder relative paths start from; tests pass their own. */
export interface Io {
  /** Results: the human text or, with --json, one JSON object per line. */
  out(text: string): void;
  /** Diagnostics: usage errors, what went wrong. */
  err(text: string): void;
  /** npm runs scripts in the project folder; INIT_CWD is where the user typed the command. */
  cwd: string;
  /** Whether diagnostics go to a terminal, where a progress line can be redrawn. */
  interactive?: boolean;
  /** The environment, where npm says it ran the command (npm_lifecycle_event, npm_config_*); default: none. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Milliseconds since the epoch; default Date.now. */
  now?: () => number;
}

/** The process's own: stdout, stderr, the folder npm was run from. */
export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  cwd: process.env.INIT_CWD ?? process.cwd(),
  interactive: process.stderr.isTTY === true,
  env: process.env,
};

/**
 * Stops the command quietly, as other command-line tools do, when the reader of its output goes away
 * (`… | head`): without it, the next write throws EPIPE with a stack trace.
 */
export function stopOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(process.exitCode ?? EXIT.ok);
    });
  }
}

/** The trigger script's exit statuses (see CONTRACT). */
export const EXIT = {
  /** Every event accepted, or valid. */
  ok: 0,
  /** Refused before sending: invalid input, refused trigger. */
  refused: 1,
  /** The command line itself is wrong. */
  usage: 2,
  /** Sending failed after retries. */
  failed: 3,
} as const;

/** Ends the command with a status, after it has printed what it had to say. */
export class Exit extends Error {
  override readonly name = 'Exit';
  constructor(readonly status: number) {
    super(`exit ${status}`);
  }
}
