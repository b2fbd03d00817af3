import * as fs from 'fs';
import * as path from 'path';
import { InvalidArgumentError } from 'commander';
import { closest, distance } from 'fastest-levenshtein';
import { LOCALE_PATTERN, isTimeZone } from 'alexa-proactive-events/internal';

/** commander's parser of a `--locale` value: a locale like en-US. */
export function localeArg(value: string): string {
  if (!LOCALE_PATTERN.test(value)) throw new InvalidArgumentError(`expected a locale like "en-US", not ${JSON.stringify(value)}`);
  return value;
}

/** A `--timezone` value: an IANA time zone this runtime knows. */
export function timeZoneArg(value: string): string {
  if (!isTimeZone(value)) throw new InvalidArgumentError(`expected an IANA time zone like "Europe/Berlin" or "America/New_York", not ${JSON.stringify(value)}`);
  return value;
}

/** Why a fetch failed, in a word: the system's code (ECONNREFUSED) when there is one, else the message. */
export function fetchFailure(error: unknown): string {
  return (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
}

/** " (did you mean X?)" when one of `known` is a likely typo of `given`, else "". */
export function didYouMean(given: string, known: readonly string[]): string {
  if (known.length === 0) return '';
  const nearest = closest(given.toLowerCase(), known.map((name) => name.toLowerCase()));
  const at = known.findIndex((name) => name.toLowerCase() === nearest);
  return distance(given.toLowerCase(), nearest) <= Math.max(2, Math.floor(given.length / 4)) ? ` (did you mean ${known[at]}?)` : '';
}

/**
 * The intents of the language model `models/<locale>.json` (Jovo's own and the Alexa built-ins under `alexa`), or
 * undefined when the project has no model for the locale.
 */
export function modelIntents(root: string, locale: string): string[] | undefined {
  let model: { intents?: Array<{ name?: unknown }>; alexa?: { interactionModel?: { languageModel?: { intents?: Array<{ name?: unknown }> } } } };
  try {
    model = JSON.parse(fs.readFileSync(path.join(root, 'models', `${locale}.json`), 'utf8'));
  } catch {
    return undefined;
  }
  const intents = [...(model.intents ?? []), ...(model.alexa?.interactionModel?.languageModel?.intents ?? [])];
  return intents.map((intent) => intent.name).filter((name): name is string => typeof name === 'string');
}
