import type { z } from 'zod';
import { ProactiveEventsError } from './errors';

/** One problem with an input: where it is, what is wrong or allowed, and the value given (absent if missing). */
export interface Issue {
  /** `event.payload.alert.garbageTypes`, `localizedAttributes[1].source`. */
  path: string;
  message: string;
  value?: unknown;
}

/** Thrown where a caller asked for a valid input and got an invalid one; `issues` lists every problem. */
export class ValidationError extends ProactiveEventsError<'ERR_VALIDATION'> {
  override readonly name = 'ValidationError';
  constructor(
    readonly issues: readonly Issue[],
    readonly warnings: readonly Issue[] = [],
    what = 'The Proactive Event',
  ) {
    super('ERR_VALIDATION', listing(`${what} is invalid`, issues));
  }
}

/**
 * Thrown where a constructor or function is given options it cannot work with (a missing `clientId`, an
 * `allowedOrigins` entry that is no origin): `issues` names each option, the value given and what is allowed, by
 * the names of this library's options.
 */
export class OptionsError extends ProactiveEventsError<'ERR_INVALID_OPTIONS'> {
  override readonly name = 'OptionsError';
  constructor(
    /** Whose options: `TokenClient`, `ProactiveEventsSender`. */
    what: string,
    readonly issues: readonly Issue[],
    /** What to do, after the list: where the right values are found. */
    hint?: string,
  ) {
    super('ERR_INVALID_OPTIONS', `${listing(`${what}'s options are invalid`, issues)}${hint ? `\n${hint}` : ''}`);
  }
}

/** `The Proactive Event is invalid (2 problems):` and a line per issue. */
function listing(heading: string, issues: readonly Issue[]): string {
  return `${heading} (${plural(issues.length, 'problem')}):\n${issues.map((issue) => `  - ${describeIssue(issue)}`).join('\n')}`;
}

/** `path: message (given value)`. */
export function describeIssue({ path, message, value }: Issue): string {
  return `${path || '(the whole input)'}: ${message}${value === undefined ? '' : ` (given ${showValue(value)})`}`;
}

/** `['event', 'payload', 'garbageTypes', 5]` -> `event.payload.garbageTypes[5]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)),
    '',
  );
}

/** The value at `path` in `input`, or undefined. */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((at, key) => (at !== null && typeof at === 'object' ? (at as Record<PropertyKey, unknown>)[key] : undefined), input);
}

/** zod's issues as ours: each names the field, the value as it was given, and what is allowed. */
export function fromZod(issues: readonly z.core.$ZodIssue[], input: unknown, prefix: readonly PropertyKey[] = []): Issue[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => withValue(formatPath([...path, key]), issue.message, valueAt(input, [...issue.path, key])));
    }
    return [withValue(formatPath(path), explain(issue, valueAt(input, issue.path)), valueAt(input, issue.path))];
  });
}

/** An issue with the value given, if one was (an absent value is a missing field). */
export function withValue(path: string, message: string, value: unknown): Issue {
  return value === undefined ? { path, message } : { path, message, value };
}

const KINDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  object: 'an object',
  array: 'a list',
  boolean: 'true or false',
};

function explain(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type': {
      const kind = KINDS[issue.expected] ?? issue.expected;
      return value === undefined ? `required: ${kind}` : `expected ${kind}`;
    }
    case 'invalid_value': {
      const allowed = issue.values.length === 1 ? String(issue.values[0]) : `one of ${issue.values.join(', ')}`;
      return value === undefined ? `required: ${allowed}` : `expected ${allowed}`;
    }
    case 'invalid_union':
      return 'options' in issue && Array.isArray(issue.options) ? `expected one of ${issue.options.join(', ')}` : issue.message;
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'must not be empty' : `expected at least ${issue.minimum} characters`;
      if (issue.origin === 'array') return `expected at least ${plural(Number(issue.minimum), 'value')}`;
      return Number(issue.minimum) === 0 ? 'must not be negative' : `expected at least ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `expected at most ${issue.maximum} characters, not ${String(value).length}`;
      if (issue.origin === 'array') return `expected at most ${plural(Number(issue.maximum), 'value')}, not ${(value as unknown[]).length}`;
      return `expected at most ${issue.maximum}`;
    default:
      return issue.message;
  }
}

/**
 * JSON, cut so an error stays one readable line. It writes only as much of the value as it shows, so a megabyte
 * string or a value nested a hundred thousand levels deep costs no more than a short one.
 */
export function showValue(value: unknown): string {
  let text = '';
  const full = () => text.length > SHOWN_CHARACTERS;
  const write = (part: string) => {
    text += part;
    return !full();
  };
  const walk = (item: unknown): boolean => {
    if (item !== null && typeof item === 'object' && typeof (item as { toJSON?: unknown }).toJSON === 'function') {
      item = (item as { toJSON: () => unknown }).toJSON();
    }
    if (Array.isArray(item)) {
      if (!write('[')) return false;
      for (let i = 0; i < item.length; i++) if ((i > 0 && !write(',')) || !walk(item[i] ?? null)) return false;
      return write(']');
    }
    if (item !== null && typeof item === 'object') {
      if (!write('{')) return false;
      let first = true;
      for (const key in item) {
        const field = (item as Record<string, unknown>)[key];
        if (!Object.hasOwn(item, key) || field === undefined || typeof field === 'function') continue;
        if ((!first && !write(',')) || !write(`${JSON.stringify(key)}:`) || !walk(field)) return false;
        first = false;
      }
      return write('}');
    }
    const scalar = typeof item === 'string' ? JSON.stringify(item.slice(0, SHOWN_CHARACTERS + 1)) : JSON.stringify(item);
    return write(scalar ?? String(item));
  };
  walk(value);
  return full() ? `${text.slice(0, SHOWN_CHARACTERS - 3)}…` : text;
}

const SHOWN_CHARACTERS = 80;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
