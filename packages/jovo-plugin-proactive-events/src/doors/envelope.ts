import { z } from 'zod';
import { ProactiveEventsError, type Issue } from 'alexa-proactive-events';
import { MAX_TRIGGER_BYTES } from 'alexa-proactive-events/trigger';
import { type Holds, type SameType, LOCALE_PATTERN, UserIdSchema, describeIssue, fromZod, printable, quoted } from 'alexa-proactive-events/internal';
import { reservedUserIdProblem } from '../stores/keys';

/** A user id as the doors take it: Alexa's, and never in the replay guard's key space. */
const StoredUserIdSchema = UserIdSchema.superRefine((id, context) => {
  const problem = reservedUserIdProblem(id);
  if (problem) context.addIssue({ code: 'custom', message: problem });
});

/**
 * Largest Alexa request a door reads; larger ones get 413. Alexa's requests are a few kilobytes (dynamic entities
 * and APL user events included); a trigger may be larger, up to MAX_TRIGGER_BYTES, the largest body read at all.
 */
export const MAX_ALEXA_BODY_BYTES = 128 * 1024;
export { MAX_TRIGGER_BYTES };

/** The 413 of a body over `limit`, for what kind of request. */
export function tooLarge(limit: number, what: 'an Alexa request' | 'a trigger' | 'a request'): Refusal {
  return { status: 413, code: 'BODY_TOO_LARGE', message: `The request body is larger than ${limit / 1024} KB, the most ${what} may be` };
}

/**
 * Deepest nesting of objects and lists a body may have. Alexa's requests stay under fifteen levels (a slot's
 * resolutions are among the deepest); a body nested a hundred thousand levels would overflow the stack of any
 * recursive code that reads it, so it is refused before JSON.parse, zod or Jovo see it.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * A request's locale, as Alexa writes it (`en-US`, `de-DE`). Jovo picks the texts by it and the skill formats lists
 * with it (`Intl` throws on one that is not a locale); Amazon's docs leave it out of some skill events, so a
 * request may have none.
 * @see https://developer.amazon.com/docs/custom-skills/request-and-response-json-reference.html
 */
const LocaleSchema = z.string().regex(LOCALE_PATTERN, 'expected a locale like "en-US": two lower-case letters, a hyphen, two upper-case letters');

/**
 * A request's type and intent name as Alexa writes them (`IntentRequest`, `AlexaSkillEvent.SkillEnabled`,
 * `AMAZON.HelpIntent`): letters, digits, dots and a few marks, on one line. Jovo routes by them and writes them
 * into its log when no handler matches, so a value that is none is refused here, before it can forge a log line.
 */
const NamePattern = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/, 'expected a name like "IntentRequest" or "AMAZON.HelpIntent": letters, digits, dots, "_", ":" and "-"');

/** What every Alexa request has (and Jovo needs), with the fields the doors check. */
const AlexaEnvelopeSchema = z.object({
  version: z.string(),
  session: z
    .object({
      application: z.object({ applicationId: z.string() }).optional(),
      // Jovo takes the user id from the session when there is one.
      user: z.object({ userId: StoredUserIdSchema }).optional(),
    })
    .optional(),
  context: z.object({
    System: z.object({
      application: z.object({ applicationId: z.string() }).optional(),
      user: z.object({ userId: StoredUserIdSchema }),
    }),
  }),
  request: z.object({
    type: NamePattern,
    requestId: z.string(),
    timestamp: z.string().optional(),
    locale: LocaleSchema.optional(),
    intent: z.object({ name: NamePattern }).optional(),
  }),
});
export type AlexaEnvelope = z.output<typeof AlexaEnvelopeSchema>;

/** The envelope of an Alexa request, or why `body` is not one (naming the first field that is wrong). */
export function readEnvelope(body: unknown): { ok: true; envelope: AlexaEnvelope } | { ok: false; problem: string } {
  const envelope = AlexaEnvelopeSchema.safeParse(body);
  if (envelope.success) return { ok: true, envelope: envelope.data };
  return { ok: false, problem: `Not an Alexa request: ${describeGiven(fromZod(envelope.error.issues, body)[0])}` };
}

/** `path: message (given value)`, the value escaped: a refusal is logged, and the value is the sender's. */
function describeGiven({ value, ...issue }: Issue): string {
  return typeof value === 'string' ? `${describeIssue(issue)} (given ${quoted(value, 80)})` : printable(describeIssue({ ...issue, value }));
}

/**
 * True when the JSON text `raw` nests objects and lists deeper than `limit`. One pass over the bytes, counting
 * brackets outside strings; the text need not be valid JSON (JSON.parse decides that afterwards).
 */
export function nestedDeeperThan(raw: Uint8Array, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) depth--;
  }
  return false;
}

