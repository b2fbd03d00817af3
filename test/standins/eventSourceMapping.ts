import { randomUUID } from 'crypto';
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * Lambda's SQS event source mapping, driving a handler as AWS does: long polls of the queue, batches of up to
 * `batchSize` records, at most `maximumConcurrency` invocations at once, the standard SQS event, and with
 * ReportBatchItemFailures: the records not named in `batchItemFailures` deleted, the rest left to come back after
 * the queue's visibility timeout; a throw, a timeout or an answer naming a record not in the batch leave the whole
 * batch. Works with any SQS the client reaches (the stand-in of sqs.ts in tests and the benchmark).
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */

/** One record of the event, as Lambda builds it from a received message. */
export interface SqsRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: { ApproximateReceiveCount: string; SentTimestamp: string; SenderId: string; ApproximateFirstReceiveTimestamp: string };
  messageAttributes: Record<string, never>;
  md5OfBody: string;
  eventSource: 'aws:sqs';
  eventSourceARN: string;
  awsRegion: string;
}

/** The event: https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html#example-standard-queue-message-event */
export interface SqsEvent {
  Records: SqsRecord[];
}

/** The invocation's context, with what Lambda's Node.js runtime offers. */
export interface InvocationContext {
  awsRequestId: string;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  logGroupName: string;
  logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

/** A handler as Lambda's Node.js runtime calls it: its answer is the returned promise's value or the callback's, whichever comes first. */
export type SqsHandler = (event: SqsEvent, context: InvocationContext, callback: (error?: unknown, result?: unknown) => void) => unknown;

/** The mapping's settings, as AWS::Lambda::EventSourceMapping and the function name them. */
export interface EventSourceMappingOptions {
  /** An SQS client for the queue's endpoint. */
  client: SQSClient;
  queueUrl: string;
  handler: SqsHandler;
  /** Records an invocation at most (BatchSize). @default 10 */
  batchSize?: number;
  /** Invocations at once at most (ScalingConfig.MaximumConcurrency, 2 to 1000): one poller each. @default 5 */
  maximumConcurrency?: number;
  /** The function's timeout (Timeout): `getRemainingTimeInMillis()` counts down from it, and an invocation still running then fails its batch. @default 30000 */
  timeoutMs?: number;
  /** @default 'skill' */
  functionName?: string;
  /** Seconds each long poll waits for a message. @default 20 */
  waitTimeSeconds?: number;
}

/** What the mapping has done so far. */
export interface MappingCounts {
  invocations: number;
  /** Records handed to the handler, redeliveries included. */
  recordsDelivered: number;
  /** Invocations whose whole batch was left for redelivery (a throw, a timeout, an answer naming a record not in the batch). */
  batchFailures: number;
  /** Records the handler named in `batchItemFailures`. */
  itemFailures: number;
  /** Records deleted after their invocation succeeded. */
  deleted: number;
  /** The most invocations that ran at once. */
  peakConcurrency: number;
}

/** Why a whole batch was left for redelivery. */
export interface BatchFailure {
  awsRequestId: string;
  reason: 'threw' | 'timed out' | 'invalid response';
  detail: string;
  records: number;
}

/** A running mapping. */
export interface EventSourceMapping {
  counts(): MappingCounts;
  /** The latest whole-batch failures (at most 100), oldest first. */
  failures(): readonly BatchFailure[];
  /** Resolves when the queue holds no message (visible, in flight or delayed) and no invocation runs; rejects when polling fails. */
  drained(): Promise<void>;
  /** Stops polling (a long poll in progress is abandoned) and resolves when the running invocations have ended. */
  stop(): Promise<void>;
}

type Outcome = { ok: true; result: unknown } | { ok: false; reason: BatchFailure['reason']; detail: string };

/** Starts polling `queueUrl` for `handler`. */
export async function startEventSourceMapping(options: EventSourceMappingOptions): Promise<EventSourceMapping> {
  const { client, queueUrl, handler, batchSize = 10, maximumConcurrency = 5, timeoutMs = 30_000, functionName = 'skill', waitTimeSeconds = 20 } = options;
  checkRange('batchSize', batchSize, 1, 10);
  checkRange('maximumConcurrency', maximumConcurrency, 2, 1000);
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  const source = { eventSourceARN: Attributes!.QueueArn!, awsRegion: await client.config.region() };
  const account = source.eventSourceARN.split(':')[4];
  const counts: MappingCounts = { invocations: 0, recordsDelivered: 0, batchFailures: 0, itemFailures: 0, deleted: 0, peakConcurrency: 0 };
  const failures: BatchFailure[] = [];
  const stopping = new AbortController();
  let running = 0;
  let pollError: unknown;
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of [...listeners]) listener();
  };

  const contextOf = (awsRequestId: string): InvocationContext => {
    const deadline = Date.now() + timeoutMs;
    return {
      awsRequestId,
      functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${source.awsRegion}:${account}:function:${functionName}`,
      memoryLimitInMB: '512',
      logGroupName: `/aws/lambda/${functionName}`,
      logStreamName: `local/[$LATEST]${awsRequestId.replace(/-/g, '')}`,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
  };

  const invoke = async (messages: Message[]): Promise<void> => {
    const event: SqsEvent = { Records: messages.map((message) => recordOf(message, source)) };
    const awsRequestId = randomUUID();
    running += 1;
    counts.invocations += 1;
    counts.recordsDelivered += messages.length;
    counts.peakConcurrency = Math.max(counts.peakConcurrency, running);
    try {
      const outcome = await run(handler, event, contextOf(awsRequestId), timeoutMs);
      const failed = outcome.ok ? failedRecords(outcome.result, event) : outcome;
      if (!(failed instanceof Set)) {
        counts.batchFailures += 1;
        failures.push({ awsRequestId, reason: failed.reason, detail: failed.detail, records: messages.length });
        if (failures.length > 100) failures.shift();
        return;
      }
      counts.itemFailures += failed.size;
      await deleteRecords(event.Records.filter((record) => !failed.has(record.messageId)));
    } finally {
      running -= 1;
      changed();
    }
  };

  const deleteRecords = async (records: SqsRecord[]): Promise<void> => {
    for (let start = 0; start < records.length; start += 10) {
      const Entries = records.slice(start, start + 10).map((record, i) => ({ Id: String(i), ReceiptHandle: record.receiptHandle }));
      const { Successful = [] } = await client.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries }));
      counts.deleted += Successful.length;
    }
  };

  const poll = async (): Promise<void> => {
    while (!stopping.signal.aborted) {
      let messages: Message[];
      try {
        const answer = await client.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: batchSize, WaitTimeSeconds: waitTimeSeconds, MessageSystemAttributeNames: ['All'] }),
          { abortSignal: stopping.signal },
        );
        messages = answer.Messages ?? [];
      } catch (error) {
        if (stopping.signal.aborted) return;
        pollError = error;
        changed();
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      if (messages.length > 0) await invoke(messages);
    }
  };

  const pollers = Array.from({ length: maximumConcurrency }, poll);

  /** Resolves at the next end of an invocation or failed poll, or after `ms`. */
  const nextChange = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        listeners.delete(done);
        resolve();
      }
      listeners.add(done);
    });

  return {
    counts: () => ({ ...counts }),
    failures: () => [...failures],
    drained: async () => {
      for (;;) {
        if (pollError !== undefined) throw new Error(`The event source mapping cannot receive from ${queueUrl}: ${(pollError as Error).message}`);
        if (running === 0 && (await isEmpty(client, queueUrl)) && running === 0) return;
        await nextChange(50);
      }
    },
    stop: async () => {
      stopping.abort();
      await Promise.all(pollers);
    },
  };
}

function checkRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} ${value}: allowed is a whole number from ${min} to ${max}, as for Lambda's event source mapping`);
}

