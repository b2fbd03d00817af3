import * as fs from 'fs';
import * as path from 'path';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { EVENT_NAMES, ProactiveEventsError, type Issue } from 'alexa-proactive-events';
import {
  LOCALE_PATTERN,
  MAX_EXPIRY_MINUTES,
  MIN_EXPIRY_MINUTES,
  STAGES,
  describeIssue,
  fromZod,
  jsonSyntaxError,
  printable,
} from 'alexa-proactive-events/internal';
import { ScheduleSchema, scheduleIssues } from '../schedules/declaration';
import { SETTINGS_DEFAULTS } from './defaults';

/**
 * What the skill publishes, declared once in its project's `app.json`: the events (the manifest's publications),
 * the locales the notifications are written in, and the defaults for sending.
 */
export const AppDeclarationSchema = z
  .object({
    events: z
      .array(z.enum(EVENT_NAMES))
      .min(1)
      .refine((events) => new Set(events).size === events.length, 'must not list an event twice'),
    locales: z
      .array(z.string().regex(LOCALE_PATTERN, 'expected a locale like "en-US"'))
      .min(1)
      .refine((locales) => new Set(locales).size === locales.length, 'must not list a locale twice'),
    stage: z.enum(STAGES).default(SETTINGS_DEFAULTS.stage),
    expiresInMinutes: z.number().int().min(MIN_EXPIRY_MINUTES).max(MAX_EXPIRY_MINUTES).default(SETTINGS_DEFAULTS.expiresInMinutes),
    /** Events that go out on their own (docs/schedules.md). */
    schedules: z.array(ScheduleSchema).default([]),
  })
  .strict()
  .superRefine((app, context) => {
    for (const issue of scheduleIssues(app.schedules, app.events)) {
      context.addIssue({ code: 'custom', path: ['schedules', ...issue.path], message: issue.message, input: issue.value });
    }
  });
/** app.json as read, with its defaults. */
export type AppDeclaration = z.infer<typeof AppDeclarationSchema>;

/**
 * Thrown when app.json or the environment is invalid: `issues` names each field (a key of app.json, a variable),
 * its value when showing it is safe, and what is allowed; the message lists them, one a line.
 */
export class SettingsError extends ProactiveEventsError<'ERR_SETTINGS'> {
  override readonly name = 'SettingsError';
  constructor(
    /** The file, or `The environment`. */
    readonly source: string,
    readonly issues: readonly Issue[],
  ) {
    super('ERR_SETTINGS', `${source} is invalid:\n  - ${issues.map(describeSetting).join('\n  - ')}`);
  }
}

/**
 * `field: message (given value)`; a problem of the whole file (one that is no JSON) is its message alone. A value
 * is escaped: it may be anyone's (a variable set by a script, a file from elsewhere), and the message is printed.
 */
function describeSetting(issue: Issue): string {
  return issue.path === '' && issue.value === undefined ? issue.message : printable(describeIssue(issue));
}

/** The nearest folder from `dir` up that holds an app.json, or undefined. */
export function findProjectRoot(dir: string): string | undefined {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    if (fs.existsSync(path.join(at, 'app.json'))) return at;
    if (path.dirname(at) === at) return undefined;
  }
}

/** `<root>/app.json`, checked; a SettingsError names each problem, with the line and column of bad JSON. */
export function readAppDeclaration(root: string): AppDeclaration {
  const file = path.join(root, 'app.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new SettingsError(file, [{ path: '', message: (error as Error).message }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SettingsError(file, [{ path: '', message: jsonSyntaxError(text, error as Error) }]);
  }
  return parseOrThrow(AppDeclarationSchema, json, file);
}

/** `schema`'s output for `value`, or a SettingsError naming each problem of `source`. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, source: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new SettingsError(source, fromZod(result.error.issues, value));
}

/** Variables by name. */
export type Environment = Record<string, string | undefined>;

/** The process environment over `<root>/.env` (real variables win, as with dotenv itself). */
export function readEnvironment(root: string, env: Environment = process.env): Environment {
  const file = path.join(root, '.env');
  const fromFile = fs.existsSync(file) ? parseDotenv(fs.readFileSync(file)) : {};
  return { ...fromFile, ...env };
}
