import type { BaseApp } from 'jovo-framework';
import { ProactiveEventsError, type SummaryRecord } from 'alexa-proactive-events';
import { describeIssue, fromZod } from 'alexa-proactive-events/internal';
import type { PluginErrorCode } from '../errors';
import { handle } from '../schedules/run';
import { FanOutBatchSchema, FanOutTally, isThrottled, type FanOutBatch } from './batch';
import { MAX_DELAY_SECONDS, type FanOutQueue } from './queue';

/** Users of a batch handed to the skill at once (each such trigger sends 8 at a time): the pace of a hand-back check. */
const USERS_PER_STEP = 25;
/** Times a batch is handed back for Amazon's 429s before its users count as failed (then SQS's retries apply). */
export const MAX_HAND_BACKS = 8;

/** What the fan-out's worker needs of the app's ProactiveEvents plugin. */
export interface FanOutWorkerServices {
  /** The fan-out queue (FANOUT_QUEUE_URL), when there is one. */
  readonly fanOutQueue?: FanOutQueue;
  summarize(record: SummaryRecord): void;
}

/**
 * Sends a batch's users through the skill's hidden intent, a few at a time, counting the results into `tally`.
 * Stops early, handing the rest back, when Amazon still answers 429 after the sender's retries (another send now
 * would only burn the invocation) or when `stopAt` has passed; the users handed back are those not yet answered
 * and those throttled. A redelivered batch is safe: each user's referenceId is the run's, so Amazon answers
 * `duplicate` for those already notified.
 */
export async function sendBatch(app: BaseApp, batch: FanOutBatch, tally: FanOutTally, stopAt?: number): Promise<{ handBack?: string[]; failed: number }> {
  const users = batch.data.users;
  let failed = 0;
  for (let at = 0; at < users.length; at += USERS_PER_STEP) {
    if (stopAt !== undefined && Date.now() >= stopAt) return { handBack: users.slice(at), failed };
    const results = await handle(app, { ...batch.data, users: users.slice(at, at + USERS_PER_STEP) }, batch.apiEndpoint, batch.locale);
    tally.add(results);
    failed += results.filter((result) => result.status === 'failed' && !isThrottled(result)).length;
    const throttled = results.filter(isThrottled).map((result) => result.user!);
    if (throttled.length > 0) return { handBack: [...throttled, ...users.slice(at + USERS_PER_STEP)], failed };
  }
  return { failed };
}

/** How long a batch handed back for 429s waits on the queue: 30 s, doubling, at most SQS's 15 minutes. */
export function handBackDelaySeconds(handBacks: number): number {
  return Math.min(MAX_DELAY_SECONDS, 30 * 2 ** handBacks);
}

/** An SQS record as Lambda's event source mapping delivers it. */
interface QueueRecord {
  messageId: string;
  body: string;
  attributes: { ApproximateReceiveCount?: string };
  eventSource: 'aws:sqs';
}

/** Lambda's event source mapping invoking the function with SQS records: `{ Records: [{ eventSource: 'aws:sqs', ... }] }`. */
export function isQueueEvent(event: unknown): event is { Records: QueueRecord[] } {
  const records = (event as { Records?: unknown } | null)?.Records;
  return Array.isArray(records) && records.length > 0 && records.every((record) => (record as { eventSource?: unknown } | null)?.eventSource === 'aws:sqs');
}

/**
 * The fan-out's worker: Lambda's event source mapping hands it up to 10 queued batches; each is sent, and the answer
 * names the batches to deliver again (`batchItemFailures`, with Powertools' batch processing): those with a send
 * that failed after retries. A batch Amazon keeps throttling is handed back to the queue, delayed, rather than
 * failed; one that fails its last receive goes to the dead-letter queue, which its summary counts.
 */
export async function handleQueueEvent(app: BaseApp, plugin: FanOutWorkerServices, event: { Records: QueueRecord[] }, context: unknown, stopAt?: number): Promise<unknown> {
  const { BatchProcessor, EventType, processPartialResponse } = require('@aws-lambda-powertools/batch') as typeof import('@aws-lambda-powertools/batch');
  const processor = new BatchProcessor(EventType.SQS);
  const handler = (record: QueueRecord) => processRecord(app, plugin, record, stopAt);
  return processPartialResponse(event as never, handler as never, processor, { context: context as never, throwOnFullBatchFailure: false });
}

async function processRecord(app: BaseApp, plugin: FanOutWorkerServices, record: QueueRecord, stopAt?: number): Promise<void> {
  const startedAt = performance.now();
  const batch = parseBatch(record);
  const tally = new FanOutTally('unicast');
  tally.usersDue = batch.data.users.length;
  try {
    const { handBack, failed } = await sendBatch(app, batch, tally, stopAt);
    const queue = plugin.fanOutQueue;
    const outOfTime = stopAt !== undefined && Date.now() >= stopAt;
    // A batch with a failed send goes back whole (SQS delivers it again; those reached answer duplicate): handing
    // part of it back as well would send that part twice over.
    if (handBack && failed === 0 && queue && (outOfTime || batch.handBacks < MAX_HAND_BACKS)) {
      // Out of time: the rest goes back as it is. Throttled: it waits, longer each time, until it has waited enough.
      const handBacks = outOfTime ? batch.handBacks : batch.handBacks + 1;
      await queue.enqueue([{ ...batch, data: { ...batch.data, users: handBack }, handBacks }], outOfTime ? 0 : handBackDelaySeconds(batch.handBacks));
      tally.enqueued = handBack.length;
      return;
    }
    const unsent = failed + (handBack?.length ?? 0);
    if (unsent > 0) {
      const lastReceive = Number(record.attributes.ApproximateReceiveCount ?? 1) >= ((await queue?.maxReceiveCount()) ?? Infinity);
      if (lastReceive) tally.deadLettered = unsent;
      const why = [failed > 0 && `${failed} failed after retries`, handBack && `${handBack.length} not sent (${batch.handBacks >= MAX_HAND_BACKS ? `still throttled after ${MAX_HAND_BACKS} hand-backs` : 'left when it failed'})`].filter(Boolean).join(', ');
      throw new ProactiveEventsError<PluginErrorCode>('ERR_FANOUT_QUEUE', `fan-out batch ${record.messageId} of ${batch.run.name}: ${why}; ${lastReceive ? 'that was its last receive: it goes to the dead-letter queue' : 'SQS delivers it again'}`);
    }
  } finally {
    plugin.summarize(tally.summary('batch', batch.run.name, performance.now() - startedAt, batch.run.scheduledTime));
  }
}

/** The batch a record carries; a record that is none fails (and so reaches the dead-letter queue, not silence). */
function parseBatch(record: QueueRecord): FanOutBatch {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw new ProactiveEventsError<PluginErrorCode>('ERR_FANOUT_QUEUE', `fan-out message ${record.messageId} is not JSON`);
  }
  const parsed = FanOutBatchSchema.safeParse(body);
  if (!parsed.success || !parsed.data.data.users) {
    const issue = parsed.success ? { path: 'data.users', message: 'required: the users of the batch' } : fromZod(parsed.error.issues, body)[0];
    throw new ProactiveEventsError<PluginErrorCode>('ERR_FANOUT_QUEUE', `fan-out message ${record.messageId} is no batch: ${describeIssue(issue)}`);
  }
  return parsed.data as FanOutBatch;
}
