import { z } from 'zod';
import { STAGES } from 'alexa-proactive-events/internal';

/** Where a skill's answer to a check trigger carries its report, beside Alexa's `response`. */
export const CHECK_REPORT_KEY = 'proactiveEventsCheck';

const IssueSchema = z.object({ path: z.string(), message: z.string(), value: z.unknown().optional() });

const SubscriberCountsSchema = z.object({
  subscribedUsers: z.number().int(),
  events: z.record(z.string(), z.record(z.string(), z.number().int())),
  withoutRegion: z.number().int(),
  truncated: z.boolean(),
});

/**
 * What a skill answers to a check trigger (`doctor`): how a send of the trigger's event would go up to the moment
 * it leaves, and what the skill knows of its subscribers, as counts. Never a token, a secret or a user id.
 */
export const CheckReportSchema = z.object({
  event: z.string(),
  /** Where the event would go; null when the trigger's apiEndpoint is no origin. */
  origin: z.string().nullable(),
  /** The stage it would go at; null when the skill has no credentials. */
  stage: z.enum(STAGES).nullable(),
  /** Why the skill would refuse the send before sending it (validation, an origin the token may not go to). */
  errors: z.array(IssueSchema),
  warnings: z.array(IssueSchema),
  /** Whether the skill's credentials got a token for the proactive events scope; null without credentials. */
  token: z.union([z.object({ ok: z.literal(true) }), z.object({ ok: z.literal(false), code: z.string(), message: z.string() })]).nullable(),
  /** Where the skill may send its access token: Amazon's three hosts and PROACTIVE_API_ENDPOINTS. */
  origins: z.array(z.string()),
  publishedEvents: z.array(z.string()),
  /** Null when the skill's database keeps no subscriber index, with the reason in `subscribersProblem`. */
  subscribers: SubscriberCountsSchema.nullable(),
  subscribersProblem: z.string().nullable(),
  /**
   * The fan-out queue (FANOUT_QUEUE_URL), when the skill has one: batches waiting, and batches in its dead-letter
   * queue (those that kept failing); `problem` when the queue could not be read. Absent without a queue.
   */
  fanOut: z.object({ waiting: z.number().int().nullable(), deadLettered: z.number().int().nullable(), problem: z.string().nullable() }).optional(),
});
export type CheckReport = z.infer<typeof CheckReportSchema>;
