import { CreateQueueCommand, SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { startEventSourceMapping, type EventSourceMapping, type EventSourceMappingOptions, type InvocationContext, type SqsEvent, type SqsRecord } from './eventSourceMapping';
import { createSqsStandIn, type SqsStandIn } from './sqs';

/**
 * The event source mapping stand-in, driving small handlers from the SQS stand-in as Lambda drives a function from
 * SQS. One SQS second lasts 20 ms here: the queues' visibility timeout of 10 s sends a failed record back after
 * 200 ms, long enough for any invocation here to delete its records first.
 */
let sqs: SqsStandIn;
let client: SQSClient;
let queues = 0;
const running: EventSourceMapping[] = [];

beforeAll(async () => {
  sqs = await createSqsStandIn({ secondMs: 20 });
  client = sqs.client();
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((mapping) => mapping.stop()));
});

afterAll(async () => {
  client.destroy();
  await sqs.close();
});

async function newQueue(attributes: Record<string, string> = {}): Promise<{ name: string; url: string }> {
  const name = `esm${++queues}`;
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '10', ...attributes } }));
  return { name, url: QueueUrl! };
}

async function send(url: string, bodies: string[]): Promise<void> {
  for (let start = 0; start < bodies.length; start += 10) {
    const Entries = bodies.slice(start, start + 10).map((MessageBody, i) => ({ Id: String(i), MessageBody }));
    await client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries }));
  }
}

async function start(options: Omit<EventSourceMappingOptions, 'client'>): Promise<EventSourceMapping> {
  const mapping = await startEventSourceMapping({ client, ...options });
  running.push(mapping);
  return mapping;
}

