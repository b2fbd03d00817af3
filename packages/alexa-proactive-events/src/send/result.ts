import { z } from 'zod';
import type { Issue } from '../issues';

/** What became of one event. `accepted` and `duplicate` are success; nothing else is reported as success. */
export const SEND_STATUSES = ['accepted', 'duplicate', 'skipped', 'rejected', 'failed'] as const satisfies readonly SendStatus[];
/** How a send ended: delivered, delivered before, not sent by rule, refused by Amazon, or not answered in time. */
export type SendStatus = 'accepted' | 'duplicate' | 'skipped' | 'rejected' | 'failed';

/**
 * The result of sending one event, the same from the sender to a skill's response and the trigger script's
 * `--json` line. `send` never throws for an expected outcome: a refusal or a failure is a result too.
 */
export interface SendResult {
  /** The event's name, as far as the body had one. */
  event: string | null;
  /** The idempotency key: sending the same referenceId to the same audience again gives `duplicate`. */
  referenceId: string | null;
  /**
   * `accepted` (Amazon answered 202), `duplicate` (409: already accepted), `skipped` (not sent: the user is not
   * subscribed, as far as the skill knows), `rejected` (refused before sending, or by Amazon: final) or `failed`
   * (no success after the retries).
   */
  status: SendStatus;
  /** Amazon's last HTTP status; null when nothing was sent (refused before sending, or no answer). */
  httpStatus: number | null;
  /** Amazon's `x-amzn-requestid` of the last answer, for Amazon support. */
  requestId: string | null;
  /** Why it was not accepted: each problem with its field path, or the cause. Empty on success. */
  errors: Issue[];
  /** What the validator warned of; the body went to Amazon as given. */
  warnings: Issue[];
  /** Requests to the events API, token renewals included. */
  attempts: number;
  /** The Unicast user. */
  user?: string;
}

const IssueSchema = z.object({ path: z.string(), message: z.string(), value: z.unknown().optional() });

/** `SendResult` at run time, for reading one that crossed a process boundary (a skill's response). */
export const SendResultSchema: z.ZodType<SendResult> = z.object({
  event: z.string().nullable(),
  referenceId: z.string().nullable(),
  status: z.enum(SEND_STATUSES),
  httpStatus: z.number().int().nullable(),
  requestId: z.string().nullable(),
  errors: z.array(IssueSchema),
  warnings: z.array(IssueSchema),
  attempts: z.number().int().min(0),
  user: z.string().optional(),
});

/** A result for an event refused before anything was sent, saying why. */
export function refusedResult(event: string | null, referenceId: string | null, message: string, issues: Issue[] = []): SendResult {
  return { event, referenceId, status: 'rejected', httpStatus: null, requestId: null, errors: [...(message ? [{ path: '', message }] : []), ...issues], warnings: [], attempts: 0 };
}
