import { InvalidArgumentError } from 'commander';
import { LOCALE_PATTERN } from 'alexa-proactive-events';

/** commander's parser of a `--locale` value: a locale like en-US. */
export function localeArg(value: string): string {
  if (!LOCALE_PATTERN.test(value)) throw new InvalidArgumentError(`expected a locale like "en-US", not ${JSON.stringify(value)}`);
  return value;
}

/** Why a fetch failed, in a word: the system's code (ECONNREFUSED) when there is one, else the message. */
export function fetchFailure(error: unknown): string {
  return (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
}