it('invokes the handler with the standard SQS event and a context, and deletes the records of a batch that succeeded', async () => {
  const { name, url } = await newQueue();
  await send(url, ['a', 'b', 'c']);
  const calls: Array<{ event: SqsEvent; context: InvocationContext; remaining: number }> = [];
  const mapping = await start({
    queueUrl: url,
    timeoutMs: 5_000,
    functionName: 'proactive-alerts',
    handler: async (event, context) => {
      calls.push({ event, context, remaining: context.getRemainingTimeInMillis() });
    },
  });
  await mapping.drained();
  const records = calls.flatMap((call) => call.event.Records);
  expect(records.map((record) => record.body).sort()).toEqual(['a', 'b', 'c']);
  expect(records[0]).toEqual({
    messageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    receiptHandle: expect.any(String),
    body: expect.any(String),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: expect.stringMatching(/^\d+$/), SenderId: 'local', ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d+$/) },
    messageAttributes: {},
    md5OfBody: expect.stringMatching(/^[0-9a-f]{32}$/),
    eventSource: 'aws:sqs',
    eventSourceARN: sqs.queueArn(name),
    awsRegion: 'us-east-1',
  } satisfies Record<keyof SqsRecord, unknown>);
  expect(calls[0].context).toMatchObject({ functionName: 'proactive-alerts', awsRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  expect(calls[0].remaining).toBeGreaterThan(0);
  expect(calls[0].remaining).toBeLessThanOrEqual(5_000);
  expect(mapping.counts()).toMatchObject({ recordsDelivered: 3, deleted: 3, batchFailures: 0, itemFailures: 0 });
  expect(sqs.depth(name)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
});

it('hands an invocation at most batchSize records', async () => {
  const { url } = await newQueue();
  await send(url, Array.from({ length: 25 }, (_, i) => `m${i}`));
  const sizes: number[] = [];
  const mapping = await start({ queueUrl: url, batchSize: 4, handler: async (event) => void sizes.push(event.Records.length) });
  await mapping.drained();
  expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
  expect(mapping.counts()).toMatchObject({ recordsDelivered: 25, deleted: 25 });
});

it('runs at most maximumConcurrency invocations at once', async () => {
  const { url } = await newQueue({ VisibilityTimeout: '600' });
  await send(url, Array.from({ length: 12 }, (_, i) => `m${i}`));
  let now = 0;
  let release!: () => void;
  const firstWave = new Promise<void>((resolve) => (release = resolve));
  const mapping = await start({
    queueUrl: url,
    batchSize: 1,
    maximumConcurrency: 3,
    handler: async () => {
      now += 1;
      // The first three wait for each other: had the mapping run a fourth, it would be counted below.
      if (now === 3) release();
      await firstWave;
      now -= 1;
    },
  });
  await mapping.drained();
  expect(mapping.counts()).toMatchObject({ invocations: 12, peakConcurrency: 3 });
});

it('sends back only the records named in batchItemFailures: the same messageId, a new receiptHandle, a higher ApproximateReceiveCount', async () => {
  const { name, url } = await newQueue();
  await send(url, ['a', 'b', 'c']);
  const seen: SqsRecord[] = [];
  const mapping = await start({
    queueUrl: url,
    handler: async (event) => {
      seen.push(...event.Records);
      const failing = event.Records.filter((record) => record.body === 'b' && record.attributes.ApproximateReceiveCount === '1');
      return { batchItemFailures: failing.map((record) => ({ itemIdentifier: record.messageId })) };
    },
  });
  await mapping.drained();
  const b = seen.filter((record) => record.body === 'b');
  expect(b.map((record) => record.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
  expect(b[1].messageId).toBe(b[0].messageId);
  expect(b[1].receiptHandle).not.toBe(b[0].receiptHandle);
  expect(seen.filter((record) => record.body !== 'b')).toHaveLength(2);
  expect(mapping.counts()).toMatchObject({ itemFailures: 1, deleted: 3, batchFailures: 0 });
  expect(sqs.depth(name)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
});

it.each([
  ['nothing', undefined],
  ['an empty object', {}],
  ['an empty batchItemFailures', { batchItemFailures: [] }],
  ['a null batchItemFailures', { batchItemFailures: null }],
])('takes an answer of %s as success of the whole batch', async (_, answer) => {
  const { url } = await newQueue();
  await send(url, ['a', 'b']);
  const mapping = await start({ queueUrl: url, handler: async () => answer });
  await mapping.drained();
  expect(mapping.counts()).toMatchObject({ recordsDelivered: 2, deleted: 2, batchFailures: 0 });
});

/** Each handler fails the first delivery of the batch in its own way, and succeeds after. */
const failures: Array<[string, (event: SqsEvent, callback: (error?: unknown, result?: unknown) => void) => unknown, string]> = [
  ['throws', () => {
    throw new Error('DynamoDB is down');
  }, 'threw'],
  ['rejects', async () => Promise.reject(new Error('rejected')), 'threw'],
  ['answers an error through the callback', (_, callback) => callback(new Error('called back')), 'threw'],
  ['names a record not in the batch', async () => ({ batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] }), 'invalid response'],
  ['names an empty itemIdentifier', async () => ({ batchItemFailures: [{ itemIdentifier: '' }] }), 'invalid response'],
  ['answers with something other than a batch response', async () => 'done', 'invalid response'],
  ['runs past the function timeout', () => new Promise(() => {}), 'timed out'],
];

it.each(failures)('leaves the whole batch for redelivery when the handler %s', async (_, fail, reason) => {
  const { name, url } = await newQueue();
  await send(url, ['a', 'b']);
  const deliveries: string[] = [];
  const mapping = await start({
    queueUrl: url,
    timeoutMs: 200,
    handler: (event, _context, callback) => {
      deliveries.push(...event.Records.map((record) => `${record.body}${record.attributes.ApproximateReceiveCount}`));
      if (event.Records.every((record) => record.attributes.ApproximateReceiveCount === '1')) return fail(event, callback);
      return Promise.resolve(undefined);
    },
    batchSize: 10,
  });
  await mapping.drained();
  expect(deliveries).toEqual(expect.arrayContaining(['a1', 'b1', 'a2', 'b2']));
  expect(mapping.failures()[0]).toMatchObject({ reason });
  expect(sqs.stats(name)).toMatchObject({ deleted: 2 });
});

it('lets a record that keeps failing go to the dead-letter queue after maxReceiveCount deliveries', async () => {
  const dlq = await newQueue();
  const { name, url } = await newQueue({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: sqs.queueArn(dlq.name), maxReceiveCount: 3 }) });
  await send(url, ['poison']);
  const mapping = await start({
    queueUrl: url,
    handler: async () => {
      throw new Error('always');
    },
  });
  await mapping.drained();
  expect(mapping.counts()).toMatchObject({ invocations: 3, batchFailures: 3, deleted: 0 });
  expect(sqs.stats(name)).toMatchObject({ deadLettered: 1 });
  expect(sqs.depth(dlq.name)).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
});

it('stops polling: a message sent after stop() stays in the queue', async () => {
  const { name, url } = await newQueue();
  const mapping = await start({ queueUrl: url, handler: async () => undefined });
  await mapping.stop();
  await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later' }));
  expect(sqs.depth(name)).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
  expect(mapping.counts().invocations).toBe(0);
});

it.each([
  ['batchSize', { batchSize: 11 }, 'batchSize 11: allowed is a whole number from 1 to 10'],
  ['maximumConcurrency', { maximumConcurrency: 1 }, 'maximumConcurrency 1: allowed is a whole number from 2 to 1000'],
])('refuses a %s Lambda would refuse', async (_, settings, message) => {
  const { url } = await newQueue();
  await expect(startEventSourceMapping({ client, queueUrl: url, handler: async () => undefined, ...settings })).rejects.toThrow(message);
});
