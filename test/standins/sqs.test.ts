import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  PurgeQueueCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { createSqsStandIn, type SqsStandIn } from './sqs';

/**
 * The SQS stand-in, over the wire, with the real `@aws-sdk/client-sqs`: what the fan-out's tests and the benchmark
 * rely on it for. One SQS second lasts 50 ms here.
 */
let sqs: SqsStandIn;
let client: SQSClient;
let queues = 0;

beforeAll(async () => {
  sqs = await createSqsStandIn({ secondMs: 50 });
  client = sqs.client();
});

afterAll(async () => {
  client.destroy();
  await sqs.close();
});

/** A new queue for each test, so that none sees another's messages. */
async function newQueue(attributes: Record<string, string> = {}): Promise<{ name: string; url: string }> {
  const name = `q${++queues}`;
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  return { name, url: QueueUrl! };
}

async function receive(QueueUrl: string, options: { max?: number; visibility?: number; wait?: number } = {}): Promise<Message[]> {
  const { Messages = [] } = await client.send(
    new ReceiveMessageCommand({
      QueueUrl,
      MaxNumberOfMessages: options.max ?? 10,
      VisibilityTimeout: options.visibility,
      WaitTimeSeconds: options.wait ?? 0,
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return Messages;
}

/** Resolves once `check` holds, looking again after each turn of the event loop. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 1));
}

it('creates a queue at a URL of its endpoint, and finds it by name', async () => {
  const { name, url } = await newQueue();
  expect(url).toBe(`${sqs.endpoint}/000000000000/${name}`);
  await expect(client.send(new GetQueueUrlCommand({ QueueName: name }))).resolves.toMatchObject({ QueueUrl: url });
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn', 'VisibilityTimeout'] }));
  expect(Attributes).toEqual({ QueueArn: `arn:aws:sqs:us-east-1:000000000000:${name}`, VisibilityTimeout: '30' });
});

it('sends a message and delivers it with its body, the MD5 the SDK checks, and the system attributes', async () => {
  const { url } = await newQueue();
  const body = JSON.stringify({ users: ['amzn1.ask.account.A', 'amzn1.ask.account.B'], note: 'grüße 🗑' });
  const sent = await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
  expect(sent.MessageId).toMatch(/^[0-9a-f-]{36}$/);
  const [message] = await receive(url);
  expect(message).toMatchObject({ MessageId: sent.MessageId, Body: body, MD5OfBody: sent.MD5OfMessageBody });
  expect(message.Attributes).toMatchObject({ ApproximateReceiveCount: '1', SenderId: 'local' });
  expect(Number(message.Attributes!.SentTimestamp)).toBeLessThanOrEqual(Number(message.Attributes!.ApproximateFirstReceiveTimestamp));
});

it('sends a batch, answering each entry as sent or failed without failing the call', async () => {
  const { url } = await newQueue();
  const answer = await client.send(
    new SendMessageBatchCommand({
      QueueUrl: url,
      Entries: [
        { Id: 'a', MessageBody: 'first' },
        { Id: 'b', MessageBody: 'bell \u0007' },
        { Id: 'c', MessageBody: 'third' },
      ],
    }),
  );
  expect(answer.Successful!.map((entry) => entry.Id)).toEqual(['a', 'c']);
  expect(answer.Failed).toEqual([expect.objectContaining({ Id: 'b', SenderFault: true, Code: 'InvalidMessageContents' })]);
  expect((await receive(url)).map((message) => message.Body)).toEqual(['first', 'third']);
});

it.each([
  ['no entry', [], 'EmptyBatchRequest'],
  ['eleven entries', Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, MessageBody: 'x' })), 'TooManyEntriesInBatchRequest'],
  ['two entries with one Id', [{ Id: 'same', MessageBody: 'x' }, { Id: 'same', MessageBody: 'y' }], 'BatchEntryIdsNotDistinct'],
  ['an Id with a dot', [{ Id: 'a.b', MessageBody: 'x' }], 'InvalidBatchEntryId'],
  ['bodies over 262,144 bytes together', [{ Id: 'a', MessageBody: 'x'.repeat(200_000) }, { Id: 'b', MessageBody: 'y'.repeat(62_145) }], 'BatchRequestTooLong'],
])('refuses a batch of %s', async (_, Entries, code) => {
  const { url } = await newQueue();
  await expect(client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries }))).rejects.toMatchObject({ name: code, $metadata: { httpStatusCode: 400 } });
  expect(sqs.stats(url.split('/').pop()!).sent).toBe(0);
});

it('delivers up to MaxNumberOfMessages in the order sent, and none of them again while they are invisible', async () => {
  const { name, url } = await newQueue();
  for (const body of ['1', '2', '3']) await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
  expect((await receive(url, { max: 2 })).map((message) => message.Body)).toEqual(['1', '2']);
  expect((await receive(url, { max: 10 })).map((message) => message.Body)).toEqual(['3']);
  expect(await receive(url)).toEqual([]);
  expect(sqs.depth(name)).toEqual({ visible: 0, inFlight: 3, delayed: 0 });
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  expect(Attributes).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '3' });
});

it('delivers a message not deleted within its visibility timeout again, with a new receipt handle and a higher receive count', async () => {
  const { name, url } = await newQueue();
  await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'again' }));
  const [first] = await receive(url, { visibility: 1 });
  // A long poll answers when the message is visible again.
  const [second] = await receive(url, { wait: 20 });
  expect(second).toMatchObject({ MessageId: first.MessageId, Body: 'again' });
  expect(second.ReceiptHandle).not.toBe(first.ReceiptHandle);
  expect(second.Attributes).toMatchObject({ ApproximateReceiveCount: '2', ApproximateFirstReceiveTimestamp: first.Attributes!.ApproximateFirstReceiveTimestamp });
  // The first receive's handle is stale: SQS answers success and keeps the message.
  await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first.ReceiptHandle }));
  expect(sqs.depth(name)).toEqual({ visible: 0, inFlight: 1, delayed: 0 });
  await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: second.ReceiptHandle }));
  expect(sqs.depth(name)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  expect(sqs.stats(name)).toMatchObject({ sent: 1, received: 2, deleted: 1 });
});

it('deletes a batch by receipt handle, answering a handle it never issued as failed', async () => {
  const { name, url } = await newQueue();
  await client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: ['a', 'b'].map((Id) => ({ Id, MessageBody: Id })) }));
  const messages = await receive(url);
  const answer = await client.send(
    new DeleteMessageBatchCommand({
      QueueUrl: url,
      Entries: [...messages.map((message, i) => ({ Id: `m${i}`, ReceiptHandle: message.ReceiptHandle })), { Id: 'forged', ReceiptHandle: 'not-a-handle' }],
    }),
  );
  expect(answer.Successful!.map((entry) => entry.Id)).toEqual(['m0', 'm1']);
  expect(answer.Failed).toEqual([expect.objectContaining({ Id: 'forged', Code: 'ReceiptHandleIsInvalid' })]);
  expect(sqs.depth(name)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
});

it('makes an in-flight message visible again with ChangeMessageVisibility, and refuses one that is not in flight', async () => {
  const { url } = await newQueue();
  await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'back' }));
  const [message] = await receive(url, { visibility: 600 });
  await client.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }));
  await expect(client.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }))).rejects.toMatchObject({
    name: 'MessageNotInflight',
  });
  const [again] = await receive(url);
  expect(again).toMatchObject({ MessageId: message.MessageId, Attributes: expect.objectContaining({ ApproximateReceiveCount: '2' }) });
});

it('moves a message to the dead-letter queue at the receive after its receive count exceeded maxReceiveCount', async () => {
  const dlq = await newQueue();
  const dlqArn = sqs.queueArn(dlq.name);
  const { name, url } = await newQueue({ VisibilityTimeout: '600', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) });
  const { MessageId } = await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison' }));
  for (let receives = 1; receives <= 2; receives++) {
    const [message] = await receive(url);
    expect(message.Attributes!.ApproximateReceiveCount).toBe(String(receives));
    await client.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }));
  }
  expect(await receive(url)).toEqual([]);
  expect(sqs.stats(name)).toMatchObject({ received: 2, deadLettered: 1 });
  const [dead] = await receive(dlq.url);
  expect(dead).toMatchObject({ MessageId, Body: 'poison', Attributes: expect.objectContaining({ DeadLetterQueueSourceArn: sqs.queueArn(name) }) });
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['RedrivePolicy'] }));
  expect(JSON.parse(Attributes!.RedrivePolicy!)).toEqual({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 });
});

it('answers a long poll as soon as a message is sent, and with nothing when its time is up', async () => {
  const { name, url } = await newQueue();
  const polled = receive(url, { wait: 20 });
  await until(() => sqs.longPolls(name) === 1);
  await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'now' }));
  expect((await polled).map((message) => message.Body)).toEqual(['now']);
  expect(await receive(url, { wait: 1 })).toEqual([]);
});

it('takes nothing from the queue for a long poll its client abandoned', async () => {
  const { name, url } = await newQueue();
  const abandon = new AbortController();
  const polled = client.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }), { abortSignal: abandon.signal });
  await until(() => sqs.longPolls(name) === 1);
  abandon.abort();
  await expect(polled).rejects.toMatchObject({ name: 'AbortError' });
  await until(() => sqs.longPolls(name) === 0);
  await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'kept' }));
  expect(sqs.depth(name)).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
});

it('purges a queue, once a minute', async () => {
  const { name, url } = await newQueue();
  await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'gone' }));
  await client.send(new PurgeQueueCommand({ QueueUrl: url }));
  expect(sqs.depth(name)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  await expect(client.send(new PurgeQueueCommand({ QueueUrl: url }))).rejects.toMatchObject({ name: 'PurgeQueueInProgress', $metadata: { httpStatusCode: 403 } });
});

describe('errors, as the SDK types them', () => {
  it('refuses a queue that does not exist with QueueDoesNotExist', async () => {
    await expect(client.send(new GetQueueUrlCommand({ QueueName: 'nowhere' }))).rejects.toBeInstanceOf(QueueDoesNotExist);
    await expect(client.send(new SendMessageCommand({ QueueUrl: sqs.queueUrl('nowhere'), MessageBody: 'x' }))).rejects.toMatchObject({
      name: 'QueueDoesNotExist',
      message: expect.stringContaining('nowhere'),
    });
  });

  it('refuses a receipt handle it never issued', async () => {
    const { url } = await newQueue();
    await expect(client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'forged' }))).rejects.toMatchObject({ name: 'ReceiptHandleIsInvalid' });
  });

  it('names the field, the value and the range of a number out of range', async () => {
    const { url } = await newQueue();
    await expect(client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 11 }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'MaxNumberOfMessages 11: allowed is a whole number from 1 to 10',
    });
    await expect(client.send(new CreateQueueCommand({ QueueName: 'slow', Attributes: { VisibilityTimeout: '43201' } }))).rejects.toMatchObject({
      name: 'InvalidAttributeValue',
      message: expect.stringContaining('VisibilityTimeout "43201": allowed is a whole number from 0 to 43200'),
    });
  });

  it('refuses a redrive policy to a queue that does not exist, and a queue of the same name with other attributes', async () => {
    const { name } = await newQueue();
    const RedrivePolicy = JSON.stringify({ deadLetterTargetArn: sqs.queueArn('missing'), maxReceiveCount: 3 });
    await expect(client.send(new CreateQueueCommand({ QueueName: 'redriven', Attributes: { RedrivePolicy } }))).rejects.toMatchObject({ name: 'InvalidAttributeValue' });
    await expect(client.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '5' } }))).rejects.toMatchObject({ name: 'QueueNameExists' });
  });

  it('refuses message attributes, which it would otherwise drop', async () => {
    const { url } = await newQueue();
    const send = new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageAttributes: { kind: { DataType: 'String', StringValue: 'batch' } } });
    await expect(client.send(send)).rejects.toMatchObject({ name: 'UnsupportedOperation', message: expect.stringContaining('MessageAttributes') });
  });

  it('answers an action it does not know with 400 naming it, and the query protocol with 400 naming the JSON one', async () => {
    const unknown = await fetch(sqs.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListDeadLetterSourceQueues' },
      body: '{}',
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ __type: expect.stringContaining('UnknownOperationException'), message: expect.stringContaining('"ListDeadLetterSourceQueues"') });
    const query = await fetch(sqs.endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=ListQueues' });
    expect(query.status).toBe(400);
    expect(((await query.json()) as { message: string }).message).toContain('application/x-amz-json-1.0');
  });
});
