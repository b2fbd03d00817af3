/**
 * Amazon's answers to an event, mapped once to what the sender does with them.
 * @see https://developer.amazon.com/docs/smapi/proactive-events-api-reference.html (Response codes)
 */
export type Verdict =
  /** Delivery starts (it is asynchronous): success. */
  | { kind: 'accepted' }
  /** The same referenceId was already accepted for this audience: success for a retry. */
  | { kind: 'duplicate' }
  /** Final: sending again cannot help. */
  | { kind: 'rejected'; reason: string }
  /** Worth another attempt after a pause. */
  | { kind: 'retry'; reason: string }
  /** The access token was refused: fetch a new one and try once more. */
  | { kind: 'new-token'; reason: string }
  /**
   * Refused for a reason Amazon's 403 does not tell apart: a token it no longer takes, or a skill or user that
   * may not get the event. Amazon does not document its 403 bodies, so the text decides nothing: the sender
   * renews the token once (unless a 403 made it renew lately) and treats a second 403 as final.
   */
  | { kind: 'forbidden'; reason: string };

type Rule = (message: string, event: string) => Verdict;

const retry: Rule = (message) => ({ kind: 'retry', reason: message });

const TABLE: Record<number, Rule> = {
  202: () => ({ kind: 'accepted' }),
  409: () => ({ kind: 'duplicate' }),
  400: (message) => ({ kind: 'rejected', reason: `Amazon refused the event as malformed: ${message}` }),
  401: (message) => ({ kind: 'new-token', reason: `Amazon did not accept the access token: ${message}` }),
  403: (message, event) => ({
    kind: 'forbidden',
    reason: [
      `Amazon refused the event: ${message}. One of these is the cause:`,
      `- the credentials are another skill's: the TokenClient's clientId and clientSecret must be this skill's Alexa Skill Messaging ones (Build > Permissions);`,
      `- the deployed skill does not publish ${event}: add it to events.publications in the skill's manifest, and deploy the skill;`,
      `- for Unicast, the user has not turned notifications on for the skill (Alexa app, the skill's settings).`,
    ].join('\n'),
  }),
  429: retry,
  432: (message) => ({
    kind: 'rejected',
    reason: `Amazon refused the event: the skill is over its notification limit (live skills only); not retried. ${message}`,
  }),
  500: retry,
  502: retry,
  503: retry,
  504: retry,
};

/** What to do with Amazon's answer; a status not in the table is never retried. */
export function verdictFor(httpStatus: number, message: string, event: string): Verdict {
  const rule = TABLE[httpStatus];
  if (rule) return rule(message || `HTTP ${httpStatus}`, event);
  return { kind: 'rejected', reason: `Amazon answered ${httpStatus}, which the Proactive Events API does not document: ${message}` };
}

/** The `message` of Amazon's error body (`{ code, message }`), or a short piece of whatever came back. */
export function messageOf(body: unknown): string {
  if (body !== null && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') {
    return (body as { message: string }).message;
  }
  return typeof body === 'string' ? body.slice(0, 200) : '';
}