function recordOf(message: Message, source: { eventSourceARN: string; awsRegion: string }): SqsRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body!,
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount!,
      SentTimestamp: attributes.SentTimestamp!,
      SenderId: attributes.SenderId!,
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp!,
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody!,
    eventSource: 'aws:sqs',
    ...source,
  };
}

/** Calls the handler as Lambda's Node.js runtime does, and ends the invocation at the function's timeout. */
function run(handler: SqsHandler, event: SqsEvent, context: InvocationContext, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const threw = (error: unknown): Outcome => ({ ok: false, reason: 'threw', detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    const timer = setTimeout(() => settle({ ok: false, reason: 'timed out', detail: `Task timed out after ${timeoutMs / 1000} seconds` }), timeoutMs);
    try {
      const returned = handler(event, context, (error, result) => settle(error ? threw(error) : { ok: true, result }));
      if (isThenable(returned)) returned.then((result) => settle({ ok: true, result }), (error: unknown) => settle(threw(error)));
    } catch (error) {
      settle(threw(error));
    }
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

/**
 * The records a partial batch response names as failed, or why the answer fails the whole batch: AWS takes an absent
 * or empty answer or list as success, and an identifier that is empty, missing or not a messageId of the batch as
 * failure of all.
 */
function failedRecords(result: unknown, event: SqsEvent): Set<string> | Extract<Outcome, { ok: false }> {
  if (result === undefined || result === null) return new Set();
  const invalid = (detail: string) => ({ ok: false as const, reason: 'invalid response' as const, detail });
  if (typeof result !== 'object' || Array.isArray(result)) return invalid(`the answer ${JSON.stringify(result)} is not a batch response object`);
  const list = (result as { batchItemFailures?: unknown }).batchItemFailures;
  if (list === undefined || list === null) return new Set();
  if (!Array.isArray(list)) return invalid(`batchItemFailures ${JSON.stringify(list)} is not a list`);
  const ids = new Set(event.Records.map((record) => record.messageId));
  const failed = new Set<string>();
  for (const item of list) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !ids.has(id)) return invalid(`batchItemFailures names ${JSON.stringify(item)}, which is not a messageId of the batch`);
    failed.add(id);
  }
  return failed;
}

async function isEmpty(client: SQSClient, queueUrl: string): Promise<boolean> {
  const { Attributes = {} } = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  return Object.values(Attributes).every((count) => count === '0');
}
