import { z } from 'zod';
import type { SendResult, SummaryRecord } from 'alexa-proactive-events';
import type { TriggerData } from 'alexa-proactive-events/trigger';
import { TriggerDataSchema } from 'alexa-proactive-events/internal';

/**
 * A batch of a fan-out: some users of a run (or a trigger) that addressed subscribers, with everything a worker
 * needs to send to them, as one SQS message (or handed to the in-process worker as is). Nothing of it comes from
 * outside the skill: the run made it, and only the skill's function may write to its queue (IAM).
 */
export const FanOutBatchSchema = z.strictObject({
  v: z.literal(1),
  /** The run the batch belongs to: a schedule's (with the time it was for) or a trigger's. */
  run: z.strictObject({ kind: z.enum(['schedule', 'trigger']), name: z.string().min(1), scheduledTime: z.string().optional() }),
  /** What to send, to whom (`users`): the run's referenceId with each user is the idempotency key. */
  data: TriggerDataSchema,
  /** Where a user with no stored region is sent to. */
  apiEndpoint: z.string().min(1),
  locale: z.string().min(1),
  /** How often a worker handed (part of) this batch back after Amazon kept answering 429. */
  handBacks: z.number().int().min(0),
});
export type FanOutBatch = z.output<typeof FanOutBatchSchema> & { data: TriggerData & { users: string[] } };


/** Users per batch of a fan-out (FANOUT_BATCH_SIZE) unless the skill says otherwise. */
export const DEFAULT_FANOUT_BATCH_SIZE = 100;

/** What a fan-out counts of its users: never a user id, nothing that grows with them. */
export type FanOutCounts = NonNullable<SummaryRecord['fanOut']>;

/** Counts sends as they come back: a run of 100,000 users holds a few numbers, not 100,000 results. */
export class FanOutTally {
  readonly statuses: NonNullable<SummaryRecord['statuses']> = {};
  sends = 0;
  usersDue = 0;
  enqueued = 0;
  throttled = 0;
  deadLettered = 0;
  /** The first few problems, for the run's log line (user hashes, never ids). */
  readonly problems: SendResult[] = [];
  event: string | null = null;
  referenceId: string | null = null;

  constructor(public plan: string) {}

  add(results: readonly SendResult[]): void {
    for (const result of results) {
      this.event ??= result.event;
      this.referenceId ??= result.referenceId;
      // Still throttled after the sender's retries: handed back and counted when it is sent, not as a failure.
      if (isThrottled(result)) {
        this.throttled++;
        continue;
      }
      this.sends++;
      this.statuses[result.status] = (this.statuses[result.status] ?? 0) + 1;
      if (result.status !== 'accepted' && result.status !== 'duplicate' && this.problems.length < 3) this.problems.push(result);
    }
  }

  counts(): FanOutCounts {
    return { plan: this.plan, usersDue: this.usersDue, enqueued: this.enqueued, throttled: this.throttled, deadLettered: this.deadLettered };
  }

  /** The run's summary record. */
  summary(run: SummaryRecord['run'], name: string, latencyMs: number, scheduledTime?: string): SummaryRecord {
    return {
      run,
      name,
      event: this.event,
      referenceId: this.referenceId,
      sends: this.sends,
      statuses: { ...this.statuses },
      latencyMs: Math.round(latencyMs),
      ...(scheduledTime !== undefined && { scheduledTime }),
      fanOut: this.counts(),
    };
  }
}

/** A send that failed because Amazon still answered 429 after the sender's retries: worth handing back for later. */
export function isThrottled(result: SendResult): boolean {
  return result.status === 'failed' && result.httpStatus === 429;
}
