import { z } from 'zod';

/** Where a skill's answer to a trigger `--to subscribers` carries its summary, beside the problems' results. */
export const FAN_OUT_KEY = 'proactiveEventsFanOut';

/**
 * What a skill answers to a trigger to every subscriber: the summary of the fan-out, counts only (the users it
 * addressed, what became of those it sent to here, how many it queued), and why it stopped short, if it did.
 */
export const FanOutAnswerSchema = z.object({
  event: z.string().nullable(),
  referenceId: z.string().nullable(),
  sends: z.number().int(),
  statuses: z.record(z.string(), z.number().int()),
  latencyMs: z.number(),
  fanOut: z.object({ plan: z.string(), usersDue: z.number().int(), enqueued: z.number().int(), throttled: z.number().int(), deadLettered: z.number().int() }),
  unfinished: z.string().optional(),
});
export type FanOutAnswer = z.output<typeof FanOutAnswerSchema>;