const [QUOTE, BACKSLASH, OPEN_BRACE, CLOSE_BRACE, OPEN_BRACKET, CLOSE_BRACKET] = ['"', '\\', '{', '}', '[', ']'].map((c) => c.charCodeAt(0));

/**
 * The headers without `jovo-test`: Jovo swaps the app's database for its test database when a request carries
 * it, so no client may send it through.
 */
export function withoutTestHeader<Headers extends Record<string, unknown>>(headers: Headers): Headers {
  const { 'jovo-test': _ignored, ...rest } = headers;
  return rest as Headers;
}

/**
 * Why a door refused a request: the `error.code` of its JSON answer (webhook, function URL) and the `refusal.code`
 * of the RefusedError a refused Lambda invocation fails with. One list, so that a client can tell a refusal from
 * the app failing (`INTERNAL`), and a new code is a change of this type.
 */
export type RefusalCode =
  | 'BROWSER_REFUSED'
  | 'BODY_TOO_LARGE'
  | 'TOO_DEEP'
  | 'BAD_FIELD'
  | 'INVALID_JSON'
  | 'BAD_REQUEST'
  | 'NOT_ALEXA_REQUEST'
  | 'TRIGGERS_ONLY'
  | 'TRIGGER_REFUSED'
  | 'SIGNATURE_INVALID'
  | 'TIMESTAMP_INVALID'
  | 'WRONG_SKILL'
  | 'BAD_SCHEDULE'
  | 'NOT_FOUND'
  | 'TOO_MANY_CONNECTIONS';

/** What each refusal code means: a record of every code, so that none is left out of `isRefusalCode`. */
const REFUSALS: Readonly<Record<RefusalCode, string>> = {
  BROWSER_REFUSED: 'a browser posted (the request has an Origin header)',
  BODY_TOO_LARGE: 'the body is larger than such a request may be (413)',
  TOO_DEEP: 'the body nests objects and lists deeper than MAX_JSON_DEPTH',
  BAD_FIELD: 'the body has a field no Alexa request or trigger has (__proto__)',
  INVALID_JSON: 'the body is not JSON',
  BAD_REQUEST: 'the body cannot be read at all (an aborted upload, a bad encoding)',
  NOT_ALEXA_REQUEST: 'the body is neither a trigger nor an Alexa request; the message names the first field that is wrong',
  TRIGGERS_ONLY: 'a function URL or API Gateway got something other than a signed trigger',
  TRIGGER_REFUSED: "a trigger's signature, intent, age, audience or shape is wrong, or the skill has no trigger secret",
  SIGNATURE_INVALID: "Alexa's signature or certificate does not verify",
  TIMESTAMP_INVALID: 'request.timestamp is missing, malformed, too old or too far ahead',
  WRONG_SKILL: 'the request is for another skill than SKILL_ID',
  BAD_SCHEDULE: 'an EventBridge Scheduler invocation that is not { "proactiveEventsSchedule": { "name", "scheduledTime" } }',
  NOT_FOUND: 'nothing is served at that method and path',
  TOO_MANY_CONNECTIONS: 'the client holds as many connections as it may (503, with Retry-After)',
};

/** True when `code` is a door's refusal code: the request was turned away, not failed (`INTERNAL`). */
export function isRefusalCode(code: unknown): code is RefusalCode {
  return typeof code === 'string' && Object.hasOwn(REFUSALS, code);
}

/** Why a door turned a request away: the HTTP status, a stable code, and a message for the sender. */
export interface Refusal {
  /** The HTTP status of the door's answer (a refused Lambda invocation has none, but says the same). */
  status: number;
  code: RefusalCode;
  /** What was wrong, for the sender: never a body the owner did not sign, and escaped when it is logged. */
  message: string;
}

/** Keeps `RefusedError`'s written-out refusal a `Refusal`. */
export type RefusedErrorRefusalMatches = Holds<SameType<RefusedError['refusal'], Refusal>>;

/**
 * The error a door fails an invocation with when it refuses it (an Alexa invocation of a Lambda function for another
 * skill, say): `refusal` says why, as the webhook's answer would. Its message is `Refused: <code>: <message>`.
 */
export class RefusedError extends ProactiveEventsError<'ERR_REFUSED'> {
  /** `RefusedError`. */
  override readonly name = 'RefusedError';
  constructor(
    /** Why the door refused the invocation (a `Refusal`, written out for the main entry's users). */
    readonly refusal: { status: number; code: RefusalCode; message: string },
  ) {
    super('ERR_REFUSED', `Refused: ${refusal.code}: ${refusal.message}`);
  }
}

/** The `code` of a door's JSON error body: a refusal, or `INTERNAL` when the app failed to handle the request. */
export type DoorErrorCode = RefusalCode | 'INTERNAL';

/** The JSON error body of the webhook and the Lambda entry. */
export function errorBody(code: DoorErrorCode, message: string): { error: { code: DoorErrorCode; message: string } } {
  return { error: { code, message } };
}
