import { z } from 'zod';
import { describeIssue, fromZod } from './proactive';

/** Largest request body the skill reads; larger ones get 413. Alexa's own requests are a few kilobytes. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** What every Alexa request has (and Jovo needs). */
const AlexaEnvelopeSchema = z.object({
  version: z.string(),
  context: z.object({ System: z.object({ user: z.object({ userId: z.string() }) }) }),
  request: z.object({ type: z.string(), requestId: z.string() }),
});

/** Why `body` is not an Alexa request (naming the first missing field), or undefined if it is one. */
export function notAnAlexaRequest(body: unknown): string | undefined {
  const envelope = AlexaEnvelopeSchema.safeParse(body);
  return envelope.success ? undefined : `Not an Alexa request: ${describeIssue(fromZod(envelope.error.issues, body)[0])}`;
}

/**
 * The headers without `jovo-test`: Jovo swaps the app's database for its test database when a request carries
 * it, so no client may send it through.
 */
export function withoutTestHeader<Headers extends Record<string, unknown>>(headers: Headers): Headers {
  const { 'jovo-test': _ignored, ...rest } = headers;
  return rest as Headers;
}

/** The JSON error body of the webhook and the Lambda entry. */
export function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}
